#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Report, in one JSON document, everything srv6-protect needs to know about
this router: preflight facts, our routes and any route on our destinations,
sysctls, files, tc filters, pinned maps, the probe sender and the apply lock.

Pushed to routers as text (python3 standard library only) and run once per
plan, so a plan costs one SSH round trip per router. It only reads.

  srv6p-observe.py < REQUEST.json > OBSERVATION.json

REQUEST: {"routeDsts": [prefix...], "fibAddresses": [address...], "interfaces": [name...], "sysctls": [key...],
          "files": [path...], "mapsTool": path, "maps": [name...], "programDirs": [path...],
          "pidfile": path, "probeConfig": path, "applied": path, "lockFile": path,
          "protocol": 214}
Raw command outputs are returned as text; the controller parses them.
"""
import base64
import fcntl
import glob
import gzip
import hashlib
import ipaddress
import json
import os
import platform
import re
import subprocess
import sys

KERNEL_OPTIONS = ("CONFIG_IPV6_SEG6_LWTUNNEL", "CONFIG_IPV6_SEG6_BPF", "CONFIG_LWTUNNEL_BPF",
                  "CONFIG_NET_CLS_BPF", "CONFIG_NET_SCH_INGRESS", "CONFIG_BPF_SYSCALL")
# Every check uses fullmatch: with match, a pattern's '$' also matches before a trailing
# newline, so "eth1\n" would pass (test/router/router_checks.py).
# sysctl's two spellings: dotted, or with slashes when an interface name holds a dot (eth1.100).
SYSCTL_RE = re.compile(r"net\.ipv6\.(conf|neigh)\.[A-Za-z0-9][A-Za-z0-9_-]{0,14}\.[a-z0-9_]{1,40}"
                       r"|net/ipv6/(conf|neigh)/[A-Za-z0-9][A-Za-z0-9_.-]{0,14}/[a-z0-9_]{1,40}"
                       r"|net\.[a-z0-9_]{1,40}(\.[a-z0-9_]{1,40}){0,4}")
IFNAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,14}$")
PREFIX_RE = re.compile(r"^[0-9a-fA-F:]{2,45}/[0-9]{1,3}$")
ADDRESS_RE = re.compile(r"^[0-9a-fA-F:]{2,45}$")
MAP_NAME_RE = re.compile(r"^srv6p_[a-z0-9_]+$")
PROGRAM_DIR_RE = re.compile(r"/sys/fs/bpf/srv6p/[a-z0-9_-]{1,40}")


def run(argv, stdin_text=None):
    try:
        p = subprocess.run(argv, input=(stdin_text or "").encode(), stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, timeout=30)
        return {"code": p.returncode, "stdout": p.stdout.decode(errors="replace"), "stderr": p.stderr.decode(errors="replace")}
    except (OSError, subprocess.TimeoutExpired) as e:
        return {"code": -1, "stdout": "", "stderr": str(e)}


def sha256_of(path):
    try:
        h = hashlib.sha256()
        with open(path, "rb") as f:
            for chunk in iter(lambda: f.read(1 << 16), b""):
                h.update(chunk)
        return h.hexdigest()
    except OSError:
        return None


def kernel_config():
    text = None
    try:
        with gzip.open("/proc/config.gz", "rt") as f:
            text = f.read()
    except OSError:
        try:
            with open("/boot/config-" + platform.release()) as f:
                text = f.read()
        except OSError:
            return None
    found = {}
    for opt in KERNEL_OPTIONS:
        m = re.search(r"^%s=(\w+)" % opt, text, re.M)
        found[opt] = m.group(1) if m else "n"
    return found


def sysctl(key):
    if not SYSCTL_RE.fullmatch(key):
        return None
    path = "/proc/sys/" + (key if "/" in key else key.replace(".", "/"))
    try:
        with open(path) as f:
            return f.read().strip()
    except OSError:
        return None


def bpffs_mounted():
    try:
        with open("/proc/mounts") as f:
            return any(line.split()[1] == "/sys/fs/bpf" and line.split()[2] == "bpf" for line in f)
    except OSError:
        return False


def pid_alive(pid):
    try:
        os.kill(pid, 0)
        return True
    except ProcessLookupError:
        return False
    except PermissionError:
        return True


def probe_sender(pidfile, config):
    info = {"pid": None, "alive": False, "cmdline": None, "configSha256": sha256_of(config) if config else None}
    try:
        with open(pidfile) as f:
            pid = int(f.read().strip() or 0)
    except (OSError, ValueError):
        return info
    info["pid"] = pid
    if pid > 0 and pid_alive(pid):
        try:
            with open("/proc/%d/cmdline" % pid, "rb") as f:
                info["cmdline"] = [a.decode(errors="replace") for a in f.read().split(b"\0") if a]
        except OSError:
            pass
        info["alive"] = bool(info["cmdline"]) and any("probe-sender" in a for a in info["cmdline"])
    return info


def lock_holder(path):
    if not path or not os.path.exists(path):
        return None
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
            fcntl.flock(fd, fcntl.LOCK_UN)
            return None
        except BlockingIOError:
            raw = os.pread(fd, 4096, 0).decode(errors="replace")
            try:
                return json.loads(raw)
            except ValueError:
                return {"raw": raw}
    finally:
        os.close(fd)


def gzipped_base64(path):
    try:
        with open(path, "rb") as f:
            return base64.b64encode(gzip.compress(f.read(), compresslevel=1)).decode()
    except OSError:
        return None


def read_json(path):
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def canonical_dst(dst):
    try:
        return str(ipaddress.IPv6Network(dst if "/" in dst else dst + "/128", strict=False))
    except ValueError:
        return None


def route_table_dump():
    return run(["ip", "-6", "-j", "route", "show", "table", "all"])


def fib_lookup(dump, addresses):
    """Where this router forwards each address: the main table's routes of
    the longest prefix that covers it, with the lowest metric (all of them:
    equal-cost branches may be separate entries), or "local" when the local
    table delivers it here. What `ip route get` would choose, every branch."""
    if dump["code"] != 0:
        return None
    routes = json.loads(dump["stdout"] or "[]")
    parsed = []
    for r in routes:
        dst = str(r.get("dst", ""))
        try:
            net = ipaddress.IPv6Network("::/0" if dst == "default" else (dst if "/" in dst else dst + "/128"), strict=False)
        except ValueError:
            continue
        parsed.append((net, r))
    out = {}
    for a in addresses:
        try:
            addr = ipaddress.IPv6Address(a)
        except ValueError:
            continue
        if any(r.get("table") == "local" and r.get("type") == "local" and addr in net for net, r in parsed):
            out[a] = "local"
            continue
        best, best_key = [], None
        for net, r in parsed:
            if r.get("table", "main") != "main" or addr not in net:
                continue
            key = (-net.prefixlen, int(r.get("metric", 0) or 0))
            if best_key is None or key < best_key:
                best, best_key = [r], key
            elif key == best_key:
                best.append(r)
        out[a] = best
    return out


def interface_addresses():
    """Each global and link-local IPv6 address of this router and its
    interface: how the controller tells which router a next hop is (an IGP
    such as OSPFv3 routes via the neighbour's link-local address)."""
    r = run(["ip", "-6", "-j", "addr", "show"])
    out = {}
    if r["code"] != 0:
        return out
    for link in json.loads(r["stdout"] or "[]"):
        for a in link.get("addr_info", []):
            if a.get("family") == "inet6" and a.get("scope") in ("global", "link"):
                out[a.get("local")] = link.get("ifname")
    return out


def routes_at(dump, dsts, own_protocol):
    """Every route of another protocol, in any table, on each of dsts: one
    line of JSON per dst, in order (ours are in ownRoutes already). One dump
    filtered here, not one `exact` query per dst: each of those walks the
    whole table, which is quadratic in the prefixes a router protects."""
    if dump["code"] != 0:
        return dump
    wanted = {c: [] for c in map(canonical_dst, dsts) if c}
    for r in json.loads(dump["stdout"] or "[]"):
        if str(r.get("protocol", "")) == own_protocol:
            continue
        at = wanted.get(canonical_dst(str(r.get("dst", ""))))
        if at is not None:
            at.append(r)
    return {"code": 0, "stdout": "".join(json.dumps(wanted.get(canonical_dst(d), [])) + "\n" for d in dsts), "stderr": dump["stderr"]}


def pinned_names(directory):
    try:
        return sorted(os.listdir(directory))
    except OSError:
        return None


def main():
    req = json.load(sys.stdin)
    out = {"kernel": platform.release(), "machine": platform.machine(), "byteorder": sys.byteorder,
           "systemd": os.path.isdir("/run/systemd/system"), "bpffs": bpffs_mounted(),
           "kernelConfig": kernel_config(), "euid": os.geteuid()}
    ipv = run(["ip", "-V"])
    out["iproute2"] = (ipv["stdout"] + ipv["stderr"]).strip()
    out["tc"] = run(["tc", "-V"])["code"] == 0
    out["bpftool"] = run(["bpftool", "version"])["code"] == 0

    out["ifindex"] = {}
    out["operstate"] = {}
    for path in glob.glob("/sys/class/net/*/ifindex"):
        name = path.split("/")[-2]
        try:
            with open(path) as f:
                out["ifindex"][name] = int(f.read())
            with open(os.path.join(os.path.dirname(path), "operstate")) as f:
                out["operstate"][name] = f.read().strip()
        except (OSError, ValueError):
            pass

    proto = str(int(req.get("protocol", 214)))
    out["ownRoutes"] = run(["ip", "-6", "-j", "route", "show", "table", "all", "proto", proto])
    dsts = [d for d in req.get("routeDsts", []) if isinstance(d, str) and PREFIX_RE.fullmatch(d)]
    fib_addresses = [a for a in req.get("fibAddresses", []) if isinstance(a, str) and ADDRESS_RE.fullmatch(a)]
    dump = route_table_dump() if dsts or fib_addresses else None
    out["dstRoutes"] = {"dsts": dsts, **(routes_at(dump, dsts, proto) if dsts else {"code": 0, "stdout": "", "stderr": ""})}
    out["fib"] = fib_lookup(dump, fib_addresses) if fib_addresses else {}
    out["addresses"] = interface_addresses() if fib_addresses else {}
    out["tunsrc"] = run(["ip", "sr", "tunsrc", "show"])
    out["sysctls"] = {k: sysctl(k) for k in req.get("sysctls", [])}
    out["files"] = {p: sha256_of(p) for p in req.get("files", [])}
    out["tcFilters"] = {}
    for ifname in req.get("interfaces", []):
        if isinstance(ifname, str) and IFNAME_RE.fullmatch(ifname):
            out["tcFilters"][ifname] = run(["tc", "-j", "filter", "show", "dev", ifname, "egress"])
    tool = req.get("mapsTool")
    maps = [m for m in req.get("maps", []) if isinstance(m, str) and MAP_NAME_RE.fullmatch(m)]
    if tool and maps and os.path.exists(tool):
        out["maps"] = run([sys.executable, tool, "dump"] + maps)
    else:
        out["maps"] = None
    out["pinnedPrograms"] = {d: pinned_names(d) for d in req.get("programDirs", []) if isinstance(d, str) and PROGRAM_DIR_RE.fullmatch(d)}
    out["probeSender"] = probe_sender(req.get("pidfile", ""), req.get("probeConfig"))
    # The record as it is on disk, compressed: megabytes of repetitive JSON on a
    # router with thousands of routes, parsed by the controller only.
    out["appliedGzip"] = gzipped_base64(req["applied"]) if req.get("applied") else None
    out["appliedSha256"] = sha256_of(req["applied"]) if req.get("applied") else None
    out["lock"] = lock_holder(req.get("lockFile"))
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
