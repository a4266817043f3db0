import type { Command } from "../command";
import { parse, writeJson } from "../args";
import { ExitCode } from "../exit-codes";
import { openEngine, STACK_OPTIONS, STACK_USAGE } from "../engine-context";
import { planJson } from "../render-plan";

export const driftCommand: Command = {
  path: ["drift"],
  summary: "report what differs on the routers from the stack (exit 2 on drift)",
  usage: STACK_USAGE,
  async run(args, io) {
    const { values } = parse(args, STACK_OPTIONS);
    const { state, engine } = openEngine(values, io);
    try {
      const plan = await engine.plan(state);
      const drifted = plan.routers.filter((r) => r.changes.length);
      const failed = plan.routers.filter((r) => r.error);
      if (values.json) writeJson(io.stdout, { drift: drifted.length > 0, ...(planJson(plan) as object) });
      else {
        for (const r of failed) io.stdout.write(`${r.router}: ERROR ${r.error!.message}\n`);
        for (const r of drifted) {
          io.stdout.write(`${r.router}: ${r.changes.length} difference(s)\n`);
          for (const c of r.changes) io.stdout.write(`  ${c.kind.padEnd(13)} ${c.summary}\n`);
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
