/**
 * A lab router: a network namespace whose sshd runs in its own mount and UTS
 * namespaces, with its own bpffs at /sys/fs/bpf and private
 * /var/lib/srv6-protect, /run/srv6-protect, /etc/local.d and /tmp. Every SSH
 * session, and `nsenter -t <sshd pid> -n -m -u`, shares that view, as on a
 * real router.
 */
import { spawn } from "node:child_process";
import { mkdirSync, openSync, closeSync, writeFileSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { run } from "../system/run";
import { STATE_ROOT } from "../system/names";
import { ROUTER_SYSCTLS } from "./sysctls";
import { generateKey, writeAccountFiles, fingerprintOf } from "./identity";
import { sshdConfig } from "./sshd-config";
import type { PlannedRouter } from "../topology/addressing";

/**
 * Directories on this machine that router mount namespaces bind over; made
 * as empty mount points when missing, removed by `lab down` when empty and
 * no lab is left. Nothing is ever written into them on this machine.
 */
export const ROUTER_PRIVATE_DIRS = ["/var/lib/srv6-protect", "/run/srv6-protect", "/etc/local.d"] as const;

/** Bind source of each private directory kept on disk, inside the router's state directory. */
export const ROUTER_DIR_SOURCES = { "/var/lib/srv6-protect": "var-lib", "/etc/local.d": "local.d" } as const;

/**
 * /run/srv6-protect is a tmpfs of the router's own, small as /run is on a
 * real router: it can fill up (the fault suite fills it), and a reboot,
 * which makes a new mount namespace, finds it empty.
 */
export const ROUTER_RUN_TMPFS_SIZE = "16m";

// Runs as: sh -c SCRIPT sh HOSTNAME STATE_DIR SSHD_CONFIG LABS_ROOT [SRC DST]...
// The namespace starts as a copy of this machine's mounts, so it also holds
// every lab wire's bpffs mounted by then (lab/wire/wire.ts, under
// LABS_ROOT/<lab>/wire): another lab's, or on a reboot its own lab's. They
// are detached here (only in this namespace), so no router sees a wire's maps.
const START_SCRIPT = `set -e
hostname "$1"
mounts=$(cat /proc/self/mounts)
echo "$mounts" | while read -r _ target _; do
  case $target in "$4"/*/wire) umount -l "$target" ;; esac
done
mount -t bpf bpf /sys/fs/bpf
mount -t tmpfs -o mode=1777 tmpfs /tmp
mount -t tmpfs -o size=${ROUTER_RUN_TMPFS_SIZE},mode=0755 tmpfs /run/srv6-protect
${Object.entries(ROUTER_DIR_SOURCES).map(([dir, source]) => `mount --bind "$2/${source}" ${dir}`).join("\n")}
config=$3
shift 4
while [ $# -ge 2 ]; do mount --bind "$1" "$2"; shift 2; done
exec /usr/sbin/sshd -D -e -f "$config"
`;

export interface RouterFiles {
  readonly dir: string;
  readonly hostKeyPub: string;
  readonly hostKeySha256: string;
}

/** Creates the namespace, its sysctls, management link and the router's files. */
export async function createRouter(r: PlannedRouter, labState: string, bridge: string, authorizedKeys: string): Promise<RouterFiles> {
  const dir = join(labState, r.name);
  for (const source of Object.values(ROUTER_DIR_SOURCES)) mkdirSync(join(dir, source), { recursive: true, mode: 0o755 });
  await run(["ip", "netns", "add", r.netns]);
  await run(["ip", "netns", "exec", r.netns, "sysctl", "-q", "-w", ...ROUTER_SYSCTLS]);
  await run(["ip", "link", "add", r.mgmtVeth, "type", "veth", "peer", "name", "mgmt0", "netns", r.netns]);
  await run(["ip", "link", "set", r.mgmtVeth, "master", bridge, "up"]);
  await run(["ip", "-n", r.netns, "-batch", "-"], { input: managementBatch(r) });
  const hostKey = join(dir, "ssh_host_ed25519_key");
  await generateKey(hostKey, `${r.name}-host-key`);
  writeFileSync(join(dir, "sshd_config"), sshdConfig({ listen: r.mgmtAddress, hostKey, pidFile: join(dir, "sshd.pid"), authorizedKeys }));
  const hostKeyPub = readFileSync(`${hostKey}.pub`, "utf8").trim();
  return { dir, hostKeyPub, hostKeySha256: fingerprintOf(hostKeyPub) };
}

/**
 * `ip -batch` lines for what createRouter gives a router besides its links:
 * lo up with the loopback address, mgmt0 up with the management address.
 * A reboot (lab/reboot.ts) puts exactly these back.
 */
export function managementBatch(r: PlannedRouter): string {
  return ["link set lo up", `addr add ${r.mgmtAddress}/24 dev mgmt0`, "link set mgmt0 up", `addr add ${r.loopback}/128 dev lo`, ""].join("\n");
}

/** Starts the router's sshd in its private namespaces; resolves to its pid. */
export function startRouter(r: PlannedRouter, files: Pick<RouterFiles, "dir">): number {
  mkdirSync(join(files.dir, "etc"), { recursive: true });
  for (const d of ROUTER_PRIVATE_DIRS) mkdirSync(d, { recursive: true });
  // sshd's privilege separation directory (normally made by its service unit).
  mkdirSync("/run/sshd", { recursive: true, mode: 0o755 });
  const { binds } = writeAccountFiles(join(files.dir, "etc"), r.name);
  const log = openSync(join(files.dir, "sshd.log"), "a");
  // `ip netns exec` makes a fresh mount namespace (slave of ours) and execs:
  // unshare adds a UTS namespace, sh mounts, then execs sshd, so the pid
  // returned here is sshd's and stays the router's anchor.
  const child = spawn("ip", ["netns", "exec", r.netns, "unshare", "--uts", "--", "sh", "-c", START_SCRIPT, "sh", r.name, files.dir, join(files.dir, "sshd_config"), STATE_ROOT, ...binds.flat()], {
    detached: true,
    stdio: ["ignore", log, log],
  });
  closeSync(log);
  child.unref();
  if (child.pid === undefined) throw new Error(`lab: could not start sshd of ${r.name}`);
  return child.pid;
}
