/**
 * Consecutive route steps of a transaction become one `ip -6 -batch -`
 * command each way: a router with thousands of protected prefixes would
 * otherwise run (and journal) one `ip` process per route, at apply and at
 * undo. The merged step is still one step of the journal: a failure inside
 * it undoes all of it (the undo of a route not reached yet is a tolerated
 * delete, or a replace with what is already there).
 */
import type { Step, StepCommand } from "./transaction";

/**
 * Lines per `ip -batch`: iproute2 keeps the file descriptor of every pinned
 * program a line names open until it exits (two per protected route), and
 * a router's open-file limit may be as low as 1024.
 */
export const BATCH_LINES = 250;

/** An argument iproute2's batch reader keeps as one word, unchanged. */
const BATCH_WORD = /^[^\s"'\\#]+$/;

export function isBatchableRouteCommand(c: StepCommand): boolean {
  const a = c.argv;
  return a.length > 3 && a[0] === "ip" && a[1] === "-6" && a[2] === "route" && c.input === undefined && a.slice(3).every((w) => BATCH_WORD.test(w));
}

const batchable = (s: Step): boolean =>
  !!s.do?.length && s.do.every(isBatchableRouteCommand) && (s.undo ?? []).every(isBatchableRouteCommand)
  && !s.installFiles && !s.writeFile && !s.barrier;

/**
 * Runs of commands with the same failure policy, each as one batch: a
 * tolerated group runs to its end whatever fails (`-force`); a strict one
 * stops at its first failure, or, as an undo, does all it can and fails.
 */
function batches(cs: readonly StepCommand[], strictStops: boolean): StepCommand[] {
  const out: StepCommand[] = [];
  let i = 0;
  while (i < cs.length) {
    const mayFail = !!cs[i]!.mayFail;
    let j = i;
    while (j < cs.length && !!cs[j]!.mayFail === mayFail) j++;
    for (let k = i; k < j; k += BATCH_LINES) {
      const group = cs.slice(k, Math.min(j, k + BATCH_LINES));
      if (group.length === 1) {
        out.push(group[0]!);
        continue;
      }
      const force = mayFail || !strictStops ? ["-force"] : [];
      const input = group.map((c) => `${c.argv.slice(2).join(" ")}\n`).join("");
      out.push({ argv: ["ip", "-6", ...force, "-batch", "-"], input, ...(mayFail ? { mayFail: true } : {}) });
    }
    i = j;
  }
  return out;
}

function merge(run: readonly Step[]): Step {
  if (run.length === 1) return run[0]!;
  const doCommands = run.flatMap((s) => s.do ?? []);
  // A step's undo runs after every later step's: the merged undo takes them last step first.
  const undoCommands = [...run].reverse().flatMap((s) => s.undo ?? []);
  return {
    name: `${run.length} route steps: ${run[0]!.name} ... ${run[run.length - 1]!.name}`,
    do: batches(doCommands, true),
    ...(undoCommands.length ? { undo: batches(undoCommands, false) } : {}),
  };
}

/**
 * Shorter runs stay one step per route: a failure then names its route, and
 * a few processes cost nothing. A router's SIDs and probe routes never
 * reach this many; its protected prefixes do.
 */
export const BATCH_MIN_STEPS = 16;

export function batchRouteSteps(steps: readonly Step[], minSteps = BATCH_MIN_STEPS): Step[] {
  const out: Step[] = [];
  let run: Step[] = [];
  const flush = () => {
    if (run.length >= minSteps) out.push(merge(run));
    else out.push(...run);
    run = [];
  };
  for (const s of steps) {
    if (batchable(s)) {
      run.push(s);
      continue;
    }
    flush();
    out.push(s);
  }
  flush();
  return out;
}
