/**
 * A real OpenTofu state written by the provider before policies were per
 * destination (schema version 0: one `srv6_backup_policy` per prefix, with
 * `prefix`), read by today's provider under the real `tofu`, with the fake
 * backend (test/plugin/fake-backend.ts) as the routers.
 *
 *   fixtures/state-v0-per-prefix.tfstate       terraform.tfstate after `tofu apply`
 *   fixtures/state-v0-per-prefix.routers.json  the fake backend's file ("the routers") then
 *
 * Both were written at commit 0a09ba7 from V0_CONFIG (state-upgrade-configs.ts):
 * in a worktree of that commit, built, TofuWorkspace (test/plugin/tofu-workspace.ts)
 * ran `tofu init` and `tofu apply -auto-approve` on it, and the two files
 * were copied out.
 *
 * 1. The same resources in today's schema (`prefixes = [P]`): the upgrade
 *    alone makes the plan empty (-refresh=false), and so does reading the
 *    routers; apply stores schema version 1 with `prefixes`.
 * 2. Per destination: one policy with both prefixes replaces the two
 *    per-prefix ones: the plan says 1 to add and 2 to destroy.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, TofuWorkspace } from "./tofu-workspace";
import { OLD_NAMES, PREFIXES, V1_PER_DESTINATION, V1_SAME } from "./state-upgrade-configs";

const FIXTURES = path.resolve(__dirname, "../../../test/plugin/fixtures");
interface State {
  resources: Array<{ type: string; name: string; instances: Array<{ schema_version: number; attributes: Record<string, unknown> }> }>;
}

test("a state written with per-prefix policies (schema version 0) is upgraded and replanned per destination", { timeout: 600_000 }, async (t) => {
  const ws = new TofuWorkspace("srv6-plugin-upgrade-");
  const stateFile = path.join(ws.dir, "terraform.tfstate");
  const readState = () => JSON.parse(fs.readFileSync(stateFile, "utf8")) as State;
  const policies = (s: State) => s.resources.filter((r) => r.type === "srv6_backup_policy");
  const tofu = async (args: string[], want: number) => {
    const r = await ws.tofu([...args, "-no-color", "-input=false"]);
    assert.equal(r.code, want, `tofu ${args.join(" ")}: ${describe(r)}`);
    return r;
  };
  try {
    fs.copyFileSync(path.join(FIXTURES, "state-v0-per-prefix.tfstate"), stateFile);
    fs.copyFileSync(path.join(FIXTURES, "state-v0-per-prefix.routers.json"), ws.fakeFile);
    const written = readState();
    assert.deepEqual(policies(written).map((r) => [r.name, r.instances[0]!.schema_version, r.instances[0]!.attributes.prefix]), OLD_NAMES.map((n, i) => [n, 0, PREFIXES[i]]), "the fixture is what the old provider wrote");

    await t.test("the same resources in today's schema: the upgrade alone leaves nothing to change", async () => {
      ws.writeConfig(V1_SAME);
      await tofu(["init"], 0);
      // -refresh=false: only the upgrade (not a read of the routers) can make the plan empty.
      await tofu(["plan", "-detailed-exitcode", "-refresh=false"], 0);
      await tofu(["plan", "-detailed-exitcode"], 0); // the routers' per-prefix records read the same way
      await tofu(["apply", "-auto-approve", "-refresh=false"], 0);
      const upgraded = policies(readState());
      assert.deepEqual(upgraded.map((r) => [r.name, r.instances[0]!.schema_version, r.instances[0]!.attributes.prefixes]), OLD_NAMES.map((n, i) => [n, 1, [PREFIXES[i]]]));
      for (const r of upgraded) {
        assert.ok(!("prefix" in r.instances[0]!.attributes), `${r.name}: no prefix attribute any more`);
        assert.equal(r.instances[0]!.attributes.destination, null, `${r.name}: no destination (version 0 had none)`);
      }
    });

    await t.test("per destination: the per-prefix policies are destroyed, the one for both prefixes created", async () => {
      ws.writeConfig(V1_PER_DESTINATION);
      const plan = await tofu(["plan", "-detailed-exitcode"], 2);
      assert.match(plan.stdout, /srv6_backup_policy\.l12-r1-to-r2 will be created/);
      for (const n of OLD_NAMES) assert.match(plan.stdout, new RegExp(`srv6_backup_policy\\.${n.replace(/[-]/g, "\\-")} will be destroyed`));
      assert.match(plan.stdout, /Plan: 1 to add, 0 to change, 2 to destroy\./);
      const before = ws.world().calls.length;
      await tofu(["apply", "-auto-approve"], 0);
      const world = ws.world();
      assert.deepEqual(world.calls.slice(before).map((c) => `${c.op} ${c.name}`).sort(), ["create l12-r1-to-r2", ...OLD_NAMES.map((n) => `delete ${n}`)].sort());
      assert.deepEqual(Object.keys(world.resources).filter((k) => k.startsWith("srv6_backup_policy/")), ["srv6_backup_policy/l12-r1-to-r2"]);
      assert.deepEqual(world.resources["srv6_backup_policy/l12-r1-to-r2"]!.prefixes, PREFIXES);
      assert.deepEqual(policies(readState()).map((r) => [r.name, r.instances[0]!.schema_version, r.instances[0]!.attributes.prefixes]), [["l12-r1-to-r2", 1, PREFIXES]]);
      await tofu(["plan", "-detailed-exitcode"], 0);
    });

    await t.test("every provider process shut down and removed its socket", () => {
      assert.deepEqual(ws.leftoverSockets(), []);
    });
  } finally {
    ws.cleanup();
  }
});
