/**
 * Turns ssh2's and node's plain errors into the engine's typed errors.
 * ssh2 marks its errors with `level` ("client-authentication",
 * "client-timeout", "client-socket", "handshake", ...); node's socket errors
 * carry `code` (ECONNREFUSED, EHOSTUNREACH, ...).
 */
import { SshAuthError, SshConnectionError, SshTimeoutError, Srv6Error, type Srv6ErrorContext } from "../errors";

export interface TranslateContext extends Srv6ErrorContext {
  user: string;
  host: string;
  port: number;
  connectTimeoutMs: number;
  /** "via bastion user@host:port", when a jump host is used. */
  via?: string;
}

export function translateSshError(err: unknown, ctx: TranslateContext): Srv6Error {
  if (err instanceof Srv6Error) return err;
  const e = err as Error & { level?: string; code?: string };
  const base: Srv6ErrorContext = { router: ctx.router, command: ctx.command, durationMs: ctx.durationMs, cause: err };
  const where = `${ctx.user}@${ctx.host}:${ctx.port}${ctx.via ? ` ${ctx.via}` : ""}`;
  switch (e.level) {
    case "client-authentication":
      return new SshAuthError(ctx.user, `${where}: ${e.message}`, base);
    case "agent":
      return new SshAuthError(ctx.user, `ssh-agent: ${e.message}`, base);
    case "client-timeout":
      return new SshTimeoutError("connect", ctx.connectTimeoutMs, base);
  }
  if (e.code === "ETIMEDOUT") return new SshTimeoutError("connect", ctx.connectTimeoutMs, base);
  const code = e.code ? ` (${e.code})` : "";
  return new SshConnectionError(`SSH connection to ${where} failed${code}: ${e.message}`, base);
}
