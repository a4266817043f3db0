import { Srv6ProtectError } from "../../model/errors";

/** Bad input to `srv6 graph`: names the resource, the field and the value. Nothing is contacted, so nothing changes. */
export class GraphInputError extends Srv6ProtectError {
  override readonly name = "GraphInputError";
  override readonly kind = "graph-input";
  /** `srv6 graph` maps it to exit code 64 (bad input). */
  readonly cliExitCode = 64;

  constructor(readonly resource: string, readonly field: string, readonly value: unknown, reason: string) {
    super(`${resource}: ${field} = ${JSON.stringify(value)}: ${reason}`);
  }
}
