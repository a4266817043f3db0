/**
 * Which operations an apply may leave alone: the previous apply installed
 * them with exactly these commands and the router still shows them so. An
 * apply (and its undo) then never touches them: an SID other routers' probes
 * and backup paths use does not flicker because a timer changed elsewhere.
 */
import type { Operation } from "../dataplane/operations";
import type { Change } from "./diff";
import type { RecordedOperation } from "./record";
import { specFromDesired, routeKey } from "./route-spec";
import { stableJson } from "./bundle";

/**
 * The operations a change is about; undefined when it is not clear, and then
 * every operation is installed again (the safe side).
 */
function operationsOf(change: Change, ops: readonly Operation[], routeOps: () => ReadonlyMap<string, string>): string[] | undefined {
  switch (change.kind) {
    case "sysctl":
      return ops.filter((o) => o.kind === "sysctls" && o.values.some(([k]) => k === change.item)).map((o) => o.key);
    case "tunsrc":
      return ["tunsrc"];
    case "route": {
      const key = routeOps().get(change.item);
      return key === undefined ? [] : [key];
    }
    case "tc-filter": {
      const ifname = change.item.replace(/ egress$/, "");
      return [`clsact ${ifname}`, `tc-filter ${ifname} egress`];
    }
    case "bpf-programs":
      return ops.filter((o) => o.kind === "bpf-programs" && o.dir === change.item).map((o) => o.key);
    case "map-entry":
      return ops.filter((o) => o.kind === "maps").map((o) => o.key);
    case "probe-sender":
      return ["probe-sender"];
    // Its file is placed with the pushed files; enabling it must follow.
    case "boot-hook":
      return ["boot-hook"];
    // Handled by steps of their own: pushed files by the file install (and
    // the reload of what loads them), foreign routes by their removal.
    case "file":
    case "foreign-route":
      return [];
    default:
      return undefined;
  }
}

const sameCommands = (a: RecordedOperation["install"], b: Operation["install"]): boolean =>
  stableJson(a.map((c) => [c.argv, c.input ?? null])) === stableJson(b.map((c) => [c.argv, c.input ?? null]));

/** Keys of the operations the transaction needs no step for. */
export function untouchedOperations(ops: readonly Operation[], previous: ReadonlyMap<string, RecordedOperation>, changes: readonly Change[], filesChange: boolean): Set<string> {
  const drifted = new Set<string>();
  // By route key, built once: a first apply of thousands of prefixes has as many route changes.
  let byRoute: Map<string, string> | undefined;
  const routeOps = () => (byRoute ??= new Map(ops.flatMap((o) => (o.kind === "route" ? [[routeKey(specFromDesired(o.route)), o.key] as const] : []))));
  for (const c of changes) {
    const keys = operationsOf(c, ops, routeOps);
    if (keys === undefined) return new Set();
    for (const k of keys) drifted.add(k);
  }
  const out = new Set<string>();
  for (const op of ops) {
    const before = previous.get(op.key);
    if (!before || drifted.has(op.key) || !sameCommands(before.install, op.install)) continue;
    // A changed object or tool must be loaded again.
    if (op.usesFiles && filesChange) continue;
    out.add(op.key);
  }
  return out;
}
