import type { Command } from "../../command";
import { parse, writeJson } from "../../args";
import { labReboot } from "../../../../lab/reboot";

export const labRebootCommand: Command = {
  path: ["lab", "reboot"],
  summary: "reboot a router: kill its processes, reset it to lab up's state, start sshd, run its /etc/local.d/*.start hooks",
  usage: "NODE [--lab NAME] [--json]",
  async run(args, io) {
    const { values, positionals } = parse(args, { lab: { type: "string" }, json: { type: "boolean" } }, { positionals: 1 });
    const report = await labReboot(values.lab, positionals[0]!, { progress: (line) => io.stderr.write(`lab: ${line}\n`) });
    // A failed hook does not fail the reboot (an init goes on booting): the report and the lines say which.
    if (values.json) writeJson(io.stdout, report);
    else {
      io.stdout.write(`router ${report.node} of lab '${report.lab}' rebooted: killed ${report.killedProcesses} processes in ${report.killMs} ms, reset in ${report.resetMs} ms, SSH ready ${report.sshReadyMs} ms after boot started\n`);
      for (const h of report.hooks) io.stdout.write(`  ${h.path}: ${h.signal ? `killed by ${h.signal}` : `exit ${h.code}`} in ${h.durationMs} ms\n`);
    }
    return 0;
  },
};
