/**
 * The desired-state shapes of the three resource types, as JSON Schemas.
 *
 * This file is the single source of truth: the engine validates `cdk.tf.json`
 * against it, the Terraform plugin server derives its provider schema from it,
 * and the cdktf constructs in `constructs/` type their props with the
 * interfaces below. Attribute names are snake_case, as Terraform spells them.
 */
import type { JSONSchemaType } from "ajv";

/** A resource name: also used in file names, unit names and map keys on routers. */
export const NAME_PATTERN = "^[a-z][a-z0-9_-]{0,62}$";
/** An IPv6 address in any RFC 4291 text form (checked again semantically). */
export const IPV6_PATTERN = "^[0-9a-fA-F:.]{2,45}$";
/** An IPv6 prefix `address/length`. */
export const IPV6_PREFIX_PATTERN = "^[0-9a-fA-F:.]{2,45}/[0-9]{1,3}$";
/**
 * A Linux interface name. The kernel allows up to 15 bytes (IFNAMSIZ - 1),
 * no '/', ':' or whitespace, and not "." or ".."; we also refuse every shell
 * metacharacter and a leading '-' or '.' (the name is an argument of ip and tc).
 * `eth1.100` (a VLAN) and `br-core` are fine.
 */
export const IFNAME_PATTERN = "^[A-Za-z0-9][A-Za-z0-9_.-]{0,14}$";
/** IFNAME_PATTERN in words. */
export const IFNAME_RULE = "a Linux interface name: 1 to 15 characters, letters, digits, '_', '.' and '-', starting with a letter or digit; no '/', whitespace or shell metacharacters, and not '.' or '..'";
/** NAME_PATTERN in words. */
export const NAME_RULE = "a resource name: 1 to 63 characters, lower-case letters, digits, '-' and '_', starting with a letter";

/**
 * A file on the controller (a private key, a known_hosts file): an absolute
 * path, or one under the home directory (`~/`, expanded by the SSH layer),
 * on one line. A relative path would depend on the directory the CLI or
 * Terraform runs in; a value with a newline is the file's content pasted
 * instead of its name (and is never echoed back: model/issue.ts redactValue).
 */
export const FILE_PATH_PATTERN = "^(/|~/)[^\\x00-\\x1f\\x7f]{1,4094}$";
/** FILE_PATH_PATTERN in words. */
export const FILE_PATH_RULE = "an absolute path (/...) or one under the home directory (~/...), on one line: the name of the file, not its content";
/**
 * A bastion, `[user@]host[:port]` or `[user@][ipv6]:port`. The port, when
 * given, must be 1 to 65535: a whole-network rule checks it (model/network-rules.ts),
 * since a host may itself contain colons.
 */
export const JUMP_HOST_PATTERN = "^([a-z_][a-z0-9_-]{0,31}@)?(\\[[0-9A-Fa-f:.]{2,45}\\](:[0-9]{1,5})?|[A-Za-z0-9][A-Za-z0-9.:-]{0,252})$";

/** Each named pattern's rule in words: the schema check says it after the pattern (model/schema-check.ts). */
export const PATTERN_RULES: ReadonlyMap<string, string> = new Map([
  [IFNAME_PATTERN, IFNAME_RULE],
  [NAME_PATTERN, NAME_RULE],
  [FILE_PATH_PATTERN, FILE_PATH_RULE],
  [JUMP_HOST_PATTERN, "a bastion as [user@]host[:port] or [user@][ipv6-address]:port, the port 1 to 65535"],
]);

/** A jump host's parts as written: `[user@]host[:port]`, `[v6addr]:port` also accepted; the port as text. */
export function splitJumpHost(text: string): { user?: string; host: string; port?: string } {
  const at = text.lastIndexOf("@");
  const user = at >= 0 ? text.slice(0, at) : undefined;
  const rest = at >= 0 ? text.slice(at + 1) : text;
  const bracket = /^\[([^\]]+)\](?::(.*))?$/.exec(rest);
  if (bracket) return { user, host: bracket[1]!, port: bracket[2] };
  // One colon separates a port; more are an IPv6 address without one.
  if ((rest.match(/:/g) ?? []).length === 1) {
    const [host, port] = rest.split(":") as [string, string];
    return { user, host, port };
  }
  return { user, host: rest };
}

/** `srv6_router`: one Linux router, how to reach it, and its node-level SIDs. */
export interface RouterConfig {
  name: string;
  host: string;
  port?: number;
  user?: string;
  private_key_file?: string;
  known_hosts_file?: string;
  host_key_sha256?: string;
  jump_host?: string;
  sudo?: boolean;
  locator: string;
  source_address?: string;
  node_sid: string;
  decap_sid: string;
  adjacency_sids?: AdjacencySid[];
}

