/**
 * The coverage report's shape, shared by the constructs that compute it
 * (constructs/lib/coverage.ts) and emit it with the stack, and `srv6 graph
 * --coverage`, which reads it back from the synthesized stack.
 */
export type ProtectionMode = "link" | "node" | "srlg";

export interface UncoveredPair {
  readonly from: string;
  readonly to: string;
  readonly reason: string;
}

export interface LinkCoverage {
  readonly link: string;
  readonly mode: ProtectionMode;
  /** The mode the link is protected in (the others are shown for comparison). */
  readonly configured: boolean;
  /** (link end, destination router) pairs whose traffic leaves over the link. */
  readonly pairs: number;
  readonly covered: number;
  /** covered / pairs, 1 when there are no pairs. */
  readonly share: number;
  readonly uncovered: readonly UncoveredPair[];
}

/** One network's report, as the stack local holds it. */
export interface CoverageReport {
  readonly network: string;
  readonly links: readonly LinkCoverage[];
}

/** Stack locals named so hold coverage reports, one per network. */
export const COVERAGE_LOCAL_PREFIX = "srv6_coverage_";

export function coverageLocalName(networkId: string): string {
  return `${COVERAGE_LOCAL_PREFIX}${networkId.replace(/[^A-Za-z0-9_]/g, "_")}`;
}
