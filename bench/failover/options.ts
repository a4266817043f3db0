/** Command line of `npm run bench -- failover`: parsed, defaulted and checked in one place. */
import { parseArgs } from "node:util";
import { BenchUsageError } from "../benchmark";
import { BFD_LIMITS } from "./frr/config";
import type { Setting, SystemName } from "./system";
import type { FailureKind } from "./inject";

export interface FailoverOptions {
  readonly quick: boolean;
  readonly json: boolean;
  readonly settings: readonly Setting[];
  readonly failures: number;
  readonly loadSeconds: number;
  readonly ratePps: number;
  readonly topology: string;
  readonly labName: string;
  readonly mgmtSubnet: string;
  /** Protected link (upstream end first) and the metered stream's ends. */
  readonly linkA: string;
  readonly linkB: string;
  readonly from: string;
  readonly to: string;
  /** What fails: the protected link (silently), or a whole router, every link of it at once. */
  readonly failure: FailureMode;
  /** With failure "node": the router that crashes, the protected link's far end (linkB). */
  readonly node?: string;
}

export type FailureMode = "link" | "node";
const FAILURE_MODES: readonly FailureMode[] = ["link", "node"];

/** Defaults of each failure mode: the topology, the protected link and the stream; a node failure crashes the link's far end. */
export const FAILURE_DEFAULTS: Readonly<Record<FailureMode, { topology: string; link: [string, string]; stream: [string, string] }>> = {
  link: { topology: "examples/lab/diamond.json", link: ["r1", "r2"], stream: ["h1", "h2"] },
  node: { topology: "examples/lab/node.json", link: ["r1", "r2"], stream: ["h1", "h3"] },
};

export const FAILOVER_USAGE =
  "[--quick] [--json] [--systems srv6-protect,frr-bfd] [--failures N] [--load-seconds S] [--rate PPS] " +
  "[--topology FILE] [--lab NAME] [--mgmt-subnet 198.18.X.0/24] [--link A,B] [--stream H1,H2] [--failure link|node] [--node NAME]";

const SYSTEMS: readonly SystemName[] = ["srv6-protect", "frr-bfd"];

/**
 * Ours at 1 ms x 3 (the paper's prototype) and 10 ms x 3 (same timers as
 * the XDP BFD anchor); FRR at bfdd's minimum interval, 10 ms, with the
 * minimum multiplier 2 (its best) and with 3 (like for like with ours).
 * --quick keeps FRR's best only.
 */
export function defaultSettings(quick: boolean): Setting[] {
  return [
    { system: "srv6-protect", intervalMs: 1, multiplier: 3 },
    { system: "srv6-protect", intervalMs: 10, multiplier: 3 },
    { system: "frr-bfd", intervalMs: BFD_LIMITS.intervalMs.min, multiplier: BFD_LIMITS.multiplier.min },
    ...(quick ? [] : [{ system: "frr-bfd" as const, intervalMs: BFD_LIMITS.intervalMs.min, multiplier: 3 }]),
  ];
}

function positiveInt(flag: string, v: string | undefined, dflt: number, max: number): number {
  if (v === undefined) return dflt;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > max) throw new BenchUsageError(`${flag}: '${v}' is not an integer in 1..${max}`);
  return n;
}

function pair(flag: string, v: string | undefined, dflt: [string, string]): [string, string] {
  if (v === undefined) return dflt;
  const parts = v.split(",");
  if (parts.length !== 2 || !parts.every((p) => /^[a-z][a-z0-9]*$/.test(p))) {
    throw new BenchUsageError(`${flag}: '${v}' is not two node names separated by a comma`);
  }
  return [parts[0]!, parts[1]!];
}

