/** Errors of the traffic meter: where the sender or receiver ran, its command and stderr. */
import { StepError } from "../errors";

export class MeterError extends StepError {
  override name = "MeterError";
  override readonly kind: string = "meter";
}

/** The stream did not reach the expected state in time (no first packet, no recovery). */
export class MeterTimeoutError extends MeterError {
  override name = "MeterTimeoutError";
  override readonly kind: string = "meter-timeout";
}
