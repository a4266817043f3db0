/**
 * Bad configuration under the real OpenTofu binary: our diagnostics reach
 * the user with the attribute path (tofu points at the offending line), name
 * the resource, the field and the bad value, and nothing reaches a router.
 *
 *   tofu validate / plan ──> terraform-provider-srv6 ──> fake backend (must see no call)
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { describe, TofuWorkspace } from "./tofu-workspace";

const CONFIG = `terraform {
  required_providers {
    srv6 = { source = "srv6-protect/srv6", version = "0.1.0" }
  }
}

resource "srv6_router" "r1" {
  name      = "r1"
  host      = "127.0.0.1"
  locator   = "fc00:1::/48"
  node_sid  = "fc00:1::1"
  decap_sid = "fc00:1::d6"
}

# Not referenced by the link: tofu skips validating dependents of an invalid resource.
resource "srv6_router" "r2" {
  name      = "r2"
  host      = "127.0.0.2"
  locator   = "fc00:2::/48"
  node_sid  = "fc00:2::1"
  decap_sid = "fc00:2::d6"
  adjacency_sids = [
    { sid = "fc00:2::e1", interface = "eth1", nexthop = "fe80::1" },
    { sid = "fc00:2::e3", interface = "eth2", nexthop = "fe80::zz" },
  ]
}

resource "srv6_protected_link" "l12" {
  name           = "l12"
  router_a       = srv6_router.r1.id
  interface_a    = "eth0; reboot"
  peer_address_a = "fe80::2"
  monitor_sid_a  = "fc00:1::b1"
  return_sid_a   = "fc00:2::e1"
  router_b       = "r2"
  interface_b    = "eth0"
  peer_address_b = "fe80::1"
  monitor_sid_b  = "fc00:2::b1"
  return_sid_b   = "fc00:1::e2"
  multiplier     = 1
}
`;

interface JsonDiagnostic {
  severity: string;
  summary: string;
  detail: string;
  address?: string;
  range?: { start: { line: number } };
  snippet?: { code: string };
}

function lineOf(text: string, needle: string): number {
  const i = text.split("\n").findIndex((l) => l.includes(needle));
  assert.ok(i >= 0, `config has ${needle}`);
  return i + 1;
}

test("a bad configuration shows our diagnostics with attribute paths and changes nothing", { timeout: 300_000 }, async (t) => {
  const ws = new TofuWorkspace("srv6-plugin-val-");
  try {
    ws.writeConfig(CONFIG);
    const init = await ws.tofu(["init", "-no-color", "-input=false"]);
    assert.equal(init.code, 0, describe(init));

    await t.test("validate -json lists every bad attribute at its line", async () => {
      const r = await ws.tofu(["validate", "-json", "-no-color"]);
      assert.equal(r.code, 1, describe(r));
      const out = JSON.parse(r.stdout) as { valid: boolean; diagnostics: JsonDiagnostic[] };
      assert.equal(out.valid, false);
      const find = (summary: string) => {
        const d = out.diagnostics.find((x) => x.summary === summary);
        assert.ok(d, `a diagnostic "${summary}" among ${JSON.stringify(out.diagnostics.map((x) => x.summary))}`);
        return d;
      };

      const iface = find('Invalid srv6_protected_link "l12": interface_a');
      assert.equal(iface.severity, "error");
      assert.equal(iface.address, "srv6_protected_link.l12");
      assert.match(iface.detail, /"eth0; reboot"/, "the bad value is named");
      assert.equal(iface.range?.start.line, lineOf(CONFIG, "interface_a"), "tofu resolved our attribute path to the line");
      assert.match(iface.snippet?.code ?? "", /interface_a\s+= "eth0; reboot"/);

      const mult = find('Invalid srv6_protected_link "l12": multiplier');
      assert.match(mult.detail, /got 1, which must be between 2 and 255/);
      assert.equal(mult.range?.start.line, lineOf(CONFIG, "multiplier"));

      const nested = find('Invalid srv6_router "r2": adjacency_sids[1].nexthop');
      assert.match(nested.detail, /"fe80::zz".*valid IPv6 address/s);
      assert.equal(nested.address, "srv6_router.r2");

      // router_a is unknown (r1's id): it must not be reported.
      assert.ok(!out.diagnostics.some((d) => d.summary.includes("router_a")), "unknown router_a is not an error");
    });

    await t.test("plan refuses and no router is touched", async () => {
      const r = await ws.tofu(["plan", "-no-color", "-input=false"]);
      assert.equal(r.code, 1, describe(r));
      assert.match(r.stderr, /Error: Invalid srv6_protected_link "l12": interface_a/);
      assert.match(r.stderr, /interface_a\s+= "eth0; reboot"/);
      assert.deepEqual(ws.world().calls, []);
      assert.deepEqual(ws.world().resources, {});
    });
  } finally {
    ws.cleanup();
  }
});
