import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync, readFileSync, readdirSync, existsSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseTopology, TopologyError } from "../../lab";
import { planLab } from "../../lab/topology/addressing";
import { baseRouteBatch, baseRoutes } from "../../lab/routing/base-routes";
import { labIgp, locatorInterfaceBatch } from "../../lab/routing/frr/igp";

const diamond = (): Record<string, any> => JSON.parse(readFileSync("examples/lab/diamond.json", "utf8"));

function problemsOf(text: string): { field: string; value: unknown; message: string }[] {
  try {
    parseTopology(text, "t.json");
  } catch (err) {
    assert.ok(err instanceof TopologyError, `expected TopologyError, got ${err}`);
    return [...err.problems];
  }
  assert.fail("topology was accepted");
}

const cases: { name: string; mutate: (t: Record<string, any>) => void; field: string; message: RegExp }[] = [
  { name: "unknown node in a link", mutate: (t) => { t.links[0].endpoints[1] = "r9:eth1"; }, field: "links[0].endpoints[1]", message: /unknown node 'r9'/ },
  { name: "bad locator prefix", mutate: (t) => { t.nodes.r2.locator = "fc00:0:2::/129"; }, field: "nodes.r2.locator", message: /over 128|bad prefix/ },
  { name: "locator with host bits", mutate: (t) => { t.nodes.r2.locator = "fc00:0:2::1/48"; }, field: "nodes.r2.locator", message: /host bits/ },
  { name: "host prefix not IPv6", mutate: (t) => { t.nodes.h1.prefix = "2001:db8:zz::/64"; }, field: "nodes.h1.prefix", message: /pattern|bad prefix/ },
  { name: "overlapping locators", mutate: (t) => { t.nodes.r3.locator = "fc00:0:1::/48"; }, field: "nodes.r3.locator", message: /overlaps nodes.r1.locator/ },
  { name: "interface used twice", mutate: (t) => { t.links[2].endpoints[0] = "r1:eth1"; }, field: "links[2].endpoints[0]", message: /already used/ },
  { name: "router without locator", mutate: (t) => { delete t.nodes.r3.locator; }, field: "nodes.r3.locator", message: /needs a locator/ },
  { name: "unknown kind", mutate: (t) => { t.nodes.r3.kind = "switch"; }, field: "nodes.r3.kind", message: /allowed: router, host/ },
  { name: "lab name too long", mutate: (t) => { t.name = "averylongname"; }, field: "name", message: /pattern/ },
  { name: "reserved interface", mutate: (t) => { t.links[0].endpoints[0] = "r1:mgmt0"; }, field: "links[0].endpoints[0]", message: /reserved/ },
  { name: "metric zero", mutate: (t) => { t.links[0].metric = 0; }, field: "links[0].metric", message: /must be between 1 and 65535/ },
  { name: "partitioned routers", mutate: (t) => { t.links.splice(2, 2); t.links.splice(1, 1); }, field: "nodes.r4", message: /not connected/ },
];

for (const c of cases) {
  test(`topology rejected: ${c.name}`, () => {
    const t = diamond();
    c.mutate(t);
    const problems = problemsOf(JSON.stringify(t));
    const hit = problems.find((p) => p.field === c.field);
    assert.ok(hit, `a problem names field ${c.field}; got ${JSON.stringify(problems)}`);
    assert.match(hit.message, c.message);
  });
}

test("topology rejected: duplicate node names (JSON.parse would keep the last silently)", () => {
  const text = readFileSync("examples/lab/diamond.json", "utf8").replace(`"r3": { "kind": "router", "locator": "fc00:0:3::/48" },`,
    `"r3": { "kind": "router", "locator": "fc00:0:3::/48" },\n    "r2": { "kind": "router", "locator": "fc00:0:9::/48" },`);
  const problems = problemsOf(text);
  assert.ok(problems.some((p) => p.field === "nodes.r2" && /duplicate/.test(p.message)), JSON.stringify(problems));
});

test("a bad topology file: `srv6 lab up` exits 64, names the field, creates nothing", () => {
  const dir = mkdtempSync(join(tmpdir(), "s6topo-"));
  const t = diamond();
  t.name = "badtopo";
  t.links[0].endpoints[1] = "nope:eth1";
  writeFileSync(join(dir, "bad.json"), JSON.stringify(t));
  const r = spawnSync("bin/srv6", ["lab", "up", join(dir, "bad.json")], { encoding: "utf8" });
  assert.equal(r.status, 64);
  assert.match(r.stderr, /links\[0\]\.endpoints\[1\]: unknown node 'nope'/);
  assert.equal(existsSync("/run/srv6-lab/badtopo"), false);
  assert.deepEqual(existsSync("/run/netns") ? readdirSync("/run/netns").filter((n) => n.startsWith("s6-badtopo-")) : [], []);
  assert.doesNotMatch(execFileSync("ip", ["-o", "link"], { encoding: "utf8" }), /s6-badtopo/);
});

