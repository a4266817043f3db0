/*
 * End to end on the lab: the backup paths the constructs compute hold on the
 * real kernel FIBs of the lab's routers (before any deploy: only the lab's
 * base routing, which stands in for the converged IGP).
 *
 *   diamond                         mesh (3x3 grid, two diagonals)
 *        h1            h2           h1 r1 - r2 - r3 h3
 *        r1 --10-- r2 --10-- r4        |  \  |    |
 *         \                 /          r4 - r5 - r6
 *          +--20-- r3 --20-+           |    |  \ |
 *                                   h7 r7 - r8 - r9 h9
 *
 * For each example app (synthesized with the lab's inventory):
 * 1. every router's kernel route to every other router's locator and to every
 *    host goes over exactly the link model/spf.ts predicts;
 * 2. every srv6_backup_policy, for each of its prefixes: the prefix's route at its router really
 *    leaves over the protected link, and walking the segment list with
 *    `ip -6 route get SID` on each router in turn (End.X: over the declared
 *    interface to the declared next hop) never uses the protected link and
 *    ends, on the post-convergence path, at the router the prefix is
 *    attached to.
 * Labs are named a5xxxxxx and always torn down (test/helpers/lab.ts).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import type { TerraformStack } from "cdktf";
import { testApp } from "./helpers/app";
import { withLab, uniqueLabName, type TestLab } from "../helpers/lab";
import { DiamondStack } from "../../examples/diamond/main";
import { MeshStack } from "../../examples/mesh/main";
import type { ProtectedNetwork } from "../../constructs";
import { graphOf } from "../../constructs/lib/plan";
import { nextHopLink, shortestPath } from "../../model/spf";
import { parseIpv6, parseIpv6Prefix, prefixContains } from "../../model/ipv6";
import { repoRoot } from "./helpers/snapshot";
import { resourcesOf, synthJson } from "./helpers/synth";

interface RouteAnswer {
  readonly gateway?: string;
  readonly dev: string;
}

/** `ip -6 route get` for every address on one router, in one exec. */
async function routeGets(lab: TestLab, router: string, addresses: readonly string[]): Promise<Map<string, RouteAnswer>> {
  const unique = [...new Set(addresses)];
  const r = await lab.exec(router, ["ip", "-j", "-6", "-batch", "-"], { input: unique.map((a) => `route get ${a}\n`).join("") });
  assert.equal(r.code, 0, `${router}: ip route get failed: ${r.stderr}`);
  const lines = r.stdout.split("\n").filter((l) => l.trim() !== "");
  assert.equal(lines.length, unique.length, `${router}: one answer per query\n${r.stdout}`);
  return new Map(unique.map((a, i) => {
    const [answer] = JSON.parse(lines[i]!) as RouteAnswer[];
    return [a, answer!];
  }));
}

