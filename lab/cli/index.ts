import type { Command } from "../../provider/cli/command";

/** The `srv6 lab ...` verbs. */
export const labCommands: readonly Command[] = [];
