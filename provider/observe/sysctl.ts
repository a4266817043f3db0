/**
 * Parses sysctl output: `sysctl -a` / `sysctl KEY...` print `key = value`
 * lines; `sysctl -n KEY...` prints only the values, one line per key, in
 * the order asked. Keys are returned as printed (interface names containing
 * dots appear with `/`, e.g. `net.ipv6.conf.eth0/100.seg6_enabled`). Pure.
 */
import { ParseError } from "../errors";
import type { ParseContext } from "./routes";

export function parseSysctlLines(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of text.split("\n")) {
    const i = line.indexOf(" = ");
    if (i <= 0) continue;
    out.set(line.slice(0, i).trim(), line.slice(i + 3).trim());
  }
  return out;
}

/** Pairs the lines of `sysctl -n K1 K2 ...` with the keys asked for. */
export function parseSysctlValues(text: string, keys: readonly string[], ctx: ParseContext = {}): Map<string, string> {
  const lines = text.replace(/\n$/, "").split("\n");
  if (keys.length === 0) return new Map();
  if (lines.length !== keys.length) {
    throw new ParseError(`sysctl -n printed ${lines.length} line(s) for ${keys.length} key(s) (${keys.join(", ")})`, ctx);
  }
  return new Map(keys.map((k, i) => [k, lines[i].trim()]));
}
