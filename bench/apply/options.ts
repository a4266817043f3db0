/** Command line of `npm run bench -- apply`: parsed, defaulted and checked in one place. */
import { parseArgs } from "node:util";
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { BenchUsageError } from "../benchmark";
import { PACKAGE_ROOT } from "../../provider/engine/router-scripts";

export type SystemName = "srv6-protect" | "ansible-default" | "ansible-tuned" | "ansible-batched";
export const SYSTEMS: readonly SystemName[] = ["srv6-protect", "ansible-default", "ansible-tuned", "ansible-batched"];

export interface ApplyBenchOptions {
  readonly json: boolean;
  /** Measured runs per system and operation. */
  readonly runs: number;
  readonly systems: readonly SystemName[];
  /** Lab topology file (the mesh: nine routers). */
  readonly topology: string;
  /** Unique lab name (at most 8 characters: namespace and link names derive from it). */
  readonly labName: string;
  readonly mgmtSubnet: string;
  /** --mgmt-subnet was given (else a drawn one may be drawn again if taken). */
  readonly mgmtSubnetGiven: boolean;
  /** Keep the generated stack, inventory and playbooks (their directory is printed). */
  readonly keep: boolean;
}

export const APPLY_USAGE =
  "[--quick] [--runs N] [--json] [--systems srv6-protect,ansible-default,ansible-tuned,ansible-batched] " +
  "[--topology FILE] [--lab NAME] [--mgmt-subnet 198.18.X.0/24] [--keep]";

/** A lab name nobody else uses: "ba" + 6 random base-36 characters. */
export function randomLabName(): string {
  const n = randomBytes(4).readUInt32BE(0) % 36 ** 6;
  return `ba${n.toString(36).padStart(6, "0")}`;
}

/** A management /24 in 198.18.64-254 (benchmarking range, RFC 2544), drawn at random to avoid other labs. */
export function randomMgmtSubnet(): string {
  return `198.18.${64 + (randomBytes(1)[0]! % 191)}.0/24`;
}

export function parseApplyOptions(args: string[]): ApplyBenchOptions {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      strict: true,
      allowPositionals: false,
      options: {
        quick: { type: "boolean", default: false },
        json: { type: "boolean", default: false },
        runs: { type: "string" },
        systems: { type: "string" },
        topology: { type: "string" },
        lab: { type: "string" },
        "mgmt-subnet": { type: "string" },
        keep: { type: "boolean", default: false },
      },
    });
  } catch (err) {
    throw new BenchUsageError((err as Error).message);
  }
  const v = parsed.values;
  let runs = v.quick ? 3 : 5;
  if (v.runs !== undefined) {
    runs = Number(v.runs);
    if (!/^\d+$/.test(v.runs) || runs < 1 || runs > 100) throw new BenchUsageError(`--runs: '${v.runs}' is not an integer in 1..100`);
  }
  let systems = SYSTEMS;
  if (v.systems !== undefined) {
    const wanted = v.systems.split(",");
    const unknown = wanted.filter((s) => !SYSTEMS.includes(s as SystemName));
    if (unknown.length || wanted.length === 0) throw new BenchUsageError(`--systems: unknown system '${unknown.join(",")}' (known: ${SYSTEMS.join(", ")})`);
    systems = SYSTEMS.filter((s) => wanted.includes(s));
  }
  const labName = v.lab ?? randomLabName();
  if (!/^[a-z][a-z0-9]{0,7}$/.test(labName)) throw new BenchUsageError(`--lab: '${labName}' is not 1-8 lowercase letters/digits starting with a letter`);
  const mgmtSubnet = v["mgmt-subnet"] ?? randomMgmtSubnet();
  const octet = /^198\.18\.(\d{1,3})\.0\/24$/.exec(mgmtSubnet)?.[1];
  if (octet === undefined || Number(octet) > 255) throw new BenchUsageError(`--mgmt-subnet: '${mgmtSubnet}' is not 198.18.X.0/24 with X in 0..255`);
  return {
    json: v.json === true,
    runs,
    systems,
    topology: v.topology ?? join(PACKAGE_ROOT, "examples", "lab", "mesh.json"),
    labName,
    mgmtSubnet,
    mgmtSubnetGiven: v["mgmt-subnet"] !== undefined,
    keep: v.keep === true,
  };
}
