/**
 * A tofu/cdktf workspace on the real engine: the plugin tests' workspace
 * (own temp dir, mirror from `srv6 install-provider`, no network to any
 * registry) without the fake backend, with the diamond example as the
 * cdktf app, synthesized against a test lab's inventory.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { TofuWorkspace, TOFU, type RunResult } from "../plugin/tofu-workspace";
import type { TestLab } from "../helpers/lab";

export const REPO = path.resolve(__dirname, "../../..");
export const STACK_DIR = "cdktf.out/stacks/diamond";

export class EngineWorkspace extends TofuWorkspace {
  constructor(lab: TestLab, prefix: string) {
    super(prefix);
    delete this.env.SRV6_PROVIDER_BACKEND;
    delete this.env.SRV6_FAKE_BACKEND_FILE;
    this.env.SRV6_INVENTORY = path.join(lab.inventory.stateDir, "inventory.json");
  }

  /** The diamond example as this workspace's cdktf app. */
  useDiamondApp(): void {
    fs.writeFileSync(path.join(this.dir, "cdktf.json"), JSON.stringify({
      language: "typescript",
      app: `${JSON.stringify(process.execPath)} ${JSON.stringify(path.join(REPO, "dist/examples/diamond/main.js"))}`,
      output: "cdktf.out",
      sendCrashReports: "false",
      terraformProviders: [],
    }));
  }

  /** tofu in the synthesized stack's directory (where cdktf runs it). */
  stackTofu(args: string[], timeoutMs = 180_000): Promise<RunResult> {
    return this.run(TOFU, [`-chdir=${STACK_DIR}`, ...args], {}, timeoutMs);
  }
}
