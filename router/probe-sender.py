#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""srv6-protect probe sender: one process per router, every protected link end.

Pushed to routers as text: python3 standard library only.

  probe-sender.py run   --config FILE            send probes in the foreground
  probe-sender.py start --config FILE --pidfile P [--log L]
                        (re)start a detached supervisor that restarts the
                        sender if it dies; returns once the sender runs
  probe-sender.py stop  --pidfile P              stop supervisor and sender
  probe-sender.py status --pidfile P             JSON {running, pid, childPid}
  probe-sender.py check --config FILE            validate the config only
  probe-sender.py install-config --config FILE   validate stdin, write it to FILE atomically

Config (JSON): {"probes": [{"link": NAME, "interface": IFNAME,
  "segments": [RETURN_SID, MONITOR_SID, FINAL_ADDRESS], "intervalUs": 1000}],
  "paths": [{"id": N, "policy": NAME, "link": NAME, "segments": [SID...],
  "home": [SID..., MONITOR_SID, FINAL_ADDRESS], "prefixHomes": [[SID..., MONITOR_SID,
  FINAL_ADDRESS], ...], "source": ADDRESS, "intervalUs": 1000000, "packetBytes": 1280}]}

Backup paths ("paths", optional) are probed end to end: every interval, one
probe of each kind goes out through a raw socket, built as the reroute
program builds rerouted traffic (outer IPv6 from `source` + SRH of the
backup segments + the inner packet), the inner packet a probe to our own
monitor SID of `packetBytes` bytes; then the same small, then along each
proper prefix of the segment list, so a broken path tells which segment
fails. Each probe comes home the way it went ("home" after the whole list,
"prefixHomes[k-1]" after its first k segments, computed by the provider):
with symmetric metrics that avoids the protected link as the way out does.
Each send is counted in the pinned srv6p_path_sent map first (the monitor
accepts path probes only for keys there) and the monitor counts what comes
home in srv6p_path_seen.

Each probe is a UDP datagram to FINAL_ADDRESS port 47831 carrying a segment
routing header (set with setsockopt(IPV6_RTHDR), which Linux accepts for type
4), so it leaves towards RETURN_SID. The payload (struct srv6p_probe in
bpf/lib/srv6p_layout.h) names the link's ifindex and a sequence number; the
tc egress program stamps it on the way out over the link.

