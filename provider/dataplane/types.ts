/** Inputs and outputs of the dataplane renderer. */
import type { RouterConfig, ProtectedLinkConfig, BackupPolicyConfig } from "../../model/schema";
import type { Operation } from "./operations";
import type { Step } from "./probe-return";

/** What the renderer must know about the router itself (observed by the engine). */
export interface RouterFacts {
  /** Interface index by name, for every interface a protected link or adjacency SID uses. */
  ifindex: Record<string, number>;
  /** systemd is PID 1 (then the probe sender runs as a transient unit and the boot hook is a unit). */
  systemd: boolean;
  /** seg6local `count` is supported (Linux 5.14+). Default true. */
  seg6localCounters?: boolean;
  /**
   * Device of the router's node and decap SID routes. Linux turns a route
   * over `lo` into a reject route, so local SIDs need a real, up interface.
   * Default: the first protected-link interface, else the first adjacency
   * interface (by name).
   */
  sidDevice?: string;
}

export interface DataplaneInput {
  /** Name of the router to render (an srv6_router name). */
  readonly router: string;
  /** The whole desired state: every router, link and policy (others are used for references). */
  readonly routers: readonly RouterConfig[];
  readonly links: readonly ProtectedLinkConfig[];
  readonly policies: readonly BackupPolicyConfig[];
  /** What segments beyond these routers do (a router's bundle carries them; probe-return.ts). */
  readonly segment_steps?: readonly Step[];
  readonly facts: RouterFacts;
}

/** Which resource a command belongs to, e.g. `srv6_protected_link.r1_r2`. */
export type ResourceRef = string;

/**
 * When a command may run, across routers:
 *   "sids"   - things other routers point at (End, End.DT6, End.X) and the base they need;
 *   "local"  - this router's stamper, monitor, maps, protected routes and boot hook;
 *   "probes" - the probe sender.
 * Run every router's "sids" before any router's "probes", so no probe is sent
 * towards a return SID that does not exist yet (that would be a real miss).
 * "sids" commands never use the plan's files (only ip, sysctl, mkdir), so the
 * files may be placed after them; "local" and "probes" need the files.
 */
export type CommandStage = "sids" | "local" | "probes";

export interface RouterCommand {
  readonly stage: CommandStage;
  /** argv, never a shell string (the one shell use quotes its argument as $1). */
  readonly argv: readonly string[];
  /** Text fed to stdin. */
  readonly input?: string;
  readonly resource: ResourceRef;
  /** What the command does, for progress output. */
  readonly description: string;
  /** Removal steps: "already gone" is fine, keep going. */
  readonly ignoreFailure?: boolean;
}

/** A file to place on the router before the install commands run. */
export interface RouterFile {
  /** Path relative to the package root (dist/bpf/..., router/...). */
  readonly localPath: string;
  readonly remotePath: string;
  readonly mode: number;
}

/** Probe sender configuration (router/probe-sender.py). */
export interface ProbeSenderConfig {
  readonly probes: readonly {
    readonly link: string;
    readonly interface: string;
    /** [return SID on the peer, own monitor SID, own final address]. */
    readonly segments: readonly string[];
    readonly intervalUs: number;
  }[];
  /** Backup paths probed end to end (router/probe-sender.py "paths"); absent when none. */
  readonly paths?: readonly {
    /** Path id: the high bits of each path key (bpf/lib/srv6p_layout.h). */
    readonly id: number;
    readonly policy: string;
    readonly link: string;
    /** The backup segment list, first segment first (the last is the destination's End.DT6 SID). */
    readonly segments: readonly string[];
    /**
     * The way home after the whole list (the inner packet's segments): back
     * through the routers the list visited, then the link end's own monitor
     * SID and the router's own address (provider/dataplane/probe-return.ts).
     */
    readonly home: readonly string[];
    /** The way home after each proper prefix: `prefixHomes[k - 1]` after the first k segments. */
    readonly prefixHomes: readonly (readonly string[])[];
    /** Outer source, as the reroute program's (`ip sr tunsrc`). */
    readonly source: string;
    readonly intervalUs: number;
    /** Size of the inner packet of the full-size probe. */
    readonly packetBytes: number;
    /**
     * When the first segment is this router's own End.X: its interface and
     * neighbour. A local SID is never run for locally sent packets, so the
     * sender forwards as the End.X would (router/probe-sender.py).
     */
    readonly firstHop?: { readonly interface: string; readonly nexthop: string };
  }[];
}

export interface DataplanePlan {
  readonly router: string;
  /** The dataplane, piece by piece, in install order: what the engine plans, applies and undoes with. */
  readonly operations: readonly Operation[];
  /** Pushed first, in this order. */
  readonly files: readonly RouterFile[];
  /** Every operation's install commands, in order (for runners without transactions: tests, the Ansible baseline). */
  readonly install: readonly RouterCommand[];
  /** Removes everything `install` creates, last operation first; each step tolerates "absent". */
  readonly remove: readonly RouterCommand[];
  readonly probeConfig: ProbeSenderConfig;
}
