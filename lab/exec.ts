import { readInventory } from "./state";
import { run, routerArgv, hostArgv, type RunResult } from "./system/run";
import { LabStateError } from "./errors";

export interface ExecOptions {
  readonly input?: string;
  readonly timeoutMs?: number;
}

/**
 * Runs argv on a lab node and returns its output and exit code (never throws
 * on a non-zero exit). On a router it enters the network, mount and UTS
 * namespaces of its sshd, so it sees the same bpffs as SSH sessions.
 */
export async function labExec(lab: string | undefined, node: string, argv: readonly string[], opts: ExecOptions = {}): Promise<RunResult> {
  return run(nodeArgv(lab, node, argv), { ...opts, allowFailure: true });
}

export function nodeArgv(lab: string | undefined, node: string, argv: readonly string[]): string[] {
  const inv = readInventory(lab);
  const router = inv.routers[node];
  if (router) return routerArgv(router.pid, argv);
  const host = inv.hosts[node];
  if (host) return hostArgv(host.netns, argv);
  throw new LabStateError(`lab '${inv.lab}' has no node '${node}' (nodes: ${[...Object.keys(inv.routers), ...Object.keys(inv.hosts)].join(", ")})`);
}
