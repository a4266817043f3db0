import { test } from "node:test";
import assert from "node:assert/strict";
import { Cleanup } from "../../bench/cleanup";

test("cleanup: newest first, past failures, every problem reported, each step once", async () => {
  const order: string[] = [];
  const c = new Cleanup();
  c.add("lab", async () => void order.push("lab"));
  c.add("meter", async () => {
    order.push("meter");
    throw new Error("receiver already gone");
  });
  c.add("frr", async () => {
    order.push("frr");
    return ["r1: bfdd survived SIGKILL"];
  });
  const problems = await c.run();
  assert.deepEqual(order, ["frr", "meter", "lab"]);
  assert.deepEqual(problems, ["frr: r1: bfdd survived SIGKILL", "meter: receiver already gone"]);
  assert.deepEqual(await c.run(), [], "a second run has nothing left to do");
  assert.equal(order.length, 3);
});

test("cleanup: a step done the normal way can be forgotten", async () => {
  const order: string[] = [];
  const c = new Cleanup();
  c.add("lab", async () => void order.push("lab"));
  const forget = c.add("load", async () => void order.push("load"));
  forget();
  await c.run();
  assert.deepEqual(order, ["lab"]);
});
