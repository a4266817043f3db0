import type { Command } from "../../command";
import { parse } from "../../args";
import { UsageError } from "../../command";
import { labFailLinks, labFailNode, labHealGroup } from "../../../../lab/failures";
import { readPlan } from "../../../../lab/state";

const MAX_GROUP_LINKS = 64;

const names = (lab: string | undefined, links: readonly number[]) => {
  const plan = readPlan(lab);
  return links.map((i) => `${plan.links[i]!.a.node}-${plan.links[i]!.b.node}`).join(", ");
};

export const labFailNodeCommand: Command = {
  path: ["lab", "fail-node"],
  summary: "fail every link of NODE silently, both ways, in one instant (a crashed router whose links stay up)",
  usage: "NODE [--lab NAME]",
  async run(args, io) {
    const { values, positionals } = parse(args, { lab: { type: "string" } }, { positionals: 1 });
    const links = await labFailNode(values.lab, positionals[0]!);
    io.stdout.write(`node ${positionals[0]} failed: ${names(values.lab, links)} cut in one instant (carrier stays up)\n`);
    return 0;
  },
};

export const labFailLinksCommand: Command = {
  path: ["lab", "fail-links"],
  summary: "fail the links A1-B1, A2-B2, ... silently, both ways, in one instant (a shared risk group)",
  usage: "A1 B1 [A2 B2 ...] [--lab NAME]",
  async run(args, io) {
    const { values, positionals } = parse(args, { lab: { type: "string" } }, { positionals: 2 * MAX_GROUP_LINKS, minPositionals: 2 });
    if (positionals.length % 2 !== 0) throw new UsageError(`links come as pairs of nodes: got ${positionals.length} names (${positionals.join(" ")})`);
    const pairs = positionals.flatMap((_, i) => (i % 2 === 0 ? [[positionals[i]!, positionals[i + 1]!] as const] : []));
    const links = await labFailLinks(values.lab, pairs);
    io.stdout.write(`links ${names(values.lab, links)} failed in one instant (carrier stays up)\n`);
    return 0;
  },
};

export const labHealGroupCommand: Command = {
  path: ["lab", "heal-group"],
  summary: "heal the links that fail-node or fail-links cut, all in one instant",
  usage: "[--lab NAME]",
  async run(args, io) {
    const { values } = parse(args, { lab: { type: "string" } });
    await labHealGroup(values.lab);
    io.stdout.write("group of links healed\n");
    return 0;
  },
};
