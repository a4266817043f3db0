/**
 * Transactions from typed operations, without a router: every step carries
 * its own undo, back to the previous apply's operation of the same key (from
 * the applied record) or away when it is new; operations the new plan no
 * longer has are removed with their old install as undo; putting back
 * changed files re-installs the previous operations that load them.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { renderDataplane } from "../../provider/dataplane/render";
import type { DataplaneInput, DataplanePlan } from "../../provider/dataplane/types";
import { diamondInput } from "../helpers/diamond-input";
import { expectationOf } from "../../provider/engine/expect";
import { applyTransaction, type Step, type Transaction } from "../../provider/engine/transaction";
import { recordedRemoval, type AppliedRecord } from "../../provider/engine/record";
import { sha256 } from "../../provider/engine/bundle";
import { untouchedOperations } from "../../provider/engine/untouched";
import type { Change } from "../../provider/engine/diff";
import type { Observation } from "../../provider/engine/observe";

const diamond = (opts: { intervalMs: number; withPolicy: boolean }): DataplaneInput => diamondInput(opts);

/** A router that shows `files` and holds `applied` (nothing else matters to the transaction). */
function observation(applied: AppliedRecord | null, files: Record<string, string | null>): Observation {
  return {
    router: "r1", facts: {} as Observation["facts"], ownRoutes: [], dstRoutes: new Map(), sysctls: {}, files, tcFilters: {}, maps: {}, pinnedPrograms: {},
    probeSender: { pid: null, alive: false, configSha256: null }, applied, appliedSha256: applied ? sha256(JSON.stringify(applied)) : null, lock: null, fib: new Map(), addresses: new Map(),
  };
}

const bundleOf = (i: DataplaneInput) => ({ router: i.router, routers: [...i.routers], links: [...i.links], policies: [...i.policies] });

function transaction(input: DataplaneInput, have: Observation): { plan: DataplanePlan; txn: Transaction } {
  const plan = renderDataplane(input);
  return { plan, txn: applyTransaction(bundleOf(input), plan, expectationOf(plan), have) };
}

function recordOf(txn: Transaction): AppliedRecord {
  const w = txn.steps.find((s) => s.writeFile)!.writeFile!;
  return JSON.parse(w.content) as AppliedRecord;
}

const argvs = (s: Step | undefined, what: "do" | "undo") => (s?.[what] ?? []).map((c) => c.argv.join(" "));

/** The transaction from `previous` to the same router with no protected link and no policy left. */
function withoutLinks(input: DataplaneInput, previous: AppliedRecord): Transaction {
  const noLinks = { ...input, links: [], policies: [], facts: { ...input.facts, sidDevice: "eth1" } };
  const plan = renderDataplane(noLinks);
  return applyTransaction(bundleOf(noLinks), plan, expectationOf(plan), observation(previous, {}));
}

test("transaction: a first apply undoes each step by removing what it added", () => {
  const input = diamond({ intervalMs: 10, withPolicy: true });
  const { plan, txn } = transaction(input, observation(null, {}));
  const route = plan.operations.find((o) => o.kind === "route" && o.route.dst === "2001:db8:2::/64")!;
  const step = txn.steps.find((s) => s.name === route.description);
  assert.deepEqual(argvs(step, "undo"), route.remove.map((c) => c.argv.join(" ")));
  const files = txn.steps.find((s) => s.installFiles)!;
  assert.deepEqual(files.undo, [], "no previous programs to reload");
  assert.deepEqual(txn.rollback, [], "no whole-configuration replay");
  const record = recordOf(txn);
  assert.equal(txn.steps.find((s) => s.writeFile)!.writeFile!.mode, 0o600, "the record is root's alone");
  const withKeys = applyTransaction({ ...bundleOf(input), routers: bundleOf(input).routers.map((r) => ({ ...r, private_key_file: "/home/ops/.ssh/id_srv6", known_hosts_file: "/home/ops/.ssh/known_hosts" })) }, plan, expectationOf(plan), observation(null, {}));
  const written = withKeys.steps.find((s) => s.writeFile)!.writeFile!.content;
  assert.ok(!written.includes("/home/ops/.ssh"), "no file path of the controller in a router's record");
  assert.equal(record.version, 2);
  assert.deepEqual(record.operations.map((o) => o.key), plan.operations.map((o) => o.key));
  assert.deepEqual(recordedRemoval(record).map((c) => c.argv), plan.remove.map((c) => c.argv), "destroy removes what the plan's removal says");
});

