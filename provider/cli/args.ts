import { parseArgs, type ParseArgsConfig } from "node:util";
import { UsageError } from "./command";

type Options = NonNullable<ParseArgsConfig["options"]>;

/** node's parseArgs, with bad flags reported as UsageError (exit 64). */
export function parse<O extends Options>(args: string[], options: O, opts: { positionals?: number; minPositionals?: number } = {}) {
  let parsed;
  try {
    parsed = parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const max = opts.positionals ?? 0;
  const min = opts.minPositionals ?? max;
  if (parsed.positionals.length > max || parsed.positionals.length < min) {
    throw new UsageError(`expected ${min === max ? max : `${min} to ${max}`} argument(s), got ${parsed.positionals.length}${parsed.positionals.length ? `: ${parsed.positionals.join(" ")}` : ""}`);
  }
  return parsed;
}

/** Writes one JSON document and a newline. */
export function writeJson(stream: NodeJS.WritableStream, value: unknown): void {
  stream.write(`${JSON.stringify(value, null, 2)}\n`);
}
