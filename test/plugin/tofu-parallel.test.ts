/**
 * tofu applies independent resources in parallel (up to -parallelism) through
 * one provider process: the server must not serialize them (the engine's
 * per-router lock is what orders resources on the same router).
 *
 *   tofu apply -parallelism=10 ──> terraform-provider-srv6 ──> fake backend (300 ms per create)
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { FAKE_DELAY_ENV } from "./fake-backend";
import { describe, TofuWorkspace } from "./tofu-workspace";

const ROUTERS = 8;

function config(): string {
  const routers = Array.from({ length: ROUTERS }, (_, i) => `
resource "srv6_router" "r${i + 1}" {
  name      = "r${i + 1}"
  host      = "127.0.0.${i + 1}"
  locator   = "fc00:${i + 1}::/48"
  node_sid  = "fc00:${i + 1}::1"
  decap_sid = "fc00:${i + 1}::d6"
}`).join("\n");
  return `terraform {
  required_providers {
    srv6 = { source = "srv6-protect/srv6", version = "0.1.0" }
  }
}
${routers}
`;
}

test("independent resources are applied concurrently by one provider", { timeout: 300_000 }, async (t) => {
  const ws = new TofuWorkspace("srv6-plugin-par-");
  try {
    ws.env[FAKE_DELAY_ENV] = "300";
    ws.writeConfig(config());
    const init = await ws.tofu(["init", "-no-color", "-input=false"]);
    assert.equal(init.code, 0, describe(init));
    const apply = await ws.tofu(["apply", "-no-color", "-input=false", "-auto-approve", "-parallelism=10"]);
    assert.equal(apply.code, 0, describe(apply));
    const world = ws.world();
    assert.equal(Object.keys(world.resources).length, ROUTERS);
    assert.ok((world.maxInFlight ?? 0) >= 2, `creates overlapped: at most ${world.maxInFlight} in flight`);
    t.diagnostic(`${ROUTERS} creates of 300 ms: at most ${world.maxInFlight} in flight, apply took ${apply.ms} ms`);
    const destroy = await ws.tofu(["destroy", "-no-color", "-input=false", "-auto-approve"]);
    assert.equal(destroy.code, 0, describe(destroy));
  } finally {
    ws.cleanup();
  }
});
