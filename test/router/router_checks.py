#!/usr/bin/env python3
"""The router tools' input checks match whole strings: a value with a trailing
newline ("eth1\\n") is refused. With re.match, a pattern's '$' also matches
before a final newline, so such a value used to pass. Plain python3, no
namespaces, nothing installed: the tools run on temp directories, and
srv6p-observe.py runs with its command runner stubbed.

  python3 test/router/router_checks.py
"""
import importlib.util
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

ROUTER = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "router"))


def load(name):
    spec = importlib.util.spec_from_file_location(name.replace("-", "_").replace(".py", ""), os.path.join(ROUTER, name))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def tool(name, *args, stdin="", env=None):
    return subprocess.run([sys.executable, os.path.join(ROUTER, name), *args], input=stdin, capture_output=True, text=True,
                          env={**os.environ, **(env or {})}, timeout=30)


class TempDir(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="router-checks-")

    def tearDown(self):
        shutil.rmtree(self.dir, ignore_errors=True)


class ApplyTool(TempDir):
    def env(self):
        return {"SRV6P_RUN_DIR": self.dir}

    def test_status_refuses_an_id_with_a_trailing_newline(self):
        r = tool("srv6p-apply.py", "status", "abc\n", env=self.env())
        self.assertEqual(r.returncode, 2, r.stderr)
        self.assertIn("bad transaction id", r.stderr)

    def test_status_of_a_plain_id_passes_the_check(self):
        r = tool("srv6p-apply.py", "status", "abc", env=self.env())
        self.assertIn("no transaction abc on this router", r.stderr, "the id passed its check")
        os.makedirs(os.path.join(self.dir, "txn", "abc\n"))
        r = tool("srv6p-apply.py", "status", "abc\n", env=self.env())
        self.assertIn("bad transaction id", r.stderr, "even when a directory of that name exists")

    def test_signal_refuses_a_barrier_with_a_trailing_newline(self):
        r = tool("srv6p-apply.py", "signal", "abc", "go\n", env=self.env())
        self.assertEqual(r.returncode, 2, r.stderr)
        self.assertIn("bad barrier name", r.stderr)

    def test_a_transaction_with_a_trailing_newline_in_an_id_or_barrier_is_invalid(self):
        os.environ["SRV6P_RUN_DIR"] = self.dir
        mod = load("srv6p-apply.py")
        step = {"do": [{"argv": ["true"]}]}
        self.assertIsNone(mod.validate({"id": "t1", "steps": [step, {"barrier": "go"}]}))
        self.assertIn("needs an id", mod.validate({"id": "t1\n", "steps": [step]}))
        self.assertIn("barrier: bad name", mod.validate({"id": "t1", "steps": [step, {"barrier": "go\n"}]}))


class MapsTool(TempDir):
    def test_hex_with_a_trailing_newline_is_a_usage_error(self):
        r = tool("srv6p-maps.py", "lookup", "srv6p_backups", "00\n", env={"SRV6P_PIN_DIR": self.dir})
        self.assertEqual(r.returncode, 2, r.stderr)
        self.assertIn("is not hex bytes", r.stderr)

    def test_a_map_name_with_a_trailing_newline_is_refused_before_any_syscall(self):
        r = tool("srv6p-maps.py", "lookup", "srv6p_backups\n", "00", env={"SRV6P_PIN_DIR": self.dir})
        self.assertEqual(r.returncode, 2, r.stderr)
        self.assertIn("bad map name", r.stderr)

    def test_the_patterns_still_take_plain_values(self):
        mod = load("srv6p-maps.py")
        self.assertTrue(mod.NAME_RE.fullmatch("srv6p_backups"))
        self.assertTrue(mod.HEX_RE.fullmatch("00ff"))
        self.assertFalse(mod.HEX_RE.fullmatch("00ff\n"))


