import type { Command } from "../../command";
import { parse, writeJson } from "../../args";
import { labReboot } from "../../../../lab/reboot";
import { ExitCode } from "../../exit-codes";

export const labRebootCommand: Command = {
  path: ["lab", "reboot"],
  summary: "reboot a router: kill its processes, reset it to lab up's state, start sshd, run its /etc/local.d/*.start hooks",
  usage: "NODE [--lab NAME] [--json]",
  async run(args, io) {
    const { values, positionals } = parse(args, { lab: { type: "string" }, json: { type: "boolean" } }, { positionals: 1 });
    const report = await labReboot(values.lab, positionals[0]!, { progress: (line) => io.stderr.write(`lab: ${line}\n`) });
    // A failed hook does not stop the boot (an init goes on booting), but CI must see it: exit 1.
    if (values.json) writeJson(io.stdout, report);
    else {
      io.stdout.write(`router ${report.node} of lab '${report.lab}' rebooted: killed ${report.killedProcesses} processes in ${report.killMs} ms, reset in ${report.resetMs} ms, SSH ready ${report.sshReadyMs} ms after boot started\n`);
      for (const h of report.hooks) io.stdout.write(`  ${h.path}: ${h.signal ? `killed by ${h.signal}` : `exit ${h.code}`} in ${h.durationMs} ms\n`);
    }
    return report.hooks.some((h) => h.code !== 0 || h.signal) ? ExitCode.failure : ExitCode.ok;
  },
};
