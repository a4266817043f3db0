import { run } from "./run";
import { LabStateError } from "../errors";

/** Every process in a network namespace (`ip netns pids`; zombies have left it already). */
export async function netnsPids(netns: string): Promise<number[]> {
  const out = await run(["ip", "netns", "pids", netns], { allowFailure: true });
  return out.stdout.split(/\s+/).filter(Boolean).map(Number);
}

/**
 * SIGKILLs every process of the namespace and waits until none is left, so
 * that what they held (a mount namespace, its bpffs and pins) is released.
 * Lists again after each round: a process may fork between list and kill.
 * Resolves to the number of processes killed.
 */
export async function killNetnsProcesses(netns: string, node: string, timeoutMs = 10_000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  const killed = new Set<number>();
  for (;;) {
    const pids = await netnsPids(netns);
    if (pids.length === 0) return killed.size;
    if (Date.now() > deadline) throw new LabStateError(`router ${node}: processes ${pids.join(", ")} still in ${netns} ${timeoutMs} ms after SIGKILL`, { node });
    for (const pid of pids) {
      try {
        process.kill(pid, "SIGKILL");
        killed.add(pid);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== "ESRCH") throw new LabStateError(`router ${node}: cannot kill process ${pid}: ${(err as Error).message}`, { node, cause: err });
      }
    }
    await new Promise((r) => setTimeout(r, 20));
  }
}
