/**
 * The renderer accepts what the constructs synthesize: every router of the
 * diamond and mesh example stacks (test/constructs/__snapshots__) renders,
 * with interface facts as a lab router would report them, and the result
 * wires each link end to its peer (return SIDs as End.X on the other end,
 * every backup policy as a protected route on its router).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { renderDataplane } from "../../provider/dataplane/render";
import type { RouterConfig, ProtectedLinkConfig, BackupPolicyConfig } from "../../model/schema";

const ROOT = resolve(__dirname, "..", "..", "..");

const META_ARGUMENTS = new Set(["//", "depends_on", "provider", "lifecycle", "count", "for_each"]);

type Stack = { resource: Record<string, Record<string, Record<string, unknown>>> };

/** Replaces `${type.id.attr}` references by the referenced attribute, as Terraform would. */
function resolveRefs<T>(stack: Stack, value: T): T {
  return JSON.parse(JSON.stringify(value), (_k, v: unknown) => {
    if (typeof v !== "string") return v;
    const m = /^\$\{([a-z0-9_]+)\.([^.]+)\.([a-z_]+)\}$/.exec(v);
    return m ? stack.resource[m[1]!]![m[2]!]![m[3]!] : v;
  }) as T;
}

for (const example of ["diamond", "mesh"]) {
  test(`renders every router of the ${example} stack the constructs synthesize`, () => {
    const stack = JSON.parse(readFileSync(resolve(ROOT, `test/constructs/__snapshots__/${example}.json`), "utf8")) as Stack;
    // Terraform's meta-arguments are not attributes: Terraform (and the stack reader) keep them to themselves.
    const attributes = (r: Record<string, unknown>) => Object.fromEntries(Object.entries(r).filter(([k]) => !META_ARGUMENTS.has(k)));
    const all = <T>(type: string) => Object.values(stack.resource[type] ?? {}).map((r) => resolveRefs(stack, attributes(r)) as T);
    const routers = all<RouterConfig>("srv6_router");
    const links = all<ProtectedLinkConfig>("srv6_protected_link");
    const policies = all<BackupPolicyConfig>("srv6_backup_policy");
    assert.ok(links.length > 0 && policies.length > 0, "the stack protects something");
    const ifindex = Object.fromEntries(["lo", ...Array.from({ length: 9 }, (_, i) => `eth${i + 1}`)].map((n, i) => [n, i + 1]));
    const lines: Record<string, string[]> = {};
    for (const r of routers) {
      const plan = renderDataplane({ router: r.name, routers, links, policies, facts: { ifindex, systemd: false, sidDevice: "eth1" } });
      lines[r.name] = plan.install.map((c) => c.argv.join(" "));
    }
    for (const l of links) {
      for (const [me, peer] of [["a", "b"], ["b", "a"]] as const) {
        const on = lines[l[`router_${peer}`]]!;
        const sid = l[`return_sid_${me}`];
        assert.ok(on.some((x) => x.startsWith(`ip -6 route replace ${sid}/128 proto 214 encap seg6local action End.X nh6 ${l[`peer_address_${peer}`]} `)),
          `${l.name}: ${l[`router_${peer}`]} returns ${l[`router_${me}`]}'s probes at ${sid}`);
        assert.ok(lines[l[`router_${me}`]]!.some((x) => x.includes(`encap seg6local action End.BPF`) && x.startsWith(`ip -6 route replace ${l[`monitor_sid_${me}`]}/128`)),
          `${l.name}: monitor on ${l[`router_${me}`]}`);
      }
    }
    for (const p of policies) {
      for (const prefix of p.prefixes) {
        assert.ok(lines[p.router]!.some((x) => x.startsWith(`ip -6 route replace ${prefix} via `) && x.includes("encap bpf in")), `${p.name}: protected route to ${prefix} on ${p.router}`);
      }
    }
  });
}
