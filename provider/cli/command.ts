import { Srv6ProtectError } from "../../model/errors";

/** One `srv6` verb. Each lives in its own file and is listed in registry.ts. */
export interface Command {
  /** Words that select it, e.g. ["lab", "up"]. */
  readonly path: readonly string[];
  /** One line for `srv6 help`. */
  readonly summary: string;
  /** Usage line(s) after the command words, e.g. "FILE [--json]". */
  readonly usage: string;
  /** Runs with the remaining arguments; resolves to an exit code (see exit-codes.ts). */
  run(args: string[], io: CliIO): Promise<number>;
}

export interface CliIO {
  readonly stdout: NodeJS.WritableStream & { isTTY?: boolean };
  readonly stderr: NodeJS.WritableStream & { isTTY?: boolean };
}

/** Thrown for a bad command line; main() prints it with the usage and exits 64. */
export class UsageError extends Srv6ProtectError {
  override readonly name = "UsageError";
  override readonly kind = "usage";
}
