/**
 * Errors of the benchmark harness. Like the engine's errors they carry the
 * node, the command, its exit code and stderr, and the cause, so a failed
 * run says exactly what broke and where.
 */
import { StepError } from "../lab/errors";

export class BenchError extends StepError {
  override name = "BenchError";
  override readonly kind: string = "bench";
}

/** A step did not reach its expected state in time (e.g. FRR never converged). */
export class BenchTimeoutError extends BenchError {
  override name = "BenchTimeoutError";
  override readonly kind: string = "bench-timeout";
}
