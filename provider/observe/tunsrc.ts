/** Parses `ip sr tunsrc show`: `tunsrc addr fc00:0:1::1`; `::` means unset. Pure. */
import { ParseError } from "../errors";
import { canonicalIpv6, isIpv6Address } from "../../model/ipv6";
import type { ParseContext } from "./routes";

/** The SRv6 encapsulation source address, or undefined when none is set (`::`). */
export function parseTunsrc(text: string, ctx: ParseContext = {}): string | undefined {
  const m = /^tunsrc addr (\S+)\s*$/m.exec(text);
  if (!m || !isIpv6Address(m[1])) throw new ParseError(`unexpected output of ip sr tunsrc show: ${JSON.stringify(text.trim())}`, ctx);
  const addr = canonicalIpv6(m[1]);
  return addr === "::" ? undefined : addr;
}
