import { commands, findCommand } from "./registry";
import { UsageError, type CliIO } from "./command";
import { ExitCode } from "./exit-codes";
import { SchemaError, StackLoadError } from "../errors";
import { errorToJSON } from "../../model/errors";
import { writeJson } from "./args";

function help(io: CliIO, prefix: readonly string[] = []): void {
  const lines = commands
    .filter((c) => prefix.every((w, i) => c.path[i] === w))
    .map((c) => `  srv6 ${[...c.path, c.usage].join(" ").padEnd(44)} ${c.summary}`);
  io.stdout.write(`usage:\n${lines.join("\n")}\n`);
}

export async function main(argv: string[], io: CliIO = { stdout: process.stdout, stderr: process.stderr }): Promise<number> {
  if (argv.length === 0 || argv[0] === "help" || argv[0] === "--help" || argv[0] === "-h") {
    help(io, argv.slice(1));
    return argv.length === 0 ? ExitCode.usage : ExitCode.ok;
  }
  const found = findCommand(argv);
  // A command group (`srv6 lab`, `srv6 lab --help`): its verbs' usage.
  const words = argv.filter((a) => a !== "--help" && a !== "-h");
  if (!found && words.length > 0 && commands.some((c) => c.path.length > words.length && words.every((w, i) => c.path[i] === w))) {
    help(io, words);
    return words.length === argv.length ? ExitCode.usage : ExitCode.ok;
  }
  if (!found) {
    const known = [...new Set(commands.map((c) => c.path.join(" ")))].join(", ");
    io.stderr.write(`srv6: unknown command '${argv.join(" ")}'. Known commands: ${known}\n`);
    return ExitCode.usage;
  }
  const { command, rest } = found;
  if (rest.includes("--help") || rest.includes("-h")) {
    io.stdout.write(`usage: srv6 ${command.path.join(" ")} ${command.usage}\n  ${command.summary}\n`);
    return ExitCode.ok;
  }
  try {
    return await command.run(rest, io);
  } catch (err) {
    // With --json, a failure is data too: {"error": {kind, name, message, router, command, ...}} on stdout,
    // for any error (every error of the project has its own kind, model/errors.ts). The text on stderr stays.
    if (rest.includes("--json")) writeJson(io.stdout, { error: errorToJSON(err) });
    if (err instanceof UsageError) {
      io.stderr.write(`srv6 ${command.path.join(" ")}: ${err.message}\nusage: srv6 ${command.path.join(" ")} ${command.usage}\n`);
      return ExitCode.usage;
    }
    const e = err as Error & { cliExitCode?: number };
    io.stderr.write(`srv6 ${command.path.join(" ")}: ${e.message}\n`);
    if (process.env.SRV6_DEBUG) io.stderr.write(`${e.stack}\n`);
    // Bad input (schema, stack file, topology) is a usage error: nothing changed anywhere.
    if (e instanceof SchemaError || e instanceof StackLoadError) return ExitCode.usage;
    return typeof e.cliExitCode === "number" ? e.cliExitCode : ExitCode.failure;
  }
}
