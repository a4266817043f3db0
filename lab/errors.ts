/** Errors of the lab. Each names what is wrong so the user can fix it. */
import { Srv6ProtectError } from "../model/errors";

export interface TopologyProblem {
  /** JSON path in the topology file, e.g. `links[2].endpoints[1]`. */
  readonly field: string;
  readonly value: unknown;
  readonly message: string;
}

/** The topology file is invalid; nothing was created. Lists every problem. */
export class TopologyError extends Srv6ProtectError {
  override readonly name = "TopologyError";
  override readonly kind = "topology";
  readonly cliExitCode = 64;
  constructor(readonly file: string, readonly problems: readonly TopologyProblem[]) {
    super(`${file}: invalid topology (${problems.length} problem${problems.length === 1 ? "" : "s"}):\n` +
      problems.map((p) => `  - ${p.field}: ${p.message} (got ${JSON.stringify(p.value)})`).join("\n"));
  }
}

/** A command the lab ran on this machine failed. */
export class LabCommandError extends Srv6ProtectError {
  override readonly name = "LabCommandError";
  override readonly kind = "lab-command";
  constructor(
    readonly argv: readonly string[],
    override readonly exitCode: number | null,
    override readonly stderr: string,
    override readonly durationMs: number,
    options?: { cause?: unknown },
  ) {
    super(`command failed (exit ${exitCode}): ${argv.join(" ")}${stderr.trim() ? `: ${stderr.trim()}` : ""}`, {
      command: argv, exitCode, stderr, durationMs, cause: options?.cause,
    });
  }
}

/** A lab operation cannot proceed (already up, not found, unknown node...). */
export class LabStateError extends Srv6ProtectError {
  override readonly name = "LabStateError";
  override readonly kind = "lab-state";
}

/** Where a failed step ran and what it printed: the context every lab-side error of a process carries. */
export interface StepContext {
  /** Lab node (router or host) the failing step ran on. */
  readonly node?: string;
  readonly command?: readonly string[];
  readonly exitCode?: number | null;
  readonly stderr?: string;
  readonly cause?: unknown;
}

/** An error that names the node, the command, its exit code, the last lines of its stderr, and keeps the cause. */
export class StepError extends Srv6ProtectError {
  override name = "StepError";
  override readonly kind: string = "step";

  constructor(message: string, ctx: StepContext = {}) {
    const parts = [message];
    if (ctx.node) parts.push(`on ${ctx.node}`);
    if (ctx.command) parts.push(`command: ${ctx.command.join(" ")}`);
    if (ctx.exitCode !== undefined && ctx.exitCode !== null) parts.push(`exit ${ctx.exitCode}`);
    if (ctx.stderr && ctx.stderr.trim()) parts.push(`stderr: ${ctx.stderr.trim().split("\n").slice(-3).join(" | ")}`);
    super(parts.join("; "), ctx);
  }
}

/** FRR (the lab's IGP, or a benchmark's baseline) failed to start, stop or converge on a router. */
export class LabFrrError extends StepError {
  override name = "LabFrrError";
  override readonly kind: string = "lab-frr";
}
