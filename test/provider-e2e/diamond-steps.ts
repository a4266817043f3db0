/**
 * The steps the diamond deploys share: `cdktf deploy` (diamond.test.ts) and
 * `cdktn deploy` (diamond-cdktn.test.ts) of examples/diamond through our
 * provider on a diamond lab. What every router holds before; the deploy and
 * what it must leave on the routers; plans that must be empty; the destroy
 * that must leave every router as before.
 */
import type { TestContext } from "node:test";
import assert from "node:assert/strict";
import * as path from "node:path";
import type { TestLab } from "../helpers/lab";
import { describe, type RunResult } from "../plugin/tofu-workspace";
import { routerFootprint } from "./router-footprint";
import { REPO, type EngineWorkspace } from "./workspace";

export const ROUTERS = ["r1", "r2", "r3", "r4"];
export const SRV6 = path.join(REPO, "bin/srv6");
export const R1_POLICY = "r1-r2-r1-to-r4";
/** The synthesized app (the cdktf.json `output`), for `srv6 ... --stack`. */
export const stackOut = (ws: EngineWorkspace): string => path.join(ws.dir, "cdktf.out");

export type CdkCli = "cdktf" | "cdktn";

/** Every router's footprint (see router-footprint.ts), by router name. */
export async function footprints(lab: TestLab): Promise<Record<string, string>> {
  return Object.fromEntries(await Promise.all(ROUTERS.map(async (r) => [r, await routerFootprint(lab, r)] as const)));
}

/**
 * `<cli> deploy` of the workspace's app; then every router records its part
 * of the diamond (r1 and r2 the link, r1 its policy) and r1's footprint shows
 * what we install (so "as before" after destroy means something).
 */
export async function deployDiamond(ws: EngineWorkspace, lab: TestLab, cli: CdkCli, t: TestContext): Promise<RunResult> {
  const deploy = await ws[cli](["deploy", "--skip-provider-lock", "--auto-approve"]);
  assert.equal(deploy.code, 0, `${cli} deploy: ${describe(deploy)}`);
  t.diagnostic(`# ${cli} deploy of the diamond: ${deploy.ms} ms`);
  for (const r of ROUTERS) {
    const record = JSON.parse(await lab.sh(r, "cat /var/lib/srv6-protect/applied.json")) as { bundle: { links: { name: string }[]; policies: { name: string }[] } };
    if (r === "r1" || r === "r2") assert.deepEqual(record.bundle.links.map((l) => l.name), ["r1-r2"], `${r} records the link`);
    if (r === "r1") assert.deepEqual(record.bundle.policies.map((p) => p.name), [R1_POLICY], "r1 records its policy");
  }
  const deployed = await routerFootprint(lab, "r1");
  assert.match(deployed, /\n2001:db8:2::\/64 +encap bpf in/, "r1's protected route (proto 214) is in its footprint");
  assert.match(deployed, /python3 \S*probe-sender\.py/, "r1's probe sender is in its footprint");
  assert.match(deployed, /\/sys\/fs\/bpf\/\S+/, "pinned maps are in r1's footprint");
  assert.match(deployed, /\n\/etc\/(local\.d\/srv6-protect\.start|systemd\/system\/srv6-protect-boot\.service)\n/, "r1's boot hook is in its footprint");
  return deploy;
}

/**
 * Nothing left to do, seen by both: `tofu plan -detailed-exitcode` (state
 * against routers) and `srv6 plan --detailed-exitcode` on the synthesized
 * stack (the routers' records against the stack, no tofu state). Returns
 * tofu's plan (for its time).
 */
export async function assertPlansEmpty(ws: EngineWorkspace, when: string): Promise<RunResult> {
  const plan = await ws.stackTofu(["plan", "-detailed-exitcode", "-no-color"]);
  assert.equal(plan.code, 0, `tofu plan ${when} is empty: ${describe(plan)}`);
  const srv6Plan = await ws.run(process.execPath, [SRV6, "plan", "--detailed-exitcode", "--json", "--stack", stackOut(ws)], {}, 120_000);
  assert.equal(srv6Plan.code, 0, `srv6 plan ${when} is empty: ${describe(srv6Plan)}`);
  return plan;
}

/** `<cli> destroy` synthesizes the app again and destroys everything in state: every router as before, no provider left running. */
export async function destroyDiamond(ws: EngineWorkspace, lab: TestLab, cli: CdkCli, before: Record<string, string>): Promise<void> {
  const destroy = await ws[cli](["destroy", "--skip-provider-lock", "--auto-approve"]);
  assert.equal(destroy.code, 0, `${cli} destroy: ${describe(destroy)}`);
  for (const r of ROUTERS) assert.equal(await routerFootprint(lab, r), before[r], `${r} is as it was before the deploy`);
  assert.deepEqual(ws.leftoverSockets(), [], "every provider process shut down");
}
