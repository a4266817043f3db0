import type { Command } from "../command";
import { UsageError } from "../command";
import { parse, writeJson } from "../args";
import { ExitCode } from "../exit-codes";
import { openEngine, STACK_OPTIONS, STACK_USAGE } from "../engine-context";
import { applyJson, applyText, planText } from "../render-plan";

function seconds(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0 || n > 3600) throw new UsageError(`${flag} must be a number of seconds (0 < s <= 3600), got ${value}`);
  return n;
}

export const applyCommand: Command = {
  path: ["apply"],
  summary: "make the routers match the stack: all or nothing per router",
  usage: `${STACK_USAGE} [--confirm-timeout S] [--lock-timeout S]`,
  async run(args, io) {
    const { values } = parse(args, { ...STACK_OPTIONS, "confirm-timeout": { type: "string" }, "lock-timeout": { type: "string" } });
    const confirmTimeoutS = seconds("--confirm-timeout", values["confirm-timeout"]);
    const lockTimeoutS = seconds("--lock-timeout", values["lock-timeout"]);
    const { state, engine } = openEngine(values, io);
    try {
      const report = await engine.apply(state, { confirmTimeoutS, lockTimeoutS });
      if (values.json) writeJson(io.stdout, applyJson(report));
      else {
        if (!values.quiet) io.stdout.write(planText(report.plan));
        io.stdout.write(applyText(report));
      }
      return report.ok ? ExitCode.ok : ExitCode.failure;
    } finally {
      await engine.close();
    }
  },
};
