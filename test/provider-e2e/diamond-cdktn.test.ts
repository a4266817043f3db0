/*
 * CDK Terrain on the real engine: `cdktn deploy` (the CLI of cdktn-cli) of
 * examples/diamond, whose `cdktf` and `constructs` a require hook resolves to
 * cdktn's, through our provider (real tofu, the provider from
 * `srv6 install-provider`'s mirror, SSH to the routers of a diamond lab).
 *
 * cdktn deploy -> every router records its part of the diamond, h1 reaches
 * h2; `tofu plan` and `srv6 plan` are empty; `cdktn destroy` leaves every
 * router as before. Drift and repair, import and parallel applies are
 * diamond.test.ts's (under cdktf): past the synthesized JSON the two CLIs
 * drive the same tofu and the same provider.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { uniqueLabName, withLab } from "../helpers/lab";
import { udpDelivered } from "../helpers/udp";
import { cdktnVersion } from "../constructs/helpers/cdktn";
import { EngineWorkspace, STACK_DIR } from "./workspace";
import { assertPlansEmpty, deployDiamond, destroyDiamond, footprints } from "./diamond-steps";

test("cdktn deploy of the diamond on the lab, plans empty, destroy", { timeout: 600_000 }, async (t) => {
  await withLab("examples/lab/diamond.json", async (lab) => {
    const ws = new EngineWorkspace(lab, "tfe2e-cdktn-");
    try {
      ws.useDiamondApp("cdktn");
      const before = await footprints(lab);
      await deployDiamond(ws, lab, "cdktn", t);
      const stack = JSON.parse(fs.readFileSync(path.join(ws.dir, STACK_DIR, "cdk.tf.json"), "utf8")) as { "//"?: { metadata?: { version?: string } } };
      assert.equal(stack["//"]?.metadata?.version, cdktnVersion(), "the app was synthesized by cdktn, not cdktf");
      assert.equal(await udpDelivered(lab, "h1", "h2"), 40, "h1 -> h2 through the deployed routers");
      await assertPlansEmpty(ws, "after the cdktn deploy");
      await destroyDiamond(ws, lab, "cdktn", before);
    } finally {
      ws.cleanup();
    }
  }, { name: uniqueLabName("tn") });
});
