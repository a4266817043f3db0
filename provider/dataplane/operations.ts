/**
 * Typed dataplane operations: the renderer's output. Each operation is one
 * piece of a router's configuration (a route, a tc filter, the sysctls, the
 * map contents, the probe sender...) and carries
 *   - what the router shows once it is in place (the typed fields: the
 *     engine's expectation and observe request are read from them),
 *   - the commands that install it (`install`, argv arrays),
 *   - the commands that take it away again (`remove`, tolerant of "absent").
 * Commands are built here from the typed fields and nowhere else, so nothing
 * downstream parses argv back.
 */
import { ROUTE_PROTOCOL } from "./constants";
import type { CommandStage, ProbeSenderConfig, ResourceRef, RouterCommand, RouterFile } from "./types";

/** A program in an object file we push (`obj FILE sec SECTION`). */
export interface BpfProgram {
  readonly object: string;
  readonly section: string;
}

/** A program bpftool pinned (`pinned PATH`); iproute2 shows it as `NAME:[*fsobj]`. */
export interface PinnedProgram {
  readonly path: string;
  /** The program's name in its object (the function name). */
  readonly name: string;
}

/** What a route does with a packet beyond forwarding it. */
export type RouteEncap =
  | {
      readonly type: "seg6local";
      readonly action: "End" | "End.DT6" | "End.X" | "End.BPF";
      readonly nh6?: string;
      /** Routing table of End.DT6, by number. */
      readonly table?: number;
      readonly program?: BpfProgram;
      /** Per-SID packet counters (Linux 5.14+; iproute2 6.1 does not print them back). */
      readonly count: boolean;
    }
  | {
      readonly type: "bpf";
      readonly in: PinnedProgram;
      readonly xmit: PinnedProgram;
      /** Bytes the xmit program may push (iproute2 6.1 does not print it back). */
      readonly headroom: number;
    };

/** An IPv6 route of ours (proto ROUTE_PROTOCOL), canonical addresses. */
export interface DesiredRoute {
  /** Canonical prefix with its length. */
  readonly dst: string;
  /** Undefined: the kernel's default metric. */
  readonly metric?: number;
  readonly via?: string;
  readonly dev: string;
  readonly encap?: RouteEncap;
}

interface OperationBase {
  /** Identity across plans: the same key in an old and a new plan is the same piece of configuration. */
  readonly key: string;
  readonly stage: CommandStage;
  readonly resource: ResourceRef;
  readonly description: string;
  readonly install: readonly RouterCommand[];
  /** Run in this order to take the piece away; each tolerates "already gone". */
  readonly remove: readonly RouterCommand[];
  /**
   * Installing it loads a file we push (an object or a router tool): after
   * the files are put back on a rollback, it must be installed again to run
   * the old program.
   */
  readonly usesFiles: boolean;
}

export type Operation = OperationBase & (
  | { readonly kind: "files"; readonly files: readonly RouterFile[] }
  | { readonly kind: "directories"; readonly paths: readonly string[] }
  | { readonly kind: "sysctls"; readonly values: readonly (readonly [string, string])[] }
  | { readonly kind: "tunsrc"; readonly address: string }
  | { readonly kind: "route"; readonly route: DesiredRoute }
  | { readonly kind: "clsact"; readonly ifname: string }
  | { readonly kind: "tc-filter"; readonly ifname: string; readonly direction: "egress"; readonly pref: number; readonly handle: number; readonly program: BpfProgram }
  | {
      /** Programs of one object loaded once and pinned, for routes to share. */
      readonly kind: "bpf-programs";
      readonly object: string;
      readonly dir: string;
      /** Program names: each is pinned as `dir/name`. */
      readonly programs: readonly string[];
      /** The object's maps, by name, and the pins (made by iproute2) they must be. */
      readonly maps: readonly { readonly name: string; readonly pinned: string }[];
    }
  | { readonly kind: "maps"; readonly sync: readonly MapContents[]; readonly retainKeys: readonly { readonly map: string; readonly keys: readonly string[] }[] }
  | {
      readonly kind: "probe-sender";
      readonly config?: ProbeSenderConfig;
      /** The config file's exact content. */
      readonly configText?: string;
      /** A systemd transient unit, or our own supervisor with its pid file. */
      readonly runner: { readonly type: "systemd"; readonly unit: string } | { readonly type: "supervised"; readonly pidfile: string };
    }
  | {
      /** What replays the applied record after a reboot (docs/engine.md, "Boot replay"). */
      readonly kind: "boot-hook";
      /** The unit or script, placed with the pushed files (it is in the expectation's files). */
      readonly file: RouterFile;
      /** systemd: an enabled unit; local.d: an OpenRC `local` script (sysvinit: call it from rc.local). */
      readonly init: "systemd" | "local.d";
    }
);

export type OperationKind = Operation["kind"];

/** The entries a map must hold, exactly (hex key -> hex value). */
export interface MapContents {
  readonly map: string;
  readonly entries: readonly { readonly key: string; readonly value: string }[];
}

const PROTO = String(ROUTE_PROTOCOL);

/**
 * Key of the operation that fills the pinned maps. The maps themselves are
 * made by loading the programs that use them, so unpinning them must wait
 * until those programs are gone, and cannot be undone by refilling them.
 */
export const MAPS_OPERATION_KEY = "maps";

export const routeOperationKey = (dst: string, metric: number | undefined): string => `route ${dst}${metric === undefined ? "" : ` metric ${metric}`}`;

const programArgs = (p: BpfProgram): string[] => ["obj", p.object, "sec", p.section];

