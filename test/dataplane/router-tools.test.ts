/**
 * The text we push to routers, run here without a router: the probe sender
 * refuses bad configs naming the field (exit 2, nothing started), builds the
 * SRH the kernel expects, and the map helper refuses bad command lines.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

const ROOT = resolve(__dirname, "..", "..", "..");
const SENDER = resolve(ROOT, "router/probe-sender.py");
const MAPS = resolve(ROOT, "router/srv6p-maps.py");

function py(argv: string[], input?: string) {
  return spawnSync("python3", argv, { input, encoding: "utf8", timeout: 20_000 });
}

const good = { link: "r1_r2", interface: "lo", segments: ["fc00:0:2:1001::", "fc00:0:1:2001::", "fc00:0:1::1"], intervalUs: 1000 };
const BAD: [string, unknown, RegExp][] = [
  ["interface with a slash", { probes: [{ ...good, interface: "eth1/x" }] }, /probes\[0\]\.interface: bad interface name/],
  ["segment not IPv6", { probes: [{ ...good, segments: ["fc00::1", "nope"] }] }, /probes\[0\]\.segments: bad IPv6 address 'nope'/],
  ["one segment", { probes: [{ ...good, segments: ["fc00::1"] }] }, /probes\[0\]\.segments must list 2\.\.8/],
  ["interval 0", { probes: [{ ...good, intervalUs: 0 }] }, /probes\[0\]\.intervalUs must be an integer 100\.\.10000000, got 0/],
  ["no probes list", { links: [] }, /'probes' must be a list/],
];

test("probe sender: bad configs are refused, naming the field, and nothing is written or started", () => {
  const dir = mkdtempSync(join(tmpdir(), "s6dp-sender-"));
  try {
    for (const [what, cfg, msg] of BAD) {
      const target = join(dir, "probes.json");
      const r = py([SENDER, "install-config", "--config", target], JSON.stringify(cfg));
      assert.equal(r.status, 2, `${what}: exit 2 (${r.stderr})`);
      assert.match(r.stderr, msg, what);
      assert.equal(spawnSync("ls", [dir], { encoding: "utf8" }).stdout.trim(), "", `${what}: no file left behind`);
      const s = py([SENDER, "start", "--config", join(dir, "x.json"), "--pidfile", join(dir, "p.pid")]);
      assert.equal(s.status, 2, `start with a missing config refuses (${s.stderr})`);
    }
    const ok = py([SENDER, "install-config", "--config", join(dir, "probes.json")], JSON.stringify({ probes: [good] }));
    assert.equal(ok.status, 0, ok.stderr);
    assert.deepEqual(JSON.parse(ok.stdout), { written: join(dir, "probes.json"), links: 1 });
    writeFileSync(join(dir, "broken.json"), "{");
    assert.equal(py([SENDER, "check", "--config", join(dir, "broken.json")]).status, 2);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("probe sender: the SRH for IPV6_RTHDR lists segments last first, SL on the first", () => {
  const r = py(["-c", `import importlib.util,sys
spec=importlib.util.spec_from_file_location("ps",sys.argv[1]);m=importlib.util.module_from_spec(spec);spec.loader.exec_module(m)
print(m.build_srh(["fc00:0:2:1001::","fc00:0:1:2001::","fc00:0:1::1"]).hex())`, SENDER]);
  assert.equal(r.status, 0, r.stderr);
  const srh = Buffer.from(r.stdout.trim(), "hex");
  assert.equal(srh.length, 8 + 3 * 16);
  assert.deepEqual([...srh.subarray(0, 6)], [0, 6, 4, 2, 2, 0], "hdrlen 6, type 4, segments_left 2, last_entry 2");
  assert.equal(srh.subarray(8 + 32, 8 + 48).toString("hex"), "fc000000000210010000000000000000", "segments[2] is the first segment (the return SID)");
  assert.equal(srh.subarray(8, 24).toString("hex"), "fc000000000100000000000000000001", "segments[0] is the final address");
});

test("map helper: bad command lines and names are refused with exit 2", () => {
  for (const argv of [["frob"], ["lookup", "srv6p_link_state"], ["lookup", "../x", "00"], ["update", "srv6p_link_state", "zz", "00"], ["update", "srv6p_x", "00", "00", "--if", "sometimes"]]) {
    const r = py([MAPS, ...argv]);
    assert.equal(r.status, 2, `${argv.join(" ")}: ${r.stderr}`);
  }
  const r = py([MAPS, "apply"], "not json");
  assert.equal(r.status, 2);
  assert.match(r.stderr, /stdin is not JSON/);
});
