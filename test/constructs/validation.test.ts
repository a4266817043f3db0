/**
 * One test per validation error. Whole-topology problems fail synth (all of
 * them at once, through node.addValidation); bad props throw at declaration
 * with the construct, the field and the value.
 *
 * Base topology (triangle, every link metric 10):
 *
 *   r1 --eth1/eth1-- r2
 *     \             /
 *    eth2        eth2
 *       \       /
 *        r3 ---
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { Testing, TerraformStack } from "cdktf";
import { testApp } from "./helpers/app";
import { KEY_MATERIAL_NOT_SHOWN } from "../../model/issue";
import { PASTED_KEY, PASTED_KEY_BODY } from "../state/bad-input-table";
import { ConstructConfigError, ProtectedNetwork, type Router, type RouterProps, type TopologyProblemKind } from "../../constructs";
import { squareWithTail } from "./helpers/square-with-tail";

function triangle(overrides: Partial<Record<"r1" | "r2" | "r3", Partial<RouterProps>>> = {}) {
  const stack = new TerraformStack(testApp(), "v");
  const net = new ProtectedNetwork(stack, "net");
  const router = (name: "r1" | "r2" | "r3", i: number): Router =>
    net.addRouter(name, { host: `192.0.2.${i}`, locator: `fc00:0:${i}::/48`, prefixes: [`2001:db8:${i}::/64`], ...overrides[name] });
  const r1 = router("r1", 1);
  const r2 = router("r2", 2);
  const r3 = router("r3", 3);
  const l12 = net.addLink("r1-r2", { routerA: r1, interfaceA: "eth1", addressA: "fd00:0:0:1::1", routerB: r2, interfaceB: "eth1", addressB: "fd00:0:0:1::2" });
  const l23 = net.addLink("r2-r3", { routerA: r2, interfaceA: "eth2", addressA: "fd00:0:0:2::1", routerB: r3, interfaceB: "eth1", addressB: "fd00:0:0:2::2" });
  const l13 = net.addLink("r1-r3", { routerA: r1, interfaceA: "eth2", addressA: "fd00:0:0:3::1", routerB: r3, interfaceB: "eth2", addressB: "fd00:0:0:3::2" });
  return { stack, net, r1, r2, r3, l12, l23, l13 };
}

/** Synth must fail listing a problem of `kind` whose message matches every pattern. */
function assertSynthProblem(stack: TerraformStack, net: ProtectedNetwork, kind: TopologyProblemKind, ...patterns: RegExp[]): void {
  const problems = net.plan().problems.filter((p) => p.kind === kind);
  assert.ok(problems.length > 0, `expected a ${kind} problem, got ${JSON.stringify(net.plan().problems)}`);
  let message = "";
  assert.throws(() => Testing.synth(stack, true), (err: Error) => {
    message = err.message;
    return true;
  }, "synth fails");
  for (const pattern of patterns) assert.match(message, pattern);
}

test("the base triangle synthesizes cleanly", () => {
  const { stack, net } = triangle();
  net.protectAll();
  assert.deepEqual(net.plan().problems, []);
  assert.doesNotThrow(() => Testing.synth(stack, true));
});

test("bridge link: no backup path", () => {
  const { stack, net, r1 } = triangle();
  const r4 = net.addRouter("r4", { host: "192.0.2.4", locator: "fc00:0:4::/48", prefixes: ["2001:db8:4::/64"] });
  const bridge = net.addLink("r1-r4", { routerA: r1, interfaceA: "eth3", addressA: "fd00:0:0:4::1", routerB: r4, interfaceB: "eth1", addressB: "fd00:0:0:4::2" });
  net.protect(bridge);
  assertSynthProblem(stack, net, "bridge-link", /link "r1-r4"/, /only connection between "r1" and "r4"/, /bridge/, /skipBridges/);
});

