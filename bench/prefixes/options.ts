/** Command line of `npm run bench -- prefixes`: parsed, defaulted and checked in one place. */
import { parseArgs } from "node:util";
import { randomBytes } from "node:crypto";
import { BenchUsageError } from "../benchmark";
import { integerOption } from "../integer-option";
import { LIMITS } from "../../model/schema";

export interface PrefixBenchOptions {
  readonly json: boolean;
  /** Protected prefixes behind r4 (h2's included), one measurement each. */
  readonly sizes: readonly number[];
  /** Silent failures per size, for the loss windows. */
  readonly failures: number;
  /** Carrier losses per size. */
  readonly carrierFailures: number;
  /** Timings per size (apply from empty ... destroy). */
  readonly runs: number;
  readonly labName: string;
  readonly mgmtSubnet: string;
}

export const PREFIX_USAGE = "[--sizes 10,100,1000,10000] [--failures N] [--carrier-failures N] [--runs N] [--quick] [--json] [--lab NAME]";

const DEFAULT_SIZES = [10, 100, 1000, 10000];

export function parsePrefixOptions(args: string[]): PrefixBenchOptions {
  let parsed;
  try {
    parsed = parseArgs({
      args, strict: true, allowPositionals: false,
      options: {
        sizes: { type: "string" }, failures: { type: "string" }, "carrier-failures": { type: "string" }, runs: { type: "string" },
        quick: { type: "boolean", default: false }, json: { type: "boolean", default: false }, lab: { type: "string" },
      },
    });
  } catch (err) {
    throw new BenchUsageError((err as Error).message);
  }
  const v = parsed.values;
  // The aggregate the extra prefixes come from holds 65,536 /64s, and h2's own is one more.
  const max = Math.min(LIMITS.protectedPrefixesPerRouter, 65_536);
  const sizes = v.sizes === undefined ? (v.quick ? [10, 1000] : DEFAULT_SIZES) : v.sizes.split(",").map((s) => integerOption("--sizes", s.trim(), 1, max)!);
  if (!sizes.length) throw new BenchUsageError("--sizes: give at least one size");
  const labName = v.lab ?? `px${randomBytes(3).toString("hex")}`;
  if (!/^[a-z][a-z0-9]{0,7}$/.test(labName)) throw new BenchUsageError(`--lab: '${labName}' is not 1-8 lowercase letters/digits starting with a letter`);
  return {
    json: v.json === true,
    sizes: [...new Set(sizes)].sort((a, b) => a - b),
    failures: integerOption("--failures", v.failures, 1, 100) ?? (v.quick ? 3 : 15),
    carrierFailures: integerOption("--carrier-failures", v["carrier-failures"], 1, 100) ?? (v.quick ? 2 : 5),
    runs: integerOption("--runs", v.runs, 1, 10) ?? (v.quick ? 1 : 3),
    labName,
    mgmtSubnet: `198.18.${64 + (randomBytes(1)[0]! % 191)}.0/24`,
  };
}
