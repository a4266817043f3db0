/**
 * Errors of the traffic meter. They carry the node, the command, its exit
 * code and stderr, so a stream that failed says where and why.
 */
export interface MeterErrorContext {
  /** Lab node the failing sender or receiver ran on. */
  readonly node?: string;
  readonly command?: readonly string[];
  readonly exitCode?: number | null;
  readonly stderr?: string;
  readonly cause?: unknown;
}

export class MeterError extends Error {
  override name = "MeterError";
  readonly node?: string;
  readonly command?: readonly string[];
  readonly exitCode?: number | null;
  readonly stderr?: string;

  constructor(message: string, ctx: MeterErrorContext = {}) {
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

/** The stream did not reach the expected state in time (no first packet, no recovery). */
export class MeterTimeoutError extends MeterError {
  override name = "MeterTimeoutError";
}
