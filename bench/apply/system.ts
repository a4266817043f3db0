/** One configuration-push system under test: the operations timed, and the untimed steps around them. */
import type { SystemName } from "./options";

export interface PushSystem {
  readonly name: SystemName;
  /** Untimed set-up before the first measured run. */
  prepare(): Promise<void>;
  /** Pushes the whole configuration to empty routers; resolves to the wall time in ms. Throws if it did not succeed. */
  apply(): Promise<number>;
  /** The system's "what would change" on configured routers; must find nothing. Wall time in ms. */
  noopPlan(): Promise<number>;
  /** The system's drift check on configured routers; must find none. Wall time in ms. */
  drift(): Promise<number>;
  /** Untimed: back to empty routers. */
  reset(): Promise<void>;
  /** Untimed: stops whatever the system left running; resolves to the problems met. */
  close(): Promise<string[]>;
}