test("bridge link: protectAll({ skipBridges: true }) leaves it out", () => {
  const { stack, net, r1 } = triangle();
  const r4 = net.addRouter("r4", { host: "192.0.2.4", locator: "fc00:0:4::/48" });
  net.addLink("r1-r4", { routerA: r1, interfaceA: "eth3", addressA: "fd00:0:0:4::1", routerB: r4, interfaceB: "eth1", addressB: "fd00:0:0:4::2" });
  net.protectAll({ skipBridges: true });
  const json = JSON.parse(Testing.synth(stack, true)) as { resource: Record<string, Record<string, unknown>> };
  assert.deepEqual(Object.keys(json.resource.srv6_protected_link!).sort(), ["r1-r2", "r1-r3", "r2-r3"]);
});

test("locator overlap between two routers", () => {
  const { stack, net } = triangle({ r2: { locator: "fc00::/32" } });
  assertSynthProblem(stack, net, "locator-overlap", /router "r2"/, /fc00::\/32 overlaps router "r1"'s locator fc00:0:1::\/48/, /its own locator/);
});

test("locator overlap with a prefix", () => {
  const { stack, net } = triangle({ r3: { prefixes: ["fc00:0:1:8000::/64"] } });
  assertSynthProblem(stack, net, "locator-overlap", /prefix fc00:0:1:8000::\/64/, /router "r1"'s locator/);
});

test("the same prefix behind two routers", () => {
  const { stack, net } = triangle({ r3: { prefixes: ["2001:db8:1::/64"] } });
  assertSynthProblem(stack, net, "prefix-overlap", /prefix 2001:db8:1::\/64/, /behind router "r3"/, /behind router "r1"/);
});

test("SID collision: a node SID override equal to an End.X SID", () => {
  // Link 1 (r1-r2) protected: r1's End.X over it is fc00:0:1:1001::.
  const { stack, net, l12 } = triangle({ r1: { nodeSid: "fc00:0:1:1001::" } });
  net.protect(l12);
  assertSynthProblem(stack, net, "sid-collision", /router "r1"/, /fc00:0:1:1001::/, /node SID/, /unique/);
});

test("SID collision: a SID equal to the loopback (locator ::1)", () => {
  const { stack, net } = triangle({ r2: { decapSid: "fc00:0:2::1" } });
  assertSynthProblem(stack, net, "sid-collision", /router "r2"/, /decap SID fc00:0:2::1 is the locator's ::1/);
});

test("SID outside its router's locator", () => {
  const { stack, net } = triangle({ r3: { decapSid: "fc00:0:9:2::" } });
  assertSynthProblem(stack, net, "sid-outside-locator", /router "r3"/, /decap SID fc00:0:9:2:: is outside its locator fc00:0:3::\/48/);
});

test("interface used twice on a router", () => {
  const { stack, net, r1, r2 } = triangle();
  net.addLink("r1-r2-b", { routerA: r1, interfaceA: "eth1", addressA: "fd00:0:0:5::1", routerB: r2, interfaceB: "eth5", addressB: "fd00:0:0:5::2" });
  assertSynthProblem(stack, net, "interface-reused", /router "r1"/, /interface "eth1" is used by link "r1-r2" and by link "r1-r2-b"/);
});

test("address used twice", () => {
  const { stack, net, r2, r3 } = triangle();
  net.addLink("r2-r3-b", { routerA: r2, interfaceA: "eth3", addressA: "fd00:0:0:2::1", routerB: r3, interfaceB: "eth3", addressB: "fd00:0:0:6::2" });
  assertSynthProblem(stack, net, "address-reused", /link "r2-r3-b"/, /fd00:0:0:2::1/);
});

test("unreachable prefix", () => {
  const { stack, net } = triangle();
  net.addRouter("r9", { host: "192.0.2.9", locator: "fc00:0:9::/48", prefixes: ["2001:db8:9::/64"] });
  assertSynthProblem(stack, net, "prefix-unreachable", /prefix 2001:db8:9::\/64/, /behind router "r9"/, /"r1", "r2", "r3"/, /Add a link/);
});

test("every problem is reported at once", () => {
  const { stack, net } = triangle({ r2: { locator: "fc00::/32" }, r3: { decapSid: "fc00:0:9:2::" } });
  net.addRouter("r9", { host: "192.0.2.9", locator: "fc00:0:9::/48", prefixes: ["2001:db8:9::/64"] });
  const kinds = new Set(net.plan().problems.map((p) => p.kind));
  for (const k of ["locator-overlap", "sid-outside-locator", "prefix-unreachable"] as const) assert.ok(kinds.has(k), k);
  assert.throws(() => Testing.synth(stack, true), (err: Error) => /locator-overlap|overlaps/.test(err.message) && /outside its locator/.test(err.message) && /cannot be reached/.test(err.message));
});

function assertConfigError(fn: () => unknown, field: string, value: unknown, ...patterns: RegExp[]): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof ConstructConfigError, `ConstructConfigError, got ${String(err)}`);
    assert.equal(err.field, field);
    assert.deepEqual(err.value, value);
    for (const p of patterns) assert.match(err.message, p);
    return true;
  });
}

