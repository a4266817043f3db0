/**
 * `npm run bench` with no benchmark name: every benchmark in turn, one
 * report. Options common to all (`--quick`, `--json`) are passed to each.
 * With --json, one JSON object: {"failover": {...}, "apply": {...}, "scale": {...}}.
 */
import { Writable } from "node:stream";
import type { Benchmark, BenchIO } from "./benchmark";

const SHARED_FLAGS = new Set(["--quick", "--json"]);

class Capture extends Writable {
  text = "";
  override _write(chunk: Buffer, _enc: BufferEncoding, done: () => void): void {
    this.text += chunk.toString();
    done();
  }
}

export async function runAll(benchmarks: readonly Benchmark[], args: string[], io: BenchIO): Promise<number> {
  const unknown = args.filter((a) => !SHARED_FLAGS.has(a));
  if (unknown.length) {
    io.stderr.write(`bench: without a benchmark name only ${[...SHARED_FLAGS].join(" and ")} apply to all; got ${unknown.join(" ")}\n`);
    return 64;
  }
  const json = args.includes("--json");
  const results: Record<string, unknown> = {};
  let code = 0;
  for (const b of benchmarks) {
    io.stderr.write(`\n=== bench ${b.name} ${args.join(" ")}\n`);
    const out = new Capture();
    const started = Date.now();
    const rc = await b.run([...args], { stdout: out, stderr: io.stderr });
    code = Math.max(code, rc);
    if (json) {
      try { results[b.name] = JSON.parse(out.text); } catch { results[b.name] = { error: `exit ${rc}`, output: out.text }; }
    } else {
      io.stdout.write(`\n## ${b.name} (${((Date.now() - started) / 1000).toFixed(0)} s, exit ${rc})\n\n${out.text}`);
    }
  }
  if (json) io.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
  return code;
}
