/** Exit codes of the `srv6` command, stable for CI pipelines. */
export const ExitCode = {
  /** Success; for `drift`, no drift. */
  ok: 0,
  /** The command failed (router unreachable, apply rolled back, lab error...). */
  failure: 1,
  /** `drift` found drift; `plan --detailed-exitcode` has changes. */
  changes: 2,
  /** Bad command line or bad input file: nothing was changed anywhere. */
  usage: 64,
} as const;

export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];
