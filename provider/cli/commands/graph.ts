import { writeFileSync } from "node:fs";
import type { Command } from "../command";
import { parse, writeJson } from "../args";
import { ExitCode } from "../exit-codes";
import { loadDesiredState } from "../../state";
import { loadTopology } from "../../../lab/topology/load";
import { planLab } from "../../../lab/topology/addressing";
import { coverageRows, networkGraph, readCoverage } from "../../graph";
import { formatTable } from "../table";

export const graphCommand: Command = {
  path: ["graph"],
  summary: "draw the synthesized network as SVG: routers, links, protected links, a link's backup paths (reads no router)",
  usage: "[--stack DIR|FILE] [--stack-name N] [--topology FILE.json] [--link NAME] [--out FILE.svg] [--json] | --coverage [--stack DIR|FILE] [--stack-name N] [--json]",
  async run(args, io) {
    const { values } = parse(args, {
      stack: { type: "string" }, "stack-name": { type: "string" }, topology: { type: "string" },
      link: { type: "string" }, out: { type: "string" }, json: { type: "boolean" }, coverage: { type: "boolean" },
    });
    if (values.coverage) {
      // Per protected link and mode: which traffic has a backup (computed at synth from the whole topology).
      const reports = readCoverage({ path: values.stack, stack: values["stack-name"] });
      if (values.json) writeJson(io.stdout, { networks: reports });
      else io.stdout.write(`${formatTable(coverageRows(reports))}* the mode the link is protected in\n`);
      return ExitCode.ok;
    }
    const state = loadDesiredState({ path: values.stack, stack: values["stack-name"] });
    const topology = values.topology ? planLab(loadTopology(values.topology)) : undefined;
    const { model, paths, svg } = networkGraph({ state, topology, topologyFile: values.topology, link: values.link });
    if (values.out) writeFileSync(values.out, svg);
    if (values.json) {
      writeJson(io.stdout, {
        source: model.source,
        routers: model.routers,
        hosts: model.hosts,
        links: model.links,
        link: values.link ?? null,
        paths,
        ...(values.out ? { out: values.out } : {}),
      });
    } else if (values.out) {
      io.stderr.write(`wrote ${values.out} (${model.routers.length} routers, ${model.links.length} links${values.link ? `, ${paths.length} backup path(s) of ${values.link}` : ""})\n`);
    } else {
      io.stdout.write(svg);
    }
    return ExitCode.ok;
  },
};
