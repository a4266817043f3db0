/**
 * Parses `sha256sum FILE...` output: `<64 hex>  <name>` (text mode) or
 * `<64 hex> *<name>` (binary mode). GNU coreutils escapes names holding a
 * backslash or newline: the line then starts with `\` and the name has `\\`
 * and `\n` escapes. Pure; files sha256sum could not read are absent (their
 * errors go to stderr).
 */
import { ParseError } from "../errors";
import type { ParseContext } from "./routes";

function unescapeName(name: string): string {
  return name.replace(/\\(\\|n|r)/g, (_, c: string) => (c === "n" ? "\n" : c === "r" ? "\r" : "\\"));
}

export function parseSha256sum(text: string, ctx: ParseContext = {}): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of text.split("\n")) {
    if (line === "") continue;
    const m = /^(\\?)([0-9a-f]{64}) [ *](.*)$/.exec(line);
    if (!m) throw new ParseError(`unexpected sha256sum line: ${JSON.stringify(line)}`, ctx);
    out.set(m[1] ? unescapeName(m[3]) : m[3], m[2]);
  }
  return out;
}
