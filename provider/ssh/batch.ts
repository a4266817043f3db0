/**
 * Several read-only commands in one SSH session: observing a router (routes,
 * sysctls, tunsrc, file hashes...) then costs one round trip and one sshd
 * session instead of one per command. Each command keeps its own stdout,
 * stderr and exit code: the router runs a fixed shell script that executes
 * the commands one by one into a private temporary directory, then prints
 * one line per command: `<index> <exit code> <base64 stdout> <base64 stderr>`.
 * Commands are quoted by quote.ts like any other; no stdin per command.
 */
import { randomBytes } from "node:crypto";
import { ParseError } from "../errors";
import type { CommandResult, RouterConnection } from "./connection";
import { commandText } from "./quote";

export interface BatchOptions {
  /** Run through `sudo -n`. Default: the router's setting. */
  sudo?: boolean;
  timeoutMs?: number;
}

function script(commands: readonly (readonly string[])[], marker: string): string {
  const lines = [
    "d=$(mktemp -d) || exit 1",
    "trap 'rm -rf -- \"$d\"' EXIT",
    // Commands get no stdin (like RouterConnection.run without input).
    ...commands.map((argv, i) => `${commandText(argv)} </dev/null >"$d/o" 2>"$d/e"; c=$?; printf '${marker} %s %s ' ${i} "$c"; base64 -w0 <"$d/o"; printf ' '; base64 -w0 <"$d/e"; printf '\\n'`),
  ];
  return lines.join("\n");
}

/** Runs the commands in order in one session; returns one result per command (non-zero exits are not thrown). */
export async function runMany(conn: RouterConnection, commands: readonly (readonly string[])[], opts: BatchOptions = {}): Promise<CommandResult[]> {
  if (commands.length === 0) return [];
  const marker = `srv6-batch-${randomBytes(6).toString("hex")}`;
  const started = Date.now();
  const outer = await conn.run(["sh", "-c", script(commands, marker), "srv6-batch"], { sudo: opts.sudo, timeoutMs: opts.timeoutMs });
  const durationMs = Date.now() - started;
  const results: CommandResult[] = [];
  for (const line of outer.stdout.split("\n")) {
    if (!line.startsWith(`${marker} `)) continue;
    const [, index, code, out = "", err = ""] = line.split(" ");
    const stdoutBytes = Buffer.from(out, "base64");
    results[Number(index)] = {
      command: [...commands[Number(index)]],
      stdout: stdoutBytes.toString("utf8"),
      stdoutBytes,
      stderr: Buffer.from(err, "base64").toString("utf8"),
      exitCode: Number(code),
      durationMs,
    };
  }
  const missing = commands.findIndex((_, i) => !results[i]);
  if (missing >= 0) {
    throw new ParseError(`batch of ${commands.length} commands returned no result for command #${missing}; stderr: ${outer.stderr.trim()}`, { router: conn.router, command: [...commands[missing]] });
  }
  return results;
}
