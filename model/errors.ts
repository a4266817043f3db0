/**
 * The one base of every error the project throws. Each error class derives
 * from `Srv6ProtectError` (directly or through a subclass such as the
 * engine's `Srv6Error`) and names a short, stable, machine-readable `kind`
 * that `srv6 ... --json` reports. The base never changes the message it is
 * given: subclasses compose their own (the engine's prefix the router and
 * the command). Context an operator needs to act is kept in optional
 * fields: the router or lab node, the command (argv), its exit code and
 * stderr, how long it ran, and the original error as the standard `cause`.
 */

/** Context any error may carry; all fields optional. */
export interface ErrorContext {
  /** Router name (or host when no name is known). */
  router?: string;
  /** Lab node (router or host) something ran on. */
  node?: string;
  /** The command as an argv array. */
  command?: readonly string[];
  exitCode?: number | null;
  stderr?: string;
  durationMs?: number;
  /** The original error; kept as the standard `Error.cause`. */
  cause?: unknown;
}

/** Renders an argv for a message: words joined by spaces, long commands cut. */
export function describeCommand(command: readonly string[] | undefined): string {
  if (!command || command.length === 0) return "";
  const text = command.map((w) => (/^[A-Za-z0-9_@%+=:,./-]+$/.test(w) ? w : JSON.stringify(w))).join(" ");
  return text.length > 200 ? `${text.slice(0, 197)}...` : text;
}

export class Srv6ProtectError extends Error {
  override name: string = "Srv6ProtectError";
  /** A short, stable machine-readable kind, used in `--json` output; each subclass names its own. */
  readonly kind: string = "error";
  declare readonly router?: string;
  declare readonly node?: string;
  declare readonly command?: readonly string[];
  declare readonly exitCode?: number | null;
  declare readonly stderr?: string;
  declare readonly durationMs?: number;

  constructor(message: string, ctx: ErrorContext = {}) {
    super(message, ctx.cause === undefined ? undefined : { cause: ctx.cause });
    // Only the context given becomes a field, so an error without context stays a plain error when printed.
    const self = this as { -readonly [K in keyof ErrorContext]: ErrorContext[K] };
    if (ctx.router !== undefined) self.router = ctx.router;
    if (ctx.node !== undefined) self.node = ctx.node;
    if (ctx.command !== undefined) self.command = ctx.command;
    if (ctx.exitCode !== undefined) self.exitCode = ctx.exitCode;
    if (ctx.stderr !== undefined) self.stderr = ctx.stderr;
    if (ctx.durationMs !== undefined) self.durationMs = ctx.durationMs;
  }

  /** A plain object for `--json` output (no stack, cause reduced to its message, absent context left out). */
  toJSON(): Record<string, unknown> {
    const cause = (this as { cause?: unknown }).cause;
    return {
      kind: this.kind,
      name: this.name,
      message: this.message,
      router: this.router,
      ...(this.node !== undefined ? { node: this.node } : {}),
      command: this.command,
      exitCode: this.exitCode,
      stderr: this.stderr,
      durationMs: this.durationMs,
      cause: cause instanceof Error ? cause.message : cause,
    };
  }
}

/**
 * Any thrown value as a `--json` object: an error of the base gives its
 * `toJSON()`; anything else (a plain `Error`, a string) kind "error", its
 * name and message.
 */
export function errorToJSON(err: unknown): Record<string, unknown> {
  if (err instanceof Srv6ProtectError) return err.toJSON();
  if (err instanceof Error) {
    const cause = (err as { cause?: unknown }).cause;
    return { kind: "error", name: err.name, message: err.message, cause: cause instanceof Error ? cause.message : cause };
  }
  return { kind: "error", name: "Error", message: String(err) };
}
