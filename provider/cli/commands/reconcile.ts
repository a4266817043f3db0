import type { Command } from "../command";
import { UsageError } from "../command";
import { errorToJSON } from "../../../model/errors";
import { parse, writeJson } from "../args";
import { ExitCode } from "../exit-codes";
import { openEngine, STACK_OPTIONS, STACK_USAGE } from "../engine-context";
import type { Engine, ApplyReport } from "../../engine/engine";
import type { DesiredState } from "../../state";

async function once(engine: Engine, state: DesiredState): Promise<ApplyReport> {
  return engine.apply(state);
}

export const reconcileCommand: Command = {
  path: ["reconcile"],
  summary: "repair drift (once, or every S seconds with --watch) and log what was repaired",
  usage: `${STACK_USAGE} [--watch] [--interval S] [--iterations N]`,
  async run(args, io) {
    const { values } = parse(args, { ...STACK_OPTIONS, watch: { type: "boolean" }, interval: { type: "string" }, iterations: { type: "string" } });
    const intervalS = Number(values.interval ?? 30);
    if (!Number.isFinite(intervalS) || intervalS <= 0) throw new UsageError(`--interval must be a positive number of seconds, got ${values.interval}`);
    const iterations = values.iterations === undefined ? (values.watch ? Infinity : 1) : Number(values.iterations);
    const { state, engine } = openEngine({ ...values, quiet: true }, io);
    let stop = false;
    const onSignal = () => { stop = true; };
    process.once("SIGINT", onSignal);
    process.once("SIGTERM", onSignal);
    let ok = true;
    try {
      for (let i = 0; i < iterations && !stop; i++) {
        if (i > 0) await new Promise((r) => setTimeout(r, intervalS * 1000));
        const report = await once(engine, state);
        const repaired = report.plan.routers.flatMap((r) => r.changes);
        ok = report.ok;
        const at = new Date().toISOString();
        if (values.json) writeJson(io.stdout, { at, ok: report.ok, repaired, errors: report.routers.filter((r) => r.error).map((r) => ({ ...errorToJSON(r.error), router: r.router })) });
        else {
          if (!repaired.length && report.ok) io.stdout.write(`${at} no drift\n`);
          for (const c of repaired) io.stdout.write(`${at} repaired ${c.router}: ${c.summary}\n`);
          for (const r of report.routers.filter((x) => x.error)) io.stdout.write(`${at} FAILED ${r.router}: ${r.error!.message}\n`);
        }
      }
    } finally {
      process.removeListener("SIGINT", onSignal);
      process.removeListener("SIGTERM", onSignal);
      await engine.close();
    }
    return ok ? ExitCode.ok : ExitCode.failure;
  },
};