test("declaration errors name the construct, the field and the value", () => {
  const { net, r1, r2, l12 } = triangle();
  const ok = { host: "192.0.2.7", locator: "fc00:0:7::/48" };
  assertConfigError(() => net.addRouter("R7", ok), "id", "R7", /router "R7"/, /lower-case/);
  assertConfigError(() => net.addRouter("constructor", ok), "id", "constructor", /router "constructor"/, /Object.prototype already has 'constructor'/);
  assertConfigError(() => net.addRouter("r7", { ...ok, locator: "fc00:0:7::/80" }), "locator", "fc00:0:7::/80", /16 to 64/);
  assertConfigError(() => net.addRouter("r7", { ...ok, locator: "fc00:0:7::1/48" }), "locator", "fc00:0:7::1/48", /host bits/);
  assertConfigError(() => net.addRouter("r7", { ...ok, host: "h;reboot" }), "host", "h;reboot", /router "r7"/, /pattern/);
  assertConfigError(() => net.addRouter("r7", { ...ok, privateKeyFile: "" }), "privateKeyFile", "", /router "r7"/);
  assertConfigError(() => net.addRouter("r7", { ...ok, privateKeyFile: "id_ed25519" }), "privateKeyFile", "id_ed25519", /an absolute path/);
  assertConfigError(() => net.addRouter("r7", { ...ok, privateKeyFile: PASTED_KEY }), "privateKeyFile", KEY_MATERIAL_NOT_SHOWN, /privateKeyFile = "\(key material, not shown\)": .*not its content/);
  assert.throws(() => net.addRouter("r7", { ...ok, privateKeyFile: PASTED_KEY }), (err: Error) => !err.message.includes(PASTED_KEY_BODY) && !JSON.stringify(err).includes(PASTED_KEY_BODY), "the key is not in the error");
  assertConfigError(() => net.addRouter("r7", { ...ok, prefixes: ["2001:db8::/129"] }), "prefixes", "2001:db8::/129", /over 128/);
  assertConfigError(() => net.addRouter("r7", { ...ok, nodeSid: "not-an-address" }), "nodeSid", "not-an-address");
  const base = { routerA: r1, interfaceA: "eth7", addressA: "fd00:0:0:7::1", routerB: r2, interfaceB: "eth7", addressB: "fd00:0:0:7::2" };
  assertConfigError(() => net.addLink("x1", { ...base, metric: 0 }), "metric", 0, /link "x1"/, /1 to/);
  assertConfigError(() => net.addLink("constructor", base), "id", "constructor", /link "constructor"/, /choose another link name/);
  assertConfigError(() => net.addLink("x2", { ...base, metric: 2.5 }), "metric", 2.5);
  assertConfigError(() => net.addLink("x3", { ...base, interfaceA: "lo" }), "interfaceA", "lo");
  assertConfigError(() => net.addLink("x4", { ...base, interfaceB: "eth 7;" }), "interfaceB", "eth 7;");
  assertConfigError(() => net.addLink("x5", { ...base, addressA: "fd00::zz" }), "addressA", "fd00::zz", /IPv6 address/);
  assertConfigError(() => net.addLink("x6", { ...base, routerB: r1 }), "routerB", "r1", /two different routers/);
  const other = triangle();
  assertConfigError(() => net.addLink("x7", { ...base, routerB: other.r2 }), "routerB", other.r2.node.path, /not a router of network/);
  assertConfigError(() => net.protect(other.l12), "protect", other.l12.node.path, /not a link of this network/);
  assertConfigError(() => net.protect(l12, { probeIntervalMs: 0 }), "probeIntervalMs", 0, /link "r1-r2"/, /1 to 10000/);
  assertConfigError(() => net.protect(l12, { multiplier: 1 }), "multiplier", 1, /2 to 255/);
  assertConfigError(() => net.protect(l12, { probeIntervalMs: 5000 }), "probeIntervalMs", 5000, /probeIntervalMs x multiplier = 5000 x 3 = 15000 ms/, /within 10000 ms/);
  assertConfigError(() => new ProtectedNetwork(new TerraformStack(testApp(), "s"), "n", { holdDownMs: -1 }), "holdDownMs", -1);
  assertConfigError(() => net.protect(l12, { backupProbeIntervalMs: 50 }), "backupProbeIntervalMs", 50, /0 \(no backup probes\) or at least 100 ms/);
  assertConfigError(() => new ProtectedNetwork(new TerraformStack(testApp(), "s"), "n", { backupProbeIntervalMs: 60001 }), "backupProbeIntervalMs", 60001, /0 to 60000/);
  assertConfigError(() => net.protect(l12, { protection: "nodes" as "node" }), "protection", "nodes", /link "r1-r2"/, /"link", "node", "srlg"/);
  assertConfigError(() => new ProtectedNetwork(new TerraformStack(testApp(), "s"), "n", { allowPartialCoverage: "yes" as unknown as boolean }), "allowPartialCoverage", "yes");
  assertConfigError(() => net.addLink("x8", { ...base, srlgs: ["duct 7"] }), "srlgs[0]", "duct 7", /link "x8"/, /risk group name/);
  assertConfigError(() => net.addLink("x9", { ...base, srlgs: "duct-7" as unknown as string[] }), "srlgs", "duct-7", /list/);
});

