/** Command line of `npm run bench -- scale`: parsed, defaulted and checked in one place. */
import { parseArgs } from "node:util";
import { randomBytes } from "node:crypto";
import { BenchUsageError } from "../benchmark";
import { integerOption } from "../integer-option";
import { DEFAULT_ROUTERS, DEFAULT_SEED, MAX_ROUTERS, MIN_ROUTERS } from "../../examples/scale/generate";

export interface ScaleBenchOptions {
  readonly json: boolean;
  /** Routers of the generated topology. */
  readonly routers: number;
  /** Seed of the generated chords. */
  readonly seed: number;
  /** Measured runs: each is apply from empty, no-op plan, drift check, destroy. */
  readonly runs: number;
  /** Unique lab name (at most 8 characters: namespace and link names derive from it). */
  readonly labName: string;
  readonly mgmtSubnet: string;
  /** --mgmt-subnet was given (else a drawn one may be drawn again if taken). */
  readonly mgmtSubnetGiven: boolean;
  /** Routers the controller works on at once (`srv6 --parallelism`); undefined: the provider's default. */
  readonly parallelism?: number;
  /** Keep the generated topology and stack (their directory is printed). */
  readonly keep: boolean;
  /** After run 1's links are up: this long with nothing failed, polling status; every failover counted meanwhile is false. */
  readonly soakSeconds: number;
}

export const SCALE_USAGE = "[--routers N] [--seed S] [--runs N] [--quick] [--parallelism N] [--soak-seconds S] [--json] [--lab NAME] [--mgmt-subnet 198.1{8,9}.X.0/24] [--keep]";

/** A lab name nobody else uses: "sc" + 6 random base-36 characters. */
export function randomLabName(): string {
  const n = randomBytes(4).readUInt32BE(0) % 36 ** 6;
  return `sc${n.toString(36).padStart(6, "0")}`;
}

/** A management /24 in 198.18.64-254 (benchmarking range, RFC 2544), drawn at random to avoid other labs. */
export function randomMgmtSubnet(): string {
  return `198.18.${64 + (randomBytes(1)[0]! % 191)}.0/24`;
}

export function parseScaleOptions(args: string[]): ScaleBenchOptions {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      strict: true,
      allowPositionals: false,
      options: {
        routers: { type: "string" },
        seed: { type: "string" },
        runs: { type: "string" },
        quick: { type: "boolean", default: false },
        parallelism: { type: "string" },
        json: { type: "boolean", default: false },
        lab: { type: "string" },
        "mgmt-subnet": { type: "string" },
        keep: { type: "boolean", default: false },
        "soak-seconds": { type: "string" },
      },
    });
  } catch (err) {
    throw new BenchUsageError((err as Error).message);
  }
  const v = parsed.values;
  const labName = v.lab ?? randomLabName();
  if (!/^[a-z][a-z0-9]{0,7}$/.test(labName)) throw new BenchUsageError(`--lab: '${labName}' is not 1-8 lowercase letters/digits starting with a letter`);
  const mgmtSubnet = v["mgmt-subnet"] ?? randomMgmtSubnet();
  const octet = /^198\.1[89]\.(\d{1,3})\.0\/24$/.exec(mgmtSubnet)?.[1];
  if (octet === undefined || Number(octet) > 255) throw new BenchUsageError(`--mgmt-subnet: '${mgmtSubnet}' is not 198.18.X.0/24 or 198.19.X.0/24 with X in 0..255`);
  return {
    json: v.json === true,
    routers: integerOption("--routers", v.routers, MIN_ROUTERS, MAX_ROUTERS) ?? DEFAULT_ROUTERS,
    seed: integerOption("--seed", v.seed, 0, 0xffffffff) ?? DEFAULT_SEED,
    runs: integerOption("--runs", v.runs, 1, 20) ?? (v.quick ? 1 : 3),
    labName,
    mgmtSubnet,
    mgmtSubnetGiven: v["mgmt-subnet"] !== undefined,
    parallelism: integerOption("--parallelism", v.parallelism, 1, 256),
    keep: v.keep === true,
    soakSeconds: integerOption("--soak-seconds", v["soak-seconds"], 1, 86_400) ?? (v.quick ? 30 : 300),
  };
}
