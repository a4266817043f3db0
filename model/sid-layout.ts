/**
 * Where each SID of a router lives inside its locator.
 *
 * The 16 bits right after the locator hold a function number; everything
 * after them is zero. For locator fc00:0:1::/48:
 *
 *   function     range            example (link k = 1)   behaviour
 *   0x0000       (not a SID)      fc00:0:1::1            loopback, `ip sr tunsrc`
 *   0x0001       node             fc00:0:1:1::           End
 *   0x0002       decap            fc00:0:1:2::           End.DT6 (main table)
 *   0x1000 + k   adjacency        fc00:0:1:1001::        End.X over link k
 *   0x2000 + k   monitor          fc00:0:1:2001::        End.BPF, probes of link k come home
 *
 * k is the link's number in declaration order (1-based), the same on both
 * ends, so a SID never changes when links are added after it. Function 0
 * stays free for the router's own addresses (the lab puts locator::1 on lo).
 */
import { addressInPrefix, formatIpv6, parseIpv6Prefix, type Ipv6Prefix } from "./ipv6";

export const FUNCTION_BITS = 16;
export const NODE_FUNCTION = 0x0001;
export const DECAP_FUNCTION = 0x0002;
export const ADJACENCY_BASE = 0x1000;
export const MONITOR_BASE = 0x2000;
/** Link numbers must fit below the next range. */
export const MAX_LINK_NUMBER = 0x0fff;
export const MIN_LOCATOR_LENGTH = 16;
export const MAX_LOCATOR_LENGTH = 128 - FUNCTION_BITS - 48; // 64: leaves room for the function and 48 free bits

/** The SID with function number `fn` inside `locator`, in canonical text form. */
export function sidFor(locator: Ipv6Prefix, fn: number): string {
  if (locator.length > 128 - FUNCTION_BITS) throw new RangeError(`locator /${locator.length} leaves no room for a SID function`);
  return formatIpv6(addressInPrefix(locator, BigInt(fn) << BigInt(128 - locator.length - FUNCTION_BITS)));
}

export function nodeSid(locator: Ipv6Prefix): string {
  return sidFor(locator, NODE_FUNCTION);
}

export function decapSid(locator: Ipv6Prefix): string {
  return sidFor(locator, DECAP_FUNCTION);
}

export function adjacencySid(locator: Ipv6Prefix, linkNumber: number): string {
  return sidFor(locator, ADJACENCY_BASE + checkLinkNumber(linkNumber));
}

export function monitorSid(locator: Ipv6Prefix, linkNumber: number): string {
  return sidFor(locator, MONITOR_BASE + checkLinkNumber(linkNumber));
}

/** The router's loopback, locator::1, which must never be used as a SID. */
export function loopbackAddress(locator: Ipv6Prefix): string {
  return formatIpv6(addressInPrefix(locator, 1n));
}

function checkLinkNumber(n: number): number {
  if (!Number.isInteger(n) || n < 1 || n > MAX_LINK_NUMBER) throw new RangeError(`link number ${n} is outside 1..${MAX_LINK_NUMBER}`);
  return n;
}

export { parseIpv6Prefix };
