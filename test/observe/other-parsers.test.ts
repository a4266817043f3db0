/** Links, sysctls, tunsrc and sha256sum parsers, on output captured on this machine. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parseLinks, parseSha256sum, parseSysctlLines, parseSysctlValues, parseTunsrc } from "../../provider/observe";
import { ParseError } from "../../provider/errors";

const fixture = (name: string) => readFileSync(join(__dirname, "../../../test/observe/fixtures", name), "utf8");

test("ip -j link: names, flags, carrier", () => {
  const links = parseLinks(fixture("link.json"));
  const lo = links.find((l) => l.name === "lo")!;
  assert.equal(lo.ifindex, 1);
  assert.equal(lo.up, true);
  const veth = links.find((l) => l.name === "s6en0")!;
  assert.equal(veth.up, true);
  assert.equal(veth.lowerUp, true);
  assert.match(veth.address ?? "", /^[0-9a-f:]{17}$/);
  assert.equal(parseLinks(fixture("link-detail.json"))[0].kind, "veth");
  assert.throws(() => parseLinks('[{"x":1}]'), ParseError);
});

test("sysctl KEY... lines", () => {
  const m = parseSysctlLines(fixture("sysctl.txt"));
  assert.equal(m.get("net.ipv6.conf.all.forwarding"), "1");
  assert.equal(m.get("net.ipv6.conf.s6en0.seg6_enabled"), "1");
  assert.equal(m.get("net.ipv6.conf.lo.seg6_enabled"), "0");
});

test("sysctl -n values pair with the keys asked", () => {
  const m = parseSysctlValues(fixture("sysctl-n.txt"), ["net.ipv6.conf.all.forwarding", "net.ipv6.conf.lo.seg6_enabled"]);
  assert.deepEqual([...m], [["net.ipv6.conf.all.forwarding", "1"], ["net.ipv6.conf.lo.seg6_enabled", "0"]]);
  assert.throws(() => parseSysctlValues("1\n", ["a", "b"]), ParseError);
});

test("ip sr tunsrc show: set and unset", () => {
  assert.equal(parseTunsrc(fixture("tunsrc.txt")), "fc00:5e6e:1::1");
  assert.equal(parseTunsrc(fixture("tunsrc-unset.txt")), undefined);
  assert.throws(() => parseTunsrc("Error: something"), ParseError);
});

test("sha256sum: text and binary mode, escaped names", () => {
  const m = parseSha256sum(fixture("sha256sum.txt"));
  assert.equal(m.get("trivial.bpf.o"), fixture("trivial.bpf.o.sha256").trim());
  assert.equal(m.get("odd\\name"), "2d711642b726b04401627ca9fbac32f5c8530fb1903cc4db02258717921a4881");
  assert.throws(() => parseSha256sum("nonsense\n"), ParseError);
});
