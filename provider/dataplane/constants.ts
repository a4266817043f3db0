/**
 * Fixed names and numbers of the dataplane, shared by the renderer, the map
 * decoders and the tests. Values that also appear in bpf/lib/*.h or router/*
 * say so; bpf/README.md documents them.
 */

/**
 * Route protocol number of every route we install (`ip route ... proto 214`).
 * Not in iproute2's rt_protos and outside FRR's range (186-196), so our routes
 * are told apart from the IGP's and the engine can find orphans by protocol.
 */
export const ROUTE_PROTOCOL = 214;

/**
 * Metric of the protected-prefix routes. Lower than any IGP route to the same
 * prefix (FRR installs 20, static/kernel routes 1024), so ours wins while it
 * exists and the IGP's takes over again when ours is removed.
 */
export const PROTECTED_ROUTE_METRIC = 10;

/** Room the lwt_xmit program needs for an outer IPv6 header + SRH of 6 segments. */
export const XMIT_HEADROOM = 40 + 8 + 16 * 6;

/** Where iproute2 pins the maps of tc and lwt programs. */
export const PIN_DIR = "/sys/fs/bpf/tc/globals";

/**
 * Where bpftool pins the programs every protected route of a router shares
 * (`encap bpf in pinned ...`): one reroute pair per router, whatever the
 * number of prefixes.
 */
export const PROGRAM_PIN_DIR = "/sys/fs/bpf/srv6p";
export const REROUTE_PIN_DIR = `${PROGRAM_PIN_DIR}/reroute`;

/** Router-side directories: state (files we push) and run time (pid files, logs). */
export const STATE_DIR = "/var/lib/srv6-protect";
export const RUN_DIR = "/run/srv6-protect";
export const BPF_DIR = `${STATE_DIR}/bpf`;
export const BIN_DIR = `${STATE_DIR}/bin`;
export const PROBE_CONFIG_FILE = `${STATE_DIR}/probe-sender.json`;
export const PROBE_PIDFILE = `${RUN_DIR}/probe-sender.pid`;
export const PROBE_LOGFILE = `${RUN_DIR}/probe-sender.log`;
/** systemd transient unit of the probe sender, where systemd runs. */
export const PROBE_UNIT = "srv6-protect-probe-sender";
/**
 * The boot hook (router/boot/), which replays the applied record after a
 * reboot: a unit where systemd is PID 1, else an OpenRC local.d script.
 * Outside our directories because init systems only look there.
 */
export const BOOT_UNIT = "srv6-protect-boot.service";
export const BOOT_HOOK_PATHS = {
  systemd: `/etc/systemd/system/${BOOT_UNIT}`,
  localD: "/etc/local.d/srv6-protect.start",
} as const;

/** Compiled objects (bpf/<role>.bpf.c -> dist/bpf/<role>.bpf.o) and their sections. */
export const BPF_OBJECTS = {
  monitor: { file: "monitor.bpf.o", sections: { endBpf: "lwt_seg6local" } },
  probeEgress: { file: "probe_egress.bpf.o", sections: { tcEgress: "tc" } },
  /** Loaded by bpftool once per router; `programs` are the names its pins take. */
  reroute: { file: "reroute.bpf.o", sections: { lwtIn: "lwt_in", lwtXmit: "lwt_xmit" }, programs: { lwtIn: "srv6p_reroute_in", lwtXmit: "srv6p_reroute_xmit" } },
} as const;

/**
 * Router-side tools (router/*.py), pushed as text. The engine runs the
 * applier as `python3 -c` (nothing installed first); the pushed copy is for
 * the boot hook, which runs with no controller there.
 */
export const ROUTER_TOOLS = {
  maps: "srv6p-maps.py",
  probeSender: "probe-sender.py",
  applier: "srv6p-apply.py",
} as const;

/** Pinned map names (bpf/lib/srv6p_maps.h). */
export const MAP_NAMES = {
  linkConfig: "srv6p_link_config",
  linkState: "srv6p_link_state",
  backups: "srv6p_backups",
  reasons: "srv6p_reasons",
  /** Backup path probes sent (the probe sender writes it) and come home (the monitor writes it). */
  pathSent: "srv6p_path_sent",
  pathSeen: "srv6p_path_seen",
  /** Failover drills in progress (`srv6 drill` writes it, the reroute program reads it). */
  drills: "srv6p_drills",
} as const;

/** tc filter preference and handle of the egress stamper (fixed, so replace/delete find it). */
export const TC_FILTER_PREF = 49152;
export const TC_FILTER_HANDLE = 0x5336;

/** Probe wire format (bpf/lib/srv6p_layout.h, router/probe-sender.py). */
export const PROBE_PORT = 47831;
export const PROBE_MAGIC = 0x53365052;

/** srv6p_probe.flags of a backup path probe, and the path key's kind bits (bpf/lib/srv6p_layout.h). */
export const PROBE_FLAG_PATH = 0x01;
export const PATH_KIND_BITS = 3;
export const PATH_KIND = { full: 0, small: 1, prefix: 2 } as const;

/** Maximum backup segments (bpf SRV6P_MAX_SEGMENTS, schema LIMITS.segments.maxItems). */
export const MAX_SEGMENTS = 6;

/** Neighbour solicitation retry on protected links (net.ipv6.neigh.IF.retrans_time_ms; kernel default 1000). */
export const NEIGH_RETRANS_MS = 100;
