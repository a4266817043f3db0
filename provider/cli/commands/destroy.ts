import { errorToJSON } from "../../../model/errors";
import type { Command } from "../command";
import { parse, writeJson } from "../args";
import { ExitCode } from "../exit-codes";
import { openEngine, STACK_OPTIONS, STACK_USAGE } from "../engine-context";

export const destroyCommand: Command = {
  path: ["destroy"],
  summary: "remove everything srv6-protect installed on the stack's routers",
  usage: STACK_USAGE,
  async run(args, io) {
    const { values } = parse(args, STACK_OPTIONS);
    const { state, engine } = openEngine(values, io);
    try {
      const results = await engine.destroy(state.routers.map((r) => r.name));
      if (values.json) writeJson(io.stdout, { ok: results.every((r) => !r.error), routers: results.map((r) => ({ router: r.router, removed: r.changes, ...(r.error ? { error: errorToJSON(r.error) } : {}) })) });
      else for (const r of results) io.stdout.write(r.error ? `${r.router}: FAILED ${r.error.message}\n` : `${r.router}: ${r.changes ? `removed (${r.changes} step(s))` : "nothing to remove"}\n`);
      return results.every((r) => !r.error) ? ExitCode.ok : ExitCode.failure;
    } finally {
      await engine.close();
    }
  },
};