test("base routes follow shortest paths (diamond: r1 reaches r4 over r2, r3 over the direct link)", () => {
  const plan = planLab(parseTopology(readFileSync("examples/lab/diamond.json", "utf8")));
  const r1 = plan.routers.find((r) => r.name === "r1")!;
  const routes = Object.fromEntries(baseRoutes(plan, r1).map((r) => [r.prefix, r.nexthops.map((n) => `${n.dev} via ${n.via}`).join(" + ")]));
  assert.deepEqual(routes, {
    "fc00:0:2::/48": "eth1 via fd00:0:0:1::2",
    "fc00:0:3::/48": "eth2 via fd00:0:0:3::2",
    "fc00:0:4::/48": "eth1 via fd00:0:0:1::2",
    "2001:db8:2::/64": "eth1 via fd00:0:0:1::2",
  });
});

test("the mesh example is valid and every router routes every prefix", () => {
  const plan = planLab(parseTopology(readFileSync("examples/lab/mesh.json", "utf8")));
  assert.equal(plan.routers.length, 9);
  for (const r of plan.routers) {
    const attachedHosts = plan.hosts.filter((h) => h.router === r.name).length;
    assert.equal(baseRoutes(plan, r).length, plan.routers.length - 1 + plan.hosts.length - attachedHosts, `routes of ${r.name}`);
  }
});

test("base routes split over every equal-cost next hop (mesh: r1 reaches r5 directly, via r2 and via r4, all at 25)", () => {
  const plan = planLab(parseTopology(readFileSync("examples/lab/mesh.json", "utf8")));
  const r1 = plan.routers.find((r) => r.name === "r1")!;
  const toR5 = baseRoutes(plan, r1).find((r) => r.prefix === "fc00:0:5::/48")!;
  assert.deepEqual(toR5.nexthops.map((n) => n.dev).sort(), ["eth1", "eth2", "eth3"]);
  assert.match(baseRouteBatch([toR5]), /^route replace fc00:0:5::\/48 proto static nexthop via \S+ dev eth\d nexthop via \S+ dev eth\d nexthop via \S+ dev eth\d\n$/);
  const toR2 = baseRoutes(plan, r1).find((r) => r.prefix === "fc00:0:2::/48")!;
  assert.equal(baseRouteBatch([toR2]), "route replace fc00:0:2::/48 via fd00:0:0:1::2 dev eth1 proto static\n", "one branch: a plain route");
});

test("routing: static by default, ospf6 on request, anything else named", () => {
  const topo = parseTopology(readFileSync("examples/lab/diamond.json", "utf8"));
  assert.equal(planLab(topo).routing, "static");
  assert.equal(planLab({ ...topo, routing: "ospf6" }).routing, "ospf6");
  const dir = mkdtempSync(join(tmpdir(), "topo-routing-"));
  writeFileSync(join(dir, "t.json"), JSON.stringify({ ...topo, name: "badrt", routing: "isis" }));
  const r = spawnSync("bin/srv6", ["lab", "up", join(dir, "t.json")], { encoding: "utf8" });
  assert.equal(r.status, 64, r.stderr);
  assert.match(r.stderr, /routing: .*static.*ospf6.*\(got "isis"\)/);
  rmSync(dir, { recursive: true, force: true });
});

test("ospf6 routing: OSPFv3 point-to-point on router links at the link's metric; locator and host subnets as passive intra-area prefixes", () => {
  const plan = planLab({ ...parseTopology(readFileSync("examples/lab/diamond.json", "utf8")), routing: "ospf6" });
  const r1 = plan.routers.find((r) => r.name === "r1")!;
  const igp = labIgp(r1);
  assert.deepEqual([...igp.configs.keys()], ["zebra", "ospf6d"]);
  const ospf = igp.configs.get("ospf6d")!;
  assert.match(ospf, /interface eth1\n ipv6 ospf6 area 0\n ipv6 ospf6 network point-to-point\n ipv6 ospf6 cost 10\n/);
  assert.match(ospf, /interface eth2\n[^!]* ipv6 ospf6 cost 20\n/);
  assert.match(ospf, /interface loc0\n ipv6 ospf6 area 0\n ipv6 ospf6 passive\n/);
  assert.match(ospf, /interface eth3\n ipv6 ospf6 area 0\n ipv6 ospf6 passive\n/, "the host link is advertised, no adjacency");
  assert.doesNotMatch(ospf, /redistribute/, "intra-area prefixes only");
  assert.match(ospf, / ospf6 router-id 10\.255\.0\.1\n/);
  assert.equal(locatorInterfaceBatch(r1, true), "link add loc0 type veth peer name loc0p\nlink set loc0p up\nlink set loc0 up\naddr replace fc00:0:1:ffff:ffff:ffff:ffff:ffff/48 dev loc0\n");
  const clash = { ...r1, interfaces: [...r1.interfaces, { ...r1.interfaces[0]!, name: "loc0" }] };
  assert.throws(() => locatorInterfaceBatch(clash, true), /router r1: interface loc0 is the name an OSPF-routed lab gives the locator's interface/);
});