function encapArgs(e: RouteEncap): string[] {
  if (e.type === "bpf") return ["encap", "bpf", "in", "pinned", e.in.path, "xmit", "pinned", e.xmit.path, "headroom", String(e.headroom)];
  const args = ["encap", "seg6local", "action", e.action];
  if (e.nh6 !== undefined) args.push("nh6", e.nh6);
  if (e.table !== undefined) args.push("table", String(e.table));
  if (e.program !== undefined) args.push("endpoint", ...programArgs(e.program));
  if (e.count) args.push("count");
  return args;
}

/**
 * `ip -6 route replace` of a route. A route via a gateway names its device
 * next to it; a seg6local route names it last, after the action's arguments.
 */
export function routeInstallArgv(r: DesiredRoute): string[] {
  const metric = r.metric === undefined ? [] : ["metric", String(r.metric)];
  const encap = r.encap ? encapArgs(r.encap) : [];
  const head = ["ip", "-6", "route", "replace", r.dst];
  return r.via !== undefined
    ? [...head, "via", r.via, "dev", r.dev, "proto", PROTO, ...metric, ...encap]
    : [...head, "proto", PROTO, ...metric, ...encap, "dev", r.dev];
}

/** Our route at (dst, metric), whatever it points at now. */
export function routeRemoveArgv(dst: string, metric: number | undefined): string[] {
  return ["ip", "-6", "route", "del", dst, "proto", PROTO, ...(metric === undefined ? [] : ["metric", String(metric)])];
}

export function routeOperation(stage: CommandStage, resource: ResourceRef, description: string, route: DesiredRoute, removeDescription = `remove ${description}`): Operation {
  // A bpf route holds the pinned programs as they were when it was installed:
  // when a changed object is loaded again, the route must be replaced too.
  const loads = route.encap?.type === "bpf" || route.encap?.program !== undefined;
  return {
    kind: "route", key: routeOperationKey(route.dst, route.metric), stage, resource, description, route, usesFiles: loads,
    install: [{ stage, resource, description, argv: routeInstallArgv(route) }],
    remove: [{ stage, resource, description: removeDescription, argv: routeRemoveArgv(route.dst, route.metric), ignoreFailure: true }],
  };
}

/**
 * Loads into `dir-new` (bpffs refuses names with a dot) and then swaps it for `dir`: routes installed earlier
 * keep the programs they hold, and a failed load leaves `dir` as it was.
 */
const LOAD_AND_PIN = 'set -e; obj=$1; dir=$2; shift 2; trap \'rm -rf "$dir-new"\' EXIT; rm -rf "$dir-new"; mkdir -p "${dir%/*}"; '
  + 'bpftool prog loadall "$obj" "$dir-new" "$@"; rm -rf "$dir"; mv "$dir-new" "$dir"';

export function programsOperation(stage: CommandStage, resource: ResourceRef, description: string,
  o: { object: string; dir: string; programs: readonly string[]; maps: readonly { name: string; pinned: string }[] }): Operation {
  const mapArgs = o.maps.flatMap((m) => ["map", "name", m.name, "pinned", m.pinned]);
  return {
    kind: "bpf-programs", key: `bpf-programs ${o.dir}`, stage, resource, description, ...o, usesFiles: true,
    install: [{ stage, resource, description, argv: ["sh", "-c", LOAD_AND_PIN, "sh", o.object, o.dir, ...mapArgs] }],
    remove: [
      tolerant(stage, resource, `unpin ${o.dir}`, ["rm", "-rf", o.dir]),
      tolerant(stage, resource, `remove ${o.dir.replace(/\/[^/]+$/, "")} if empty`, ["rmdir", "--ignore-fail-on-non-empty", o.dir.replace(/\/[^/]+$/, "")]),
    ],
  };
}

/** A command that tolerates failure (removal: "already gone" is fine). */
export function tolerant(stage: CommandStage, resource: ResourceRef, description: string, argv: string[]): RouterCommand {
  return { stage, resource, description, argv, ignoreFailure: true };
}

/** Every operation's install commands, in order. */
export function installCommands(ops: readonly Operation[]): RouterCommand[] {
  return ops.flatMap((o) => o.install);
}

/** Every operation's remove commands: the last installed goes first. */
export function removeCommands(ops: readonly Operation[]): RouterCommand[] {
  return [...ops].reverse().flatMap((o) => o.remove);
}

/** The install commands of an operation as an earlier apply recorded them. */
export interface InstalledOperation {
  readonly key: string;
  readonly install: readonly Pick<RouterCommand, "argv" | "input" | "description" | "ignoreFailure">[];
}

/**
 * How to take an operation back within a transaction: to what `previous`
 * (the same key, as the last apply installed it) had, or away if it is new.
 * Re-installing the previous form replaces ours in place (a route, a tc
 * filter, the map contents, the sender with its config), with no gap in
 * between. Sysctls go back to the values the router showed before the
 * transaction (`observed`), which is exact; without them, they are first
 * reset, because the previous form does not name the keys only ours sets.
 */
export function undoCommands(op: Operation, previous: InstalledOperation | undefined, observed: Readonly<Record<string, string | null>> = {}): readonly Pick<RouterCommand, "argv" | "input" | "description" | "ignoreFailure">[] {
  if (op.kind === "sysctls") {
    const before = op.values.map(([k]) => [k, observed[k]] as const);
    if (before.length && before.every(([, v]) => typeof v === "string" && v !== "")) {
      return [{ description: `put back ${op.description}`, argv: ["sysctl", "-q", "-w", ...before.map(([k, v]) => `${k}=${v}`)] }];
    }
  }
  if (!previous) return op.remove;
  return op.kind === "sysctls" ? [...op.remove, ...previous.install] : previous.install;
}
