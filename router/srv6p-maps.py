#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Read and write srv6-protect's pinned BPF maps on a router.

Pushed to routers as text and run there: python3 standard library only, the
bpf(2) syscall through ctypes, so a router needs no bpftool. Keys and values
are hex strings of the raw bytes; the engine encodes and decodes them
(provider/dataplane/map-layout.ts), this tool only checks sizes.

  srv6p-maps.py dump NAME...            JSON: every entry of each map
  srv6p-maps.py lookup NAME KEYHEX      JSON: one value (exit 3 if absent)
  srv6p-maps.py update NAME KEYHEX VALUEHEX [--if any|new|exists]
  srv6p-maps.py delete NAME KEYHEX [--missing-ok]
  srv6p-maps.py apply                   JSON list of operations on stdin, all
                                        checked before the first write:
      {"op": "update", "map": M, "key": K, "value": V}
      {"op": "delete", "map": M, "key": K}          (absent is fine)
      {"op": "sync", "map": M, "entries": [{"key": K, "value": V}, ...]}
          the map ends up holding exactly these entries (others deleted)
      {"op": "retain", "map": M, "keys": [K, ...]}
          delete every entry whose key is not listed, leave the rest as is

NAME is a map name (srv6p_...), pinned by iproute2 under /sys/fs/bpf/tc/globals.
Exit codes: 0 ok, 2 usage/bad input, 3 key not found, 4 map missing, 5 syscall error.
"""
import ctypes
import errno
import json
import os
import platform
import re
import sys
import time

PIN_DIR = os.environ.get("SRV6P_PIN_DIR", "/sys/fs/bpf/tc/globals")
# Every check uses fullmatch: with match, a pattern's '$' also matches before a trailing
# newline, so "eth1\n" would pass (test/router/router_checks.py).
NAME_RE = re.compile(r"^srv6p_[a-z0-9_]{1,40}$")
HEX_RE = re.compile(r"^(?:[0-9a-fA-F]{2}){1,1024}$")

# bpf(2) commands and flags (include/uapi/linux/bpf.h).
BPF_MAP_LOOKUP_ELEM = 1
BPF_MAP_UPDATE_ELEM = 2
BPF_MAP_DELETE_ELEM = 3
BPF_MAP_GET_NEXT_KEY = 4
BPF_OBJ_GET = 7
BPF_OBJ_GET_INFO_BY_FD = 15
UPDATE_FLAGS = {"any": 0, "new": 1, "exists": 2}  # BPF_ANY, BPF_NOEXIST, BPF_EXIST

SYS_BPF = {"x86_64": 321, "aarch64": 280, "armv7l": 386, "ppc64le": 361, "s390x": 351, "riscv64": 280}

EXIT_USAGE, EXIT_NOT_FOUND, EXIT_NO_MAP, EXIT_SYSCALL = 2, 3, 4, 5


class ToolError(Exception):
    def __init__(self, code, message):
        super().__init__(message)
        self.code = code


class ObjGetAttr(ctypes.Structure):
    _fields_ = [("pathname", ctypes.c_uint64), ("bpf_fd", ctypes.c_uint32), ("file_flags", ctypes.c_uint32)]


class ElemAttr(ctypes.Structure):
    _fields_ = [("map_fd", ctypes.c_uint32), ("pad", ctypes.c_uint32), ("key", ctypes.c_uint64),
                ("value", ctypes.c_uint64), ("flags", ctypes.c_uint64)]


class InfoAttr(ctypes.Structure):
    _fields_ = [("bpf_fd", ctypes.c_uint32), ("info_len", ctypes.c_uint32), ("info", ctypes.c_uint64)]


class MapInfo(ctypes.Structure):
    # The leading, stable part of struct bpf_map_info (Linux 4.13+).
    _fields_ = [("type", ctypes.c_uint32), ("id", ctypes.c_uint32), ("key_size", ctypes.c_uint32),
                ("value_size", ctypes.c_uint32), ("max_entries", ctypes.c_uint32),
                ("map_flags", ctypes.c_uint32), ("name", ctypes.c_char * 16)]


_libc = ctypes.CDLL(None, use_errno=True)


def bpf(cmd, attr):
    nr = SYS_BPF.get(platform.machine())
    if nr is None:
        raise ToolError(EXIT_SYSCALL, f"unsupported architecture {platform.machine()}")
    ret = _libc.syscall(ctypes.c_long(nr), ctypes.c_int(cmd), ctypes.byref(attr), ctypes.c_uint(ctypes.sizeof(attr)))
    if ret < 0:
        return -ctypes.get_errno()
    return ret


class PinnedMap:
    def __init__(self, name):
        if not NAME_RE.fullmatch(name):
            raise ToolError(EXIT_USAGE, f"bad map name {name!r}: expected srv6p_<lowercase>")
        self.name = name
        self.path = os.path.join(PIN_DIR, name)
        path = ctypes.create_string_buffer(self.path.encode())
        attr = ObjGetAttr(pathname=ctypes.addressof(path))
        fd = bpf(BPF_OBJ_GET, attr)
        if fd == -errno.ENOENT:
            raise ToolError(EXIT_NO_MAP, f"map {name} is not pinned at {self.path}")
        if fd < 0:
            raise ToolError(EXIT_SYSCALL, f"BPF_OBJ_GET {self.path}: {os.strerror(-fd)}")
        self.fd = fd
        info = MapInfo()
        iattr = InfoAttr(bpf_fd=fd, info_len=ctypes.sizeof(info), info=ctypes.addressof(info))
        ret = bpf(BPF_OBJ_GET_INFO_BY_FD, iattr)
        if ret < 0:
            raise ToolError(EXIT_SYSCALL, f"BPF_OBJ_GET_INFO_BY_FD {name}: {os.strerror(-ret)}")
        self.key_size, self.value_size = info.key_size, info.value_size
        self.max_entries, self.type = info.max_entries, info.type

    def close(self):
        os.close(self.fd)

    def _buf(self, hexstr, size, what):
        if not HEX_RE.fullmatch(hexstr) or len(hexstr) != 2 * size:
            raise ToolError(EXIT_USAGE, f"{self.name}: {what} must be {size} bytes of hex, got {hexstr!r}")
        return ctypes.create_string_buffer(bytes.fromhex(hexstr), size)

    def check(self, op):
        """Validate one apply operation without touching the map."""
        self._buf(op["key"], self.key_size, "key")
        if op["op"] == "update":
            self._buf(op.get("value", ""), self.value_size, "value")

    def lookup(self, key_hex):
        key = self._buf(key_hex, self.key_size, "key")
        value = ctypes.create_string_buffer(self.value_size)
        ret = bpf(BPF_MAP_LOOKUP_ELEM, ElemAttr(map_fd=self.fd, key=ctypes.addressof(key), value=ctypes.addressof(value)))
        if ret == -errno.ENOENT:
            return None
        if ret < 0:
            raise ToolError(EXIT_SYSCALL, f"lookup {self.name}: {os.strerror(-ret)}")
        return value.raw.hex()

    def update(self, key_hex, value_hex, flags="any"):
        key = self._buf(key_hex, self.key_size, "key")
        value = self._buf(value_hex, self.value_size, "value")
        ret = bpf(BPF_MAP_UPDATE_ELEM, ElemAttr(map_fd=self.fd, key=ctypes.addressof(key),
                                                value=ctypes.addressof(value), flags=UPDATE_FLAGS[flags]))
        if ret < 0:
            raise ToolError(EXIT_SYSCALL, f"update {self.name} key {key_hex}: {os.strerror(-ret)}")

    def delete(self, key_hex, missing_ok=False):
        key = self._buf(key_hex, self.key_size, "key")
        ret = bpf(BPF_MAP_DELETE_ELEM, ElemAttr(map_fd=self.fd, key=ctypes.addressof(key)))
        if ret == -errno.ENOENT:
            if missing_ok:
                return False
            raise ToolError(EXIT_NOT_FOUND, f"delete {self.name}: key {key_hex} not found")
        if ret < 0:
            raise ToolError(EXIT_SYSCALL, f"delete {self.name} key {key_hex}: {os.strerror(-ret)}")
        return True

    def keys(self):
        """All keys. Array maps always have max_entries keys."""
        out = []
        nxt = ctypes.create_string_buffer(self.key_size)
        key = None
        while len(out) <= self.max_entries:
            attr = ElemAttr(map_fd=self.fd, key=ctypes.addressof(key) if key is not None else 0,
                            value=ctypes.addressof(nxt))
            ret = bpf(BPF_MAP_GET_NEXT_KEY, attr)
            if ret == -errno.ENOENT:
                break
            if ret < 0:
                raise ToolError(EXIT_SYSCALL, f"get_next_key {self.name}: {os.strerror(-ret)}")
            out.append(nxt.raw.hex())
            key = ctypes.create_string_buffer(nxt.raw, self.key_size)
        return out

    def dump(self):
        entries = []
        for k in self.keys():
            v = self.lookup(k)
            if v is not None:  # deleted between get_next_key and lookup
                entries.append({"key": k, "value": v})
        return {"map": self.name, "keySize": self.key_size, "valueSize": self.value_size,
                "maxEntries": self.max_entries, "entries": entries}


def emit(obj):
    sys.stdout.write(json.dumps(obj, separators=(",", ":")) + "\n")


def cmd_dump(names):
    maps = {}
    for name in names:
        try:
            m = PinnedMap(name)
        except ToolError as e:
            if e.code != EXIT_NO_MAP:
                raise
            maps[name] = None  # not pinned yet: reported, not an error
            continue
        try:
            maps[name] = m.dump()
        finally:
            m.close()
    # CLOCK_MONOTONIC, the clock of bpf_ktime_get_ns(): lets the reader turn timestamps into ages.
    emit({"monotonicNs": time.monotonic_ns(), "byteOrder": sys.byteorder, "maps": maps})


def cmd_apply(ops):
    if not isinstance(ops, list):
        raise ToolError(EXIT_USAGE, "apply: stdin must be a JSON list of operations")
    opened = {}
    try:
        # Expand and check everything first: a bad operation writes nothing.
        steps = []
        unchanged = 0
        for i, op in enumerate(ops):
            kind = op.get("op") if isinstance(op, dict) else None
            name = op.get("map", "") if isinstance(op, dict) else ""
            if kind not in ("update", "delete", "sync", "retain") or not isinstance(name, str):
                raise ToolError(EXIT_USAGE, f"apply: operation {i} must be {{op: update|delete|sync|retain, map, ...}}")
            if name not in opened:
                opened[name] = PinnedMap(name)
            m = opened[name]
            if kind == "sync":
                entries = op.get("entries")
                if not isinstance(entries, list):
                    raise ToolError(EXIT_USAGE, f"apply: operation {i} (sync {name}) needs an entries list")
                # An entry that already holds its value is not written again, so that
                # adding a few prefixes to thousands costs a few writes. The current
                # values are read by their exact keys: a trie lookup of an absent
                # key would answer with a covering prefix's value.
                present = m.keys()
                current = {k: m.lookup(k) for k in present}
                for e in entries:
                    if not isinstance(e, dict) or not isinstance(e.get("key"), str) or not isinstance(e.get("value"), str):
                        raise ToolError(EXIT_USAGE, f"apply: operation {i} (sync {name}): entries are {{key, value}} hex strings")
                    m.check({"op": "update", "key": e["key"], "value": e["value"]})
                    key, value = e["key"].lower(), e["value"].lower()
                    if current.get(key) == value:
                        unchanged += 1
                    else:
                        steps.append((m, "update", key, value))
                wanted = {e["key"].lower() for e in entries}
                for k in present:
                    if k not in wanted:
                        steps.append((m, "delete", k, None))
            elif kind == "retain":
                keep = op.get("keys")
                if not isinstance(keep, list) or not all(isinstance(k, str) for k in keep):
                    raise ToolError(EXIT_USAGE, f"apply: operation {i} (retain {name}) needs a keys list of hex strings")
                for k in keep:
                    m._buf(k, m.key_size, "key")
                wanted = {k.lower() for k in keep}
                for k in m.keys():
                    if k not in wanted:
                        steps.append((m, "delete", k, None))
            else:
                if not isinstance(op.get("key"), str) or (kind == "update" and not isinstance(op.get("value"), str)):
                    raise ToolError(EXIT_USAGE, f"apply: operation {i} ({kind} {name}) needs hex key{' and value' if kind == 'update' else ''}")
                m.check(op)
                steps.append((m, kind, op["key"], op.get("value")))
        updated = deleted = 0
        for m, kind, key, value in steps:
            if kind == "update":
                m.update(key, value)
                updated += 1
            elif m.delete(key, missing_ok=True):
                deleted += 1
        emit({"updated": updated, "deleted": deleted, "unchanged": unchanged})
    finally:
        for m in opened.values():
            m.close()


def main(argv):
    if not argv or argv[0] in ("-h", "--help"):
        sys.stdout.write(__doc__)
        return 0 if argv else EXIT_USAGE
    cmd, args = argv[0], argv[1:]
    try:
        # Malformed hex is a usage error whether or not the map exists.
        if cmd in ("lookup", "update", "delete"):
            for a in args[1:3] if cmd == "update" else args[1:2]:
                if not HEX_RE.fullmatch(a):
                    raise ToolError(EXIT_USAGE, f"{cmd}: {a!r} is not hex bytes")
        if cmd == "dump" and args:
            cmd_dump(args)
        elif cmd == "lookup" and len(args) == 2:
            m = PinnedMap(args[0])
            try:
                v = m.lookup(args[1])
            finally:
                m.close()
            if v is None:
                raise ToolError(EXIT_NOT_FOUND, f"lookup {args[0]}: key {args[1]} not found")
            emit({"map": args[0], "key": args[1], "value": v})
        elif cmd == "update" and len(args) in (3, 5):
            flags = "any"
            if len(args) == 5:
                if args[3] != "--if" or args[4] not in UPDATE_FLAGS:
                    raise ToolError(EXIT_USAGE, "update: --if takes any, new or exists")
                flags = args[4]
            m = PinnedMap(args[0])
            try:
                m.update(args[1], args[2], flags)
            finally:
                m.close()
        elif cmd == "delete" and len(args) in (2, 3):
            if len(args) == 3 and args[2] != "--missing-ok":
                raise ToolError(EXIT_USAGE, "delete: unknown option " + args[2])
            m = PinnedMap(args[0])
            try:
                m.delete(args[1], missing_ok=len(args) == 3)
            finally:
                m.close()
        elif cmd == "apply" and not args:
            try:
                ops = json.load(sys.stdin)
            except ValueError as e:
                raise ToolError(EXIT_USAGE, f"apply: stdin is not JSON: {e}")
            cmd_apply(ops)
        else:
            raise ToolError(EXIT_USAGE, f"bad command line {' '.join(argv)!r}; see --help")
    except ToolError as e:
        sys.stderr.write(f"srv6p-maps: {e}\n")
        return e.code
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
