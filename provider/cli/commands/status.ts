import { formatTable } from "../table";
import { UsageError, type Command } from "../command";
import { errorToJSON } from "../../../model/errors";
import { parse, writeJson } from "../args";
import { ExitCode } from "../exit-codes";
import { openEngine, STACK_OPTIONS, STACK_USAGE } from "../engine-context";
import type { LinkEndStatus } from "../../engine/link-status";
import type { BackupPathStatus } from "../../engine/backup-status";
import { pause } from "../../pause";

const fmt = (v: number | undefined, unit = "") => (v === undefined ? "-" : `${v}${unit}`);

export function statusTable(links: readonly LinkEndStatus[]): string {
  const rows = [["LINK", "ROUTER", "IF", "STATE", "LAST PROBE", "SENT", "SEEN", "FAILOVERS", "REROUTED", "SENDER"]];
  for (const l of links) {
    rows.push([l.link, l.router, l.interface, l.state, fmt(l.lastProbeAgeMs === undefined ? undefined : Math.round(l.lastProbeAgeMs * 10) / 10, " ms"),
      fmt(l.probesSent), fmt(l.probesSeen), fmt(l.failovers), fmt(l.packetsRerouted), l.senderAlive ? "running" : "DEAD"]);
  }
  return formatTable(rows);
}

export function backupTable(paths: readonly BackupPathStatus[]): string {
  if (!paths.length) return "";
  const rows = [["POLICY", "ROUTER", "LINK", "DESTINATION", "HEALTH", "RTT", "LAST RETURN", "SENT", "RETURNED", "WHY"]];
  for (const p of paths) {
    const round = (v: number | undefined) => (v === undefined ? undefined : Math.round(v * 100) / 100);
    rows.push([p.policy, p.router, p.link, p.destination ?? "-", p.health, fmt(round(p.lastRttMs), " ms"), fmt(round(p.lastReturnAgeMs), " ms"),
      String(p.sent), String(p.returned), p.health === "ok" ? "" : (p.failingRouter ? `${p.failingRouter}: ` : "") + (p.reason ?? "")]);
  }
  return formatTable(rows);
}

/** Resolves after `ms`, or as soon as `stop` fires (Ctrl-C must not wait out an interval). */
export const statusCommand: Command = {
  path: ["status"],
  summary: "per protected link end: liveness, last probe age, failovers, packets rerouted; per backup path: health and RTT (--watch: live until Ctrl-C)",
  usage: `${STACK_USAGE} [--watch [--interval S] [--count N]]`,
  async run(args, io) {
    const { values } = parse(args, { ...STACK_OPTIONS, watch: { type: "boolean" }, interval: { type: "string" }, count: { type: "string" } });
    const intervalS = values.interval === undefined ? 1 : Number(values.interval);
    if (!Number.isFinite(intervalS) || intervalS < 0.1 || intervalS > 3600) throw new UsageError(`--interval must be 0.1 to 3600 seconds, got ${values.interval}`);
    const count = values.count === undefined ? Infinity : Number(values.count);
    if (values.count !== undefined && (!Number.isInteger(count) || count < 1)) throw new UsageError(`--count must be a positive integer, got ${values.count}`);
    if (!values.watch && (values.interval !== undefined || values.count !== undefined)) throw new UsageError("--interval and --count go with --watch");
    const { state, engine } = openEngine({ ...values, quiet: true }, io);
    // Ctrl-C ends the watch cleanly: finish the current round, close the SSH connections, exit 0.
    const stop = new AbortController();
    const onSignal = (): void => stop.abort();
    if (values.watch) { process.once("SIGINT", onSignal); process.once("SIGTERM", onSignal); }
    const live = values.watch === true && io.stdout.isTTY === true && !values.json;
    let failed = false;
    try {
      for (let round = 0; round < (values.watch ? count : 1) && !stop.signal.aborted; round++) {
        if (round > 0) await pause(intervalS * 1000, stop.signal);
        if (stop.signal.aborted) break;
        const { links, backupPaths, errors } = await engine.status(state);
        failed = errors.length > 0;
        const stamp = new Date().toISOString();
        if (values.json) {
          const doc = { ...(values.watch ? { at: stamp } : {}), links, backupPaths, errors: errors.map((e) => ({ ...errorToJSON(e.error), router: e.router })) };
          // --watch --json: one JSON document per line (NDJSON), easy to pipe into jq.
          if (values.watch) io.stdout.write(`${JSON.stringify(doc)}\n`);
          else writeJson(io.stdout, doc);
          continue;
        }
        let text = statusTable(links);
        const paths = backupTable(backupPaths);
        if (paths) text += `\n${paths}`;
        for (const e of errors) text += `${e.router}: ERROR ${e.error.message}\n`;
        if (live) io.stdout.write(`\x1b[H\x1b[2J${stamp}  every ${intervalS} s, Ctrl-C to stop\n\n${text}`);
        else if (values.watch) io.stdout.write(`--- ${stamp}\n${text}`);
        else io.stdout.write(text);
      }
      return failed ? ExitCode.failure : ExitCode.ok;
    } finally {
      process.removeListener("SIGINT", onSignal);
      process.removeListener("SIGTERM", onSignal);
      await engine.close();
    }
  },
};
