/** Errors of the lab. Each names what is wrong so the user can fix it. */

export interface TopologyProblem {
  /** JSON path in the topology file, e.g. `links[2].endpoints[1]`. */
  readonly field: string;
  readonly value: unknown;
  readonly message: string;
}

/** The topology file is invalid; nothing was created. Lists every problem. */
export class TopologyError extends Error {
  override readonly name = "TopologyError";
  readonly cliExitCode = 64;
  constructor(readonly file: string, readonly problems: readonly TopologyProblem[]) {
    super(`${file}: invalid topology (${problems.length} problem${problems.length === 1 ? "" : "s"}):\n` +
      problems.map((p) => `  - ${p.field}: ${p.message} (got ${JSON.stringify(p.value)})`).join("\n"));
  }
}

/** A command the lab ran on this machine failed. */
export class LabCommandError extends Error {
  override readonly name = "LabCommandError";
  constructor(
    readonly argv: readonly string[],
    readonly exitCode: number | null,
    readonly stderr: string,
    readonly durationMs: number,
    options?: { cause?: unknown },
  ) {
    super(`command failed (exit ${exitCode}): ${argv.join(" ")}${stderr.trim() ? `: ${stderr.trim()}` : ""}`, options);
  }
}

/** A lab operation cannot proceed (already up, not found, unknown node...). */
export class LabStateError extends Error {
  override readonly name = "LabStateError";
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
export class StepError extends Error {
  override name = "StepError";
  readonly node?: string;
  readonly command?: readonly string[];
  readonly exitCode?: number | null;
  readonly stderr?: string;

  constructor(message: string, ctx: StepContext = {}) {
    const parts = [message];
    if (ctx.node) parts.push(`on ${ctx.node}`);
    if (ctx.command) parts.push(`command: ${ctx.command.join(" ")}`);
    if (ctx.exitCode !== undefined && ctx.exitCode !== null) parts.push(`exit ${ctx.exitCode}`);
    if (ctx.stderr && ctx.stderr.trim()) parts.push(`stderr: ${ctx.stderr.trim().split("\n").slice(-3).join(" | ")}`);
    super(parts.join("; "), ctx.cause === undefined ? undefined : { cause: ctx.cause });
    this.node = ctx.node;
    this.command = ctx.command;
    this.exitCode = ctx.exitCode;
    this.stderr = ctx.stderr;
  }
}
