import type { Command } from "./command";
import { labCommands } from "./commands/lab";
import { installProviderCommand } from "./install-provider";
import { planCommand } from "./commands/plan";
import { applyCommand } from "./commands/apply";
import { driftCommand } from "./commands/drift";
import { reconcileCommand } from "./commands/reconcile";
import { statusCommand } from "./commands/status";
import { destroyCommand } from "./commands/destroy";
import { graphCommand } from "./commands/graph";
import { drillCommand } from "./commands/drill";

/** Every verb of `srv6`. Add a command by importing it here. */
export const commands: readonly Command[] = [
  planCommand, applyCommand, driftCommand, reconcileCommand, statusCommand, drillCommand, destroyCommand, graphCommand,
  installProviderCommand, ...labCommands,
];

/** The longest command whose words prefix argv, and the remaining arguments. */
export function findCommand(argv: readonly string[]): { command: Command; rest: string[] } | undefined {
  let best: Command | undefined;
  for (const c of commands) {
    if (c.path.every((w, i) => argv[i] === w) && (!best || c.path.length > best.path.length)) best = c;
  }
  return best ? { command: best, rest: argv.slice(best.path.length) } : undefined;
}