The schedule is drift-free: probe k of a stream is due at start + k*interval.
After a stall (timer noise, CPU starvation) missed slots are skipped, not sent
as a burst: the dataplane counts probes, not time, so a stall causes no
failover, and a burst would prove nothing.
Exit codes: 0 ok, 2 bad usage/config, 3 not running (stop/status), 4 start failed.
"""
import heapq
import importlib.util
import json
import os
import re
import select
import signal
import socket
import struct
import subprocess
import sys
import time

PROBE_PORT = 47831
PROBE_MAGIC = 0x53365052
PROBE_VERSION = 1
IPV6_RTHDR = 57
MAX_SEGMENTS = 8
# bpf/lib/srv6p_layout.h: srv6p_probe.flags of a path probe, and the path key.
PROBE_FLAG_PATH = 0x01
PATH_KIND_BITS = 3
PATH_KIND_FULL, PATH_KIND_SMALL, PATH_KIND_PREFIX = 0, 1, 2
MAX_PATH_SEGMENTS = 6
# The way home mirrors the way out: at most one SID per segment and one per adjacency crossed, then monitor SID and address.
MAX_HOME_SEGMENTS = 2 * MAX_PATH_SEGMENTS + 2
MAX_PATH_ID = (1 << (32 - PATH_KIND_BITS)) - 1
PROBE_PAYLOAD = struct.Struct("!IBBHIIIIQQ")
# Inner packet of a full-size probe: IPv6 + SRH of two segments + UDP + the probe payload at least.
MIN_PACKET_BYTES = 40 + 40 + 8 + PROBE_PAYLOAD.size
IPPROTO_ROUTING, IPPROTO_IPV6, IPPROTO_UDP = 43, 41, 17
# Every check uses fullmatch: with match, a pattern's '$' also matches before a trailing
# newline, so "eth1\n" would pass (test/router/router_checks.py).
IFNAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,14}$")
EXIT_USAGE, EXIT_NOT_RUNNING, EXIT_START_FAILED = 2, 3, 4
RESTART_BACKOFF_S = (0.2, 0.5, 1.0, 2.0, 5.0)


class ConfigError(Exception):
    pass


def load_config(path):
    try:
        with open(path) as f:
            cfg = json.load(f)
    except (OSError, ValueError) as e:
        raise ConfigError(f"{path}: {e}")
    probes = cfg.get("probes") if isinstance(cfg, dict) else None
    if not isinstance(probes, list):
        raise ConfigError(f"{path}: 'probes' must be a list")
    out = []
    for i, p in enumerate(probes):
        where = f"{path}: probes[{i}]"
        if not isinstance(p, dict):
            raise ConfigError(f"{where} must be an object")
        link, ifname, segs, interval = p.get("link"), p.get("interface"), p.get("segments"), p.get("intervalUs")
        if not isinstance(link, str) or not link:
            raise ConfigError(f"{where}.link must be a name")
        if not isinstance(ifname, str) or not IFNAME_RE.fullmatch(ifname):
            raise ConfigError(f"{where}.interface: bad interface name {ifname!r}")
        if not isinstance(segs, list) or not 2 <= len(segs) <= MAX_SEGMENTS:
            raise ConfigError(f"{where}.segments must list 2..{MAX_SEGMENTS} addresses")
        for s in segs:
            try:
                socket.inet_pton(socket.AF_INET6, s)
            except (OSError, TypeError):
                raise ConfigError(f"{where}.segments: bad IPv6 address {s!r}")
        if not isinstance(interval, int) or not 100 <= interval <= 10_000_000:
            raise ConfigError(f"{where}.intervalUs must be an integer 100..10000000, got {interval!r}")
        out.append({"link": link, "interface": ifname, "segments": segs, "interval_ns": interval * 1000})
    return out


def load_paths(path):
    """The backup paths of the config, checked like the link probes ([] when there are none)."""
    with open(path) as f:
        paths = json.load(f).get("paths", [])
    if not isinstance(paths, list):
        raise ConfigError(f"{path}: 'paths' must be a list")
    out, ids = [], set()
    for i, p in enumerate(paths):
        where = f"{path}: paths[{i}]"
        if not isinstance(p, dict):
            raise ConfigError(f"{where} must be an object")
        pid, segs, home, src = p.get("id"), p.get("segments"), p.get("home"), p.get("source")
        interval, size = p.get("intervalUs"), p.get("packetBytes")
        if not isinstance(pid, int) or isinstance(pid, bool) or not 1 <= pid <= MAX_PATH_ID or pid in ids:
            raise ConfigError(f"{where}.id must be a unique integer 1..{MAX_PATH_ID}, got {pid!r}")
        ids.add(pid)
        for field in ("policy", "link"):
            if not isinstance(p.get(field), str) or not p[field]:
                raise ConfigError(f"{where}.{field} must be a name")
        if not isinstance(segs, list) or not 1 <= len(segs) <= MAX_PATH_SEGMENTS:
            raise ConfigError(f"{where}.segments must list 1..{MAX_PATH_SEGMENTS} addresses")
        prefix_homes = p.get("prefixHomes", [home] * (len(segs) - 1 if isinstance(segs, list) else 0))
        if not isinstance(prefix_homes, list) or len(prefix_homes) != len(segs) - 1:
            raise ConfigError(f"{where}.prefixHomes must list one way home per proper prefix ({len(segs) - 1})")
        for field, h in [("home", home), *((f"prefixHomes[{k}]", h) for k, h in enumerate(prefix_homes))]:
            if not isinstance(h, list) or not 2 <= len(h) <= MAX_HOME_SEGMENTS:
                raise ConfigError(f"{where}.{field} must be [SID..., monitor SID, final address], 2..{MAX_HOME_SEGMENTS} addresses")
        for s in [*segs, *home, *(a for h in prefix_homes for a in h), src]:
            try:
                socket.inet_pton(socket.AF_INET6, s)
            except (OSError, TypeError):
                raise ConfigError(f"{where}: bad IPv6 address {s!r}")
        if not isinstance(interval, int) or not 100_000 <= interval <= 60_000_000:
            raise ConfigError(f"{where}.intervalUs must be an integer 100000..60000000, got {interval!r}")
        if not isinstance(size, int) or not MIN_PACKET_BYTES <= size <= 9000:
            raise ConfigError(f"{where}.packetBytes must be an integer {MIN_PACKET_BYTES}..9000, got {size!r}")
        first_hop = p.get("firstHop")
        if first_hop is not None:
            if (not isinstance(first_hop, dict) or not isinstance(first_hop.get("interface"), str)
                    or not IFNAME_RE.fullmatch(first_hop["interface"]) or len(segs) < 2):
                raise ConfigError(f"{where}.firstHop must be {{interface, nexthop}} of a list of 2 or more segments")
            try:
                socket.inet_pton(socket.AF_INET6, first_hop.get("nexthop"))
            except (OSError, TypeError):
                raise ConfigError(f"{where}.firstHop.nexthop: bad IPv6 address {first_hop.get('nexthop')!r}")
        out.append({"id": pid, "policy": p["policy"], "link": p["link"], "segments": segs, "home": home, "prefix_homes": prefix_homes,
                    "source": src, "interval_ns": interval * 1000, "packet_bytes": size, "first_hop": first_hop})
    return out


def checksum16(data):
    if len(data) % 2:
        data += b"\0"
    total = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return ~total & 0xFFFF


def ipv6_header(src, dst, nexthdr, payload_len):
    return struct.pack("!IHBB", 0x60000000, payload_len, nexthdr, 64) + src + dst


def srh(nexthdr, segments):
    """An SRH for segments first..last, heading for the first (Segments Left = n - 1)."""
    n = len(segments)
    return struct.pack("!BBBBBBH", nexthdr, 2 * n, 4, n - 1, n - 1, 0, 0) + b"".join(reversed(segments))


def udp_datagram(src, final_dst, payload):
    length = 8 + len(payload)
    pseudo = src + final_dst + struct.pack("!IxxxB", length, IPPROTO_UDP)
    head = struct.pack("!HHHH", PROBE_PORT, PROBE_PORT, length, 0)
    csum = checksum16(pseudo + head + payload) or 0xFFFF
    return struct.pack("!HHHH", PROBE_PORT, PROBE_PORT, length, csum) + payload


class PathProbes:
    """One backup path's probes: every kind, each with its own sequence and key."""

    def __init__(self, spec, start_ns):
        self.spec = spec
        self.interval = spec["interval_ns"]
        self.next_due = start_ns
        a = lambda s: socket.inet_pton(socket.AF_INET6, s)  # noqa: E731
        self.src = a(spec["source"])
        self.segs = [a(s) for s in spec["segments"]]
        self.home = [a(s) for s in spec["home"]]
        kinds = [(PATH_KIND_FULL, self.segs, spec["packet_bytes"]), (PATH_KIND_SMALL, self.segs, 0)]
        kinds = [(kind, segs, size, self.home) for kind, segs, size in kinds]
        kinds += [(PATH_KIND_PREFIX + k - 1, self.segs[:k], 0, [a(s) for s in spec["prefix_homes"][k - 1]])
                  for k in range(1, len(self.segs))]
        self.kinds = [{"key": (spec["id"] << PATH_KIND_BITS) | kind, "kind": kind, "segs": segs, "bytes": size,
                       "home": home, "seq": 0, "errors": 0, "errno": 0} for kind, segs, size, home in kinds]

    def packet(self, k, seq, now):
        payload = PROBE_PAYLOAD.pack(PROBE_MAGIC, PROBE_VERSION, PROBE_FLAG_PATH, 0, k["key"], seq, 0, 0, 0, now)
        if k["kind"] in (PATH_KIND_FULL, PATH_KIND_SMALL):
            # As rerouted traffic: outer header + backup SRH + the inner packet, which is a probe home.
            pad = max(0, k["bytes"] - (40 + len(srh(0, self.home)) + 8 + len(payload)))
            home_srh = srh(IPPROTO_UDP, self.home)
            udp = udp_datagram(self.src, self.home[-1], payload + b"\0" * pad)
            inner = ipv6_header(self.src, self.home[0], IPPROTO_ROUTING, len(home_srh) + len(udp)) + home_srh + udp
            outer_srh = srh(IPPROTO_IPV6, k["segs"])
            return ipv6_header(self.src, k["segs"][0], IPPROTO_ROUTING, len(outer_srh) + len(inner)) + outer_srh + inner
        # A prefix of the list, then home the way it came: no inner packet.
        route = srh(IPPROTO_UDP, k["segs"] + k["home"])
        udp = udp_datagram(self.src, k["home"][-1], payload)
        return ipv6_header(self.src, k["segs"][0], IPPROTO_ROUTING, len(route) + len(udp)) + route + udp


