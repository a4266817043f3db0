import type { Command } from "../../command";
import { parse } from "../../args";
import { labHeal } from "../../../../lab/failures";

export const labHealCommand: Command = {
  path: ["lab", "heal"],
  summary: "undo any failure of the link A-B and restore its base routes",
  usage: "A B [--lab NAME]",
  async run(args, io) {
    const { values, positionals } = parse(args, { lab: { type: "string" } }, { positionals: 2 });
    const [a, b] = positionals as [string, string];
    await labHeal(values.lab, a, b);
    io.stdout.write(`link ${a}-${b} healed\n`);
    return 0;
  },
};