/** An End.X SID: "leave this router over `interface` towards `nexthop`". */
export interface AdjacencySid {
  sid: string;
  interface: string;
  nexthop: string;
}

/**
 * `srv6_protected_link`: a point-to-point link whose both ends probe each
 * other and protect their outgoing traffic.
 *
 * End `a` sends probes to `return_sid_a` (b's End.X SID pointing back over the
 * link to a) followed by `monitor_sid_a` (an End.BPF SID on a that records
 * liveness). Symmetrically for `b`.
 */
export interface ProtectedLinkConfig {
  name: string;
  router_a: string;
  interface_a: string;
  peer_address_a: string;
  monitor_sid_a: string;
  return_sid_a: string;
  router_b: string;
  interface_b: string;
  peer_address_b: string;
  monitor_sid_b: string;
  return_sid_b: string;
  probe_interval_ms?: number;
  multiplier?: number;
  hold_down_ms?: number;
  backup_probe_interval_ms?: number;
}

/**
 * `srv6_backup_policy`: on `router`, traffic to any of `prefixes` that
 * normally leaves over `link` is encapsulated with `segments` while that link
 * is down. The last segment is a decapsulation SID (End.DT6) on the router
 * where the post-convergence path delivers the traffic: `destination`, the
 * router the prefixes lie behind. One policy per (protected link end,
 * destination router), so adding a prefix behind a router changes one resource.
 */
export interface BackupPolicyConfig {
  name: string;
  router: string;
  link: string;
  destination?: string;
  prefixes: string[];
  segments: string[];
}

/**
 * Router attributes that name files on the controller. They stay with the
 * controller: no router's applied record holds them (records also describe
 * the peers, and any process on a router can read its own).
 */
export const CONTROLLER_ONLY_ATTRIBUTES: readonly (keyof RouterConfig)[] = ["private_key_file", "known_hosts_file"];

export const DEFAULTS = {
  port: 22,
  user: "root",
  probe_interval_ms: 10,
  multiplier: 3,
  hold_down_ms: 1000,
  /** One probe per backup path (and per kind: docs/concepts.md, "Backup probes") every second; 0 = no backup probes. */
  backup_probe_interval_ms: 1000,
  /**
   * The packet a backup probe stands for: its inner IPv6 packet is this
   * size, so the probe is as large as a packet of this size once rerouted
   * (plus outer header and SRH). 1280 is the IPv6 minimum MTU: a backup path
   * that cannot carry it plus the SRH is broken for any IPv6 traffic.
   */
  backup_probe_bytes: 1280,
} as const;

/** The provider block's defaults. */
export const PROVIDER_DEFAULTS = {
  parallelism: 16,
  connect_timeout_ms: 10000,
  command_timeout_ms: 60000,
  accept_new_host_keys: false,
} as const;

/** How a router is reached when its config leaves port, user or sudo out: port 22, root, and sudo for anyone else. */
export function connectionDefaults(c: { readonly port?: number | null; readonly user?: string | null; readonly sudo?: boolean | null }): { port: number; user: string; sudo: boolean } {
  const user = c.user ?? DEFAULTS.user;
  return { port: c.port ?? DEFAULTS.port, user, sudo: c.sudo ?? user !== "root" };
}

export const LIMITS = {
  probe_interval_ms: { minimum: 1, maximum: 10000 },
  multiplier: { minimum: 2, maximum: 255 },
  hold_down_ms: { minimum: 0, maximum: 600000 },
  /** 0 turns backup probing off; otherwise at least backupProbeIntervalMinimumMs (model/network-rules.ts). */
  backup_probe_interval_ms: { minimum: 0, maximum: 60000 },
  backupProbeIntervalMinimumMs: 100,
  /**
   * Backup probes one router sends per second, all paths together (each path
   * sends one probe of each kind per interval): above it, the renderer
   * stretches every path's interval by the same factor.
   */
  backupProbesPerSecondPerRouter: 500,
  /** Backup paths probed per router (SRV6P_MAX_PATH_KEYS / 8 kinds in bpf/lib/srv6p_maps.h); more are not probed. */
  probedBackupPathsPerRouter: 1024,
  /** `srv6 drill --duration`, in seconds. */
  drill_duration_s: { minimum: 1, maximum: 3600 },
  /** A drill's deadline on the router is its duration plus this: the router reverts by itself if the controller does not. */
  drillSelfRevertMarginS: 3,
  /** The longest failure detection time, probe_interval_ms x multiplier (a whole-network rule, model/network-rules.ts). */
  detection_time_ms: { maximum: 10000 },
  segments: { minItems: 1, maxItems: 6 },
  /** The prefixes of one policy (one destination router): a whole routing table's worth, not unbounded. */
  prefixes: { minItems: 1, maxItems: 65536 },
  /** All policies of one router together: the backup map's size (SRV6P_MAX_BACKUPS in bpf/lib/srv6p_maps.h). */
  protectedPrefixesPerRouter: 65536,
  /**
   * The shortest protected prefix. A policy's prefix is installed as a route
   * over the protected link, so it takes over the router's own routes to
   * everything it covers: a default route (::/0) or an aggregate larger than
   * any one operator's address space (the RIRs' blocks are /12) is refused.
   */
  protected_prefix_length: { minimum: 16 },
} as const;

