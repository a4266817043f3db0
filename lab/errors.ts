/** Errors of the lab. Each names what is wrong so the user can fix it. */

export interface TopologyProblem {
  /** JSON path in the topology file, e.g. `links[2].endpoints[1]`. */
  readonly field: string;
  readonly value: unknown;
  readonly message: string;
}

/** The topology file is invalid; nothing was created. Lists every problem. */
export class TopologyError extends Error {
  override readonly name = "TopologyError";
  readonly cliExitCode = 64;
  constructor(readonly file: string, readonly problems: readonly TopologyProblem[]) {
    super(`${file}: invalid topology (${problems.length} problem${problems.length === 1 ? "" : "s"}):\n` +
      problems.map((p) => `  - ${p.field}: ${p.message} (got ${JSON.stringify(p.value)})`).join("\n"));
  }
}

/** A command the lab ran on this machine failed. */
export class LabCommandError extends Error {
  override readonly name = "LabCommandError";
  constructor(
    readonly argv: readonly string[],
    readonly exitCode: number | null,
    readonly stderr: string,
    readonly durationMs: number,
    options?: { cause?: unknown },
  ) {
    super(`command failed (exit ${exitCode}): ${argv.join(" ")}${stderr.trim() ? `: ${stderr.trim()}` : ""}`, options);
  }
}

/** A lab operation cannot proceed (already up, not found, unknown node...). */
export class LabStateError extends Error {
  override readonly name = "LabStateError";
}