def consume_first_segment(pkt):
    """The packet as our own End.X of the first segment would send it on:
    Segments Left one lower, the next segment as destination. A locally sent
    packet is routed by the output path, which never runs a local SID."""
    pkt = bytearray(pkt)
    left = pkt[40 + 3] - 1
    pkt[40 + 3] = left
    pkt[24:40] = pkt[40 + 8 + 16 * left:40 + 8 + 16 * (left + 1)]
    return bytes(pkt)


class NeighbourLink:
    """Frames straight to one neighbour over one interface (AF_PACKET), as an
    End.X of this router forwards: its MAC from the neighbour table, looked up
    again every 10 s and whenever it is unknown."""

    def __init__(self, ifname, nexthop):
        self.ifname, self.nexthop = ifname, nexthop
        self.sock = socket.socket(socket.AF_PACKET, socket.SOCK_DGRAM, socket.htons(0x86DD))
        self.mac, self.looked_ns = None, 0

    def lookup(self, now):
        if self.mac is not None and now - self.looked_ns < 10_000_000_000:
            return self.mac
        self.looked_ns = now
        self.mac = None
        try:
            out = subprocess.run(["ip", "-j", "-6", "neigh", "show", "to", self.nexthop, "dev", self.ifname],
                                 stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, timeout=2).stdout
            for n in json.loads(out or b"[]"):
                if n.get("lladdr") and not set(n.get("state", [])) & {"FAILED", "INCOMPLETE"}:
                    self.mac = bytes.fromhex(n["lladdr"].replace(":", ""))
        except (OSError, ValueError):
            pass
        if self.mac is None:
            # Let the kernel resolve it for the next round: any datagram to the neighbour does.
            with socket.socket(socket.AF_INET6, socket.SOCK_DGRAM) as s:
                try:
                    s.sendto(b"", (self.nexthop, 9, 0, socket.if_nametoindex(self.ifname)))
                except OSError:
                    pass
        return self.mac

    def send(self, pkt, now):
        mac = self.lookup(now)
        if mac is None:
            raise OSError(113, f"neighbour {self.nexthop} on {self.ifname} is not resolved yet")
        self.sock.sendto(pkt, (self.ifname, 0x86DD, 0, 0, mac))


