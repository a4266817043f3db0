/**
 * Did a system really configure the routers, and are they empty again
 * afterwards? Checked from inside each router's namespaces (not over the
 * SSH path being measured): every route the rendered plan installs is
 * present with our route protocol, every file has the plan's bytes, the
 * probe sender runs. And after clean-up: none of that is left.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { DataplanePlan } from "../../provider/dataplane/types";
import { PACKAGE_ROOT } from "../../provider/engine/router-scripts";
import { ROUTE_PROTOCOL } from "../../provider/dataplane/constants";
import type { BenchLab } from "../lab";

/** Destinations of the IPv6 routes the plan installs, as `ip -j` prints them (a /128 without its length). */
export function expectedRoutes(plan: DataplanePlan): string[] {
  const dsts = plan.operations.flatMap((op) => (op.kind === "route" ? [normalizeDst(op.route.dst)] : []));
  return [...new Set(dsts)].sort();
}

export function normalizeDst(dst: string): string {
  return dst.endsWith("/128") ? dst.slice(0, -4) : dst;
}

/** The probe sender's pid file, if the plan starts a supervised one. */
export function probePidfile(plan: DataplanePlan): string | undefined {
  for (const op of plan.operations) if (op.kind === "probe-sender" && op.config && op.runner.type === "supervised") return op.runner.pidfile;
  return undefined;
}

function sha256OfLocal(localPath: string): string {
  return createHash("sha256").update(readFileSync(join(PACKAGE_ROOT, localPath))).digest("hex");
}

interface RouterView {
  readonly routes: string[];
  readonly files: Map<string, string>;
  readonly senderAlive: boolean;
}

async function observe(lab: BenchLab, router: string, plan: DataplanePlan): Promise<RouterView> {
  const routes: string[] = [];
  const r = await lab.exec(router, ["ip", "-j", "-6", "route", "show", "proto", String(ROUTE_PROTOCOL)]);
  const parsed = JSON.parse(r.stdout.trim() || "[]") as { dst: string }[];
  routes.push(...parsed.map((x) => normalizeDst(x.dst)));
  const files = new Map<string, string>();
  const paths = plan.files.map((f) => f.remotePath);
  if (paths.length) {
    // sha256sum exits 1 when a file is missing; the present ones are still listed.
    const r = await lab.exec(router, ["sha256sum", "--", ...paths], { allowFailure: true });
    for (const line of r.stdout.split("\n")) {
      const m = /^([0-9a-f]{64})\s+\*?(.+)$/.exec(line.trim());
      if (m) files.set(m[2]!, m[1]!);
    }
  }
  let senderAlive = false;
  const pidfile = probePidfile(plan);
  if (pidfile) {
    const r = await lab.exec(router, ["sh", "-c", 'test -s "$1" && kill -0 "$(cat "$1")"', "sh", pidfile], { allowFailure: true });
    senderAlive = r.code === 0;
  }
  return { routes: routes.sort(), files, senderAlive };
}

/** What is missing or wrong on the routers after `system` applied; empty when fully configured. */
export async function configuredProblems(lab: BenchLab, plans: ReadonlyMap<string, DataplanePlan>): Promise<string[]> {
  const perRouter = await Promise.all([...plans].map(async ([router, plan]) => {
    const problems: string[] = [];
    const have = await observe(lab, router, plan);
    const missing = expectedRoutes(plan).filter((d) => !have.routes.includes(d));
    if (missing.length) problems.push(`${router}: ${missing.length} route(s) missing: ${missing.slice(0, 4).join(", ")}${missing.length > 4 ? ", ..." : ""}`);
    for (const f of plan.files) {
      const sha = have.files.get(f.remotePath);
      if (sha === undefined) problems.push(`${router}: file ${f.remotePath} missing`);
      else if (sha !== sha256OfLocal(f.localPath)) problems.push(`${router}: file ${f.remotePath} differs from ${f.localPath}`);
    }
    if (probePidfile(plan) && !have.senderAlive) problems.push(`${router}: probe sender not running`);
    return problems;
  }));
  return perRouter.flat();
}

/** What is left on the routers after clean-up; empty when they are back to empty. */
export async function leftoverProblems(lab: BenchLab, plans: ReadonlyMap<string, DataplanePlan>): Promise<string[]> {
  const perRouter = await Promise.all([...plans].map(async ([router, plan]) => {
    const problems: string[] = [];
    const have = await observe(lab, router, plan);
    if (have.routes.length) problems.push(`${router}: ${have.routes.length} route(s) left: ${have.routes.slice(0, 4).join(", ")}`);
    for (const path of have.files.keys()) problems.push(`${router}: file ${path} left`);
    if (have.senderAlive) problems.push(`${router}: probe sender still running`);
    return problems;
  }));
  return perRouter.flat();
}

/** Runs every plan's removal steps inside the routers (each tolerates "absent"), all routers at once. */
export async function removeByPlan(lab: BenchLab, plans: ReadonlyMap<string, DataplanePlan>, extraPaths: readonly string[] = []): Promise<void> {
  await Promise.all([...plans].map(async ([router, plan]) => {
    for (const c of plan.remove) await lab.exec(router, c.argv, { input: c.input, allowFailure: true });
    if (extraPaths.length) await lab.exec(router, ["rm", "-f", "--", ...extraPaths], { allowFailure: true });
  }));
}
