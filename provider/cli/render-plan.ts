/** Human and JSON renderings of plans and apply reports. */
import type { NetworkChanges, ApplyReport } from "../engine/engine";
import type { Change } from "../engine/diff";
import type { FibWalkResult } from "../engine/fib-walk";
import { errorToJSON } from "../../model/errors";

const SIGN: Record<Change["action"], string> = { add: "+", change: "~", remove: "-" };

/** One line per hop of a backup path that crosses its protected link on a router's FIB, and per walk problem. */
export function fibFindingLines(f: FibWalkResult): string[] {
  const head = `backup path of ${f.policy} (${f.router}, link ${f.link})`;
  return [
    ...f.crossings.map((c) => `${head} crosses its protected link on ${c.router}'s FIB: segment ${c.segmentIndex + 1} ${c.segment} goes via ${c.nexthop} dev ${c.dev}`),
    ...f.problems.map((p) => `${head}: ${p}`),
  ];
}

export function planText(plan: NetworkChanges): string {
  const lines: string[] = [];
  let total = 0;
  for (const r of plan.routers) {
    if (r.error) { lines.push(`${r.router}: ERROR ${r.error.message}`); continue; }
    if (!r.changes.length) { lines.push(`${r.router}: up to date`); continue; }
    total += r.changes.length;
    lines.push(`${r.router}: ${r.changes.length} change(s)`);
    for (const c of r.changes) lines.push(`  ${SIGN[c.action]} ${c.summary}`);
  }
  const findings = plan.routers.flatMap((r) => r.fibFindings ?? []);
  if (findings.length) {
    lines.push(`Backup paths that fail on the routers' FIBs (${findings.length}): an apply installs them, but they would not carry traffic when needed`);
    for (const f of findings) for (const l of fibFindingLines(f)) lines.push(`  ! ${l}`);
  }
  const errors = plan.routers.filter((r) => r.error).length;
  lines.push(`Plan: ${total} change(s) on ${plan.routers.filter((r) => r.changes.length).length} of ${plan.routers.length} router(s)${errors ? `, ${errors} router(s) failed` : ""} (${plan.durationMs} ms).`);
  return `${lines.join("\n")}\n`;
}

export function planJson(plan: NetworkChanges): unknown {
  return {
    durationMs: plan.durationMs,
    changes: plan.routers.reduce((n, r) => n + r.changes.length, 0),
    routers: plan.routers.map((r) => ({
      router: r.router,
      changes: r.changes,
      ...(r.fibFindings?.length ? { backupFib: r.fibFindings } : {}),
      ...(r.error ? { error: errorToJSON(r.error) } : {}),
    })),
  };
}

export function applyText(rep: ApplyReport): string {
  const lines = rep.routers.map((r) => r.error ? `${r.router}: FAILED ${r.error.message}` : r.changes ? `${r.router}: applied ${r.changes} change(s)${r.status?.durationMs !== undefined ? ` in ${r.status.durationMs} ms` : ""}` : `${r.router}: up to date`);
  lines.push(rep.ok ? `Apply complete in ${(rep.durationMs / 1000).toFixed(2)} s.` : "Apply failed: every failed router holds its previous configuration.");
  return `${lines.join("\n")}\n`;
}

export function applyJson(rep: ApplyReport): unknown {
  return {
    ok: rep.ok,
    durationMs: rep.durationMs,
    routers: rep.routers.map((r) => ({
      router: r.router, changes: r.changes, transaction: r.status?.id, state: r.status?.state,
      ...(r.error ? { error: errorToJSON(r.error) } : {}),
    })),
  };
}