test("node protection: a backup avoids the neighbour router; traffic to the neighbour keeps link protection; a cut vertex is uncovered", () => {
  const stack = new TerraformStack(testApp(), "v");
  const net = squareWithTail(stack, { protection: "node" });
  const plan = net.plan();
  const at = (dst: string) => plan.policies.find((p) => p.router === "r1" && p.destination === dst);
  assert.deepEqual(at("r3")?.via, ["r1", "r4", "r3"], "to r3 around r2");
  assert.equal(at("r3")?.protects, "node");
  assert.equal(at("r2")?.protects, "link", "to r2 itself: link protection");
  assert.equal(at("r5"), undefined, "no backup to r5 avoids r2");
  assertSynthProblem(stack, net, "uncovered", /link "r1-r2"/, /node protection: no path from r1 to r5 avoids router "r2"/, /allowPartialCoverage/);

  const partial = squareWithTail(new TerraformStack(testApp(), "w"), { protection: "node", allowPartialCoverage: true });
  const fallback = partial.plan().policies.find((p) => p.router === "r1" && p.destination === "r5");
  assert.equal(fallback?.protects, "link", "with allowPartialCoverage, r5 gets the link's own backup");
  assert.deepEqual(partial.plan().problems, []);
});

test("SRLG protection: a backup avoids every link sharing a risk group with the protected one", () => {
  // r1 reaches r2 directly; without r1-r2 the cheapest way is over r3, whose link to r2 shares duct-7 with r1-r2.
  const make = (protection: "link" | "srlg") => {
    const net = new ProtectedNetwork(new TerraformStack(testApp(), "v"), "net", { protection });
    const r = [1, 2, 3, 4].map((i) => net.addRouter(`r${i}`, { host: `192.0.2.${i}`, locator: `fc00:0:${i}::/48`, prefixes: [`2001:db8:${i}::/64`] }));
    const link = (a: number, b: number, k: number, metric: number, srlgs: string[] = []) => net.addLink(`r${a}-r${b}`, {
      routerA: r[a - 1]!, interfaceA: `eth${k}a`, addressA: `fd00:0:0:${k}::1`, routerB: r[b - 1]!, interfaceB: `eth${k}b`, addressB: `fd00:0:0:${k}::2`, metric, srlgs,
    });
    net.protect(link(1, 2, 1, 1, ["duct-7"]));
    link(1, 3, 2, 1);
    link(3, 2, 3, 1, ["duct-7", "card-1"]);
    link(1, 4, 4, 2);
    link(4, 2, 5, 2);
    return net.plan();
  };
  const to = (plan: ReturnType<typeof make>) => plan.policies.find((p) => p.router === "r1" && p.destination === "r2");
  assert.deepEqual(to(make("link"))?.via, ["r1", "r3", "r2"], "link protection may use r3-r2");
  assert.deepEqual(to(make("srlg"))?.via, ["r1", "r4", "r2"], "SRLG protection avoids r3-r2 (duct-7)");
  assert.equal(to(make("srlg"))?.protects, "srlg");
  assert.deepEqual(make("srlg").problems, []);
});

