/**
 * A tofu/cdktf workspace on the real engine: the plugin tests' workspace
 * (own temp dir, mirror from `srv6 install-provider`, no network to any
 * registry) without the fake backend, with the diamond example as the
 * cdktf app, synthesized against a test lab's inventory, under cdktf or
 * (resolved by a require hook) under cdktn.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { TofuWorkspace, TOFU, type RunResult } from "../plugin/tofu-workspace";
import type { TestLab } from "../helpers/lab";
import { CDKTN_ALIAS, CDKTN_MODULES } from "../constructs/helpers/cdktn";

export const REPO = path.resolve(__dirname, "../../..");
export const STACK_DIR = "cdktf.out/stacks/diamond";

export class EngineWorkspace extends TofuWorkspace {
  constructor(lab: TestLab, prefix: string) {
    super(prefix);
    delete this.env.SRV6_PROVIDER_BACKEND;
    delete this.env.SRV6_FAKE_BACKEND_FILE;
    this.env.SRV6_INVENTORY = path.join(lab.inventory.stateDir, "inventory.json");
  }

  /** The diamond example as this workspace's cdktf app; with `lib: "cdktn"` its `cdktf` and `constructs` are cdktn's. */
  useDiamondApp(lib: "cdktf" | "cdktn" = "cdktf"): void {
    const node = lib === "cdktn" ? [process.execPath, "--require", CDKTN_ALIAS] : [process.execPath];
    if (lib === "cdktn") this.env.CDKTN_MODULES = CDKTN_MODULES;
    fs.writeFileSync(path.join(this.dir, "cdktf.json"), JSON.stringify({
      language: "typescript",
      app: [...node, path.join(REPO, "dist/examples/diamond/main.js")].map((a) => JSON.stringify(a)).join(" "),
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
