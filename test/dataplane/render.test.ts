/**
 * The renderer and the map layouts, without a router: deterministic output,
 * argv-only commands, every bad input refused with resource/field/value,
 * TypeScript layouts equal to the BTF of the built objects, and the reason
 * table equal to bpf/lib/srv6p_reasons.h.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { renderDataplane } from "../../provider/dataplane/render";
import { DataplaneValidationError } from "../../provider/dataplane/errors";
import { REASONS } from "../../provider/dataplane/reasons";
import {
  encodeBackup, decodeBackup, encodeBackupKey, decodeBackupKey, encodeLinkConfig, decodeLinkConfig,
  LINK_CONFIG_SIZE, LINK_STATE_SIZE, BACKUP_KEY_SIZE, BACKUP_VALUE_SIZE, decodeLinkState,
  PATH_SENT_SIZE, PATH_SEEN_SIZE, DRILL_VALUE_SIZE, decodePathSent, decodePathSeen, encodeDrill, decodeDrill,
} from "../../provider/dataplane/map-layout";
import { PROBE_PORT, PROBE_MAGIC, ROUTE_PROTOCOL, PROTECTED_ROUTE_METRIC, PROBE_FLAG_PATH, PATH_KIND_BITS, PATH_KIND } from "../../provider/dataplane/constants";
import type { DataplaneInput } from "../../provider/dataplane/types";
import { diamondInput } from "../helpers/diamond-input";

const ROOT = resolve(__dirname, "..", "..", "..");

const diamond = (): DataplaneInput => diamondInput();

test("render: deterministic, argv arrays, the commands the design needs", () => {
  const a = renderDataplane(diamond());
  assert.deepEqual(renderDataplane(diamond()), a, "same input, same plan");
  for (const c of [...a.install, ...a.remove]) {
    assert.ok(Array.isArray(c.argv) && c.argv.every((x) => typeof x === "string" && x.length > 0), `argv of strings: ${c.description}`);
    if (c.argv[0] === "sh") assert.equal(c.argv[2]!.includes("eth1"), false, "a shell script takes the interface as $1, never pasted in");
  }
  const lines = a.install.map((c) => c.argv.join(" "));
  const has = (re: RegExp, what: string) => assert.ok(lines.some((l) => re.test(l)), `${what}:\n${lines.join("\n")}`);
  has(/^ip -6 route replace 2001:db8:2::\/64 via fd00:0:0:1::2 dev eth1 proto 214 metric 10 encap bpf in pinned \/sys\/fs\/bpf\/srv6p\/reroute\/srv6p_reroute_in xmit pinned \/sys\/fs\/bpf\/srv6p\/reroute\/srv6p_reroute_xmit headroom 144$/, "protected route on the shared programs");
  has(/^sh -c .*bpftool prog loadall "\$obj" "\$dir-new" "\$@".* sh \S+reroute.bpf.o \/sys\/fs\/bpf\/srv6p\/reroute (map name srv6p_\w+ pinned \/sys\/fs\/bpf\/tc\/globals\/srv6p_\w+ ?){7}$/, "reroute programs loaded once, on iproute2's pinned maps");
  const order = lines.findIndex((l) => l.includes("bpftool prog loadall")) < lines.findIndex((l) => l.includes("encap bpf in pinned"));
  assert.ok(order, "the programs are loaded before the routes that run them");
  has(/^ip -6 route replace fc00:0:1:2001::\/128 proto 214 encap seg6local action End.BPF endpoint obj \S+monitor.bpf.o sec lwt_seg6local dev eth1$/, "monitor SID");
  has(/^ip -6 route replace fc00:0:1:1001::\/128 proto 214 encap seg6local action End.X nh6 fd00:0:0:1::2 count dev eth1$/, "End.X returning r2's probes");
  has(/^ip -6 route replace fc00:0:2:1001::\/128 via fd00:0:0:1::2 dev eth1 proto 214$/, "probes leave over the link");
  has(/^tc filter replace dev eth1 egress pref 49152 handle 0x5336 bpf da obj \S+probe_egress.bpf.o sec tc$/, "egress stamper");
  has(/^ip sr tunsrc set fc00:0:1::1$/, "tunnel source");
  assert.deepEqual(a.probeConfig.probes, [{ link: "r1_r2", interface: "eth1", segments: ["fc00:0:2:1001::", "fc00:0:1:2001::", "fc00:0:1::1"], intervalUs: 1000 }]);
  const stages = a.install.map((c) => c.stage);
  assert.deepEqual([...stages].sort((x, y) => ["sids", "local", "probes"].indexOf(x) - ["sids", "local", "probes"].indexOf(y)), stages, "stages in order");
  for (const c of a.install.filter((x) => x.stage === "sids" && x.argv[0] !== "mkdir")) {
    assert.ok(!c.argv.some((x) => x.startsWith("/var/lib/srv6-protect/")), `"sids" commands need no pushed file: ${c.argv.join(" ")}`);
  }
  const maps = a.install.find((c) => c.argv.includes("apply"))!;
  const ops = JSON.parse(maps.input!) as { op: string; map: string; entries: { key: string; value: string }[] }[];
  assert.equal(decodeBackupKey(Buffer.from(ops[1]!.entries[0]!.key, "hex")), "2001:db8:2::/64");
  assert.deepEqual(decodeBackup(Buffer.from(ops[1]!.entries[0]!.value, "hex")), { linkIfindex: 3, source: "fc00:0:1::1", segments: ["fc00:0:3:1::", "fc00:0:4:2::"] });
  assert.deepEqual(decodeLinkConfig(Buffer.from(ops[0]!.entries[0]!.value, "hex")), { multiplier: 3, intervalUs: 1000, holdDownNs: 500_000_000n });
  // Removal undoes the routes by protocol and metric, so the IGP's route for the same prefix stays.
  assert.ok(a.remove.some((c) => c.argv.join(" ") === `ip -6 route del 2001:db8:2::/64 proto ${ROUTE_PROTOCOL} metric ${PROTECTED_ROUTE_METRIC}`));
  assert.ok(a.remove.every((c) => c.ignoreFailure), "removal keeps going past absent pieces");
});

test("render: a policy's prefixes each get the route and the map entry one prefix always had, in address order", () => {
  const one = renderDataplane(diamond());
  const input = diamond();
  const many = renderDataplane({ ...input, policies: [{ ...input.policies[0]!, prefixes: ["2001:db8:9::/64", "2001:DB8:2::/64", "2001:db8:3::/48"] }] });
  const routes = (p: typeof one) => p.install.map((c) => c.argv.join(" ")).filter((l) => / metric 10 encap bpf /.test(l));
  const [route] = routes(one);
  assert.deepEqual(routes(many), ["2001:db8:2::/64", "2001:db8:3::/48", "2001:db8:9::/64"].map((dst) => route!.replace("2001:db8:2::/64", dst)), "one route per prefix, canonical and sorted");
  const backups = (p: typeof one) => (JSON.parse(p.install.find((c) => c.argv.includes("apply"))!.input!) as { map: string; entries: { key: string; value: string }[] }[])[1]!.entries;
  const [entry] = backups(one);
  assert.deepEqual(backups(many).map((e) => decodeBackupKey(Buffer.from(e.key, "hex"))), ["2001:db8:2::/64", "2001:db8:3::/48", "2001:db8:9::/64"]);
  assert.ok(backups(many).every((e) => e.value === entry!.value), "every prefix shares the policy's backup");
  assert.ok(many.operations.filter((o) => o.kind === "route" && o.resource === "srv6_backup_policy.r1_to_h2").length === 3, "the routes belong to the policy");
});

test("render: every router gets the objects and the router tools, the applier included (the boot hook runs it)", () => {
  const files = renderDataplane(diamond()).operations.find((o) => o.kind === "files")!;
  assert.equal(files.kind, "files");
  const pushed = files.kind === "files" ? files.files : [];
  assert.deepEqual(pushed.find((f) => f.localPath === "router/srv6p-apply.py"), { localPath: "router/srv6p-apply.py", remotePath: "/var/lib/srv6-protect/bin/srv6p-apply.py", mode: 0o755 });
  assert.deepEqual(pushed.map((f) => f.remotePath).sort(), [
    "/var/lib/srv6-protect/bin/probe-sender.py", "/var/lib/srv6-protect/bin/srv6p-apply.py", "/var/lib/srv6-protect/bin/srv6p-maps.py",
    "/var/lib/srv6-protect/bpf/monitor.bpf.o", "/var/lib/srv6-protect/bpf/probe_egress.bpf.o", "/var/lib/srv6-protect/bpf/reroute.bpf.o",
  ]);
});

test("render: a router with systemd runs the sender as a transient unit", () => {
  const input = diamond();
  const p = renderDataplane({ ...input, facts: { ...input.facts, systemd: true } });
  assert.ok(p.install.some((c) => c.argv[0] === "systemd-run" && c.argv.includes("Restart=always")));
});

const BAD: [string, (i: DataplaneInput) => DataplaneInput, string, string, unknown][] = [
  ["unknown interface", (i) => ({ ...i, links: [{ ...i.links[0]!, interface_a: "eth9" }] }), "srv6_protected_link.r1_r2", "interface_a", "eth9"],
  ["shell metacharacters in an interface", (i) => ({ ...i, links: [{ ...i.links[0]!, interface_a: "eth1;reboot" }] }), "srv6_protected_link.r1_r2", "interface_a", "eth1;reboot"],
  ["malformed SID", (i) => ({ ...i, links: [{ ...i.links[0]!, monitor_sid_a: "fc00::1::2" }] }), "srv6_protected_link.r1_r2", "monitor_sid_a", "fc00::1::2"],
  ["interval 0", (i) => ({ ...i, links: [{ ...i.links[0]!, probe_interval_ms: 0 }] }), "srv6_protected_link.r1_r2", "probe_interval_ms", 0],
  ["multiplier 1", (i) => ({ ...i, links: [{ ...i.links[0]!, multiplier: 1 }] }), "srv6_protected_link.r1_r2", "multiplier", 1],
  ["too many segments", (i) => ({ ...i, policies: [{ ...i.policies[0]!, segments: Array(7).fill("fc00:0:3:1::") }] }), "srv6_backup_policy.r1_to_h2", "segments", Array(7).fill("fc00:0:3:1::")],
  ["empty segments", (i) => ({ ...i, policies: [{ ...i.policies[0]!, segments: [] }] }), "srv6_backup_policy.r1_to_h2", "segments", []],
  ["prefix with host bits", (i) => ({ ...i, policies: [{ ...i.policies[0]!, prefixes: ["2001:db8:2::1/64"] }] }), "srv6_backup_policy.r1_to_h2", "prefixes[0]", "2001:db8:2::1/64"],
  ["policy on a router that is not an end of the link", (i) => ({ ...i, policies: [{ ...i.policies[0]!, router: "r3" }] }), "srv6_backup_policy.r1_to_h2", "router", "r3"],
  ["unknown link", (i) => ({ ...i, policies: [{ ...i.policies[0]!, link: "nope" }] }), "srv6_backup_policy.r1_to_h2", "link", "nope"],
  ["unknown router reference", (i) => ({ ...i, links: [{ ...i.links[0]!, router_b: "r9" }] }), "srv6_protected_link.r1_r2", "router_b", "r9"],
  ["a return SID that is also an adjacency SID elsewhere", (i) => ({ ...i, routers: i.routers.map((r) => r.name === "r1" ? { ...r, adjacency_sids: [{ sid: "fc00:0:1:1001::", interface: "eth2", nexthop: "fd00:0:0:3::2" }] } : r) }), "srv6_protected_link.r1_r2", "return_sid_b", "fc00:0:1:1001::"],
  ["sidDevice lo", (i) => ({ ...i, facts: { ...i.facts, sidDevice: "lo" } }), "facts.r1", "sidDevice", "lo"],
];

for (const [what, mutate, resource, field, value] of BAD) {
  test(`render refuses ${what}, naming resource, field and value`, () => {
    assert.throws(() => renderDataplane(mutate(diamond())), (e: unknown) => {
      assert.ok(e instanceof DataplaneValidationError, String(e));
      const hit = e.errors.find((x) => x.resource === resource && x.field === field);
      assert.ok(hit, `an error for ${resource} ${field}: ${e.message}`);
      assert.deepEqual(hit.value, value);
      return true;
    });
  });
}

test("layouts: TypeScript sizes and offsets equal the BTF of the built objects", () => {
  const btf = JSON.parse(execFileSync("bpftool", ["-j", "btf", "dump", "file", resolve(ROOT, "dist/bpf/monitor.bpf.o"), "format", "raw"], { encoding: "utf8" })) as
    { types: { kind: string; name?: string; size?: number; members?: { name: string; bits_offset: number }[] }[] };
  const struct = (n: string) => btf.types.find((t) => t.kind === "STRUCT" && t.name === n)!;
  assert.equal(struct("srv6p_link_config").size, LINK_CONFIG_SIZE);
  assert.equal(struct("srv6p_link_state").size, LINK_STATE_SIZE);
  assert.equal(struct("srv6p_backup_key").size, BACKUP_KEY_SIZE);
  assert.equal(struct("srv6p_backup").size, BACKUP_VALUE_SIZE);
  const offsets = Object.fromEntries(struct("srv6p_link_state").members!.map((m) => [m.name, m.bits_offset / 8]));
  const probe = Buffer.alloc(LINK_STATE_SIZE);
  probe.writeBigUInt64LE(7n, offsets.packets_rerouted!);
  probe.writeUInt32LE(1, offsets.down!);
  probe.writeUInt32LE(42, offsets.last_seq!);
  probe.writeBigUInt64LE(5n, offsets.failovers!);
  const st = decodeLinkState(probe);
  assert.deepEqual([st.packetsRerouted, st.down, st.lastSeq, st.failovers], [7n, true, 42, 5n]);
  const key = encodeBackupKey("2001:db8:ff00::/40");
  assert.equal(decodeBackupKey(key), "2001:db8:ff00::/40");
  assert.deepEqual(decodeLinkConfig(encodeLinkConfig({ multiplier: 3, intervalUs: 10, holdDownNs: 1n })), { multiplier: 3, intervalUs: 10, holdDownNs: 1n });
  assert.throws(() => encodeBackup({ linkIfindex: 1, source: "::1", segments: [] }), /1\.\.6/);
  assert.equal(struct("srv6p_path_sent").size, PATH_SENT_SIZE);
  assert.equal(struct("srv6p_path_seen").size, PATH_SEEN_SIZE);
  assert.equal(struct("srv6p_drill").size, DRILL_VALUE_SIZE);
  const at = (n: string) => Object.fromEntries(struct(n).members!.map((m) => [m.name, m.bits_offset / 8]));
  const sentAt = at("srv6p_path_sent");
  const sent = Buffer.alloc(PATH_SENT_SIZE);
  sent.writeBigUInt64LE(9n, sentAt.sent!);
  sent.writeUInt32LE(8, sentAt.last_seq!);
  sent.writeUInt32LE(90, sentAt.last_errno!);
  assert.deepEqual([decodePathSent(sent).sent, decodePathSent(sent).lastSeq, decodePathSent(sent).lastErrno], [9n, 8, 90]);
  const seenAt = at("srv6p_path_seen");
  const seen = Buffer.alloc(PATH_SEEN_SIZE);
  seen.writeBigUInt64LE(3n, seenAt.returned!);
  seen.writeBigUInt64LE(700n, seenAt.last_rtt_ns!);
  seen.writeUInt32LE(4, seenAt.last_seq!);
  assert.deepEqual([decodePathSeen(seen).returned, decodePathSeen(seen).lastRttNs, decodePathSeen(seen).lastSeq], [3n, 700n, 4]);
  assert.equal(decodeDrill(encodeDrill(123n)), 123n);
});

test("reasons: the TypeScript table mirrors bpf/lib/srv6p_reasons.h", () => {
  const header = readFileSync(resolve(ROOT, "bpf/lib/srv6p_reasons.h"), "utf8");
  const inC = [...header.matchAll(/SRV6P_R_([A-Z0-9_]+) = (\d+),/g)].filter((m) => m[1] !== "_COUNT").map((m) => ({ code: Number(m[2]), name: m[1]!.toLowerCase() }));
  assert.deepEqual(REASONS.map((r) => ({ code: r.code, name: r.name })), inC);
  assert.equal(Number(/SRV6P_R__COUNT = (\d+)/.exec(header)![1]), REASONS.length);
});

test("probe wire constants agree between C, Python and TypeScript", () => {
  const layout = readFileSync(resolve(ROOT, "bpf/lib/srv6p_layout.h"), "utf8");
  const sender = readFileSync(resolve(ROOT, "router/probe-sender.py"), "utf8");
  assert.equal(Number(/SRV6P_PROBE_PORT (\d+)/.exec(layout)![1]), PROBE_PORT);
  assert.equal(Number(/SRV6P_PROBE_MAGIC (0x[0-9a-f]+)/i.exec(layout)![1]), PROBE_MAGIC);
  assert.equal(Number(/PROBE_PORT = (\d+)/.exec(sender)![1]), PROBE_PORT);
  assert.equal(Number(/PROBE_MAGIC = (0x[0-9a-f]+)/i.exec(sender)![1]), PROBE_MAGIC);
  assert.equal(Number(/SRV6P_PROBE_F_PATH (0x[0-9a-f]+)/i.exec(layout)![1]), PROBE_FLAG_PATH);
  assert.equal(Number(/PROBE_FLAG_PATH = (0x[0-9a-f]+)/i.exec(sender)![1]), PROBE_FLAG_PATH);
  assert.equal(Number(/SRV6P_PATH_KIND_BITS (\d+)/.exec(layout)![1]), PATH_KIND_BITS);
  assert.equal(Number(/PATH_KIND_BITS = (\d+)/.exec(sender)![1]), PATH_KIND_BITS);
  for (const [k, v] of Object.entries(PATH_KIND)) assert.equal(Number(new RegExp(`SRV6P_PATH_KIND_${k.toUpperCase()} (\\d+)`).exec(layout)![1]), v, k);
});
