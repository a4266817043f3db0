/**
 * Turns `srv6 plan --json` (or `srv6 drift --json`) into the markdown of a
 * pull-request comment: a summary line, a table per router, and each
 * router's changes folded in a <details> block so a big plan stays readable.
 *
 *   srv6 plan --stack cdktf.out --json > plan.json
 *   node dist/examples/gitops/plan-comment.js plan.json > plan.md
 *
 * Exit codes: 0 markdown written, 64 the input is not a plan document.
 * The first line is a fixed HTML marker, so a CI step can find and replace
 * its previous comment instead of adding one per push.
 */
import { readFileSync } from "node:fs";
import { Srv6ProtectError } from "../../model/errors";

export const COMMENT_MARKER = "<!-- srv6-protect-plan -->";

export interface PlanChange {
  readonly kind: string;
  readonly action: "add" | "change" | "remove";
  readonly item: string;
  readonly resource?: string;
  readonly summary: string;
}

export interface PlanRouter {
  readonly router: string;
  readonly changes: readonly PlanChange[];
  readonly error?: { readonly name?: string; readonly message: string };
}

export interface PlanDocument {
  readonly durationMs?: number;
  readonly drift?: boolean;
  readonly routers: readonly PlanRouter[];
}

/** The input is not what `srv6 plan --json` prints: names the field and the value. */
export class PlanDocumentError extends Srv6ProtectError {
  override readonly name = "PlanDocumentError";
  override readonly kind = "plan-document";
  constructor(readonly field: string, readonly value: unknown, reason: string) {
    super(`plan document: ${field} = ${JSON.stringify(value)?.slice(0, 80)}: ${reason}`);
  }
}

const ACTIONS = new Set(["add", "change", "remove"]);

/** Checks the shape we rely on (the CLI's own output always passes). */
export function checkPlanDocument(doc: unknown): PlanDocument {
  if (typeof doc !== "object" || doc === null || Array.isArray(doc)) throw new PlanDocumentError("(root)", doc, "expected an object");
  const routers = (doc as { routers?: unknown }).routers;
  if (!Array.isArray(routers)) throw new PlanDocumentError("routers", routers, "expected an array");
  routers.forEach((r: unknown, i) => {
    const router = r as Partial<PlanRouter> | null;
    if (typeof router !== "object" || router === null) throw new PlanDocumentError(`routers[${i}]`, r, "expected an object");
    if (typeof router.router !== "string") throw new PlanDocumentError(`routers[${i}].router`, router.router, "expected a router name");
    if (!Array.isArray(router.changes)) throw new PlanDocumentError(`routers[${i}].changes`, router.changes, "expected an array");
    router.changes.forEach((c: Partial<PlanChange>, j) => {
      if (!ACTIONS.has(String(c?.action))) throw new PlanDocumentError(`routers[${i}].changes[${j}].action`, c?.action, "expected add, change or remove");
      if (typeof c.summary !== "string") throw new PlanDocumentError(`routers[${i}].changes[${j}].summary`, c.summary, "expected a string");
    });
  });
  return doc as PlanDocument;
}

/** Text safe inside a markdown table cell: no pipes, no HTML, no line breaks. */
export function cell(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/\|/g, "\\|").replace(/\r?\n/g, " ").replace(/`/g, "'");
}

const SIGN = { add: "+", change: "~", remove: "-" } as const;

export function planMarkdown(plan: PlanDocument, opts: { title?: string } = {}): string {
  const total = plan.routers.reduce((n, r) => n + r.changes.length, 0);
  const changed = plan.routers.filter((r) => r.changes.length).length;
  const failed = plan.routers.filter((r) => r.error).length;
  const what = plan.drift === undefined ? "plan" : "drift check";
  const verdict = failed ? `**${failed} router(s) could not be planned**` : total === 0 ? "no changes: the routers match the stack" : `${total} change(s) on ${changed} of ${plan.routers.length} router(s)`;
  const lines = [COMMENT_MARKER, `### ${opts.title ?? "srv6-protect"} ${what}: ${verdict}`, ""];
  lines.push("| router | add | change | remove | status |", "|---|---:|---:|---:|---|");
  for (const r of plan.routers) {
    const count = (a: PlanChange["action"]) => r.changes.filter((c) => c.action === a).length;
    const status = r.error ? `error: ${cell(r.error.message)}` : r.changes.length ? "changes" : "up to date";
    lines.push(`| ${cell(r.router)} | ${count("add")} | ${count("change")} | ${count("remove")} | ${status} |`);
  }
  for (const r of plan.routers.filter((x) => x.changes.length)) {
    lines.push("", `<details><summary>${cell(r.router)}: ${r.changes.length} change(s)</summary>`, "");
    lines.push("| | kind | change | resource |", "|---|---|---|---|");
    for (const c of r.changes) lines.push(`| ${SIGN[c.action]} | ${cell(c.kind ?? "")} | ${cell(c.summary)} | ${cell(c.resource ?? "")} |`);
    lines.push("", "</details>");
  }
  if (plan.durationMs !== undefined) lines.push("", `<sub>planned in ${plan.durationMs} ms by \`srv6 ${plan.drift === undefined ? "plan" : "drift"} --json\`</sub>`);
  return `${lines.join("\n")}\n`;
}

function main(argv: string[]): number {
  const file = argv[0];
  let text: string;
  try {
    text = readFileSync(file === undefined || file === "-" ? 0 : file, "utf8");
  } catch (err) {
    process.stderr.write(`plan-comment: cannot read ${file ?? "stdin"}: ${(err as Error).message}\n`);
    return 64;
  }
  try {
    process.stdout.write(planMarkdown(checkPlanDocument(JSON.parse(text))));
    return 0;
  } catch (err) {
    process.stderr.write(`plan-comment: ${(err as Error).message}\n`);
    return 64;
  }
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
