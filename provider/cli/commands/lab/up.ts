import type { Command } from "../../command";
import { parse, writeJson } from "../../args";
import { labUp } from "../../../../lab/up";
import { LAB_ROUTINGS, type LabRouting } from "../../../../lab/topology/schema";
import { UsageError } from "../../command";

export const labUpCommand: Command = {
  path: ["lab", "up"],
  summary: "build the lab described by a topology file",
  usage: "FILE [--name NAME] [--mgmt-subnet 198.18.X.0/24] [--routing static|ospf6] [--json]",
  async run(args, io) {
    const { values, positionals } = parse(args, { name: { type: "string" }, "mgmt-subnet": { type: "string" }, routing: { type: "string" }, json: { type: "boolean" } }, { positionals: 1 });
    const routing = values.routing;
    if (routing !== undefined && !LAB_ROUTINGS.includes(routing as LabRouting)) {
      throw new UsageError(`--routing: '${routing}' is not one of ${LAB_ROUTINGS.join(", ")}`);
    }
    const started = Date.now();
    const inv = await labUp(positionals[0]!, {
      name: values.name,
      mgmtSubnet: values["mgmt-subnet"],
      routing: routing as LabRouting | undefined,
      progress: (line) => io.stderr.write(`lab: ${line}\n`),
    });
    if (values.json) writeJson(io.stdout, inv);
    else {
      io.stdout.write(`lab '${inv.lab}' is up in ${((Date.now() - started) / 1000).toFixed(1)} s: ${Object.keys(inv.routers).length} routers, ${Object.keys(inv.hosts).length} hosts\n`);
      for (const [name, r] of Object.entries(inv.routers)) io.stdout.write(`  ${name.padEnd(8)} ssh ${r.user}@${r.host}  locator ${r.locator}\n`);
      io.stdout.write(`inventory: srv6 lab inventory ${inv.lab}  (${inv.stateDir}/inventory.json)\n`);
    }
    return 0;
  },
};
