/**
 * Route parsing on real `ip -j -6 route show` output captured on this
 * machine (iproute2 6.1, flat encap fields) and on the same table in the
 * nested shape of iproute2 6.3+ (see fixtures/README.md).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parseRoutes, parseBpfProgramRef, type KernelRoute } from "../../provider/observe";
import { ParseError } from "../../provider/errors";

const fixture = (name: string) => readFileSync(join(__dirname, "../../../test/observe/fixtures", name), "utf8");
const flat = parseRoutes(fixture("route-6.1-main.json"));
const nested = parseRoutes(fixture("route-6.3-nested.json"));
const byDst = (routes: KernelRoute[], dst: string) => {
  const r = routes.find((x) => x.dst === dst);
  assert.ok(r, `route ${dst} present`);
  return r;
};

test("both JSON shapes give the same routes", () => {
  const withoutHeadroom = (routes: KernelRoute[]) =>
    routes.map((r) => (r.encap.type === "bpf" ? { ...r, encap: { ...r.encap, headroom: undefined } } : r));
  assert.deepEqual(withoutHeadroom(nested), withoutHeadroom(flat));
  assert.ok(flat.length >= 14);
});

for (const [shape, routes] of [["iproute2 6.1 flat", flat], ["iproute2 6.3+ nested", nested]] as const) {
  test(`${shape}: seg6local End, End.X, End.DT6, End.BPF`, () => {
    const end = byDst(routes, "fc00:5e6e:1:e::/128");
    assert.deepEqual(end.encap, { type: "seg6local", action: "End", nh6: undefined, nh4: undefined, table: undefined, vrftable: undefined, iif: undefined, oif: undefined, endpoint: undefined, srhSegs: undefined });
    assert.equal(end.dev, "s6en0");
    assert.equal(end.protocol, "201");
    assert.equal(end.protocolNumber, 201);
    const x = byDst(routes, "fc00:5e6e:1:e1::/128").encap;
    assert.ok(x.type === "seg6local" && x.action === "End.X" && x.nh6 === "fd5e::2");
    const dt6 = byDst(routes, "fc00:5e6e:1:d6::/128").encap;
    assert.ok(dt6.type === "seg6local" && dt6.action === "End.DT6" && dt6.table === "main");
    const bpf = byDst(routes, "fc00:5e6e:1:b1::/128").encap;
    assert.ok(bpf.type === "seg6local" && bpf.action === "End.BPF");
    assert.deepEqual(bpf.endpoint, { raw: "trivial.bpf.o:[lwt_seg6local]", object: "trivial.bpf.o", section: "lwt_seg6local" });
  });

  test(`${shape}: seg6 encap and inline`, () => {
    const enc = byDst(routes, "2001:db8:5e6e::/64");
    assert.deepEqual(enc.encap, { type: "seg6", mode: "encap", segs: ["fc00:5e6e:2:e::", "fc00:5e6e:3:d6::"] });
    assert.equal(enc.metric, 20);
    const inline = byDst(routes, "2001:db8:5e6e:5::/64");
    assert.deepEqual(inline.encap, { type: "seg6", mode: "inline", segs: ["fc00:5e6e:2:e::"] }, "inline placeholder :: dropped");
  });

  test(`${shape}: encap bpf in, xmit, in+xmit`, () => {
    const lwtIn = byDst(routes, "2001:db8:5e6e:1::/64");
    assert.equal(lwtIn.encap.type, "bpf");
    assert.ok(lwtIn.encap.type === "bpf" && lwtIn.encap.in?.section === "lwt_in" && !lwtIn.encap.xmit);
    assert.equal(lwtIn.gateway, "fd5e::2");
    const xmit = byDst(routes, "2001:db8:5e6e:6::/64").encap;
    assert.ok(xmit.type === "bpf" && xmit.xmit?.section === "lwt_xmit" && !xmit.in);
    const both = byDst(routes, "2001:db8:5e6e:7::/64").encap;
    assert.ok(both.type === "bpf" && both.in?.section === "lwt_in" && both.xmit?.section === "lwt_xmit");
  });

  test(`${shape}: plain, blackhole, multipath, kernel routes`, () => {
    const st = byDst(routes, "2001:db8:5e6e:2::/64");
    assert.deepEqual([st.protocol, st.protocolNumber, st.metric, st.encap.type, st.type], ["static", 4, 50, "none", "unicast"]);
    assert.equal(byDst(routes, "2001:db8:5e6e:3::/64").type, "blackhole");
    const mp = byDst(routes, "2001:db8:5e6e:4::/64");
    assert.deepEqual(mp.nexthops?.map((n) => n.gateway), ["fd5e::2", "fd5e::3"]);
    const k = byDst(routes, "fc00:5e6e:1::1/128");
    assert.deepEqual([k.protocol, k.protocolNumber], ["kernel", 2]);
  });
}

test("headroom is reported when iproute2 prints it (6.3+) and absent otherwise", () => {
  const x61 = byDst(flat, "2001:db8:5e6e:6::/64").encap;
  const x63 = byDst(nested, "2001:db8:5e6e:6::/64").encap;
  assert.ok(x61.type === "bpf" && x61.headroom === undefined);
  assert.ok(x63.type === "bpf" && x63.headroom === 80);
});

test("table all and proto filters parse too", () => {
  const all = parseRoutes(fixture("route-6.1-all.json"));
  assert.ok(all.some((r) => r.table === "local"), "local table routes carry their table");
  const dt6 = byDst(all, "fc00:5e6e:1:d6::/128");
  assert.equal(dt6.table, undefined, "End.DT6's table is not mistaken for the route's table");
  assert.ok(dt6.encap.type === "seg6local" && dt6.encap.table === "main");
  const ours = parseRoutes(fixture("route-6.1-proto201.json"), { filtered: { protocol: "201" } });
  assert.ok(ours.length >= 7 && ours.every((r) => r.protocolNumber === 201));
});

test("default route, names and canonical addresses", () => {
  const [r] = parseRoutes('[{"dst":"default","gateway":"FD5E:0:0::2","dev":"eth0","protocol":"boot","flags":[]}]');
  assert.equal(r.dst, "::/0");
  assert.equal(r.gateway, "fd5e::2");
  assert.equal(r.protocolNumber, 3);
  assert.deepEqual(parseRoutes(""), [], "no output, no routes");
  assert.deepEqual(parseBpfProgramRef("weird"), { raw: "weird" });
});

test("unknown encap types are kept, not dropped", () => {
  const [r] = parseRoutes('[{"dst":"2001:db8::/64","encap":{"encap_type":"ioam6","mode":"inline"},"dev":"x","flags":[]}]');
  assert.deepEqual(r.encap, { type: "other", encapType: "ioam6", fields: { mode: "inline" } });
});

test("garbage is a ParseError naming the router", () => {
  assert.throws(() => parseRoutes("{oops", { router: "r1", command: ["ip", "-j", "-6", "route", "show"] }), (e: unknown) => e instanceof ParseError && /^router r1, command `ip -j -6 route show`: output of ip -j route is not JSON/.test(e.message));
  assert.throws(() => parseRoutes('{"a":1}'), ParseError);
  assert.throws(() => parseRoutes("[1]"), ParseError);
});