class PathProber:
    """Sends every path's probes over one raw socket and counts them in srv6p_path_sent."""

    def __init__(self, specs, start_ns, maps_tool):
        self.paths = [PathProbes(s, start_ns) for s in specs]
        self.neighbours = {}
        for s in specs:
            hop = s.get("first_hop")
            if hop and (hop["interface"], hop["nexthop"]) not in self.neighbours:
                self.neighbours[(hop["interface"], hop["nexthop"])] = NeighbourLink(hop["interface"], hop["nexthop"])
        self.sock = socket.socket(socket.AF_INET6, socket.SOCK_RAW, socket.IPPROTO_RAW) if specs else None
        self.maps_tool = maps_tool
        self.sent = None
        self.next_open_ns = 0

    def open_maps(self, now):
        """The pinned maps, (re)opened at most every 5 s; a fresh start forgets the old counts."""
        if self.sent is not None or now < self.next_open_ns or self.maps_tool is None:
            return self.sent is not None
        self.next_open_ns = now + 5_000_000_000
        try:
            sent, seen = self.maps_tool.PinnedMap("srv6p_path_sent"), self.maps_tool.PinnedMap("srv6p_path_seen")
        except Exception as e:  # noqa: BLE001 - maps appear with the dataplane; try again later
            log(f"backup probes wait for the pinned maps: {e}")
            return False
        # Path ids are reassigned by every config: counts of an earlier run would lie.
        for m in (sent, seen):
            for key in m.keys():
                m.delete(key, missing_ok=True)
        seen.close()
        self.sent = sent
        return True

    def send_round(self, path, now):
        if not self.open_maps(now):
            return
        for k in path.kinds:
            k["seq"] = (k["seq"] + 1) & 0xFFFFFFFF
            pkt = path.packet(k, k["seq"], now)
            key = struct.pack("=I", k["key"]).hex()
            value = struct.pack("=QQIIII", k["seq"], now, k["seq"], k["errors"], k["errno"], 0).hex()
            try:
                self.sent.update(key, value)
            except Exception as e:  # noqa: BLE001 - the map went away (destroy): reopen later
                log(f"backup probes: cannot count in srv6p_path_sent: {e}")
                self.sent = None
                return
            try:
                hop = path.spec.get("first_hop")
                if hop:
                    self.neighbours[(hop["interface"], hop["nexthop"])].send(consume_first_segment(pkt), now)
                else:
                    self.sock.sendto(pkt, (path.spec["segments"][0], 0))
            except OSError as e:
                k["errors"] += 1
                k["errno"] = e.errno or 0
                if k["errors"] in (1, 10, 100) or k["errors"] % 1000 == 0:
                    log(f"backup path {path.spec['policy']}: send of {len(pkt)} bytes failed ({k['errors']} so far): {e}")


