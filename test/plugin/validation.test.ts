/** ajv errors become one diagnostic per attribute, with its path, the resource and the bad value. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { protectedLinkSchema, routerSchema } from "../../model/schema";
import { diagnosticsFromError, pathFromJsonPointer } from "../../provider/plugin/diagnostics";
import { validateAgainstSchema } from "../../provider/plugin/validation";
import { UNKNOWN, type TfObject } from "../../provider/plugin/values";
import { PASTED_KEY, PASTED_KEY_BODY } from "../state/bad-input-table";

const router: TfObject = {
  name: "r1", host: "10.0.0.1", port: null, user: null, private_key_file: null, known_hosts_file: null, host_key_sha256: null,
  jump_host: null, sudo: null, locator: "fc00:1::/48", source_address: null, node_sid: "fc00:1::1", decap_sid: "fc00:1::d6",
  adjacency_sids: [{ sid: "fc00:1::e1", interface: "eth1", nexthop: "fe80::2" }], id: null,
};

test("a valid router (nulls for unset options, a null id) has no diagnostics", () => {
  assert.deepEqual(validateAgainstSchema("srv6_router", routerSchema, router), []);
});

test("a bad nested value is reported at its path with the value and the rule", () => {
  const bad = { ...router, port: 70000, adjacency_sids: [{ sid: "fc00:1::e1", interface: "eth1 $(reboot)", nexthop: "nothex" }] };
  const diags = validateAgainstSchema("srv6_router", routerSchema, bad);
  assert.deepEqual(
    diags.map((d) => d.summary).sort(),
    ['Invalid srv6_router "r1": adjacency_sids[0].interface', 'Invalid srv6_router "r1": adjacency_sids[0].nexthop', 'Invalid srv6_router "r1": port'],
  );
  const iface = diags.find((d) => d.summary === 'Invalid srv6_router "r1": adjacency_sids[0].interface');
  assert.ok(iface, JSON.stringify(diags));
  assert.deepEqual(iface.path, [{ attribute: "adjacency_sids" }, { index: 0 }, { attribute: "interface" }]);
  assert.match(iface.detail, /got "eth1 \$\(reboot\)", which must match the pattern/);
  const nexthop = diags.find((d) => d.summary.endsWith("adjacency_sids[0].nexthop"))!;
  assert.match(nexthop.detail, /must match the pattern .* and must be a valid IPv6 address/, "both rules in one diagnostic");
  const port = diags.find((d) => d.summary.endsWith(": port"))!;
  assert.match(port.detail, /got 70000, which must be between 1 and 65535\. SSH port/);
  assert.equal(diags.length, 3);
});

test("a private key pasted where its file name belongs is refused and never shown", () => {
  const diags = validateAgainstSchema("srv6_router", routerSchema, { ...router, private_key_file: PASTED_KEY });
  assert.equal(diags.length, 1);
  assert.match(diags[0]!.detail, /private_key_file got "\(key material, not shown\)", which must match the pattern .*not its content/);
  assert.ok(!JSON.stringify(diags).includes(PASTED_KEY_BODY), "no diagnostic carries the key");
});

test("a number JSON cannot write is shown as Infinity, not null", () => {
  const diags = validateAgainstSchema("srv6_protected_link", protectedLinkSchema, { probe_interval_ms: Infinity } as unknown as TfObject);
  const d = diags.find((x) => x.summary.endsWith("probe_interval_ms"));
  assert.match(d?.detail ?? "", /probe_interval_ms got Infinity, which Infinity is not a finite number/);
});

test("unknown values are not checked until they are known", () => {
  const link: TfObject = {
    name: "l12", router_a: UNKNOWN, interface_a: "eth0", peer_address_a: "fe80::2", monitor_sid_a: "fc00:1::b1", return_sid_a: "fc00:2::e1",
    router_b: "r2", interface_b: UNKNOWN, peer_address_b: "fe80::1", monitor_sid_b: "fc00:2::b1", return_sid_b: "fc00:1::e2",
    probe_interval_ms: null, multiplier: 1, hold_down_ms: null, id: UNKNOWN,
  };
  const diags = validateAgainstSchema("srv6_protected_link", protectedLinkSchema, link);
  assert.deepEqual(diags.map((d) => d.summary), ['Invalid srv6_protected_link "l12": multiplier']);
});

test("huge bad values are cut short in the diagnostic", () => {
  const diags = validateAgainstSchema("srv6_router", routerSchema, { ...router, host: "x".repeat(100_000) + " y" });
  assert.equal(diags.length, 1);
  assert.ok(diags[0].detail.length < 1000, `detail is ${diags[0].detail.length} characters`);
  assert.match(diags[0].detail, /\(100004 characters\)/);
});

test("JSON pointers map to attribute steps", () => {
  assert.deepEqual(pathFromJsonPointer("/adjacency_sids/10/sid"), [{ attribute: "adjacency_sids" }, { index: 10 }, { attribute: "sid" }]);
  assert.deepEqual(pathFromJsonPointer(""), []);
});

test("an engine error becomes a diagnostic naming router, command, exit code, stderr and cause", () => {
  const cause = new Error("connection reset");
  const err = Object.assign(new Error("command failed", { cause }), { router: "r1", command: ["ip", "-6", "route", "add", "fc00::/64"], exitCode: 2, stderr: "RTNETLINK answers: File exists\n" });
  const [d] = diagnosticsFromError(err, 'Creating srv6_router "r1"');
  assert.equal(d.severity, "error");
  assert.equal(d.summary, 'Creating srv6_router "r1" failed on router r1: command failed');
  assert.match(d.detail, /command: "ip" "-6" "route" "add" "fc00::\/64"/);
  assert.match(d.detail, /exit code: 2/);
  assert.match(d.detail, /stderr: RTNETLINK answers: File exists/);
  assert.match(d.detail, /caused by Error: connection reset/);
});
