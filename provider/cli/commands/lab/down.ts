import type { Command } from "../../command";
import { parse, writeJson } from "../../args";
import { labDown, listLabs } from "../../../../lab/down";
import { resolveLabName } from "../../../../lab/state";

export const labDownCommand: Command = {
  path: ["lab", "down"],
  summary: "remove a lab and everything it made (namespaces, processes, pinned maps, files)",
  usage: "[NAME | --all] [--json]",
  async run(args, io) {
    const { values, positionals } = parse(args, { json: { type: "boolean" }, all: { type: "boolean" } }, { positionals: 1, minPositionals: 0 });
    const labs = positionals.length ? positionals : values.all ? listLabs() : [resolveLabName()];
    const reports = [];
    for (const lab of labs) reports.push(await labDown(lab));
    if (values.json) writeJson(io.stdout, { labs: reports });
    else if (reports.length === 0) io.stdout.write("no lab is up\n");
    else for (const r of reports) {
      io.stdout.write(`lab '${r.lab}' removed: ${r.namespaces.length} namespaces, ${r.processes} processes\n`);
      for (const e of r.errors) io.stderr.write(`  error: ${e}\n`);
    }
    return reports.some((r) => r.errors.length) ? 1 : 0;
  },
};
