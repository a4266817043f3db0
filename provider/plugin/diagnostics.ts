/**
 * Diagnostics: how every problem reaches the user. Nothing crosses gRPC as an
 * exception; handlers collect diagnostics (all of them, so the user sees
 * every problem at once), each with an attribute path when one applies.
 */

/** One step into a value: an attribute of an object, or an index of a list. */
export type PathStep = { attribute: string } | { index: number } | { key: string };
export type AttributePath = PathStep[];

export interface Diagnostic {
  severity: "error" | "warning";
  summary: string;
  detail: string;
  path?: AttributePath;
}

export function errorDiagnostic(summary: string, detail: string, path?: AttributePath): Diagnostic {
  return { severity: "error", summary, detail, path };
}

export function hasErrors(diags: readonly Diagnostic[]): boolean {
  return diags.some((d) => d.severity === "error");
}

/** Path `a.b[0].c` as people read it. */
export function formatPath(path: AttributePath | undefined): string {
  let out = "";
  for (const step of path ?? []) {
    if ("attribute" in step) out += out ? `.${step.attribute}` : step.attribute;
    else if ("index" in step) out += `[${step.index}]`;
    else out += `[${JSON.stringify(step.key)}]`;
  }
  return out;
}

/** A JSON pointer (`/adjacency_sids/0/sid`, as ajv reports) as attribute steps. */
export function pathFromJsonPointer(pointer: string): AttributePath {
  if (!pointer) return [];
  return pointer
    .split("/")
    .slice(1)
    .map((raw) => raw.replace(/~1/g, "/").replace(/~0/g, "~"))
    .map((seg) => (/^(0|[1-9][0-9]*)$/.test(seg) ? { index: Number(seg) } : { attribute: seg }));
}

/**
 * Context that typed errors of the engine and SSH layers carry. Read by duck
 * typing so that this module depends on none of them.
 */
interface ErrorContext {
  router?: unknown;
  command?: unknown;
  exitCode?: unknown;
  stderr?: unknown;
  durationMs?: unknown;
  diagnostics?: unknown;
  path?: unknown;
}

function describeCauses(err: unknown): string {
  const lines: string[] = [];
  let cur: unknown = err;
  for (let depth = 0; cur && depth < 5; depth++) {
    const e = cur as Error & ErrorContext;
    const msg = e instanceof Error ? `${e.name}: ${e.message}` : String(cur);
    lines.push(depth === 0 ? msg : `caused by ${msg}`);
    if (e && typeof e === "object") {
      if (e.router !== undefined) lines.push(`  router: ${String(e.router)}`);
      if (e.command !== undefined) lines.push(`  command: ${Array.isArray(e.command) ? e.command.map((a) => JSON.stringify(String(a))).join(" ") : String(e.command)}`);
      if (e.exitCode !== undefined) lines.push(`  exit code: ${String(e.exitCode)}`);
      if (typeof e.stderr === "string" && e.stderr.trim()) lines.push(`  stderr: ${e.stderr.trim()}`);
    }
    cur = e instanceof Error ? e.cause : undefined;
  }
  return lines.join("\n");
}

function isDiagnostic(x: unknown): x is Diagnostic {
  const d = x as Diagnostic;
  return !!d && (d.severity === "error" || d.severity === "warning") && typeof d.summary === "string";
}

/**
 * Turns anything thrown by a backend into diagnostics. An error that carries
 * `diagnostics` (e.g. BackendError) gives those; any other error becomes one
 * diagnostic that names the action and resource and keeps the whole cause
 * chain (router, command, exit code, stderr) in the detail.
 */
export function diagnosticsFromError(err: unknown, action: string): Diagnostic[] {
  const ctx = err as ErrorContext | undefined;
  if (ctx && Array.isArray(ctx.diagnostics) && ctx.diagnostics.every(isDiagnostic) && ctx.diagnostics.length > 0) {
    return ctx.diagnostics as Diagnostic[];
  }
  const path = ctx && Array.isArray(ctx.path) ? (ctx.path as AttributePath) : undefined;
  const where = ctx && ctx.router !== undefined ? ` on router ${String(ctx.router)}` : "";
  const message = err instanceof Error ? err.message : String(err);
  return [errorDiagnostic(`${action} failed${where}: ${message}`, describeCauses(err), path)];
}
