/**
 * Which example the srv6-protect system deploys, by failure kind, and the
 * link ends it protects:
 * - a link failure (silent or carrier): examples/diamond, protecting r1-r2;
 * - a node failure: examples/node, node protection of r1-r2 and r2-r3 (r2's
 *   crash; backups avoid r2 altogether).
 * Either with the setting's probe timers and the benchmark's hold-down.
 */
import { App } from "cdktf";
import { DiamondStack } from "../../../examples/diamond/main";
import { NodeStack } from "../../../examples/node/main";
import type { Inventory } from "../../../lab/inventory";
import type { FailureKind } from "../inject";
import type { ProtectedLink } from "../system";

export interface StackTimers {
  readonly probeIntervalMs: number;
  readonly multiplier: number;
  readonly holdDownMs: number;
}

/** The example a failure kind deploys, and what it needs of the lab. */
export interface Example {
  readonly name: "diamond" | "node";
  readonly routers: readonly string[];
  readonly hosts: readonly string[];
}

const DIAMOND: Example = { name: "diamond", routers: ["r1", "r2", "r3", "r4"], hosts: ["h1", "h2"] };
const NODE: Example = { name: "node", routers: ["r1", "r2", "r3", "r4", "r5"], hosts: ["h1", "h3"] };

export function exampleFor(kind: FailureKind): Example {
  return kind === "node" ? NODE : DIAMOND;
}

/**
 * Why the example cannot run on this lab with this protected link, or
 * undefined when it can: both examples protect r1:eth1 - r2:eth1 and name
 * their routers and hosts.
 */
export function exampleProblem(kind: FailureKind, link: ProtectedLink, inventory: Pick<Inventory, "routers" | "hosts">): string | undefined {
  const ex = exampleFor(kind);
  const { a, aIf, b, bIf } = link;
  const missing = [...ex.routers.filter((r) => !inventory.routers[r]), ...ex.hosts.filter((h) => !inventory.hosts[h])];
  if (a === "r1" && b === "r2" && aIf === "eth1" && bIf === "eth1" && missing.length === 0) return undefined;
  return `srv6-protect: the benchmark deploys examples/${ex.name} (${kind} failures), protecting r1:eth1-r2:eth1 ` +
    `on a lab with ${[...ex.routers, ...ex.hosts].join(", ")} (got ${a}:${aIf}-${b}:${bIf}${missing.length ? `; the lab lacks ${missing.join(", ")}` : ""})`;
}

/**
 * Synthesizes the example for `kind` into outdir (connections from the lab
 * inventory file, or with false from the lab's deterministic layout) and
 * returns every end ([router, interface]) of every link it protects.
 */
export function synthExample(kind: FailureKind, outdir: string, inventoryFile: string | false, timers: StackTimers): [string, string][] {
  const app = new App({ outdir });
  const props = { inventory: inventoryFile, ...timers };
  const network = kind === "node" ? new NodeStack(app, "node", props).network : new DiamondStack(app, "diamond", props).network;
  const ends = network.plan().links.flatMap((l) => [[l.a.router, l.a.interface], [l.b.router, l.b.interface]] as [string, string][]);
  app.synth();
  return ends;
}
