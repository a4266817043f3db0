/**
 * The Debian package (installed by scripts/bootstrap.sh) of every program
 * the lab, the benchmarks and the tests run on this machine, so that a
 * missing program is reported by the package that provides it.
 */
const PACKAGES = new Map<string, string>([
  ["ip", "iproute2"], ["tc", "iproute2"], ["ss", "iproute2"], ["bpftool", "bpftool"], ["nft", "nftables"],
  ["sshd", "openssh-server"], ["/usr/sbin/sshd", "openssh-server"], ["ssh", "openssh-client"], ["ssh-keygen", "openssh-client"],
  ["ssh-agent", "openssh-client"], ["ssh-add", "openssh-client"], ["clang", "clang"], ["gcc", "gcc"], ["make", "make"],
  ["python3", "python3"], ["sudo", "sudo"], ["tcpdump", "tcpdump"], ["ping", "iputils-ping"], ["stress-ng", "stress-ng"],
  ["chrt", "util-linux"], ["nsenter", "util-linux"], ["unshare", "util-linux"], ["mount", "mount"], ["umount", "mount"],
  ["ps", "procps"], ["sysctl", "procps"], ["vtysh", "frr"], ["/usr/lib/frr/bfdd", "frr"], ["/usr/lib/frr/zebra", "frr"],
  ["/usr/lib/frr/ospf6d", "frr"], ["/usr/lib/frr/mgmtd", "frr"], ["ansible-playbook", "ansible"], ["rsvg-convert", "librsvg2-bin"],
  ["tmux", "tmux"],
]);

/** "rsvg-convert is not installed (Debian package librsvg2-bin; run scripts/bootstrap.sh as root)". */
export function missingProgramMessage(program: string): string {
  const pkg = PACKAGES.get(program) ?? PACKAGES.get(program.split("/").pop()!);
  return `${program} is not installed${pkg ? ` (Debian package ${pkg}; run scripts/bootstrap.sh as root)` : ""}`;
}

/** How the wrappers the lab runs programs through (nsenter, ip netns exec, sh) say they could not start one. */
const NOT_FOUND = [
  /failed to execute (\S+): No such file or directory/,
  /exec of "([^"]+)" failed: No such file or directory/,
  /^(?:\S+: \d+: )?(\S+): (?:command )?not found$/m,
];

/** The program a failed run could not start, if that is why it failed (the spawn's ENOENT, or a wrapper's message). */
export function programNotFound(argv: readonly string[], err: unknown, exitCode: number | null, stderr: string): string | undefined {
  if ((err as NodeJS.ErrnoException | undefined)?.code === "ENOENT") return argv[0];
  if (exitCode === 0) return undefined;
  for (const re of NOT_FOUND) {
    const m = re.exec(stderr);
    if (m) return m[1];
  }
  return undefined;
}
