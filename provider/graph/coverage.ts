/**
 * The coverage reports a synthesized stack carries (one stack local per
 * ProtectedNetwork, written by the constructs), read back for `srv6 graph
 * --coverage`. Reads no router.
 */
import { COVERAGE_LOCAL_PREFIX, type CoverageReport } from "../../model/coverage";
import { StackLoadError } from "../errors";
import { locateStack, readStackDocument, type StackLocation } from "../state";

export function readCoverage(location: StackLocation): CoverageReport[] {
  const stack = locateStack(location);
  const doc = readStackDocument(stack.file) as { locals?: Record<string, unknown> };
  const reports = Object.entries(doc.locals ?? {})
    .filter(([name]) => name.startsWith(COVERAGE_LOCAL_PREFIX))
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([, value]) => value as CoverageReport);
  if (reports.length === 0) {
    throw new StackLoadError(`${stack.file} holds no coverage report (locals ${COVERAGE_LOCAL_PREFIX}*): synthesize it with this version's constructs (ProtectedNetwork emits one)`);
  }
  return reports;
}

/** One row per link and mode; the configured mode marked with `*`. */
export function coverageRows(reports: readonly CoverageReport[]): string[][] {
  const rows = [["NETWORK", "LINK", "MODE", "COVERED", "SHARE", "WHY NOT (first uncovered pair)"]];
  for (const r of reports) {
    for (const l of r.links) {
      const first = l.uncovered[0];
      rows.push([r.network, l.link, `${l.mode}${l.configured ? " *" : ""}`, `${l.covered}/${l.pairs}`, `${(l.share * 100).toFixed(0)} %`,
        first ? `${first.from} -> ${first.to}: ${first.reason}${l.uncovered.length > 1 ? ` (and ${l.uncovered.length - 1} more)` : ""}` : ""]);
    }
  }
  return rows;
}