async function checkOnLab(labFile: string, build: (inventoryFile: string) => { stack: TerraformStack; network: ProtectedNetwork }): Promise<{ routes: number; policies: number; hops: number }> {
  return withLab(join(repoRoot(), "examples", "lab", labFile), async (lab) => {
    const inv = lab.inventory;
    const { stack, network } = build(join(inv.stateDir, "inventory.json"));
    const json = synthJson(stack);
    const routers = resourcesOf(json, "srv6_router");
    for (const [name, r] of Object.entries(inv.routers)) {
      assert.equal(routers[name]!.host, r.host, `${name}: connection settings come from the lab's inventory`);
      assert.equal(routers[name]!.host_key_sha256, r.hostKeySha256);
    }
    const graph = graphOf(network.spec());
    const linkById = new Map(network.links.map((l) => [l.linkName, l]));
    const ownerOf = (address: string): string => {
      const value = parseIpv6(address);
      const owner = Object.entries(inv.routers).find(([, r]) => prefixContains(parseIpv6Prefix(r.locator), value));
      assert.ok(owner, `${address} lies in a router's locator`);
      return owner[0];
    };
    /** The router a route answer on `router` forwards to, checked against the inventory's addressing. */
    const neighbourVia = (router: string, answer: RouteAnswer, what: string): string => {
      const ifc = inv.routers[router]!.interfaces[answer.dev];
      assert.ok(ifc, `${router}: route to ${what} leaves over ${answer.dev}, a lab interface`);
      assert.equal(answer.gateway, ifc.peerAddress, `${router}: route to ${what} goes via the neighbour's address on ${answer.dev}`);
      return ifc.peer;
    };

    // 1. Kernel FIB == SPF prediction, for every router and destination.
    let routes = 0;
    for (const router of Object.keys(inv.routers)) {
      const targets = [
        ...Object.entries(inv.routers).filter(([n]) => n !== router).map(([n, r]) => ({ dst: n, address: r.loopback })),
        ...Object.values(inv.hosts).filter((h) => h.router !== router).map((h) => ({ dst: h.router, address: h.address })),
      ];
      const answers = await routeGets(lab, router, targets.map((t) => t.address));
      for (const t of targets) {
        const predicted = nextHopLink(graph, router, t.dst)!;
        const mine = predicted.a === router ? linkById.get(predicted.id)!.interfaceA : linkById.get(predicted.id)!.interfaceB;
        assert.equal(answers.get(t.address)!.dev, mine, `${router} -> ${t.address} (${t.dst}): kernel uses ${answers.get(t.address)!.dev}, SPF predicts ${mine} (link ${predicted.id})`);
        routes++;
      }
    }

    // 2. Every backup policy walked on the real FIBs.
    const policies = Object.values(resourcesOf(json, "srv6_backup_policy"));
    const unref = (s: unknown): string => String(s).replace(/^\$\{srv6_[a-z_]+\.([a-z0-9_-]+)\.name\}$/, "$1");
    const sidsByRouter = new Map<string, string[]>();
    for (const name of Object.keys(inv.routers)) sidsByRouter.set(name, []);
    for (const p of policies) for (const sid of p.segments as string[]) for (const r of Object.keys(inv.routers)) sidsByRouter.get(r)!.push(sid);
    const fib = new Map<string, Map<string, RouteAnswer>>();
    for (const [router, sids] of sidsByRouter) {
      const own = sids.filter((s) => ownerOf(s) !== router);
      const hostAddresses = Object.values(inv.hosts).map((h) => h.address);
      fib.set(router, await routeGets(lab, router, [...own, ...hostAddresses]));
    }
    let hops = 0;
    for (const p of policies) {
      // Every prefix of the policy lies behind its destination: the same walk must hold for each.
      for (const prefix of p.prefixes as string[]) {
        const plr = unref(p.router);
        const failed = linkById.get(unref(p.link))!;
        const failedEnd = new Set([`${failed.routerA.routerName}|${failed.interfaceA}`, `${failed.routerB.routerName}|${failed.interfaceB}`]);
        const host = Object.values(inv.hosts).find((h) => h.prefix === prefix)!;
        const label = `policy ${String(p.name)} (${plr} -> ${prefix}, segments ${(p.segments as string[]).join(",")})`;
        const before = fib.get(plr)!.get(host.address)!;
        assert.ok(failedEnd.has(`${plr}|${before.dev}`), `${label}: without failure ${plr} sends ${host.address} over the protected link (dev ${before.dev})`);

        const walked = [plr];
        let here = plr;
        const step = (next: string, dev: string): void => {
          assert.ok(!failedEnd.has(`${here}|${dev}`), `${label}: ${here} would forward over the protected link (${dev})`);
          here = next;
          walked.push(here);
          hops++;
          assert.ok(walked.length < 50, `${label}: forwarding loop ${walked.join(" ")}`);
        };
        for (const sid of p.segments as string[]) {
          const owner = ownerOf(sid);
          while (here !== owner) {
            const answer = fib.get(here)!.get(sid)!;
            step(neighbourVia(here, answer, sid), answer.dev);
          }
          const adjacency = (routers[owner]!.adjacency_sids as { sid: string; interface: string; nexthop: string }[]).find((a) => a.sid === sid);
          if (adjacency !== undefined) {
            const ifc = inv.routers[owner]!.interfaces[adjacency.interface];
            assert.ok(ifc, `${label}: End.X ${sid} uses ${owner}:${adjacency.interface}, a lab interface`);
            assert.equal(adjacency.nexthop, ifc.peerAddress, `${label}: End.X ${sid} next hop is the neighbour's address`);
            step(ifc.peer, adjacency.interface);
          }
        }
        assert.equal(here, host.router, `${label}: ends at ${host.router}, where ${prefix} is attached`);
        const last = (p.segments as string[])[(p.segments as string[]).length - 1]!;
        assert.equal(last, routers[host.router]!.decap_sid, `${label}: last segment is ${host.router}'s decap SID`);
        assert.deepEqual(walked, shortestPath(graph, plr, host.router, { excludeLink: failed.linkName }), `${label}: follows the post-convergence path`);
      }
    }
    return { routes, policies: policies.length, hops };
  }, { name: uniqueLabName("a5") });
}

test("diamond: backup paths hold on the lab's real FIBs", { timeout: 120_000 }, async () => {
  const r = await checkOnLab("diamond.json", (inventory) => {
    const stack = new DiamondStack(testApp(), "diamond", { inventory });
    return { stack, network: stack.network };
  });
  assert.equal(r.policies, 2, "r1 -> h2 and r2 -> h1");
  console.log(`# diamond: ${r.routes} kernel routes match SPF, ${r.policies} policies walked (${r.hops} hops)`);
});

test("mesh: backup paths hold on the lab's real FIBs", { timeout: 180_000 }, async () => {
  const r = await checkOnLab("mesh.json", (inventory) => {
    const stack = new MeshStack(testApp(), "mesh", { inventory });
    return { stack, network: stack.network };
  });
  assert.ok(r.policies >= 10);
  console.log(`# mesh: ${r.routes} kernel routes match SPF, ${r.policies} policies walked (${r.hops} hops)`);
});
