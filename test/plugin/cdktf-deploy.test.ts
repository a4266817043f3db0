/**
 * `cdktf deploy --skip-provider-lock` finds the provider that
 * `srv6 install-provider` put into the mirror, with OpenTofu as the
 * Terraform binary, and `cdktf destroy` removes what it made.
 *
 *   cdktf ──synth──> cdk.tf.json ──tofu init/apply──> terraform-provider-srv6 ──> fake backend
 *
 * The app uses cdktf's generic classes, not our constructs, so that only the
 * provider's side is under test here.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { CDKTF_LIB, describe, TofuWorkspace } from "./tofu-workspace";

const APP = `
const { App, TerraformStack, TerraformProvider, TerraformResource } = require(${JSON.stringify(CDKTF_LIB)});
class Srv6 extends TerraformProvider {
  constructor(scope, id) {
    super(scope, id, {
      terraformResourceType: "srv6",
      terraformGeneratorMetadata: { providerName: "srv6", providerVersion: "0.1.0", providerVersionConstraint: "0.1.0" },
      terraformProviderSource: "srv6-protect/srv6",
    });
  }
  synthesizeAttributes() { return {}; }
}
class Resource extends TerraformResource {
  constructor(scope, id, type, config) { super(scope, id, { terraformResourceType: type }); this.config = config; }
  synthesizeAttributes() { return this.config; }
}
const app = new App();
const stack = new TerraformStack(app, "net");
new Srv6(stack, "srv6");
const r1 = new Resource(stack, "r1", "srv6_router", { name: "r1", host: "127.0.0.1", locator: "fc00:1::/48", node_sid: "fc00:1::1", decap_sid: "fc00:1::d6" });
new Resource(stack, "p1", "srv6_backup_policy", { name: "p1", router: r1.getStringAttribute("id"), link: "l12", prefixes: ["2001:db8::/64"], segments: ["fc00:2::1", "fc00:3::d6"] });
app.synth();
`;

test("cdktf deploy and destroy with the provider from the mirror", { timeout: 600_000 }, async () => {
  const ws = new TofuWorkspace("srv6-plugin-cdktf-");
  try {
    fs.writeFileSync(path.join(ws.dir, "main.js"), APP);
    fs.writeFileSync(path.join(ws.dir, "cdktf.json"), JSON.stringify({ language: "typescript", app: "node main.js", output: "cdktf.out", sendCrashReports: "false", terraformProviders: [] }));

    const deploy = await ws.cdktf(["deploy", "--skip-provider-lock", "--auto-approve"]);
    assert.equal(deploy.code, 0, `cdktf deploy: ${describe(deploy)}`);
    const world = ws.world();
    assert.deepEqual(Object.keys(world.resources).sort(), ["srv6_backup_policy/p1", "srv6_router/r1"]);
    assert.equal(world.resources["srv6_backup_policy/p1"].router, "r1", "a reference to a computed id resolved at apply");

    const destroy = await ws.cdktf(["destroy", "--skip-provider-lock", "--auto-approve"]);
    assert.equal(destroy.code, 0, `cdktf destroy: ${describe(destroy)}`);
    assert.deepEqual(ws.world().resources, {});
    assert.deepEqual(ws.leftoverSockets(), [], "every provider process shut down");
  } finally {
    ws.cleanup();
  }
});
