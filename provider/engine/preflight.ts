/**
 * Preflight: what a router must have before anything is changed on it. A
 * failed preflight names every missing piece and changes nothing.
 */
import { Srv6Error } from "../errors";
import type { RouterFacts } from "./observe";

/** Kernel options and the feature each gives (the oldest kernel we support is 5.10). */
const KERNEL_OPTIONS: Readonly<Record<string, string>> = {
  CONFIG_IPV6_SEG6_LWTUNNEL: "SRv6 (seg6 and seg6local routes)",
  CONFIG_IPV6_SEG6_BPF: "End.BPF (the link monitor)",
  CONFIG_LWTUNNEL_BPF: "LWT BPF (the reroute program on protected routes)",
  CONFIG_NET_CLS_BPF: "tc BPF classifier (the probe stamper)",
  CONFIG_NET_SCH_INGRESS: "clsact qdisc",
  CONFIG_BPF_SYSCALL: "bpf(2)",
};

export class PreflightError extends Srv6Error {
  override readonly name = "PreflightError";
  override readonly kind = "preflight";
  constructor(router: string, readonly missing: readonly string[]) {
    super(`router ${router} failed preflight, nothing was changed:\n${missing.map((m) => `  - ${m}`).join("\n")}`, { router });
  }
}

export interface PreflightNeeds {
  /** The router protects prefixes: bpftool loads their shared reroute programs. */
  readonly sharedPrograms?: boolean;
}

export function preflightProblems(f: RouterFacts, needs: PreflightNeeds = {}): string[] {
  const problems: string[] = [];
  const [major, minor] = f.kernel.split(".").map((x) => parseInt(x, 10));
  if (!(major! > 5 || (major === 5 && minor! >= 10))) problems.push(`kernel ${f.kernel} is older than 5.10`);
  if (f.kernelConfig) {
    for (const [opt, what] of Object.entries(KERNEL_OPTIONS)) {
      const v = f.kernelConfig[opt];
      if (v !== "y" && v !== "m") problems.push(`kernel lacks ${opt} (${what})`);
    }
  }
  if (!/libbpf/.test(f.iproute2)) problems.push(`iproute2 without BPF support (ip -V: ${f.iproute2 || "not found"}); install an iproute2 built with libbpf`);
  if (!f.tc) problems.push("tc (iproute2) not found");
  if (needs.sharedPrograms && !f.bpftool) problems.push("bpftool not found: it loads the reroute programs every protected route shares (Debian: apt install bpftool)");
  if (!f.bpffs) problems.push("bpffs is not mounted on /sys/fs/bpf (mount -t bpf bpf /sys/fs/bpf)");
  if (f.euid !== 0) problems.push(`commands run as uid ${f.euid}, not root: set sudo = true (password-less sudo -n) or log in as root`);
  if (f.byteorder !== "little") problems.push(`byte order ${f.byteorder}: the map layouts are little-endian only`);
  return problems;
}
