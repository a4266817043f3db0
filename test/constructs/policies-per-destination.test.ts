/**
 * One srv6_backup_policy per (protected link end, destination router), with
 * every prefix behind that router: adding a prefix to a router changes one
 * resource, prefixes are kept canonical and sorted, and a router with
 * 10 000 prefixes synthesizes (plan and the rule book) as one policy per
 * link end.
 *
 *   r1 --eth1/eth1-- r2
 *   |                 |
 *  eth2             eth2      r1-r2 metric 1, the others 10;
 *   |                 |       r1-r2 protected
 *   r3 ---eth1/eth1-- r4
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { TerraformStack } from "cdktf";
import { testApp } from "./helpers/app";
import { resourcesOf, schemaProblems, synthJson } from "./helpers/synth";
import { ProtectedNetwork } from "../../constructs";
import { formatPrefix, subnet, parseIpv6Prefix } from "../../model/ipv6";
import { LIMITS } from "../../model/schema";
import { readFileSync } from "node:fs";
import { join } from "node:path";

function square(r4Prefixes: readonly string[], r2Prefixes: readonly string[] = []) {
  const stack = new TerraformStack(testApp(), "per-destination");
  const net = new ProtectedNetwork(stack, "net");
  const r1 = net.addRouter("r1", { host: "192.0.2.1", locator: "fc00:0:1::/48", prefixes: ["2001:db8:1::/64"] });
  const r2 = net.addRouter("r2", { host: "192.0.2.2", locator: "fc00:0:2::/48", ...(r2Prefixes.length ? { prefixes: r2Prefixes } : {}) });
  const r3 = net.addRouter("r3", { host: "192.0.2.3", locator: "fc00:0:3::/48" });
  const r4 = net.addRouter("r4", { host: "192.0.2.4", locator: "fc00:0:4::/48", prefixes: r4Prefixes });
  const l12 = net.addLink("r1-r2", { routerA: r1, interfaceA: "eth1", addressA: "fd00:0:0:1::1", routerB: r2, interfaceB: "eth1", addressB: "fd00:0:0:1::2", metric: 1 });
  net.addLink("r1-r3", { routerA: r1, interfaceA: "eth2", addressA: "fd00:0:0:2::1", routerB: r3, interfaceB: "eth1", addressB: "fd00:0:0:2::2", metric: 10 });
  net.addLink("r2-r4", { routerA: r2, interfaceA: "eth2", addressA: "fd00:0:0:3::1", routerB: r4, interfaceB: "eth1", addressB: "fd00:0:0:3::2", metric: 10 });
  net.addLink("r3-r4", { routerA: r3, interfaceA: "eth2", addressA: "fd00:0:0:4::1", routerB: r4, interfaceB: "eth2", addressB: "fd00:0:0:4::2", metric: 10 });
  net.protect(l12);
  return { stack, r4 };
}

test("one policy per link end and destination router, named <link>-<router>-to-<destination>, prefixes sorted", () => {
  const json = synthJson(square(["2001:db8:4:9::/64", "2001:DB8:4::/64"]).stack);
  assert.deepEqual(schemaProblems(json), []);
  const policies = resourcesOf(json, "srv6_backup_policy");
  assert.deepEqual(Object.keys(policies).sort(), ["r1-r2-r1-to-r4", "r1-r2-r2-to-r1"]);
  const toR4 = policies["r1-r2-r1-to-r4"]!;
  assert.equal(toR4.name, "r1-r2-r1-to-r4");
  assert.equal(toR4.destination, "${srv6_router.r4.name}");
  assert.deepEqual(toR4.prefixes, ["2001:db8:4::/64", "2001:db8:4:9::/64"], "canonical, in address order");
});

test("adding a prefix behind a router changes that one resource", () => {
  const before = synthJson(square(["2001:db8:4::/64"]).stack);
  const { stack, r4 } = square(["2001:db8:4::/64"]);
  r4.addPrefix("2001:db8:44::/64");
  const after = synthJson(stack);
  const changed: string[] = [];
  for (const type of Object.keys(after.resource ?? {})) {
    const was = resourcesOf(before, type);
    for (const [id, r] of Object.entries(resourcesOf(after, type))) if (JSON.stringify(was[id]) !== JSON.stringify(r)) changed.push(`${type}.${id}`);
    for (const id of Object.keys(was)) if (!(id in resourcesOf(after, type))) changed.push(`${type}.${id} (gone)`);
  }
  assert.deepEqual(changed, ["srv6_backup_policy.r1-r2-r1-to-r4"]);
  assert.deepEqual(resourcesOf(after, "srv6_backup_policy")["r1-r2-r1-to-r4"]!.prefixes, ["2001:db8:4::/64", "2001:db8:44::/64"]);
});

test("10 000 prefixes behind one router: one policy per link end, planned and checked in seconds", () => {
  const block = parseIpv6Prefix("2001:db8:4000::/36");
  const prefixes = Array.from({ length: 10_000 }, (_, i) => formatPrefix(subnet(block, 64, BigInt(i))));
  const started = Date.now();
  const json = synthJson(square(prefixes).stack);
  const ms = Date.now() - started;
  const policies = resourcesOf(json, "srv6_backup_policy");
  assert.deepEqual(Object.keys(policies).sort(), ["r1-r2-r1-to-r4", "r1-r2-r2-to-r1"]);
  assert.equal((policies["r1-r2-r1-to-r4"]!.prefixes as string[]).length, 10_000);
  assert.ok(ms < 60_000, `synth of 10 000 prefixes in ${ms} ms`);
  console.log(`# 10 000 prefixes behind r4: synth with the rule book in ${ms} ms`);
});

test("more protected prefixes on one router than its backup map holds is refused at synth, naming the policy and the count", () => {
  // r1 protects what lies behind r2 and behind r4 over r1-r2: each policy is within its own limit, together they are not.
  const block = (b: string, n: number) => Array.from({ length: n }, (_, i) => formatPrefix(subnet(parseIpv6Prefix(b), 64, BigInt(i))));
  const total = LIMITS.protectedPrefixesPerRouter + 10;
  assert.throws(() => synthJson(square(block("2001:db8:4000::/34", total - 30_000), block("2001:db8:2000::/35", 30_000)).stack), (err: Error) => {
    assert.match(err.message, /srv6_backup_policy\.r1-r2-r1-to-r[24]/);
    assert.match(err.message, new RegExp(`prefixes = "${total} prefixes"`));
    assert.match(err.message, new RegExp(`router r1 would protect ${total} prefixes .*at most ${LIMITS.protectedPrefixesPerRouter}`));
    return true;
  });
});

test("the per-router prefix limit is the backup map's size in the eBPF header", () => {
  const header = readFileSync(join(__dirname, "../../../bpf/lib/srv6p_maps.h"), "utf8");
  assert.equal(Number(/#define SRV6P_MAX_BACKUPS (\d+)/.exec(header)?.[1]), LIMITS.protectedPrefixesPerRouter);
});