test("backup probe interval: per link over the network default, emitted only when set", () => {
  const { stack, net, l12 } = triangle();
  net.protect(l12, { backupProbeIntervalMs: 0 });
  const links = Object.values((JSON.parse(Testing.synth(stack, true)) as { resource: { srv6_protected_link: Record<string, Record<string, unknown>> } }).resource.srv6_protected_link);
  assert.deepEqual(links.map((l) => l.backup_probe_interval_ms), [0]);
});

test("nothing can be added once synthesis emitted the resources", () => {
  const { stack, net, r1, l12 } = triangle();
  Testing.synth(stack, true);
  assertConfigError(() => net.addRouter("r7", { host: "192.0.2.7", locator: "fc00:0:7::/48" }), "addRouter", undefined, /already emitted/);
  assertConfigError(() => net.protect(l12), "protect", undefined, /already emitted/);
  assertConfigError(() => net.protectAll(), "protectAll", undefined, /already emitted/);
  assertConfigError(() => r1.addPrefix("2001:db8:77::/64"), "addPrefix", undefined, /already emitted/);
});

test("two networks in one stack share the provider and may not reuse names", () => {
  const stack = new TerraformStack(testApp(), "two");
  const east = new ProtectedNetwork(stack, "east");
  const west = new ProtectedNetwork(stack, "west");
  assert.equal(west.provider, east.provider, "one provider block per stack");
  east.addRouter("r1", { host: "192.0.2.1", locator: "fc00:0:1::/48" });
  assertConfigError(() => west.addRouter("r1", { host: "192.0.2.2", locator: "fc00:0:2::/48" }), "id", "r1", /two\/east\/r1 already uses this name/);
  west.addRouter("r2", { host: "192.0.2.2", locator: "fc00:0:2::/48" });
  const json = JSON.parse(Testing.synth(stack, true)) as { provider: { srv6: unknown[] }; resource: Record<string, Record<string, unknown>> };
  assert.equal(json.provider.srv6.length, 1);
  assert.deepEqual(Object.keys(json.resource.srv6_router!).sort(), ["r1", "r2"]);
});

test("synth refuses what only the whole-network rules know: a jump host port over 65535", () => {
  const { stack, net } = triangle({ r3: { jumpHost: "ops@bastion:99999" } });
  net.protectAll();
  assert.throws(() => Testing.synth(stack, true), (err: Error) =>
    /srv6_router\.r3\.jump_host = "ops@bastion:99999": the jump host's port '99999' is not a port/.test(err.message), "synth fails with the rule book's message");
});

test("synth applies the whole-network rules the CLI and the provider apply (model/network-rules.ts)", () => {
  // Two routers behind one SSH endpoint: the construct plan has no opinion, the rule book does.
  const { stack, net } = triangle({ r2: { host: "192.0.2.1" } });
  net.protectAll();
  assert.deepEqual(net.plan().problems, [], "nothing the construct plan itself checks");
  assert.throws(() => Testing.synth(stack, true), (err: Error) =>
    /srv6_router\.r2\.host = "192\.0\.2\.1": same SSH endpoint 192\.0\.2\.1:22 as srv6_router\.r1/.test(err.message), "synth fails with the rule book's message");
});