def build_srh(segments):
    """Routing header for IPV6_RTHDR: segments first..last, the last is the socket's destination."""
    n = len(segments)
    srh = struct.pack("!BBBBBBH", 0, 2 * n, 4, n - 1, n - 1, 0, 0)
    for s in reversed(segments):  # SRH order: segments[0] is the last segment
        srh += socket.inet_pton(socket.AF_INET6, s)
    return srh


class Stream:
    def __init__(self, spec, start_ns):
        self.spec = spec
        self.interval = spec["interval_ns"]
        self.next_due = start_ns
        self.seq = 0
        self.errors = 0
        self.ifindex = 0
        self.sock = None
        self.dest = (spec["segments"][-1], PROBE_PORT)

    def open(self):
        # ifindex is looked up again after send errors: interfaces can be re-created.
        self.ifindex = socket.if_nametoindex(self.spec["interface"])
        s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
        s.setsockopt(socket.IPPROTO_IPV6, IPV6_RTHDR, build_srh(self.spec["segments"]))
        s.setblocking(False)
        self.sock = s

    def send(self):
        self.seq = (self.seq + 1) & 0xFFFFFFFF
        payload = struct.pack("!IBBHIIIIQQ", PROBE_MAGIC, PROBE_VERSION, 0, 0, self.ifindex, self.seq, 0, 0, 0, 0)
        self.sock.sendto(payload, self.dest)


RTMGRP_LINK = 1
RTM_NEWLINK = 16
IFF_LOWER_UP = 0x10000
NLMSG_HDR = struct.Struct("=IHHII")
IFINFOMSG = struct.Struct("=BxHiII")
# struct srv6p_link_state (bpf/lib/srv6p_layout.h): byte offsets of what a failover sets.
LINK_STATE_FAILOVERS, LINK_STATE_LAST_FAILOVER_NS, LINK_STATE_HEAL_START_NS, LINK_STATE_DOWN = 56, 72, 88, 104


