/**
 * Silent failure of one link: carrier stays up, each end's netdev ingress
 * hook drops whatever arrives on the link, so both directions die and
 * neither kernel notices.
 *
 * The two ends are two namespaces, so the two drops cannot be one
 * transaction. Their order is fixed, and it is the conservative one: first
 * the forward direction (link.b drops what link.a sends: the metered stream
 * and link.a's outgoing probes or BFD packets stop at the same instant),
 * then the reverse one. So the loss window starts no later than the
 * failure any system could react to, and nothing is flattered: FRR's r1
 * keeps hearing BFD for the skew (what r2 sends still arrives), which can
 * only lengthen its figures, never shorten them. Fired at once instead,
 * the reverse drop won the race by 1-4 ms on a busy machine: the upstream
 * router stopped hearing its neighbour and failed over before its own
 * traffic was cut, and the loss window shrank to almost nothing.
 *
 * Both `nft` processes are started first (SCHED_FIFO, blocked on stdin), so
 * each drop is one write plus one commit away; the skew (1-2 ms here) is
 * measured by a stream in each direction and reported.
 *
 * The lab's labFail applies the same drops one after the other by starting
 * a new `nft` per end (10-40 ms apart), and its labHeal also re-installs the
 * lab's static base routes, which would override FRR's: the benchmark uses
 * its own.
 *
 * Ingress, not egress: a netdev egress drop runs before tc egress and would
 * hide the loss from a tc program counting probes that leave (as ours does).
 */
import { spawn, spawnSync } from "node:child_process";
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

/** Applies the forward drop (at link.b), then the reverse one (at link.a); resolves when both are in place. */
export async function failSilently(lab: BenchLab, link: ProtectedLink): Promise<void> {
  const [aEnd, bEnd] = ends(link);
  const procs = [bEnd, aEnd].map(([node, ifname]) => {
    // FIFO priority: it commits the moment its stdin closes, not when the scheduler gets to it.
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
  // Let both nft processes load and block on stdin before the first gets its rules.
  await new Promise((r) => setTimeout(r, 100));
  // Between the two drops this event loop must react at once to the first
  // nft's exit: it runs at FIFO priority for that moment (main thread only).
  const boosted = setOwnPriority(["-f", "55"]);
  try {
    for (const p of procs) {
      p.child.stdin!.end(ruleset(p.ifname));
      await p.done;
    }
  } finally {
    // If the first drop failed, do not leave the second nft waiting.
    for (const p of procs) if (p.child.exitCode === null) p.child.stdin!.end();
    await Promise.allSettled(procs.map((p) => p.done));
    if (boosted) setOwnPriority(["-o", "0"]);
  }
}

/** chrt on this process's main thread; false if not permitted (then the skew check still guards). */
function setOwnPriority(policy: string[]): boolean {
  return spawnSync("chrt", [...policy.slice(0, 1), "-p", policy[1]!, String(process.pid)], { stdio: "ignore" }).status === 0;
}

/** Removes the drops (idempotent). */
export async function healSilent(lab: BenchLab, link: ProtectedLink): Promise<void> {
  await Promise.all(ends(link).map(async ([node, ifname]) => {
    const present = await lab.exec(node, ["nft", "list", "table", "netdev", `${TABLE_PREFIX}${ifname}`], { allowFailure: true });
    if (present.code === 0) await lab.exec(node, ["nft", "delete", "table", "netdev", `${TABLE_PREFIX}${ifname}`]);
  }));
}
