/**
 * The one place where an argv becomes a remote shell command line.
 *
 * SSH runs a command as one string through the user's login shell, so every
 * argument is quoted for a POSIX shell: arguments made only of characters the
 * shell never interprets stay as they are (readable logs); anything else is
 * put in single quotes, where every byte is literal except `'` itself, which
 * becomes `'\''`. Works byte-wise, so arbitrary bytes (except NUL, which no
 * argv can hold) round-trip. test/ssh/quote.test.ts checks this against
 * /bin/sh with random bytes.
 */
import { Srv6ProtectError } from "../../model/errors";

/** Characters no POSIX shell treats specially anywhere in a word (no `=`, `~`, `{`, glob, quote, space). */
const PLAIN = /^[A-Za-z0-9_@%+:,./-]+$/;

export class QuoteError extends Srv6ProtectError {
  override readonly name = "QuoteError";
  override readonly kind = "quote";
}

function toBytes(arg: string | Uint8Array): Buffer {
  if (typeof arg === "string") {
    // A lone surrogate would be silently replaced by U+FFFD when encoded.
    if (/\p{Surrogate}/u.test(arg)) throw new QuoteError(`argument ${JSON.stringify(arg)} is not well-formed Unicode`);
    return Buffer.from(arg, "utf8");
  }
  return Buffer.from(arg);
}

/** Quotes one argument for a POSIX shell. */
export function quoteArg(arg: string | Uint8Array): Buffer {
  const bytes = toBytes(arg);
  if (bytes.includes(0)) throw new QuoteError(`argument ${JSON.stringify(bytes.toString("utf8"))} contains a NUL byte, which no command argument can hold`);
  if (bytes.length > 0 && PLAIN.test(bytes.toString("latin1"))) return bytes;
  const parts: Buffer[] = [Buffer.from("'")];
  let start = 0;
  for (let i = 0; i < bytes.length; i++) {
    if (bytes[i] === 0x27) {
      parts.push(bytes.subarray(start, i), Buffer.from("'\\''"));
      start = i + 1;
    }
  }
  parts.push(bytes.subarray(start), Buffer.from("'"));
  return Buffer.concat(parts);
}

/** The command line for an argv: each argument quoted, joined by spaces. */
export function commandLine(argv: readonly (string | Uint8Array)[]): Buffer {
  if (argv.length === 0) throw new QuoteError("empty command");
  const out: Buffer[] = [];
  argv.forEach((a, i) => {
    if (i) out.push(Buffer.from(" "));
    out.push(quoteArg(a));
  });
  return Buffer.concat(out);
}

/** commandLine as text, for logs and messages. */
export function commandText(argv: readonly (string | Uint8Array)[]): string {
  return commandLine(argv).toString("utf8");
}
