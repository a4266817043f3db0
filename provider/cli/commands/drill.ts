import { formatTable } from "../table";
import { UsageError, type Command } from "../command";
import { parse, writeJson } from "../args";
import { ExitCode } from "../exit-codes";
import { openEngine, STACK_OPTIONS, STACK_USAGE } from "../engine-context";
import { LIMITS } from "../../../model/schema";
import { runDrill, type DrillEndReport } from "../../engine/drill";

export function drillTable(reports: readonly DrillEndReport[]): string {
  const rows = [["ROUTER", "LINK", "IF", "SECONDS", "REROUTED", "BACKUP PATH", "HEALTH", "PROBES SENT", "CAME HOME", "RTT", "REVERTED"]];
  for (const r of reports) {
    const paths = r.backupPaths.length ? r.backupPaths : [undefined];
    paths.forEach((p, i) => rows.push([
      i ? "" : r.router, i ? "" : r.link, i ? "" : r.interface, i ? "" : r.durationS.toFixed(1), i ? "" : String(r.packetsRerouted),
      p?.policy ?? "-", p?.health ?? "-", p ? String(p.sent) : "-", p ? String(p.returned) : "-",
      p?.lastRttMs === undefined ? "-" : `${Math.round(p.lastRttMs * 100) / 100} ms`, i ? "" : r.reverted ? "yes" : `NO: ${r.revertError}`,
    ]));
  }
  return formatTable(rows);
}

export const drillCommand: Command = {
  path: ["drill"],
  summary: "move one protected link's traffic onto its backup paths for a while, with the link up, and report what the backups carried",
  usage: `LINK [--end ROUTER] [--duration S] ${STACK_USAGE}`,
  async run(args, io) {
    const { values, positionals } = parse(args, { ...STACK_OPTIONS, end: { type: "string" }, duration: { type: "string" } }, { positionals: 1 });
    const durationS = values.duration === undefined ? 10 : Number(values.duration);
    const { minimum, maximum } = LIMITS.drill_duration_s;
    if (!Number.isFinite(durationS) || durationS < minimum || durationS > maximum) throw new UsageError(`--duration must be ${minimum} to ${maximum} seconds, got ${values.duration}`);
    const { state, engine } = openEngine({ ...values, quiet: true }, io);
    const stop = new AbortController();
    const onSignal = (): void => stop.abort();
    process.once("SIGINT", onSignal);
    process.once("SIGTERM", onSignal);
    try {
      const reports = await runDrill(engine, state, {
        link: positionals[0]!, end: values.end, durationS, signal: stop.signal,
        onProgress: (s) => io.stderr.write(`drill ${positionals[0]}: ${s.elapsedS.toFixed(1)} s, ${s.ends.map((e) => `${e.router} rerouted ${e.packetsRerouted}, backups ${e.backupPaths.map((p) => p.health).join("/") || "-"}`).join("; ")}\n`),
      });
      if (values.json) writeJson(io.stdout, { link: positionals[0], interrupted: stop.signal.aborted, ends: reports });
      else io.stdout.write(drillTable(reports) + (stop.signal.aborted ? "Interrupted: the drill was ended early and reverted.\n" : ""));
      return reports.every((r) => r.reverted) ? ExitCode.ok : ExitCode.failure;
    } finally {
      process.removeListener("SIGINT", onSignal);
      process.removeListener("SIGTERM", onSignal);
      await engine.close();
    }
  },
};
