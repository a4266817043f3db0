import type { Command } from "../../command";
import { labUpCommand } from "./up";
import { labDownCommand } from "./down";
import { labStatusCommand } from "./status";
import { labInventoryCommand } from "./inventory";
import { labExecCommand } from "./exec";
import { labFailCommand } from "./fail";
import { labHealCommand } from "./heal";
import { labRebootCommand } from "./reboot";
import { labFailLinksCommand, labFailNodeCommand, labHealGroupCommand } from "./fail-group";

/** The `srv6 lab ...` verbs. */
export const labCommands: readonly Command[] = [
  labUpCommand, labDownCommand, labStatusCommand, labInventoryCommand, labExecCommand, labFailCommand, labFailNodeCommand, labFailLinksCommand, labHealCommand, labHealGroupCommand, labRebootCommand,
];
