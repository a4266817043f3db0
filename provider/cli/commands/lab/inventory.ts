import type { Command } from "../../command";
import { parse, writeJson } from "../../args";
import { readInventory } from "../../../../lab/state";

export const labInventoryCommand: Command = {
  path: ["lab", "inventory"],
  summary: "print the lab inventory (JSON: how to reach and address every node)",
  usage: "[NAME]",
  async run(args, io) {
    const { positionals } = parse(args, {}, { positionals: 1, minPositionals: 0 });
    writeJson(io.stdout, readInventory(positionals[0]));
    return 0;
  },
};
