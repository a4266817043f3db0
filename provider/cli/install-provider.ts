/**
 * `srv6 install-provider [--dir D] [--json]`: puts terraform-provider-srv6
 * into a filesystem mirror that OpenTofu and Terraform both read, and
 * prints (and writes beside it) the CLI configuration that makes
 * `tofu init` and `cdktf deploy --skip-provider-lock` find it without
 * asking any registry.
 */
import { Srv6ProtectError } from "../../model/errors";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { PROVIDER_SOURCE, PROVIDER_VERSION } from "../../model/schema";
import { UsageError, type CliIO, type Command } from "./command";
import { ExitCode } from "./exit-codes";

/** Both registries a `source = "srv6-protect/srv6"` resolves to: OpenTofu's and Terraform's. */
export const PROVIDER_HOSTS = ["registry.opentofu.org", "registry.terraform.io"] as const;

export class InstallProviderError extends Srv6ProtectError {
  override readonly name = "InstallProviderError";
  override readonly kind = "install-provider";
  constructor(
    message: string,
    readonly path: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export interface InstallResult {
  mirrorDir: string;
  source: string;
  version: string;
  platform: string;
  executables: string[];
  cliConfigFile: string;
  cliConfig: string;
}

export function defaultMirrorDir(env: NodeJS.ProcessEnv = process.env): string {
  const dataHome = env.XDG_DATA_HOME || path.join(os.homedir(), ".local", "share");
  return path.join(dataHome, "srv6-protect", "provider-mirror");
}

/** Terraform's name of this machine's platform, e.g. linux_amd64. */
export function terraformPlatform(): string {
  const arch = ({ x64: "amd64", arm64: "arm64", ia32: "386", arm: "arm" } as Record<string, string>)[process.arch] ?? process.arch;
  return `${process.platform}_${arch}`;
}

/** The compiled plugin entry point next to this file in dist/. */
export function pluginMainPath(): string {
  return path.resolve(__dirname, "../plugin/main.js");
}

/** The executable in the mirror: node (this one) running our compiled entry point. */
export function launcherText(nodePath: string, mainPath: string): string {
  return `#!${nodePath}\n"use strict";\n// Written by \`srv6 install-provider\`; run it again after moving the checkout or node.\nrequire(${JSON.stringify(mainPath)}).runAsProcess();\n`;
}

function hclString(value: string, what: string): string {
  // HCL strings escape like JSON, plus template sequences: refuse rather than guess.
  if (/[\x00-\x1f"\\$%]/.test(value)) throw new InstallProviderError(`${what} ${JSON.stringify(value)} contains a character that cannot appear in the CLI configuration (control character, quote, backslash, $ or %)`, value);
  return `"${value}"`;
}

export function cliConfigText(mirrorDir: string): string {
  const addresses = PROVIDER_HOSTS.map((h) => hclString(`${h}/${PROVIDER_SOURCE}`, "provider address")).join(", ");
  return [
    "# OpenTofu/Terraform CLI configuration written by `srv6 install-provider`.",
    "# Use it with: export TF_CLI_CONFIG_FILE=<this file>",
    "provider_installation {",
    "  filesystem_mirror {",
    `    path    = ${hclString(mirrorDir, "mirror directory")}`,
    `    include = [${addresses}]`,
    "  }",
    "  direct {",
    `    exclude = [${addresses}]`,
    "  }",
    "}",
    "",
  ].join("\n");
}

function writeAtomically(file: string, text: string, mode: number): void {
  const tmp = `${file}.tmp-${process.pid}`;
  fs.writeFileSync(tmp, text, { mode });
  fs.chmodSync(tmp, mode);
  fs.renameSync(tmp, file);
}

export function installProvider(mirrorDirInput: string, opts: { nodePath?: string; mainPath?: string } = {}): InstallResult {
  const mirrorDir = path.resolve(mirrorDirInput);
  const mainPath = opts.mainPath ?? pluginMainPath();
  if (!fs.existsSync(mainPath)) {
    throw new InstallProviderError(`the compiled provider ${mainPath} does not exist: run \`npm run build\` first`, mainPath);
  }
  const platform = terraformPlatform();
  const launcher = launcherText(opts.nodePath ?? process.execPath, mainPath);
  const cliConfig = cliConfigText(mirrorDir);
  const executables: string[] = [];
  for (const host of PROVIDER_HOSTS) {
    // Unpacked mirror layout: HOST/NAMESPACE/TYPE/VERSION/OS_ARCH/terraform-provider-TYPE_vVERSION
    const dir = path.join(mirrorDir, host, PROVIDER_SOURCE, PROVIDER_VERSION, platform);
    const file = path.join(dir, `terraform-provider-srv6_v${PROVIDER_VERSION}`);
    try {
      fs.mkdirSync(dir, { recursive: true });
      writeAtomically(file, launcher, 0o755);
    } catch (err) {
      throw new InstallProviderError(`cannot write ${file}: ${(err as Error).message}`, file, { cause: err });
    }
    executables.push(file);
  }
  const cliConfigFile = path.join(mirrorDir, "srv6.tfrc");
  try {
    writeAtomically(cliConfigFile, cliConfig, 0o644);
  } catch (err) {
    throw new InstallProviderError(`cannot write ${cliConfigFile}: ${(err as Error).message}`, cliConfigFile, { cause: err });
  }
  return { mirrorDir, source: PROVIDER_SOURCE, version: PROVIDER_VERSION, platform, executables, cliConfigFile, cliConfig };
}

function parseArgs(args: string[]): { dir: string; json: boolean } {
  let dir = defaultMirrorDir();
  let json = false;
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === "--json") json = true;
    else if (a === "--dir") {
      const v = args[++i];
      if (!v) throw new UsageError("--dir needs a directory");
      dir = v;
    } else if (a.startsWith("--dir=")) dir = a.slice("--dir=".length);
    else throw new UsageError(`unknown argument ${JSON.stringify(a)}`);
  }
  if (!dir) throw new UsageError("--dir needs a directory");
  return { dir, json };
}

export const installProviderCommand: Command = {
  path: ["install-provider"],
  summary: "Install the OpenTofu/Terraform provider into a filesystem mirror and print the CLI config",
  usage: "[--dir DIR] [--json]",
  async run(args: string[], io: CliIO): Promise<number> {
    const { dir, json } = parseArgs(args);
    const result = installProvider(dir);
    if (json) {
      io.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
      return ExitCode.ok;
    }
    io.stdout.write(
      [
        `Installed ${result.source} ${result.version} (${result.platform}) into ${result.mirrorDir}`,
        ...result.executables.map((e) => `  ${e}`),
        "",
        `CLI configuration (written to ${result.cliConfigFile}):`,
        "",
        result.cliConfig,
        "Use it:",
        `  export TF_CLI_CONFIG_FILE=${result.cliConfigFile}`,
        "  tofu init                         # or: cdktf deploy --skip-provider-lock",
        "",
      ].join("\n"),
    );
    return ExitCode.ok;
  },
};