def load_maps_tool():
    """srv6p-maps.py, pushed beside this file: its bpf(2) map access."""
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "srv6p-maps.py")
    # No __pycache__ beside it: the directory holds exactly the files we push.
    sys.dont_write_bytecode = True
    spec = importlib.util.spec_from_file_location("srv6p_maps", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class CarrierWatch:
    """Carrier loss, as the kernel reports it (RTMGRP_LINK), declares the link
    down at once. Without carrier the neighbour entry of the peer is flushed
    and our probes wait in neighbour resolution: they never reach the egress
    program, so the misses the dataplane counts are never counted."""

    def __init__(self, ifindexes):
        self.ifindexes = set(ifindexes)
        self.sock = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, socket.NETLINK_ROUTE)
        self.sock.bind((0, RTMGRP_LINK))
        self.sock.setblocking(False)
        # Loaded now, not at the first carrier loss: importing it costs tens of ms.
        try:
            self.maps = load_maps_tool()
        except Exception as e:  # noqa: BLE001 - probing goes on; a carrier loss then says why it cannot act
            self.maps = None
            self.load_error = e

    def lost_carrier(self):
        """Interfaces of ours whose carrier went away since the last call."""
        lost = set()
        while True:
            try:
                data = self.sock.recv(65536)
            except (BlockingIOError, InterruptedError):
                return lost
            off = 0
            while off + NLMSG_HDR.size <= len(data):
                length, kind = NLMSG_HDR.unpack_from(data, off)[:2]
                if length < NLMSG_HDR.size:
                    break
                if kind == RTM_NEWLINK and off + NLMSG_HDR.size + IFINFOMSG.size <= len(data):
                    _, _, index, flags, _ = IFINFOMSG.unpack_from(data, off + NLMSG_HDR.size)
                    if index in self.ifindexes and not flags & IFF_LOWER_UP:
                        lost.add(index)
                off += (length + 3) & ~3

    def declare_down(self, ifindex):
        """The failover the egress program would make after `multiplier`
        misses: down, hold-down restarted, counted and stamped (ktime =
        CLOCK_MONOTONIC). Nothing else writes this entry while no probe crosses."""
        if self.maps is None:
            raise OSError(f"srv6p-maps.py could not be loaded: {self.load_error}")
        m = self.maps.PinnedMap("srv6p_link_state")
        try:
            key = struct.pack("=I", ifindex).hex()
            value = m.lookup(key)
            if value is None:
                return False
            v = bytearray(bytes.fromhex(value))
            first = struct.unpack_from("=I", v, LINK_STATE_DOWN)[0] == 0
            if first:
                struct.pack_into("=I", v, LINK_STATE_DOWN, 1)
                struct.pack_into("=Q", v, LINK_STATE_LAST_FAILOVER_NS, time.monotonic_ns())
                struct.pack_into("=Q", v, LINK_STATE_FAILOVERS, struct.unpack_from("=Q", v, LINK_STATE_FAILOVERS)[0] + 1)
            struct.pack_into("=Q", v, LINK_STATE_HEAL_START_NS, 0)
            m.update(key, v.hex(), "exists")
            return first
        finally:
            m.close()


def carrier_of(ifname):
    try:
        with open(f"/sys/class/net/{ifname}/carrier") as f:
            return f.read().strip() == "1"
    except OSError:
        return True


def log(msg):
    sys.stderr.write(time.strftime("%Y-%m-%dT%H:%M:%SZ ", time.gmtime()) + msg + "\n")
    sys.stderr.flush()


