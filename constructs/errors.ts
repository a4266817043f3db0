/**
 * Errors raised while declaring a network. Each names the construct or
 * resource, the field and the value received, and says how to fix it.
 */
import { Srv6ProtectError } from "../model/errors";
import { formatValue } from "../model/issue";

/** A prop or resource attribute has a bad value; thrown at declaration time. */
export class ConstructConfigError extends Srv6ProtectError {
  override readonly kind = "construct-config";
  constructor(
    /** Construct path, or the resource type and name. */
    readonly subject: string,
    /** Prop or attribute name. */
    readonly field: string,
    readonly value: unknown,
    /** What is wrong and how to fix it. */
    readonly problem: string,
  ) {
    super(`${subject}: ${field} = ${describe(value)}: ${problem}`);
    this.name = "ConstructConfigError";
  }
}

/** The kinds of whole-topology problems found at synth time. */
export type TopologyProblemKind =
  | "bridge-link"
  | "locator-overlap"
  | "prefix-overlap"
  | "sid-collision"
  | "sid-outside-locator"
  | "interface-reused"
  | "address-reused"
  | "prefix-unreachable"
  | "too-many-segments"
  | "too-many-links"
  | "uncovered";

/** One whole-topology problem; `message` is complete and user-facing. */
export interface TopologyProblem {
  readonly kind: TopologyProblemKind;
  /** What it is about, e.g. `link "r1-r2"`, `router "r3"`, `prefix 2001:db8:1::/64`. */
  readonly subject: string;
  readonly message: string;
}

/** A value as messages show it (model/issue.ts formatValue: Infinity and NaN as such, key material not at all). */
export function describe(value: unknown): string {
  return value === undefined ? String(value) : formatValue(value);
}