export function parseFailoverOptions(args: string[]): FailoverOptions {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      strict: true,
      allowPositionals: false,
      options: {
        quick: { type: "boolean", default: false },
        json: { type: "boolean", default: false },
        systems: { type: "string" },
        failures: { type: "string" },
        "load-seconds": { type: "string" },
        rate: { type: "string" },
        topology: { type: "string" },
        lab: { type: "string" },
        "mgmt-subnet": { type: "string" },
        link: { type: "string" },
        stream: { type: "string" },
        failure: { type: "string" },
        node: { type: "string" },
      },
    });
  } catch (err) {
    throw new BenchUsageError((err as Error).message);
  }
  const v = parsed.values;
  const quick = v.quick === true;
  let settings = defaultSettings(quick);
  if (v.systems !== undefined) {
    const wanted = v.systems.split(",");
    const unknown = wanted.filter((s) => !SYSTEMS.includes(s as SystemName));
    if (unknown.length) throw new BenchUsageError(`--systems: unknown system '${unknown.join(",")}' (known: ${SYSTEMS.join(", ")})`);
    settings = settings.filter((s) => wanted.includes(s.system));
  }
  const labName = v.lab ?? "s6bnf";
  if (!/^[a-z][a-z0-9]{0,7}$/.test(labName)) throw new BenchUsageError(`--lab: '${labName}' is not 1-8 lowercase letters/digits starting with a letter`);
  const mgmtSubnet = v["mgmt-subnet"] ?? "198.18.231.0/24";
  if (!/^198\.18\.\d{1,3}\.0\/24$/.test(mgmtSubnet)) throw new BenchUsageError(`--mgmt-subnet: '${mgmtSubnet}' is not 198.18.X.0/24`);
  const failure = (v.failure ?? "link") as FailureMode;
  if (!FAILURE_MODES.includes(failure)) throw new BenchUsageError(`--failure: '${v.failure}' is not one of ${FAILURE_MODES.join(", ")}`);
  const defaults = FAILURE_DEFAULTS[failure];
  const [linkA, linkB] = pair("--link", v.link, defaults.link);
  const [from, to] = pair("--stream", v.stream, defaults.stream);
  const node = failedNode(v.node, failure, linkA, linkB);
  return {
    quick,
    json: v.json === true,
    settings,
    failures: positiveInt("--failures", v.failures, quick ? 5 : 20, 1000),
    loadSeconds: positiveInt("--load-seconds", v["load-seconds"], quick ? 30 : 300, 3600),
    ratePps: positiveInt("--rate", v.rate, 10_000, 100_000),
    topology: v.topology ?? defaults.topology,
    labName,
    mgmtSubnet,
    linkA,
    linkB,
    from,
    to,
    failure,
    ...(node === undefined ? {} : { node }),
  };
}

/**
 * The router a node failure crashes: named by --node or the protected
 * link's far end. It must be that far end: detection (and the false
 * failovers) are read on the protected link, which only its crash fails.
 * Whether the lab has it is checked once the lab is up (failedNodeProblem).
 */
function failedNode(v: string | undefined, failure: FailureMode, linkA: string, linkB: string): string | undefined {
  if (failure !== "node") {
    if (v !== undefined) throw new BenchUsageError(`--node: '${v}' is for --failure node only (the failure is 'link')`);
    return undefined;
  }
  const node = v ?? linkB;
  if (!/^[a-z][a-z0-9]*$/.test(node)) throw new BenchUsageError(`--node: '${node}' is not a node name`);
  if (node !== linkB) {
    throw new BenchUsageError(`--node: '${node}' is not the far end of the protected link ${linkA}-${linkB}; the failure is detected on that link (pass --link ${linkA},${node}, or --node ${linkB})`);
  }
  return node;
}

/** Why `node` cannot be the crashed router of this lab, or undefined: it must be one of its routers. */
export function failedNodeProblem(node: string, inventory: { readonly lab: string; readonly routers: Readonly<Record<string, unknown>> }): string | undefined {
  if (Object.hasOwn(inventory.routers, node)) return undefined;
  return `--node: lab '${inventory.lab}' has no router '${node}' (routers: ${Object.keys(inventory.routers).join(", ")})`;
}

/** The inject.ts kind of a failure mode: a link failure is a silent one. */
export function failureKind(mode: FailureMode): FailureKind {
  return mode === "node" ? "node" : "silent";
}
