/**
 * Errors of the benchmark harness. Like the engine's errors they carry the
 * node, the command, its exit code and stderr, and the cause, so a failed
 * run says exactly what broke and where.
 */
export interface BenchErrorContext {
  /** Lab node (router or host) the failing step ran on. */
  readonly node?: string;
  readonly command?: readonly string[];
  readonly exitCode?: number | null;
  readonly stderr?: string;
  readonly cause?: unknown;
}

export class BenchError extends Error {
  override name = "BenchError";
  readonly node?: string;
  readonly command?: readonly string[];
  readonly exitCode?: number | null;
  readonly stderr?: string;

  constructor(message: string, ctx: BenchErrorContext = {}) {
    super(describe(message, ctx), ctx.cause === undefined ? undefined : { cause: ctx.cause });
    this.node = ctx.node;
    this.command = ctx.command;
    this.exitCode = ctx.exitCode;
    this.stderr = ctx.stderr;
  }
}

/** A step did not reach its expected state in time (e.g. FRR never converged). */
export class BenchTimeoutError extends BenchError {
  override name = "BenchTimeoutError";
}

function describe(message: string, ctx: BenchErrorContext): string {
  const parts = [message];
  if (ctx.node) parts.push(`on ${ctx.node}`);
  if (ctx.command) parts.push(`command: ${ctx.command.join(" ")}`);
  if (ctx.exitCode !== undefined && ctx.exitCode !== null) parts.push(`exit ${ctx.exitCode}`);
  if (ctx.stderr && ctx.stderr.trim()) parts.push(`stderr: ${ctx.stderr.trim().split("\n").slice(-3).join(" | ")}`);
  return parts.join("; ");
}
