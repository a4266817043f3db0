import type { Command } from "../../command";
import { parse, writeJson } from "../../args";
import { allLabStatus, labStatus } from "../../../../lab/status";

export const labStatusCommand: Command = {
  path: ["lab", "status"],
  summary: "show routers, sshd, reachability and link states",
  usage: "[NAME] [--json]",
  async run(args, io) {
    const { values, positionals } = parse(args, { json: { type: "boolean" } }, { positionals: 1, minPositionals: 0 });
    const statuses = positionals[0] ? [await labStatus(positionals[0])] : await allLabStatus();
    if (values.json) { writeJson(io.stdout, { labs: statuses }); return 0; }
    if (statuses.length === 0) io.stdout.write("no lab is up\n");
    for (const s of statuses) {
      io.stdout.write(`lab ${s.lab}${s.description ? `: ${s.description}` : ""}\n  ROUTER   MGMT             USER      SSHD     SSH\n`);
      for (const r of s.routers) io.stdout.write(`  ${r.name.padEnd(8)} ${r.host.padEnd(16)} ${r.user.padEnd(9)} ${r.sshd.padEnd(8)} ${r.sshReachable ? "ok" : "unreachable"}\n`);
      io.stdout.write("  LINK                          STATE        DROPPED IN THE WIRE\n");
      for (const l of s.links) {
        const dropped = l.endpoints.map((e) => `from ${e.split(":")[0]}: ${l.frames[e]?.dropped ?? 0}`).join(", ");
        io.stdout.write(`  ${l.endpoints.join(" -- ").padEnd(29)} ${l.state.padEnd(12)} ${dropped}\n`);
      }
    }
    const healthy = statuses.every((s) => s.routers.every((r) => r.sshd === "running" && r.sshReachable));
    return healthy ? 0 : 1;
  },
};
