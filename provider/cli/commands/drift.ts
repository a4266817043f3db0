import type { Command } from "../command";
import { parse, writeJson } from "../args";
import { ExitCode } from "../exit-codes";
import { openEngine, STACK_OPTIONS, STACK_USAGE } from "../engine-context";
import { fibFindingLines, planJson } from "../render-plan";
import type { BackupPathStatus } from "../../engine/backup-status";

/** One line naming the router, the link, the destination and, when known, the failing segment and its router. */
export function backupPathSummary(p: BackupPathStatus): string {
  const where = p.failingSegment ? `; segment ${p.failingSegment.index + 1} ${p.failingSegment.sid}${p.failingRouter ? ` (${p.failingRouter})` : ""} fails` : "";
  return `backup path of ${p.policy} (${p.router}, link ${p.link}${p.destination ? `, to ${p.destination}` : ""}) is ${p.health}${where}: ${p.reason}`;
}

export const driftCommand: Command = {
  path: ["drift"],
  summary: "report what differs on the routers from the stack (exit 2 on drift)",
  usage: STACK_USAGE,
  async run(args, io) {
    const { values } = parse(args, STACK_OPTIONS);
    const { state, engine } = openEngine(values, io);
    try {
      const plan = await engine.plan(state);
      const unhealthy = (r: (typeof plan.routers)[number]) => (r.backupPaths ?? []).filter((p) => p.health === "broken" || p.health === "degraded");
      const drifted = plan.routers.filter((r) => r.changes.length || unhealthy(r).length || r.fibFindings?.length);
      const failed = plan.routers.filter((r) => r.error);
      if (values.json) {
        const backupPaths = plan.routers.flatMap(unhealthy);
        writeJson(io.stdout, { drift: drifted.length > 0, ...(planJson(plan) as object), backupPaths });
      } else {
        for (const r of failed) io.stdout.write(`${r.router}: ERROR ${r.error!.message}\n`);
        for (const r of drifted) {
          const bad = unhealthy(r);
          const fib = (r.fibFindings ?? []).flatMap(fibFindingLines);
          io.stdout.write(`${r.router}: ${r.changes.length + bad.length + fib.length} difference(s)\n`);
          for (const c of r.changes) io.stdout.write(`  ${c.kind.padEnd(13)} ${c.summary}\n`);
          for (const p of bad) io.stdout.write(`  ${"backup-path".padEnd(13)} ${backupPathSummary(p)}\n`);
          for (const l of fib) io.stdout.write(`  ${"backup-fib".padEnd(13)} ${l}\n`);
        }
        io.stdout.write(drifted.length ? `Drift on ${drifted.length} of ${plan.routers.length} router(s).\n` : `No drift on ${plan.routers.length - failed.length} router(s).\n`);
      }
      if (failed.length) return ExitCode.failure;
      return drifted.length ? ExitCode.changes : ExitCode.ok;
    } finally {
      await engine.close();
    }
  },
};
