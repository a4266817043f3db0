/**
 * Resolves Terraform references between our resources, e.g.
 * `${srv6_router.r1.name}` or `${srv6_router.r1.adjacency_sids[0].sid}`,
 * against the referenced resource's own configuration. The engine reads the
 * document literally, so a reference means "the value written there".
 * `id` resolves to the resource's `name` (the provider's resource id).
 * Anything else inside `${...}` (functions, variables, data sources) is an
 * error: the engine does not evaluate Terraform expressions.
 */
import type { SchemaIssue } from "../errors";
import type { RawResource } from "./extract";
import { OUR_TYPES } from "./extract";

/** `${...}` not preceded by a second `$` (`$${` is Terraform's escape). */
const INTERPOLATION = /(?<!\$)\$\{([^}]*)\}/g;
const REFERENCE = /^([a-z0-9_]+)\.([A-Za-z0-9_-]+)\.([A-Za-z_][A-Za-z0-9_]*)((?:\[[0-9]+\]|\.[A-Za-z_][A-Za-z0-9_]*)*)$/;

type Json = unknown;

interface Context {
  byKey: Map<string, RawResource>;
  issues: SchemaIssue[];
  /** Resources being resolved, to detect cycles. */
  stack: string[];
  resolved: Map<string, Record<string, unknown>>;
}

function resourceLabel(r: RawResource): string {
  return `${r.type}.${r.logicalId}`;
}

function pathToString(path: (string | number)[]): string {
  return path.map((p, i) => (typeof p === "number" ? `[${p}]` : i === 0 ? p : `.${p}`)).join("");
}

/** The value at `path`, through own properties only: `constructor` or `__proto__` is no attribute of a resource. */
function walk(value: Json, path: string[]): Json {
  let cur: Json = value;
  for (const step of path) {
    if (cur === null || typeof cur !== "object" || !Object.hasOwn(cur, step)) return undefined;
    cur = (cur as Record<string, Json>)[step];
  }
  return cur;
}

function lookup(expr: string, owner: RawResource, field: (string | number)[], original: string, ctx: Context): { ok: true; value: Json } | { ok: false } {
  const m = REFERENCE.exec(expr.trim());
  const fail = (message: string) => {
    ctx.issues.push({ resource: resourceLabel(owner), field: pathToString(field), value: original, message });
    return { ok: false as const };
  };
  if (!m) return fail(`unsupported expression '\${${expr}}': only references to attributes of srv6_router, srv6_protected_link and srv6_backup_policy resources are allowed`);
  const [, type, id, attr, rest] = m;
  if (!(OUR_TYPES as readonly string[]).includes(type)) return fail(`reference to '${type}' is not supported: only ${OUR_TYPES.join(", ")} can be referenced`);
  const target = ctx.byKey.get(`${type}.${id}`);
  if (!target) return fail(`reference to unknown resource ${type}.${id}`);
  const config = resolveResource(target, ctx);
  if (!config) return fail(`reference to ${type}.${id}, which is part of a reference cycle or unresolvable`);
  const steps = [attr === "id" ? "name" : attr, ...[...rest.matchAll(/\[([0-9]+)\]|\.([A-Za-z_][A-Za-z0-9_]*)/g)].map((s) => s[1] ?? s[2])];
  const value = walk(config, steps);
  if (value === undefined) return fail(`reference ${type}.${id}.${attr}${rest}: that attribute is not set in ${type}.${id}`);
  return { ok: true, value };
}

function resolveValue(value: Json, owner: RawResource, field: (string | number)[], ctx: Context): Json {
  if (typeof value === "string") {
    const matches = [...value.matchAll(INTERPOLATION)];
    if (matches.length === 0) return value.replace(/\$\$\{/g, "${");
    // A string that is exactly one reference takes the referenced value as is (it may be a number or a list).
    if (matches.length === 1 && matches[0][0] === value) {
      const r = lookup(matches[0][1], owner, field, value, ctx);
      return r.ok ? r.value : value;
    }
    let failed = false;
    const text = value.replace(INTERPOLATION, (whole, expr: string) => {
      const r = lookup(expr, owner, field, value, ctx);
      if (!r.ok) { failed = true; return whole; }
      if (typeof r.value === "object") { failed = true; ctx.issues.push({ resource: resourceLabel(owner), field: pathToString(field), value, message: `cannot embed a list or object reference '${whole}' inside a string` }); return whole; }
      return String(r.value);
    });
    return failed ? value : text.replace(/\$\$\{/g, "${");
  }
  if (Array.isArray(value)) return value.map((v, i) => resolveValue(v, owner, [...field, i], ctx));
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolveValue(v, owner, [...field, k], ctx)]));
  }
  return value;
}

function resolveResource(r: RawResource, ctx: Context): Record<string, unknown> | undefined {
  const key = resourceLabel(r);
  const done = ctx.resolved.get(key);
  if (done) return done;
  if (ctx.stack.includes(key)) {
    ctx.issues.push({ resource: key, field: "", value: [...ctx.stack.slice(ctx.stack.indexOf(key)), key].join(" -> "), message: "reference cycle between resources" });
    return undefined;
  }
  ctx.stack.push(key);
  const config = resolveValue(r.config, r, [], ctx) as Record<string, unknown>;
  ctx.stack.pop();
  ctx.resolved.set(key, config);
  return config;
}

/** Returns the resources with every reference replaced by its value; problems go to `issues`. */
export function resolveReferences(resources: readonly RawResource[], issues: SchemaIssue[]): RawResource[] {
  const ctx: Context = { byKey: new Map(resources.map((r) => [resourceLabel(r), r])), issues, stack: [], resolved: new Map() };
  return resources.map((r) => ({ ...r, config: resolveResource(r, ctx) ?? r.config }));
}
