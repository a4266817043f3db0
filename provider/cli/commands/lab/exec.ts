import { spawn } from "node:child_process";
import type { Command } from "../../command";
import { UsageError } from "../../command";
import { nodeArgv } from "../../../../lab/exec";

export const labExecCommand: Command = {
  path: ["lab", "exec"],
  summary: "run a command on a lab node (routers: with their own bpffs)",
  usage: "[--lab NAME] NODE -- CMD [ARG...]",
  async run(args, io) {
    const sep = args.indexOf("--");
    const head = sep < 0 ? args : args.slice(0, sep);
    const cmd = sep < 0 ? [] : args.slice(sep + 1);
    let lab: string | undefined;
    const rest = [...head];
    const labFlag = rest.indexOf("--lab");
    if (labFlag >= 0) { lab = rest[labFlag + 1]; rest.splice(labFlag, 2); }
    if (rest.length !== 1 || cmd.length === 0) throw new UsageError("name one node, then -- and the command");
    const argv = nodeArgv(lab, rest[0]!, cmd);
    return new Promise((resolve) => {
      const child = spawn(argv[0]!, argv.slice(1), { stdio: ["inherit", "pipe", "pipe"] });
      child.stdout.pipe(io.stdout, { end: false });
      child.stderr.pipe(io.stderr, { end: false });
      child.on("close", (code) => resolve(code ?? 1));
    });
  },
};
