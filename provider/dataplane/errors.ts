/**
 * Errors of the dataplane renderer. A bad input never yields commands: every
 * problem found is collected, each naming the resource, the field and the
 * bad value, and thrown together before anything is rendered.
 */
import { Srv6ProtectError } from "../../model/errors";

/** One bad value: `srv6_protected_link.r1_r2`, field `interface_a`, value `eth9`. */
export class DataplaneInputError extends Srv6ProtectError {
  override readonly kind = "dataplane-input";
  constructor(
    readonly resource: string,
    readonly field: string,
    readonly value: unknown,
    readonly problem: string,
  ) {
    super(`${resource}: ${field} = ${JSON.stringify(value)}: ${problem}`);
    this.name = "DataplaneInputError";
  }
}

/** All the problems of one render call. */
export class DataplaneValidationError extends Srv6ProtectError {
  override readonly kind = "dataplane-validation";
  constructor(override readonly router: string, readonly errors: readonly DataplaneInputError[]) {
    super(`cannot render the dataplane of router ${router}: ${errors.length} problem(s)\n` + errors.map((e) => `  - ${e.message}`).join("\n"), { router });
    this.name = "DataplaneValidationError";
  }
}
