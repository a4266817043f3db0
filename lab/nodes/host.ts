import { run } from "../system/run";
import { HOST_SYSCTLS } from "./sysctls";
import type { PlannedHost } from "../topology/addressing";

/** An end system: a plain network namespace (no sshd). */
export async function createHost(h: PlannedHost): Promise<void> {
  await run(["ip", "netns", "add", h.netns]);
  await run(["ip", "netns", "exec", h.netns, "sysctl", "-q", "-w", ...HOST_SYSCTLS]);
  await run(["ip", "-n", h.netns, "link", "set", "lo", "up"]);
}

/** Address and default route, once the host's link exists. */
export async function configureHost(h: PlannedHost): Promise<void> {
  await run(["ip", "-n", h.netns, "-6", "-batch", "-"], {
    input: [
      `addr add ${h.address}/64 dev ${h.interface}`,
      `link set ${h.interface} up`,
      `route add default via ${h.gateway} dev ${h.interface}`,
      "",
    ].join("\n"),
  });
}
