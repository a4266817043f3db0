/**
 * A doc page's ```sh samples for the docs tests: the ones marked
 * `# not run by the docs test: <why>` on their first line are set aside and
 * counted; the rest are adapted to run on a lab of the test's own (the
 * page's `bin/srv6 lab ...` commands get the test's lab name and subnet)
 * and on the already-built tree the test suite runs on (`npm run build`,
 * `npx tsc` become no-ops: the test runs after the build).
 */
import { shellSamples } from "../graph/doc-samples";

export const NOT_RUN = /^# not run by the docs test: (.+)$/m;

export interface PageSamples {
  readonly run: string[];
  readonly skipped: { sample: string; why: string }[];
}

export function pageSamples(docFile: string): PageSamples {
  const run: string[] = [];
  const skipped: { sample: string; why: string }[] = [];
  for (const sample of shellSamples(docFile)) {
    const m = sample.split("\n")[0]!.match(NOT_RUN);
    if (m) skipped.push({ sample, why: m[1]! });
    else run.push(sample);
  }
  return { run, skipped };
}

/**
 * Points a sample's lab commands at the lab named by $LAB (subnet $MGMT)
 * and skips the build steps. Lines that already name a lab are left alone.
 */
export function adaptSample(sample: string): string {
  return sample.split("\n").map((line) => {
    if (/^(npm run build|npx tsc -p tsconfig\.json)\b/.test(line)) return `: ${line.replace(/#.*$/, "")} # built already`;
    if (/--name |--lab /.test(line)) return line;
    return line
      .replace(/\bbin\/srv6 lab up /, 'bin/srv6 lab up --name "$LAB" --mgmt-subnet "$MGMT" ')
      .replace(/\bbin\/srv6 lab (fail|heal|exec) /, 'bin/srv6 lab $1 --lab "$LAB" ')
      .replace(/\bbin\/srv6 lab (down|status)(?=\s*(#|$))/, 'bin/srv6 lab $1 "$LAB"');
  }).join("\n");
}
