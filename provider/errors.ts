/**
 * Typed errors of the engine. One base class (Srv6Error, itself derived from
 * the project's base in model/errors.ts), one subclass per kind of
 * failure. Every error carries what an operator needs to act on it: the
 * router, the command (argv), its exit code and stderr, how long it ran, and
 * the original error as `cause`. Messages always name the router and, when
 * there is one, the command.
 */

import { describeCommand, Srv6ProtectError } from "../model/errors";

export { describeCommand };

/** Context shared by every engine error; all fields optional. */
export interface Srv6ErrorContext {
  /** Router name (or host when no name is known). */
  router?: string;
  /** The command as an argv array, as the engine built it. */
  command?: readonly string[];
  exitCode?: number | null;
  stderr?: string;
  durationMs?: number;
  cause?: unknown;
}

function prefix(ctx: Srv6ErrorContext): string {
  const parts: string[] = [];
  if (ctx.router) parts.push(`router ${ctx.router}`);
  if (ctx.command && ctx.command.length) parts.push(`command \`${describeCommand(ctx.command)}\``);
  return parts.length ? `${parts.join(", ")}: ` : "";
}

/**
 * An engine error: the project's base error (model/errors.ts), its message
 * prefixed with the router and the command it is about. The context fields
 * (router, command, exitCode, stderr, durationMs), `kind` and `toJSON()` come
 * from the base.
 */
export class Srv6Error extends Srv6ProtectError {
  override readonly name: string = "Srv6Error";
  override readonly kind: string = "error";

  constructor(message: string, ctx: Srv6ErrorContext = {}) {
    super(prefix(ctx) + message, ctx);
  }
}

/** The router refused every authentication method we offered. */
export class SshAuthError extends Srv6Error {
  override readonly name = "SshAuthError";
  override readonly kind = "ssh-auth";
  readonly user: string;
  constructor(user: string, methods: string, ctx: Srv6ErrorContext = {}) {
    super(`SSH authentication as '${user}' failed (tried: ${methods})`, ctx);
    this.user = user;
  }
}

export type HostKeyProblem = "unknown" | "changed" | "pin-mismatch" | "revoked";

/** The router's host key is not the one we trust. */
export class HostKeyError extends Srv6Error {
  override readonly name = "HostKeyError";
  override readonly kind = "host-key";
  readonly problem: HostKeyProblem;
  /** `SHA256:...` fingerprint of the key the router offered. */
  readonly offeredFingerprint: string;
  readonly expected?: string;
  constructor(problem: HostKeyProblem, offeredFingerprint: string, detail: string, ctx: Srv6ErrorContext & { expected?: string } = {}) {
    const what: Record<HostKeyProblem, string> = {
      unknown: "host key is unknown",
      changed: "HOST KEY HAS CHANGED (possible man-in-the-middle)",
      "pin-mismatch": "host key does not match the pinned fingerprint",
      revoked: "host key is revoked",
    };
    super(`${what[problem]}: offered ${offeredFingerprint}${ctx.expected ? `, expected ${ctx.expected}` : ""}; ${detail}`, ctx);
    this.problem = problem;
    this.offeredFingerprint = offeredFingerprint;
    this.expected = ctx.expected;
  }
}

export type TimeoutPhase = "connect" | "command";

/** Connecting, or one command, took longer than its timeout. */
export class SshTimeoutError extends Srv6Error {
  override readonly name = "SshTimeoutError";
  override readonly kind = "timeout";
  readonly phase: TimeoutPhase;
  readonly timeoutMs: number;
  constructor(phase: TimeoutPhase, timeoutMs: number, ctx: Srv6ErrorContext = {}) {
    super(`${phase === "connect" ? "SSH connect/handshake" : "command"} timed out after ${timeoutMs} ms`, ctx);
    this.phase = phase;
    this.timeoutMs = timeoutMs;
  }
}

/** TCP/SSH transport failure: refused, unreachable, reset, or lost mid-command. */
export class SshConnectionError extends Srv6Error {
  override readonly name = "SshConnectionError";
  override readonly kind = "connection";
}

/** A command ran and exited non-zero (or was killed by a signal). */
export class CommandError extends Srv6Error {
  override readonly name: string = "CommandError";
  override readonly kind: string = "command";
  readonly stdout: string;
  readonly signal?: string;
  constructor(ctx: Srv6ErrorContext & { exitCode: number | null; stdout: string; stderr: string; signal?: string }, message?: string) {
    const firstLine = ctx.stderr.trim().split("\n").slice(-3).join(" | ");
    super(
      message ??
        (ctx.signal
          ? `killed by signal ${ctx.signal}${firstLine ? `: ${firstLine}` : ""}`
          : `exited with code ${ctx.exitCode}${firstLine ? `: ${firstLine}` : ""}`),
      ctx,
    );
    this.stdout = ctx.stdout;
    this.signal = ctx.signal;
  }
}

/** `sudo -n` refused to run the command (no password-less sudo for this user). */
export class SudoError extends CommandError {
  override readonly name = "SudoError";
  override readonly kind = "sudo";
  constructor(user: string, ctx: Srv6ErrorContext & { exitCode: number | null; stdout: string; stderr: string }) {
    super(ctx, `sudo -n failed for user '${user}' (password-less sudo required): ${ctx.stderr.trim()}`);
  }
}

/** A file landed on the router with a different sha256 than we sent. */
export class UploadVerifyError extends Srv6Error {
  override readonly name = "UploadVerifyError";
  override readonly kind = "upload-verify";
  readonly remotePath: string;
  readonly expectedSha256: string;
  readonly actualSha256: string;
  constructor(remotePath: string, expectedSha256: string, actualSha256: string, ctx: Srv6ErrorContext = {}) {
    super(`upload of ${remotePath} failed verification: sha256 on router ${actualSha256}, expected ${expectedSha256}`, ctx);
    this.remotePath = remotePath;
    this.expectedSha256 = expectedSha256;
    this.actualSha256 = actualSha256;
  }
}

/** Router output we could not understand (a parser in provider/observe failed). */
export class ParseError extends Srv6Error {
  override readonly name = "ParseError";
  override readonly kind = "parse";
}

export { formatIssue, type SchemaIssue } from "../model/issue";
import { formatIssue, jsonSafeValue, type SchemaIssue } from "../model/issue";

/** The desired state is invalid; every problem found is listed, nothing was changed. */
export class SchemaError extends Srv6Error {
  override readonly name = "SchemaError";
  override readonly kind = "schema";
  readonly issues: readonly SchemaIssue[];
  constructor(issues: readonly SchemaIssue[], source?: string) {
    super(
      `invalid desired state${source ? ` in ${source}` : ""}: ${issues.length} error${issues.length === 1 ? "" : "s"}, nothing was changed\n` +
        issues.map((i) => `  - ${formatIssue(i)}`).join("\n"),
    );
    this.issues = issues;
  }
  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), issues: this.issues.map((i) => ({ ...i, value: jsonSafeValue(i.value) })) };
  }
}

/** The stack could not be found or read (no cdktf.out, several stacks, bad JSON). */
export class StackLoadError extends Srv6Error {
  override readonly name = "StackLoadError";
  override readonly kind = "stack";
}
