import type { Command } from "../command";
import { parse, writeJson } from "../args";
import { ExitCode } from "../exit-codes";
import { openEngine, STACK_OPTIONS, STACK_USAGE } from "../engine-context";
import { planJson, planText } from "../render-plan";

export const planCommand: Command = {
  path: ["plan"],
  summary: "show what apply would change on each router (read only)",
  usage: `${STACK_USAGE} [--detailed-exitcode]`,
  async run(args, io) {
    const { values } = parse(args, { ...STACK_OPTIONS, "detailed-exitcode": { type: "boolean" } });
    const { state, engine } = openEngine(values, io);
    try {
      const plan = await engine.plan(state);
      if (values.json) writeJson(io.stdout, planJson(plan));
      else io.stdout.write(planText(plan));
      // A backup that crosses the link it protects on the real FIBs is a plan error: it would fail exactly when needed.
      if (plan.routers.some((r) => r.error || r.fibFindings?.some((f) => f.crossings.length))) return ExitCode.failure;
      const changes = plan.routers.some((r) => r.changes.length);
      return values["detailed-exitcode"] && changes ? ExitCode.changes : ExitCode.ok;
    } finally {
      await engine.close();
    }
  },
};
