/** The systems the failover benchmark can drive, by name. */
import type { BenchLab } from "../lab";
import { FrrBfdSystem } from "./frr/system";
import { Srv6ProtectSystem } from "./srv6/system";
import type { FailoverSystem, ProtectedLink, Setting } from "./system";
import type { FailureKind } from "./inject";

export interface SystemContext {
  readonly lab: BenchLab;
  readonly link: ProtectedLink;
  /** Prefix of the metered stream's receiver. */
  readonly destinationPrefix: string;
  readonly meterBinary: string;
  /** What the run fails; srv6-protect deploys the example made for it. @default "silent" */
  readonly failure?: FailureKind;
}

export function createSystem(setting: Setting, ctx: SystemContext): FailoverSystem {
  switch (setting.system) {
    case "frr-bfd":
      return new FrrBfdSystem(setting, ctx.lab, ctx.link, ctx.destinationPrefix, ctx.meterBinary);
    case "srv6-protect":
      return new Srv6ProtectSystem(setting, ctx);
  }
}