const name = { type: "string", pattern: NAME_PATTERN, description: "Resource name: lower-case letters, digits, '-' and '_', starting with a letter." } as const;
const ipv6 = (description: string) => ({ type: "string", pattern: IPV6_PATTERN, format: "ipv6", description }) as const;
const ifname = (description: string) => ({ type: "string", pattern: IFNAME_PATTERN, description }) as const;
const routerRef = (description: string) => ({ type: "string", pattern: NAME_PATTERN, description }) as const;

export const routerSchema: JSONSchemaType<RouterConfig> = {
  $id: "srv6_router",
  type: "object",
  description: "A Linux router reached over SSH, with its SRv6 locator and node-level SIDs.",
  additionalProperties: false,
  required: ["name", "host", "locator", "node_sid", "decap_sid"],
  properties: {
    name,
    host: { type: "string", pattern: "^[A-Za-z0-9][A-Za-z0-9.:-]{0,252}$", description: "Management address or DNS name the controller connects to." },
    port: { type: "integer", minimum: 1, maximum: 65535, nullable: true, description: "SSH port. Default 22." },
    user: { type: "string", pattern: "^[a-z_][a-z0-9_-]{0,31}$", nullable: true, description: "SSH user. Default root; any other user goes through `sudo -n`." },
    private_key_file: { type: "string", pattern: FILE_PATH_PATTERN, nullable: true, description: "Path of the private key on the controller (absolute, or ~/...). Default: use ssh-agent." },
    known_hosts_file: { type: "string", pattern: FILE_PATH_PATTERN, nullable: true, description: "known_hosts file used to verify the router's host key (absolute, or ~/...). Default ~/.ssh/known_hosts." },
    host_key_sha256: { type: "string", pattern: "^SHA256:[A-Za-z0-9+/]{43}=?$", nullable: true, description: "Pinned host key fingerprint, as `ssh-keygen -l` prints it; takes precedence over known_hosts." },
    jump_host: { type: "string", pattern: JUMP_HOST_PATTERN, nullable: true, description: "Bastion as [user@]host[:port] (or [user@][ipv6]:port), reached with the same key and host key checks." },
    sudo: { type: "boolean", nullable: true, description: "Run router commands through `sudo -n`. Default: true unless user is root." },
    locator: { type: "string", pattern: IPV6_PREFIX_PATTERN, description: "The router's SRv6 locator prefix (length 16 to 64); every SID of this router lies inside it." },
    source_address: { ...ipv6("Outer source address of SRv6 encapsulation (`ip sr tunsrc`). Default: the locator's ::1."), nullable: true },
    node_sid: ipv6("The router's End SID (node segment)."),
    decap_sid: ipv6("The router's End.DT6 SID: decapsulate and look the inner packet up in the main table."),
    adjacency_sids: {
      type: "array",
      nullable: true,
      description: "End.X SIDs of this router, one per link that backup paths or probes cross.",
      items: {
        type: "object",
        additionalProperties: false,
        required: ["sid", "interface", "nexthop"],
        properties: {
          sid: ipv6("The End.X SID."),
          interface: ifname("Interface the SID sends packets out of."),
          nexthop: ipv6("Neighbour's address on that interface."),
        },
      },
    },
  },
};

