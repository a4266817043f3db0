import type { Command } from "../command";
import { parse, writeJson } from "../args";
import { ExitCode } from "../exit-codes";
import { openEngine, STACK_OPTIONS, STACK_USAGE } from "../engine-context";
import type { LinkEndStatus } from "../../engine/link-status";

const fmt = (v: number | undefined, unit = "") => (v === undefined ? "-" : `${v}${unit}`);

export function statusTable(links: readonly LinkEndStatus[]): string {
  const rows = [["LINK", "ROUTER", "IF", "STATE", "LAST PROBE", "SENT", "SEEN", "FAILOVERS", "REROUTED", "SENDER"]];
  for (const l of links) {
    rows.push([l.link, l.router, l.interface, l.state, fmt(l.lastProbeAgeMs === undefined ? undefined : Math.round(l.lastProbeAgeMs * 10) / 10, " ms"),
      fmt(l.probesSent), fmt(l.probesSeen), fmt(l.failovers), fmt(l.packetsRerouted), l.senderAlive ? "running" : "DEAD"]);
  }
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) => r.map((c, i) => c.padEnd(widths[i]!)).join("  ").trimEnd()).join("\n") + "\n";
}

export const statusCommand: Command = {
  path: ["status"],
  summary: "per protected link end: liveness, last probe age, failovers, packets rerouted",
  usage: STACK_USAGE,
  async run(args, io) {
    const { values } = parse(args, STACK_OPTIONS);
    const { state, engine } = openEngine({ ...values, quiet: true }, io);
    try {
      const { links, errors } = await engine.status(state);
      if (values.json) writeJson(io.stdout, { links, errors: errors.map((e) => ({ router: e.router, message: e.error.message })) });
      else {
        io.stdout.write(statusTable(links));
        for (const e of errors) io.stdout.write(`${e.router}: ERROR ${e.error.message}\n`);
      }
      return errors.length ? ExitCode.failure : ExitCode.ok;
    } finally {
      await engine.close();
    }
  },
};
