/**
 * How much of the traffic each protected link carries can be protected, in
 * each mode: for every (link end, destination router) pair whose traffic
 * leaves over the link, whether a backup exists that avoids what fails in
 * that mode, and if not, why. Pure: computed from the plan's description of
 * the network, shown by `net.coverage()`, emitted with the stack and read by
 * `srv6 graph --coverage`.
 */
import { shortestGraphPath, type Graph } from "../../model/spf";
import type { LinkCoverage, ProtectionMode, UncoveredPair } from "../../model/coverage";
import { affectedDestinations, failedElements } from "./ti-lfa";
import { graphOf, type NetworkSpec } from "./plan";

export const COVERAGE_MODES: readonly ProtectionMode[] = ["link", "node", "srlg"];

/** Coverage of every protected link in every mode, links in declaration order. */
export function coverageOf(spec: NetworkSpec): LinkCoverage[] {
  const graph = graphOf(spec);
  const srlgsOf = (id: string) => spec.links.find((l) => l.name === id)?.srlgs ?? [];
  const out: LinkCoverage[] = [];
  for (const protection of spec.protections) {
    const link = spec.links.find((l) => l.name === protection.link)!;
    for (const mode of COVERAGE_MODES) {
      let pairs = 0;
      const uncovered: UncoveredPair[] = [];
      for (const from of [link.routerA, link.routerB]) {
        for (const to of affectedDestinations(graph, from, link.name)) {
          pairs++;
          const failed = failedElements(graph, from, link.name, to, mode, srlgsOf);
          if (shortestGraphPath(graph, from, to, { excludeLinks: failed.links, excludeNodes: failed.nodes })) continue;
          uncovered.push({ from, to, reason: reasonOf(graph, from, to, link.name, mode, failed) });
        }
      }
      const covered = pairs - uncovered.length;
      out.push({ link: link.name, mode, configured: mode === (protection.protection ?? "link"), pairs, covered, share: pairs === 0 ? 1 : covered / pairs, uncovered });
    }
  }
  return out;
}

function reasonOf(graph: Graph, from: string, to: string, linkId: string, mode: ProtectionMode, failed: { links: readonly string[]; nodes: readonly string[] }): string {
  if (!shortestGraphPath(graph, from, to, { excludeLink: linkId })) return `no alternative path: link ${linkId} is the only way from ${from} to ${to}`;
  if (mode === "node") return `router ${failed.nodes[0]} is a cut vertex: every path from ${from} to ${to} crosses it`;
  return `the risk groups of ${linkId} partition the network: every path from ${from} to ${to} crosses one of ${failed.links.filter((l) => l !== linkId).join(", ")}`;
}
