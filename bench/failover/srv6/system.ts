/**
 * Our eBPF dataplane as a FailoverSystem. Installed through the dataplane
 * engineer's lab entry point; detection is read from the pinned link_state
 * map on the upstream router (last_failover_ns is bpf_ktime_get_ns(), the
 * same CLOCK_MONOTONIC as the meter), false failovers from its failovers
 * counter on both ends.
 */
import { BenchError } from "../../errors";
import type { FailoverSystem, Setting } from "../system";
import type { SystemContext } from "../systems";

export class Srv6ProtectSystem implements FailoverSystem {
  constructor(readonly setting: Setting, private readonly ctx: SystemContext) {}

  async install(): Promise<void> {
    throw new BenchError(
      `srv6-protect: the dataplane's lab entry point (provider/dataplane) has not landed yet; cannot install on lab '${this.ctx.lab.name}'`,
    );
  }
  async waitHealthy(): Promise<void> {}
  async detectedAt(): Promise<number | undefined> {
    return undefined;
  }
  async downCount(): Promise<number> {
    return 0;
  }
  async uninstall(): Promise<string[]> {
    return [];
  }
}