test("transaction: a change undoes each step back to the previous apply's operation of the same key", () => {
  const before = transaction(diamond({ intervalMs: 10, withPolicy: true }), observation(null, {}));
  const previous = recordOf(before.txn);
  const oldFiles = Object.fromEntries(before.plan.files.map((f) => [f.remotePath, "0".repeat(64)]));
  const { plan, txn } = transaction(diamond({ intervalMs: 5, withPolicy: false }), observation(previous, oldFiles));
  const prev = new Map(previous.operations.map((o) => [o.key, o]));

  const stepless = plan.operations.filter((o) => o.install.length && !txn.steps.some((s) => s.name === o.description)).map((o) => o.key);
  assert.deepEqual(stepless, ["directories"], "only what is installed exactly so and shows no drift is left alone");
  for (const op of plan.operations.filter((o) => o.install.length && !stepless.includes(o.key))) {
    const step = txn.steps.find((s) => s.name === op.description);
    assert.ok(step, `a step for ${op.key}`);
    const old = prev.get(op.key)!;
    const expected = op.kind === "sysctls" ? [...op.remove, ...old.install] : old.install;
    assert.deepEqual(argvs(step, "undo"), expected.map((c) => c.argv.join(" ")), `undo of ${op.key} restores the previous one`);
  }
  const dropped = previous.operations.filter((o) => !plan.operations.some((n) => n.key === o.key));
  assert.deepEqual(dropped.map((o) => o.key), ["bpf-programs /sys/fs/bpf/srv6p/reroute", "route 2001:db8:2::/64 metric 10"],
    "the dropped policy's route and, with no protected prefix left, the shared reroute programs are the only operations gone");
  const names = (t: typeof txn) => t.steps.map((s) => s.name);
  assert.ok(names(txn).indexOf(`remove: ${dropped[1]!.description}`) < names(txn).indexOf(`remove: ${dropped[0]!.description}`), "the route goes before the programs it runs");
  const gone = dropped.slice(1);
  const removal = txn.steps.find((s) => s.name === `remove: ${gone[0]!.description}`)!;
  assert.deepEqual(argvs(removal, "do"), gone[0]!.remove.map((c) => c.argv.join(" ")));
  assert.ok(removal.do!.every((c) => c.mayFail), "removal tolerates 'already gone'");
  assert.deepEqual(argvs(removal, "undo"), gone[0]!.install.map((c) => c.argv.join(" ")), "undoing the removal puts the old route back");

  const files = txn.steps.find((s) => s.installFiles)!;
  assert.equal(files.installFiles!.length, plan.files.length, "every file differs from the router's");
  assert.deepEqual(argvs(files, "undo"), previous.operations.filter((o) => o.usesFiles).flatMap((o) => o.install).map((c) => c.argv.join(" ")),
    "after the files are back, the previous programs are loaded from them again");
  const stepNames = names(txn);
  assert.ok(stepNames.indexOf("wait until every router has its SIDs") < stepNames.indexOf(files.name), "files after the barrier");
});

test("transaction: a version 1 record still rolls back by replaying its commands", () => {
  const input = diamond({ intervalMs: 10, withPolicy: true });
  const plan = renderDataplane(input);
  const v1 = {
    version: 1 as const, bundle: bundleOf(input), committedAt: "2026-11-01T00:00:00Z", by: "old controller",
    install: plan.install.map((c) => ({ argv: c.argv, description: c.description, ...(c.input !== undefined ? { input: c.input } : {}) })),
    remove: [
      ...plan.remove.map((c) => ({ argv: c.argv, description: c.description })),
      // How version 1 removed the probe route: with its gateway and device.
      { argv: ["ip", "-6", "route", "del", "fc00:0:2:1001::/128", "via", "fd00:0:0:1::2", "dev", "eth1", "proto", "214"], description: "remove probe route to fc00:0:2:1001::" },
      { argv: ["tc", "filter", "del", "dev", "eth9", "egress", "pref", "49152", "handle", "0x5336", "bpf"], description: "remove probe stamper from eth9" },
    ],
  };
  const txn = applyTransaction(bundleOf(input), plan, expectationOf(plan), { ...observation(null, {}), applied: v1 });
  assert.equal(txn.rollback.length, v1.install.length);
  assert.ok(txn.steps.some((s) => s.name === "remove: remove probe stamper from eth9"), "what the old record removes and the new plan does not is removed");
  const installed = new Set(plan.operations.flatMap((o) => (o.kind === "route" ? [o.route.dst] : [])));
  const deleted = txn.steps.flatMap((s) => s.do ?? []).filter((c) => c.argv.slice(0, 4).join(" ") === "ip -6 route del").map((c) => c.argv[4]!);
  assert.deepEqual(deleted.filter((d) => installed.has(d)), [], "no step deletes a route the new plan installs (the old removal argv differs from ours)");
  const route = plan.operations.find((o) => o.kind === "route")!;
  assert.deepEqual(argvs(txn.steps.find((s) => s.name === route.description), "undo"), route.remove.map((c) => c.argv.join(" ")));
});

