/**
 * Atomic, verified upload: write the bytes over SFTP to a temporary name,
 * then one router command checks their sha256 with `sha256sum`, copies them
 * next to the destination, sets the mode and renames over the destination
 * (rename is atomic within a directory). Without sudo the temporary file
 * already sits in the destination directory; with sudo it goes to /tmp (the
 * SSH user may not write the destination) and the install runs as root.
 * A mismatch removes the temporary files and leaves the destination untouched.
 */
import { createHash, randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { posix } from "node:path";
import { CommandError, Srv6Error, UploadVerifyError } from "../errors";
import type { RouterConnection } from "./connection";

export interface UploadOptions {
  /** File mode on the router. Default 0o644. */
  mode?: number;
}

export interface UploadResult {
  remotePath: string;
  sha256: string;
  bytes: number;
}

/** Exit code the install script uses for "sha256 mismatch". */
const VERIFY_FAILED = 97;

/**
 * $1 source, $2 destination, $3 mode (octal), $4 expected sha256.
 * Fixed text; every value arrives as a positional parameter, never spliced in.
 */
export const INSTALL_SCRIPT = [
  "set -eu",
  'got=$(sha256sum -- "$1")',
  'got=${got#\\\\}',
  'got=${got%% *}',
  `if [ "$got" != "$4" ]; then rm -f -- "$1"; printf '%s\\n' "$got" >&2; exit ${VERIFY_FAILED}; fi`,
  'tmp="$2.s6tmp.$$"',
  'trap \'rm -f -- "$tmp" "$1"\' EXIT',
  'cp -- "$1" "$tmp"',
  'chmod "$3" "$tmp"',
  'mv -f -- "$tmp" "$2"',
].join("\n");

function checkRemotePath(router: string, path: string): void {
  if (!path.startsWith("/") || /[\0\n]/.test(path) || path.endsWith("/")) {
    throw new Srv6Error(`upload destination ${JSON.stringify(path)} must be an absolute file path without NUL or newline`, { router });
  }
}

/** Runs the install script on an already-written temporary file (exported for tests of the verification). */
export async function installUploaded(conn: RouterConnection, source: string, remotePath: string, mode: number, sha256: string): Promise<void> {
  const argv = ["sh", "-c", INSTALL_SCRIPT, "srv6-install", source, remotePath, mode.toString(8).padStart(4, "0"), sha256];
  try {
    await conn.run(argv);
  } catch (e) {
    if (e instanceof CommandError && e.exitCode === VERIFY_FAILED) {
      throw new UploadVerifyError(remotePath, sha256, (e.stderr ?? "").trim(), { router: conn.router, command: e.command, exitCode: e.exitCode, stderr: e.stderr, durationMs: e.durationMs, cause: e });
    }
    throw e;
  }
}

export async function uploadFile(conn: RouterConnection, content: Buffer | { file: string }, remotePath: string, opts: UploadOptions = {}): Promise<UploadResult> {
  checkRemotePath(conn.router, remotePath);
  const bytes = Buffer.isBuffer(content) ? content : readFileSync(content.file);
  const sha256 = createHash("sha256").update(bytes).digest("hex");
  const suffix = randomBytes(6).toString("hex");
  const source = conn.options.sudo
    ? `/tmp/.srv6-upload-${suffix}`
    : posix.join(posix.dirname(remotePath), `.${posix.basename(remotePath)}.s6up-${suffix}`);
  const sftp = await conn.sftp();
  try {
    await new Promise<void>((resolve, reject) => sftp.writeFile(source, bytes, { mode: 0o600 }, (err) => (err ? reject(err) : resolve())));
  } catch (cause) {
    // A partial temporary file must not stay behind.
    sftp.unlink(source, () => {});
    throw new Srv6Error(`SFTP write of ${source} (for ${remotePath}) failed: ${(cause as Error).message}`, { router: conn.router, cause });
  }
  try {
    await installUploaded(conn, source, remotePath, opts.mode ?? 0o644, sha256);
  } catch (e) {
    // The install script removes its files itself unless it never ran (e.g. sudo refused).
    if (!(e instanceof UploadVerifyError)) await conn.run(["rm", "-f", "--", source], { sudo: false }).catch(() => undefined);
    throw e;
  }
  return { remotePath, sha256, bytes: bytes.length };
}
