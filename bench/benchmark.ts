import { Srv6ProtectError } from "../model/errors";

/** One benchmark of `npm run bench -- NAME ...`; each lives in its own folder under bench/ and is listed in bench/registry.ts. */
export interface BenchIO {
  /** Results only: the table, or with --json exactly one JSON document. */
  readonly stdout: NodeJS.WritableStream;
  /** Progress and diagnostics. */
  readonly stderr: NodeJS.WritableStream;
}

export interface Benchmark {
  readonly name: string;
  /** One line for the list of benchmarks. */
  readonly summary: string;
  /** Options after the name, e.g. "[--quick] [--json]". */
  readonly usage: string;
  /** Resolves to the process exit code: 0 all measured, 1 a run failed, 64 bad arguments. */
  run(args: string[], io: BenchIO): Promise<number>;
}

/** A bad command line; the runner prints it with the usage and exits 64. */
export class BenchUsageError extends Srv6ProtectError {
  override readonly name = "BenchUsageError";
  override readonly kind = "bench-usage";
}