test("transaction: operations installed exactly so and showing no drift get no step, so neither the apply nor its undo touches them", () => {
  const before = transaction(diamond({ intervalMs: 10, withPolicy: true }), observation(null, {}));
  const previous = new Map(recordOf(before.txn).operations.map((o) => [o.key, o]));
  const plan = renderDataplane(diamond({ intervalMs: 5, withPolicy: true }));
  const change = (kind: Change["kind"], item: string): Change => ({ router: "r1", kind, action: "change", item, summary: item });
  const timers = [change("map-entry", "srv6p_link_config[01]"), change("probe-sender", "config")];
  const left = untouchedOperations(plan.operations, previous, timers, false);
  const routes = plan.operations.filter((o) => o.kind === "route").map((o) => o.key);
  assert.ok(routes.length > 3);
  for (const k of [...routes, "sysctls", "tunsrc", "directories"]) assert.ok(left.has(k), `${k} is left alone when only timers change`);
  for (const k of ["maps", "probe-sender"]) assert.ok(!left.has(k), `${k} changes`);
  assert.ok(!untouchedOperations(plan.operations, previous, [...timers, change("sysctl", "net.ipv6.conf.all.forwarding")], false).has("sysctls"), "a drifted sysctl is set again");
  const withFiles = untouchedOperations(plan.operations, previous, timers, true);
  for (const o of plan.operations.filter((x) => x.usesFiles)) assert.ok(!withFiles.has(o.key), `${o.key} loads a changed file again`);
  assert.equal(untouchedOperations(plan.operations, previous, [{ ...timers[0]!, kind: "something new" as Change["kind"] }], false).size, 0, "a change of a kind it does not know: everything is installed again");
});

test("transaction: sysctls go back to the values the router showed; a dropped link end's neighbour setting is reset", () => {
  const input = diamond({ intervalMs: 10, withPolicy: true });
  const plan = renderDataplane(input);
  const have = observation(null, {});
  const shown = Object.fromEntries(plan.operations.flatMap((o) => (o.kind === "sysctls" ? o.values.map(([k]) => [k, k.includes("retrans") ? "1000" : "0"]) : [])));
  const txn = applyTransaction(bundleOf(input), plan, expectationOf(plan), { ...have, sysctls: shown });
  const retrans = plan.operations.find((o) => o.kind === "sysctls" && o.key.startsWith("sysctl "))!;
  assert.match(retrans.key, /^sysctl net\.ipv6\.neigh\.eth1\.retrans_time_ms$/);
  assert.deepEqual(argvs(txn.steps.find((s) => s.name === retrans.description), "undo"), ["sysctl -q -w net.ipv6.neigh.eth1.retrans_time_ms=1000"], "exactly what the router had");
  const router = txn.steps.find((s) => s.name === "enable IPv6 forwarding and SRv6")!;
  assert.ok(argvs(router, "undo")[0]!.includes("net.ipv6.conf.all.forwarding=0"));

  // The previous configuration had the end; this one does not.
  const next = withoutLinks(input, recordOf(txn));
  const removal = next.steps.find((s) => s.name === `remove: ${retrans.description}`)!;
  assert.match(argvs(removal, "do")[0]!, /retrans_time_ms=\$v/, "reset to the kernel's default");
});

test("transaction: what the new plan drops is removed last installed first (the stamper before its clsact)", () => {
  const input = diamond({ intervalMs: 10, withPolicy: true });
  const next = withoutLinks(input, recordOf(transaction(input, observation(null, {})).txn));
  const names = next.steps.map((s) => s.name);
  const filter = names.indexOf("remove: probe stamper on eth1 egress");
  const qdisc = names.indexOf("remove: clsact qdisc on eth1");
  assert.ok(filter >= 0 && qdisc > filter, `the filter (${filter}) goes before the qdisc (${qdisc})`);
});

test("transaction: dropped maps are unpinned only after everything else, with nothing to undo (the programs that made them are gone by then)", () => {
  const input = diamond({ intervalMs: 10, withPolicy: true });
  const next = withoutLinks(input, recordOf(transaction(input, observation(null, {})).txn));
  const last = next.steps.at(-1)!;
  assert.match(last.name, /^remove: write .* to the pinned maps$/);
  assert.equal(last.undo, undefined);
  assert.ok(next.steps.findIndex((s) => s.writeFile) < next.steps.length - 1, "after the record");
});
