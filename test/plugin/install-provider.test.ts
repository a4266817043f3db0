/** `srv6 install-provider`: the mirror layout both OpenTofu and Terraform read, and the CLI config. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { UsageError } from "../../provider/cli/command";
import { installProviderCommand, InstallProviderError, installProvider } from "../../provider/cli/install-provider";

function capture() {
  let out = "";
  let err = "";
  const io = {
    stdout: { write: (s: string) => ((out += s), true) } as unknown as NodeJS.WritableStream,
    stderr: { write: (s: string) => ((err += s), true) } as unknown as NodeJS.WritableStream,
  };
  return { io, out: () => out, err: () => err };
}

test("install-provider writes an executable launcher for both registries and the CLI config", async () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "srv6-plugin-inst-"));
  try {
    const dir = path.join(root, "mirror");
    const c = capture();
    assert.equal(await installProviderCommand.run(["--dir", dir, "--json"], c.io), 0);
    const result = JSON.parse(c.out()) as { executables: string[]; cliConfigFile: string; cliConfig: string; platform: string };
    assert.deepEqual(
      result.executables,
      ["registry.opentofu.org", "registry.terraform.io"].map((h) => path.join(dir, h, "srv6-protect/srv6/0.1.0", result.platform, "terraform-provider-srv6_v0.1.0")),
    );
    for (const exe of result.executables) {
      assert.equal(fs.statSync(exe).mode & 0o111, 0o111, `${exe} is executable`);
      // Run by hand, the launcher reaches our main() and explains itself.
      const r = spawnSync(exe, [], { env: { PATH: process.env.PATH }, encoding: "utf8" });
      assert.equal(r.status, 1);
      assert.match(r.stderr, /not meant to be run by hand/);
    }
    assert.equal(fs.readFileSync(result.cliConfigFile, "utf8"), result.cliConfig);
    assert.match(result.cliConfig, new RegExp(`filesystem_mirror \\{\\n    path    = "${dir}"`));
    assert.match(result.cliConfig, /direct \{\n    exclude = \["registry\.opentofu\.org\/srv6-protect\/srv6", "registry\.terraform\.io\/srv6-protect\/srv6"\]/);

    const human = capture();
    assert.equal(await installProviderCommand.run([`--dir=${dir}`], human.io), 0, "installing again replaces the launcher");
    assert.match(human.out(), /export TF_CLI_CONFIG_FILE=.*srv6\.tfrc/);
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});

test("install-provider refuses what it cannot write safely", async () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "srv6-plugin-inst-"));
  try {
    assert.throws(() => installProvider(path.join(root, 'bad"dir')), InstallProviderError);
    assert.deepEqual(fs.readdirSync(root), [], "nothing written");
    await assert.rejects(installProviderCommand.run(["--nope"], capture().io), UsageError);
    await assert.rejects(installProviderCommand.run(["--dir"], capture().io), UsageError);
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});