export const protectedLinkSchema: JSONSchemaType<ProtectedLinkConfig> = {
  $id: "srv6_protected_link",
  type: "object",
  description: "A point-to-point link probed from both ends and protected by backup policies.",
  additionalProperties: false,
  required: [
    "name",
    "router_a", "interface_a", "peer_address_a", "monitor_sid_a", "return_sid_a",
    "router_b", "interface_b", "peer_address_b", "monitor_sid_b", "return_sid_b",
  ],
  properties: {
    name,
    router_a: routerRef("Router at end a (an srv6_router name)."),
    interface_a: ifname("Interface of the link on router a."),
    peer_address_a: ipv6("Router b's address on the link, as seen from a (next hop of a's probes)."),
    monitor_sid_a: ipv6("End.BPF SID on router a where a's probes come home and liveness is recorded."),
    return_sid_a: ipv6("End.X SID on router b that sends a's probes back over the link."),
    router_b: routerRef("Router at end b (an srv6_router name)."),
    interface_b: ifname("Interface of the link on router b."),
    peer_address_b: ipv6("Router a's address on the link, as seen from b."),
    monitor_sid_b: ipv6("End.BPF SID on router b where b's probes come home."),
    return_sid_b: ipv6("End.X SID on router a that sends b's probes back over the link."),
    probe_interval_ms: { type: "integer", ...LIMITS.probe_interval_ms, nullable: true, description: "Probe interval in milliseconds. Default 10." },
    multiplier: { type: "integer", ...LIMITS.multiplier, nullable: true, description: "Missed probes in a row that declare the link down. Default 3." },
    hold_down_ms: { type: "integer", ...LIMITS.hold_down_ms, nullable: true, description: "Probes must come back without a miss for this long before traffic returns to the link. Default 1000." },
    backup_probe_interval_ms: { type: "integer", ...LIMITS.backup_probe_interval_ms, nullable: true, description: "Interval of the probes that check this link's backup paths, in milliseconds; 0 turns them off. Default 1000." },
  },
};

export const backupPolicySchema: JSONSchemaType<BackupPolicyConfig> = {
  $id: "srv6_backup_policy",
  type: "object",
  description: "Traffic to the prefixes behind one router that normally crosses a protected link, and the SRv6 segment list it takes while that link is down.",
  additionalProperties: false,
  required: ["name", "router", "link", "prefixes", "segments"],
  properties: {
    name,
    router: routerRef("Router where the policy is installed: one end of `link`."),
    link: routerRef("The srv6_protected_link whose failure moves this traffic."),
    destination: { ...routerRef("The router the prefixes lie behind (an srv6_router name). Optional; when set, the last segment must be its decap_sid."), nullable: true },
    prefixes: {
      type: "array",
      ...LIMITS.prefixes,
      uniqueItems: true,
      description: "Destination prefixes whose traffic is protected, each once; their order does not matter (they are kept sorted).",
      items: { type: "string", pattern: IPV6_PREFIX_PATTERN, description: "A protected prefix, address/length." },
    },
    segments: {
      type: "array",
      ...LIMITS.segments,
      description: "Backup segment list, first segment first; the last one is an End.DT6 decapsulation SID.",
      items: ipv6("A SID."),
    },
  },
};

export type ResourceType = "srv6_router" | "srv6_protected_link" | "srv6_backup_policy";

/** Each resource type's schema, by Terraform type name. */
export const RESOURCE_TYPES: Readonly<Record<ResourceType, object>> = {
  srv6_router: routerSchema,
  srv6_protected_link: protectedLinkSchema,
  srv6_backup_policy: backupPolicySchema,
};

/**
 * The `srv6` provider block (Terraform) / engine options. Provider source
 * address: `srv6-protect/srv6`, version 0.1.0.
 */
export interface ProviderConfig {
  parallelism?: number;
  connect_timeout_ms?: number;
  command_timeout_ms?: number;
  accept_new_host_keys?: boolean;
}

export const PROVIDER_SOURCE = "srv6-protect/srv6";
export const PROVIDER_VERSION = "0.1.0";

export const providerConfigSchema: JSONSchemaType<ProviderConfig> = {
  $id: "srv6_provider",
  type: "object",
  description: "Options of the srv6 provider: how the engine talks to routers.",
  additionalProperties: false,
  required: [],
  properties: {
    parallelism: { type: "integer", minimum: 1, maximum: 256, nullable: true, description: "Routers configured at once. Default 16." },
    connect_timeout_ms: { type: "integer", minimum: 100, maximum: 600000, nullable: true, description: "SSH connect and handshake timeout. Default 10000." },
    command_timeout_ms: { type: "integer", minimum: 100, maximum: 3600000, nullable: true, description: "Timeout of one router command. Default 60000." },
    accept_new_host_keys: { type: "boolean", nullable: true, description: "Trust a router whose host key is not yet known (trust on first use). Default false: unknown keys are refused." },
  },
};
