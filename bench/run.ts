/**
 * `npm run bench -- NAME [options]`: runs one benchmark from the registry.
 * Exit codes: 0 every run measured, 1 a run failed, 64 bad command line.
 */
import { benchmarks, findBenchmark } from "./registry";
import { BenchUsageError, type BenchIO } from "./benchmark";
import { runAll } from "./all";

export async function main(argv: string[], io: BenchIO = { stdout: process.stdout, stderr: process.stderr }): Promise<number> {
  const list = () => benchmarks.map((b) => `  ${b.name.padEnd(12)} ${b.usage.padEnd(40)} ${b.summary}`).join("\n");
  const [name, ...rest] = argv;
  if (name === "--help" || name === "-h" || name === "help") {
    io.stderr.write(`usage: npm run bench [-- NAME [options] | -- --quick --json]\nwithout a name, every benchmark runs in turn\nbenchmarks:\n${list()}\n`);
    return 0;
  }
  if (!name || name.startsWith("--")) return runAll(benchmarks, argv, io);
  const bench = findBenchmark(name);
  if (!bench) {
    io.stderr.write(`bench: unknown benchmark '${name}'. Known: ${benchmarks.map((b) => b.name).join(", ")}\n`);
    return 64;
  }
  if (rest.includes("--help") || rest.includes("-h")) {
    io.stderr.write(`usage: npm run bench -- ${bench.name} ${bench.usage}\n  ${bench.summary}\n`);
    return 0;
  }
  try {
    return await bench.run(rest, io);
  } catch (err) {
    if (err instanceof BenchUsageError) {
      io.stderr.write(`bench ${bench.name}: ${err.message}\nusage: npm run bench -- ${bench.name} ${bench.usage}\n`);
      return 64;
    }
    const e = err as Error;
    io.stderr.write(`bench ${bench.name}: ${e.message}\n`);
    if (process.env.SRV6_DEBUG) io.stderr.write(`${e.stack}\n`);
    return 1;
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then((code) => process.exit(code));
}
