import type { Command } from "../../command";
import { parse } from "../../args";
import { labFail } from "../../../../lab/failures";

export const labFailCommand: Command = {
  path: ["lab", "fail"],
  summary: "fail the link A-B: silently (carrier up) by default, one way, or with carrier loss",
  usage: "A B [--one-way FROM] [--carrier] [--lab NAME]",
  async run(args, io) {
    const { values, positionals } = parse(args, { "one-way": { type: "string" }, carrier: { type: "boolean" }, lab: { type: "string" } }, { positionals: 2 });
    const [a, b] = positionals as [string, string];
    await labFail(values.lab, a, b, { oneWayFrom: values["one-way"], carrier: values.carrier });
    const how = values.carrier ? "with carrier loss" : values["one-way"] ? `silently, ${values["one-way"]} -> ${values["one-way"] === a ? b : a} only` : "silently, both ways (carrier stays up)";
    io.stdout.write(`link ${a}-${b} failed ${how}\n`);
    return 0;
  },
};
