/**
 * Reads the steps of a GitHub Actions workflow without a YAML library: only
 * the subset our workflow uses (block mappings, `- ` step lists, `run: |`
 * block scalars). Enough to find every `run:` command and execute it.
 */
export interface WorkflowStep {
  readonly job: string;
  readonly name?: string;
  readonly id?: string;
  readonly if?: string;
  readonly uses?: string;
  /** The shell script, block scalar already dedented. */
  readonly run?: string;
}

export interface WorkflowJob {
  readonly name: string;
  readonly if?: string;
  readonly steps: WorkflowStep[];
}

export interface Workflow {
  /** Top-level `env:` entries. */
  readonly env: Record<string, string>;
  /** Keys under `on:`. */
  readonly triggers: string[];
  readonly jobs: WorkflowJob[];
}

const indentOf = (line: string): number => line.length - line.trimStart().length;
const unquote = (v: string): string => v.trim().replace(/^"(.*)"$/, "$1").replace(/^'(.*)'$/, "$1");

export function parseWorkflow(text: string): Workflow {
  const lines = text.split("\n").filter((l) => !/^\s*#/.test(l));
  const env: Record<string, string> = {};
  const triggers: string[] = [];
  const jobs: WorkflowJob[] = [];
  let section = "";
  let job: { name: string; if?: string; steps: Record<string, string>[] } | undefined;
  let step: Record<string, string> | undefined;
  let inSteps = false;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (!line.trim()) continue;
    const indent = indentOf(line);
    if (indent === 0) { section = line.replace(/:.*$/, ""); continue; }
    if (section === "env" && indent === 2) { const [k, ...v] = line.trim().split(":"); env[k!] = unquote(v.join(":")); continue; }
    if (section === "on" && indent === 2) { triggers.push(line.trim().replace(/:.*$/, "")); continue; }
    if (section !== "jobs") continue;
    if (indent === 2) {
      job = { name: line.trim().replace(/:$/, ""), steps: [] };
      jobs.push(job as unknown as WorkflowJob);
      inSteps = false;
      continue;
    }
    if (!job) continue;
    if (indent === 4) { inSteps = line.trim() === "steps:"; if (line.trim().startsWith("if:")) job.if = line.trim().slice(3).trim(); continue; }
    if (!inSteps) continue;
    let content = line.trim();
    let keyIndent = indent;
    if (indent === 6 && content.startsWith("- ")) {
      step = {};
      job.steps.push(step);
      content = content.slice(2);
      keyIndent = indent + 2;
    }
    if (!step || keyIndent !== 8) continue;
    const m = /^([A-Za-z_-]+):\s?(.*)$/.exec(content);
    if (!m) continue;
    const [, key, value] = m as unknown as [string, string, string];
    if (value.trim() === "|") {
      const block: string[] = [];
      while (i + 1 < lines.length && (!lines[i + 1]!.trim() || indentOf(lines[i + 1]!) > keyIndent)) block.push(lines[++i]!);
      const base = Math.min(...block.filter((b) => b.trim()).map(indentOf));
      step[key] = block.map((b) => b.slice(base)).join("\n").trimEnd();
    } else if (value.trim()) {
      step[key] = value.trim();
    }
  }
  return {
    env, triggers,
    jobs: jobs.map((j) => {
      const raw = j as unknown as { name: string; if?: string; steps: Record<string, string>[] };
      return { name: raw.name, if: raw.if, steps: raw.steps.map((s) => ({ job: raw.name, name: s.name, id: s.id, if: s.if, uses: s.uses, run: s.run })) };
    }),
  };
}

/** Steps that talk to routers or render their answers: the ones a test can run against a lab. */
export function srv6Steps(job: WorkflowJob): WorkflowStep[] {
  return job.steps.filter((s) => s.run !== undefined && (/^\s*srv6 /m.test(s.run) || s.run.includes("plan-comment.js")));
}
