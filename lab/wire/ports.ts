/**
 * Where each lab link meets the wire: two veth ports in the lab's wire
 * namespace, at ifindexes wire.bpf.c derives the link and the direction
 * from (keep WIRE_FIRST_IFINDEX and WIRE_MAX_LINKS equal to the C ones).
 */
import type { LabPlan } from "../topology/addressing";

export const WIRE_FIRST_IFINDEX = 16;
export const WIRE_MAX_LINKS = 4096;

export interface WirePort {
  /** Interface name in the wire namespace. */
  readonly name: string;
  readonly ifindex: number;
}

export interface WireLink {
  /** Index of the link in the plan (file order, host links included). */
  readonly index: number;
  /** Port facing the link's first endpoint (what it sends enters here), and the second's. */
  readonly a: WirePort;
  readonly b: WirePort;
}

export function wireLinks(plan: LabPlan): WireLink[] {
  if (plan.links.length > WIRE_MAX_LINKS) {
    throw new RangeError(`lab '${plan.name}': ${plan.links.length} links, the wire carries at most ${WIRE_MAX_LINKS}`);
  }
  return plan.links.map((_, k) => ({
    index: k,
    a: { name: `w${k}a`, ifindex: WIRE_FIRST_IFINDEX + 2 * k },
    b: { name: `w${k}b`, ifindex: WIRE_FIRST_IFINDEX + 2 * k + 1 },
  }));
}

/** The cut bits of a link: bit 0 drops what side a sends, bit 1 what side b sends. */
export const CUT_FROM_A = 1;
export const CUT_FROM_B = 2;
export const CUT_BOTH = CUT_FROM_A | CUT_FROM_B;
/** Bit 2: a member of the group that `wire_group` cuts in one write (wire.bpf.c). */
export const CUT_IN_GROUP = 4;
