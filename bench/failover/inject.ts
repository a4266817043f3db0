/**
 * Silent failure of one link, applied at both ends at (nearly) the same
 * instant: carrier stays up, each end's netdev ingress hook drops whatever
 * arrives on the link, so both directions die and neither kernel notices.
 *
 * The lab's labFail does the same drop but applies the two ends one after
 * the other, each by a freshly started `nft` (10-40 ms apart here). That
 * skew matters at millisecond scale: the upstream router can hear the
 * silence (and fail over) before its outgoing traffic is even cut, which
 * makes both detection and loss look better than they are. Here both `nft`
 * processes are started first and wait on stdin; the ruleset is then
 * written to both in the same event-loop turn, and both run at SCHED_FIFO
 * priority, so the drops land within about a millisecond of each other (the benchmark measures the real skew
 * with a stream in each direction and reports it).
 *
 * Ingress, not egress: a netdev egress drop runs before tc egress and would
 * hide the loss from a tc program counting probes that leave (as ours does).
 * The heal is ours too: labHeal also re-installs the lab's static base
 * routes, which would override FRR's routes during the baseline.
 */
import { spawn } from "node:child_process";
import type { BenchLab } from "../lab";
import { BenchError } from "../errors";
import type { ProtectedLink } from "./system";

const TABLE_PREFIX = "s6bn_fail_";
const IFNAME = /^[a-zA-Z][a-zA-Z0-9_.-]{0,14}$/;

function ends(link: ProtectedLink): [string, string][] {
  for (const i of [link.aIf, link.bIf]) {
    if (!IFNAME.test(i)) throw new BenchError(`link interface '${i}' is not a plain interface name`);
  }
  return [[link.a, link.aIf], [link.b, link.bIf]];
}

function ruleset(ifname: string): string {
  return `table netdev ${TABLE_PREFIX}${ifname} {\n  chain ingress {\n    type filter hook ingress device "${ifname}" priority -500; policy drop;\n  }\n}\n`;
}

/** Applies the drop on both ends; resolves when both are in place. */
export async function failSilently(lab: BenchLab, link: ProtectedLink): Promise<void> {
  const procs = ends(link).map(([node, ifname]) => {
    // FIFO priority: both wake the moment their stdin closes, not when the scheduler gets to them.
    const argv = lab.argvOn(node, ["chrt", "-f", "60", "nft", "-f", "-"]);
    const child = spawn(argv[0]!, argv.slice(1), { stdio: ["pipe", "ignore", "pipe"] });
    let stderr = "";
    child.stderr!.setEncoding("utf8").on("data", (d: string) => { stderr += d; });
    const done = new Promise<void>((resolve, reject) => {
      child.on("error", (err) => reject(new BenchError("nft did not start", { node, command: argv, cause: err })));
      child.on("close", (code) => (code === 0 ? resolve() : reject(new BenchError("nft refused the drop", { node, command: argv, exitCode: code, stderr }))));
    });
    return { child, ifname, done };
  });
  // Give both nft processes time to load and block on stdin before either gets its rules.
  await new Promise((r) => setTimeout(r, 100));
  for (const p of procs) p.child.stdin!.end(ruleset(p.ifname));
  await Promise.all(procs.map((p) => p.done));
}

/** Removes the drops (idempotent). */
export async function healSilent(lab: BenchLab, link: ProtectedLink): Promise<void> {
  await Promise.all(ends(link).map(async ([node, ifname]) => {
    const present = await lab.exec(node, ["nft", "list", "table", "netdev", `${TABLE_PREFIX}${ifname}`], { allowFailure: true });
    if (present.code === 0) await lab.exec(node, ["nft", "delete", "table", "netdev", `${TABLE_PREFIX}${ifname}`]);
  }));
}