def run(config_path):
    specs = load_config(config_path)
    stop = {"now": False}
    signal.signal(signal.SIGTERM, lambda *_: stop.update(now=True))
    signal.signal(signal.SIGINT, lambda *_: stop.update(now=True))
    now = time.monotonic_ns()
    streams = [Stream(s, now) for s in specs]
    heap = []
    for i, st in enumerate(streams):
        try:
            st.open()
        except OSError as e:
            log(f"link {st.spec['link']}: cannot open probe socket on {st.spec['interface']}: {e}")
            st.sock = None
        heap.append((st.next_due, i))
    heapq.heapify(heap)
    watch = CarrierWatch(st.ifindex for st in streams if st.ifindex)
    by_ifindex = {st.ifindex: st for st in streams if st.ifindex}
    prober = PathProber(load_paths(config_path), now, watch.maps)
    # Path probes share the schedule: entries -1-j are path j (link streams are 0..).
    for j, path in enumerate(prober.paths):
        heap.append((path.next_due, -1 - j))
    heapq.heapify(heap)

    def down(ifindex, why):
        try:
            if watch.declare_down(ifindex):
                log(f"link {by_ifindex[ifindex].spec['link']}: {why}: declared down")
        except Exception as e:  # noqa: BLE001 - the probes go on; the log says why
            log(f"link {by_ifindex[ifindex].spec['link']}: {why}, but cannot declare it down: {e}")

    for st in streams:
        if st.ifindex and not carrier_of(st.spec["interface"]):
            down(st.ifindex, f"no carrier on {st.spec['interface']}")
    log(f"sending probes for {len(streams)} link(s) and {len(prober.paths)} backup path(s)")
    while not stop["now"] and heap:
        due, i = heap[0]
        now = time.monotonic_ns()
        if due > now:
            # A carrier change wakes us at once.
            if select.select([watch.sock], [], [], (due - now) / 1e9)[0]:
                for ifindex in watch.lost_carrier():
                    down(ifindex, f"carrier lost on {by_ifindex[ifindex].spec['interface']}")
            continue
        if i < 0:
            path = prober.paths[-1 - i]
            prober.send_round(path, now)
            nxt = due + path.interval
            if nxt <= now:
                nxt += ((now - nxt) // path.interval + 1) * path.interval
            heapq.heapreplace(heap, (nxt, i))
            continue
        st = streams[i]
        try:
            if st.sock is None:
                st.open()
            st.send()
        except OSError as e:
            st.errors += 1
            if st.errors in (1, 10, 100) or st.errors % 1000 == 0:
                log(f"link {st.spec['link']}: send failed ({st.errors} so far): {e}")
            if isinstance(e, (socket.gaierror,)) or getattr(e, "errno", 0) in (19, 6):  # ENODEV, ENXIO
                st.sock = None
        # Drift-free: next slot on the original grid; skip the slots a stall made us miss.
        nxt = due + st.interval
        if nxt <= now:
            nxt += ((now - nxt) // st.interval + 1) * st.interval
        heapq.heapreplace(heap, (nxt, i))
    return 0


def read_pid(pidfile):
    try:
        with open(pidfile) as f:
            pid = int(f.read().split()[0])
        os.kill(pid, 0)
        return pid
    except (OSError, ValueError, IndexError):
        return None


def supervise(config_path, pidfile, child_file):
    """Runs detached: restart the sender whenever it exits, until SIGTERM."""
    stop = {"now": False, "child": None}

    def on_term(*_):
        stop["now"] = True
        if stop["child"]:
            try:
                os.kill(stop["child"], signal.SIGTERM)
            except OSError:
                pass
    signal.signal(signal.SIGTERM, on_term)
    restarts = 0
    while not stop["now"]:
        started = time.monotonic()
        pid = os.fork()
        if pid == 0:
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
            os.execv(sys.executable, [sys.executable, os.path.abspath(__file__), "run", "--config", config_path])
        stop["child"] = pid
        with open(child_file + ".tmp", "w") as f:
            f.write(f"{pid}\n")
        os.replace(child_file + ".tmp", child_file)
        while True:
            try:
                _, status = os.waitpid(pid, 0)
                break
            except InterruptedError:
                continue
            except ChildProcessError:
                status = 0
                break
        stop["child"] = None
        if stop["now"]:
            break
        if time.monotonic() - started > 30:
            restarts = 0
        delay = RESTART_BACKOFF_S[min(restarts, len(RESTART_BACKOFF_S) - 1)]
        restarts += 1
        log(f"sender exited (status {status}); restart {restarts} in {delay}s")
        time.sleep(delay)
    for f in (child_file, pidfile):
        try:
            os.unlink(f)
        except OSError:
            pass
    return 0


def is_probe_sender(pid):
    """The pidfile outlives the process (a reboot, a SIGKILL): its pid may be
    another program's by now, which must not be signalled."""
    try:
        with open("/proc/%d/cmdline" % pid, "rb") as f:
            args = f.read().split(b"\0")
    except OSError:
        return False
    return any(os.path.basename(a.decode(errors="replace")) == "probe-sender.py" for a in args[:3])


def stop_running(pidfile, timeout_s=5.0):
    pid = read_pid(pidfile)
    if pid is None or not is_probe_sender(pid):
        return False
    os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except OSError:
            return True
        time.sleep(0.02)
    os.kill(pid, signal.SIGKILL)
    return True


def start(config_path, pidfile, logfile):
    load_config(config_path)  # refuse a bad config before stopping the running sender
    load_paths(config_path)
    config_path = os.path.abspath(config_path)
    stop_running(pidfile)
    os.makedirs(os.path.dirname(os.path.abspath(pidfile)), exist_ok=True)
    child_file = pidfile + ".child"
    for f in (pidfile, child_file):
        try:
            os.unlink(f)
        except OSError:
            pass
    if os.fork() == 0:
        # Detach from the SSH session: new session, no controlling tty, stdio to the log.
        os.setsid()
        if os.fork() != 0:
            os._exit(0)
        fd_in = os.open(os.devnull, os.O_RDONLY)
        fd_log = os.open(logfile, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
        os.dup2(fd_in, 0)
        os.dup2(fd_log, 1)
        os.dup2(fd_log, 2)
        os.chdir("/")
        with open(pidfile + ".tmp", "w") as f:
            f.write(f"{os.getpid()}\n")
        os.replace(pidfile + ".tmp", pidfile)
        try:
            code = supervise(config_path, pidfile, child_file)
        except BaseException as e:  # never return into the caller's code path
            log(f"supervisor failed: {e!r}")
            code = 1
        os._exit(code)
    os.wait()
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        if read_pid(pidfile) and read_pid(child_file):
            print(json.dumps({"started": True, "pid": read_pid(pidfile), "childPid": read_pid(child_file)}))
            return 0
        time.sleep(0.02)
    sys.stderr.write(f"probe-sender: supervisor did not come up (see {logfile})\n")
    return EXIT_START_FAILED


def parse_opts(args, allowed):
    opts = {}
    it = iter(args)
    for a in it:
        if a not in allowed:
            raise ConfigError(f"unknown option {a!r}")
        try:
            opts[a] = next(it)
        except StopIteration:
            raise ConfigError(f"option {a} needs a value")
    return opts


def main(argv):
    if not argv or argv[0] in ("-h", "--help"):
        sys.stdout.write(__doc__)
        return 0 if argv else EXIT_USAGE
    cmd = argv[0]
    try:
        if cmd == "run":
            return run(parse_opts(argv[1:], {"--config"})["--config"])
        if cmd == "check":
            path = parse_opts(argv[1:], {"--config"})["--config"]
            specs, paths = load_config(path), load_paths(path)
            print(json.dumps({"valid": True, "links": len(specs), "paths": len(paths)}))
            return 0
        if cmd == "install-config":
            path = parse_opts(argv[1:], {"--config"})["--config"]
            text = sys.stdin.read()
            tmp = f"{path}.tmp.{os.getpid()}"
            os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
            with open(tmp, "w") as f:
                f.write(text)
            try:
                specs = load_config(tmp)
                load_paths(tmp)
            except ConfigError:
                os.unlink(tmp)
                raise
            os.replace(tmp, path)
            print(json.dumps({"written": path, "links": len(specs)}))
            return 0
        if cmd == "start":
            o = parse_opts(argv[1:], {"--config", "--pidfile", "--log"})
            pidfile = o["--pidfile"]
            return start(o["--config"], pidfile, o.get("--log", pidfile + ".log"))
        if cmd == "stop":
            stopped = stop_running(parse_opts(argv[1:], {"--pidfile"})["--pidfile"])
            print(json.dumps({"stopped": stopped}))
            return 0
        if cmd == "status":
            pidfile = parse_opts(argv[1:], {"--pidfile"})["--pidfile"]
            pid, child = read_pid(pidfile), read_pid(pidfile + ".child")
            print(json.dumps({"running": bool(pid and child), "pid": pid, "childPid": child}))
            return 0 if pid and child else EXIT_NOT_RUNNING
    except ConfigError as e:
        sys.stderr.write(f"probe-sender: {e}\n")
        return EXIT_USAGE
    except KeyError as e:
        sys.stderr.write(f"probe-sender: missing option {e}\n")
        return EXIT_USAGE
    sys.stderr.write(f"probe-sender: unknown command {cmd!r}; see --help\n")
    return EXIT_USAGE


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