class ObserveTool(unittest.TestCase):
    """srv6p-observe.py reads a JSON request on stdin; its runner is stubbed, so no command runs."""

    def observe(self, request):
        mod = load("srv6p-observe.py")
        calls = []

        def run(argv, stdin_text=None):
            calls.append((argv, stdin_text))
            return {"code": 0, "stdout": "", "stderr": ""}

        mod.run = run
        stdin, stdout = sys.stdin, sys.stdout
        sys.stdin, sys.stdout = io.StringIO(json.dumps(request)), io.StringIO()
        try:
            mod.main()
            out = json.loads(sys.stdout.getvalue())
        finally:
            sys.stdin, sys.stdout = stdin, stdout
        return out, calls, mod

    def test_values_with_a_trailing_newline_are_left_out(self):
        out, calls, mod = self.observe({
            "routeDsts": ["fc00::/64\n", "fc00:1::/64"],
            "interfaces": ["eth1\n", "eth2"],
            "sysctls": ["net.ipv6.conf.eth1.forwarding\n"],
            "maps": ["srv6p_backups\n", "srv6p_link_state"],
            "mapsTool": os.path.join(ROUTER, "srv6p-maps.py"),
            "files": [], "protocol": 214,
        })
        self.assertEqual(out["dstRoutes"]["dsts"], ["fc00:1::/64"])
        self.assertEqual(list(out["tcFilters"]), ["eth2"])
        self.assertIsNone(out["sysctls"]["net.ipv6.conf.eth1.forwarding\n"])
        maps = [argv for argv, _ in calls if argv and argv[0] == sys.executable]
        self.assertEqual(len(maps), 1)
        self.assertEqual(maps[0][-1:], ["srv6p_link_state"])
        for argv, stdin_text in calls:
            self.assertFalse(any("\n" in a for a in argv), argv)
            self.assertNotIn("fc00::/64\n", stdin_text or "")
        self.assertIsNone(mod.sysctl("net.ipv6.conf.eth1.forwarding\n"))
        self.assertIsNone(mod.sysctl("net.core.somaxconn\n"))


class ProbeSender(TempDir):
    def check(self, interface):
        path = os.path.join(self.dir, "probe-sender.json")
        with open(path, "w") as f:
            json.dump({"probes": [{"link": "l12", "interface": interface, "segments": ["fc00:0:2:e1::", "fc00:0:1:b1::"], "intervalUs": 1000}]}, f)
        return tool("probe-sender.py", "check", "--config", path)

    def test_an_interface_with_a_trailing_newline_is_refused(self):
        r = self.check("eth1\n")
        self.assertEqual(r.returncode, 2, r.stderr)
        self.assertIn("bad interface name", r.stderr)

    def test_a_plain_interface_is_fine(self):
        for name in ("eth1", "eth1.100", "br-core"):
            r = self.check(name)
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertEqual(json.loads(r.stdout), {"valid": True, "links": 1, "paths": 0})

    def check_path(self, **fields):
        path = os.path.join(self.dir, "probe-sender.json")
        spec = {"id": 1, "policy": "p1", "link": "l12", "segments": ["fc00:0:3:1::", "fc00:0:4:2::"],
                "home": ["fc00:0:3:1::", "fc00:0:1:2001::", "fc00:0:1::1"], "prefixHomes": [["fc00:0:1:2001::", "fc00:0:1::1"]],
                "source": "fc00:0:1::1", "intervalUs": 1000000, "packetBytes": 1280, **fields}
        with open(path, "w") as f:
            json.dump({"probes": [], "paths": [spec]}, f)
        return tool("probe-sender.py", "check", "--config", path)

    def test_a_path_with_a_mirrored_way_home_is_fine(self):
        r = self.check_path()
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(json.loads(r.stdout)["paths"], 1)

    def test_a_way_home_per_proper_prefix_is_required(self):
        r = self.check_path(prefixHomes=[])
        self.assertEqual(r.returncode, 2, r.stderr)
        self.assertIn("prefixHomes", r.stderr)
        r = self.check_path(prefixHomes=[["fc00:0:1::1"]])
        self.assertEqual(r.returncode, 2, r.stderr)
        self.assertIn("prefixHomes[0]", r.stderr)
        r = self.check_path(prefixHomes=[["fc00:0:1:2001::", "not-an-address"]])
        self.assertEqual(r.returncode, 2, r.stderr)
        self.assertIn("not-an-address", r.stderr)

    def test_stop_signals_only_a_probe_sender(self):
        # A pidfile left by a sender that is gone, its pid now another program's.
        other = subprocess.Popen(["sleep", "30"])
        try:
            pidfile = os.path.join(self.dir, "probe-sender.pid")
            with open(pidfile, "w") as f:
                f.write(str(other.pid))
            r = tool("probe-sender.py", "stop", "--pidfile", pidfile)
            self.assertEqual(json.loads(r.stdout or "{}").get("stopped", False), False, r.stdout + r.stderr)
            self.assertIsNone(other.poll(), "the other program still runs")
        finally:
            other.kill()
            other.wait()


if __name__ == "__main__":
    unittest.main()
