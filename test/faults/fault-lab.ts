/**
 * The fault suite's bench: the diamond lab, the desired states it moves
 * between (variants.ts), and the one verdict every fault case asserts:
 * each router holds one complete configuration it was given (or nothing,
 * where that is a valid outcome), the next apply converges, and then the
 * plan is empty.
 *
 * A router's configuration is compared as text: our routes, the SRv6
 * sysctls, tunsrc, clsact and tc filters, the pinned maps' contents, the
 * files we push (by hash), the applied record's operations, the probe
 * sender's config and liveness, and the boot hook.
 */
import assert from "node:assert/strict";
import { Engine, type ApplyOptions, type ApplyReport } from "../../provider/engine/engine";
import { routerConnectionOptions } from "../../provider/ssh";
import type { DesiredState } from "../../provider/state";
import { withLab, type TestLab } from "../helpers/lab";
import { cutManagement, restoreManagement } from "../helpers/management-cut";
import { synthVariants, type Variant } from "./variants";

export const ROUTERS = ["r1", "r2", "r3", "r4"] as const;
export type Router = (typeof ROUTERS)[number];

/**
 * The faulted applies' timeouts, short so that a fault resolves in seconds:
 * a router cut off at its barrier waits out the "go" wait, max(6 s, lock
 * wait + 2 x go margin) = 6 s, before it rolls back, and every case waits for
 * that. The applies that converge between faults keep the product's defaults.
 */
export const FAULT_APPLY: ApplyOptions = { goTimeoutS: 6, lockTimeoutS: 1, goMarginS: 2 };

const CONFIG_SCRIPT = `
cd /var/lib/srv6-protect 2>/dev/null || { echo "## nothing"; }
echo "## routes"; ip -6 route show table all proto 214 | sort
echo "## sysctl"; sysctl net.ipv6.conf.all.seg6_enabled net.ipv6.conf.all.forwarding
for i in $(ls /sys/class/net); do echo "$i seg6 $(cat /proc/sys/net/ipv6/conf/$i/seg6_enabled) retrans $(cat /proc/sys/net/ipv6/neigh/$i/retrans_time_ms)"; done
echo "## tunsrc"; ip sr tunsrc show
echo "## tc"; for i in $(ls /sys/class/net); do tc qdisc show dev $i | grep -o 'clsact' | sed "s/^/$i /"; tc filter show dev $i egress | grep -o 'pref [0-9]* bpf chain [0-9]* handle 0x[0-9a-f]* [a-z_.]*:\\[[0-9]*\\]' | sed 's/:\\[[0-9]*\\]//; s/^/'$i' /'; done
echo "## maps"; test -x bin/srv6p-maps.py && python3 bin/srv6p-maps.py dump srv6p_link_config srv6p_backups 2>&1 | sed 's/"monotonicNs":[0-9]*//'
echo "## files"; find /var/lib/srv6-protect -type f ! -name applied.json ! -path '*/backup/*' 2>/dev/null | sort | xargs -r sha256sum
echo "## record"; test -f applied.json && python3 -c 'import json,hashlib; r=json.load(open("applied.json")); print(hashlib.sha256(json.dumps(r.get("operations", r.get("install")), sort_keys=True).encode()).hexdigest())'
echo "## sender"; test -s /run/srv6-protect/probe-sender.pid && kill -0 $(cat /run/srv6-protect/probe-sender.pid) 2>/dev/null && echo alive
echo "## boot hook"; sha256sum /etc/local.d/srv6-protect.start 2>/dev/null
true
`;

/** The state of every transaction on the router, one per line. */
const SETTLE_SCRIPT = `python3 -c '
import glob, json
for p in glob.glob("/run/srv6-protect/txn/*/status.json"):
    try:
        print(json.load(open(p)).get("state"))
    except (OSError, ValueError):
        print("unreadable")
'`;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface Tally {
  readonly fault: string;
  injections: number;
  /** Injections after which some router held neither complete configuration. */
  notOldOrNew: number;
  readonly notes: string[];
}

export class FaultLab {
  /** Each router's configuration text per variant (and "none": before any apply). */
  private readonly expected = new Map<string, Map<Router, string>>();
  current: Variant = "old";

  constructor(readonly lab: TestLab, readonly states: Record<Variant, DesiredState>) {}

  /** A controller with quick SSH failure detection (0.5 s keepalive, 3 s connect). */
  engine(): Engine {
    const byName = new Map(this.states.old.routers.map((r) => [r.name, r]));
    return new Engine({ connectionFor: (n) => ({ ...routerConnectionOptions(byName.get(n)!, this.states.old.provider), keepaliveIntervalMs: 500, connectTimeoutMs: 3000 }) });
  }

  async config(router: Router): Promise<string> {
    return this.lab.sh(router, CONFIG_SCRIPT);
  }

  async configs(): Promise<Map<Router, string>> {
    return new Map(await Promise.all(ROUTERS.map(async (r) => [r, await this.config(r)] as const)));
  }

  /** Learns what each variant looks like on every router: none, then every variant applied in turn, back to old. */
  async learn(variants: readonly Variant[]): Promise<void> {
    this.expected.set("none", await this.configs());
    for (const v of [...variants, "old" as const]) {
      await this.converge(v);
      if (!this.expected.has(v)) this.expected.set(v, await this.configs());
    }
  }

  /** Applies `target` with no fault: it must succeed and leave an empty plan. */
  async converge(target: Variant): Promise<ApplyReport> {
    const engine = this.engine();
    try {
      const report = await engine.apply(this.states[target]);
      assert.ok(report.ok, `the apply of '${target}' converges: ${report.routers.filter((r) => r.error).map((r) => r.error!.message).join("; ")}`);
      const plan = await engine.plan(this.states[target]);
      for (const r of plan.routers) {
        assert.equal(r.error, undefined, `${r.router}: ${r.error?.message}`);
        assert.deepEqual(r.changes.map((c) => c.summary), [], `${r.router}: the plan is empty after the apply of '${target}'`);
      }
      this.current = target;
      return report;
    } finally {
      await engine.close();
    }
  }

  /** Waits until no transaction on any router is still running (read through the lab, not SSH). */
  async settle(timeoutMs = 90_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const busy: string[] = [];
      // One interpreter per router for all its transactions: each apply leaves one behind.
      await Promise.all(ROUTERS.map(async (r) => {
        const states = await this.lab.sh(r, SETTLE_SCRIPT);
        const running = states.split("\n").filter((s) => /^(starting|running|waiting:|unknown)/.test(s));
        if (running.length) busy.push(`${r}: ${running.join(",")}`);
      }));
      if (!busy.length) return;
      if (Date.now() > deadline) throw new Error(`transactions still running: ${busy.join("; ")}`);
      await sleep(200);
    }
  }

  /** Which known configuration each router holds ("neither" when none matches). */
  async verdicts(allowed: readonly string[]): Promise<Map<Router, string>> {
    const now = await this.configs();
    const out = new Map<Router, string>();
    for (const r of ROUTERS) {
      const match = allowed.find((v) => this.expected.get(v)?.get(r) === now.get(r));
      out.set(r, match ?? "neither");
    }
    return out;
  }

  /** Settles, judges, then converges to `target`; counts the injection in the tally. */
  async judge(tally: Tally, label: string, allowed: readonly string[], target: Variant, log: (line: string) => void): Promise<Map<Router, string>> {
    const t0 = Date.now();
    await this.settle();
    const t1 = Date.now();
    const v = await this.verdicts(allowed);
    const t2 = Date.now();
    tally.injections++;
    const bad = [...v].filter(([, s]) => s === "neither");
    if (bad.length) {
      tally.notOldOrNew++;
      const now = await this.configs();
      for (const [r] of bad) {
        const lines = (text: string | undefined) => new Set((text ?? "").split("\n"));
        const got = lines(now.get(r));
        const diffs = allowed.map((v) => {
          const want = lines(this.expected.get(v)?.get(r));
          return `  vs ${v}: missing ${JSON.stringify([...want].filter((l) => !got.has(l)))}, extra ${JSON.stringify([...got].filter((l) => !want.has(l)))}`;
        });
        tally.notes.push(`${label}: ${r} holds neither\n${diffs.join("\n")}`);
      }
    }
    const t3 = Date.now();
    await this.converge(target);
    log(`${label}: ${[...v].map(([r, s]) => `${r}=${s}`).join(" ")} (settled in ${t1 - t0} ms, judged in ${t2 - t1} ms, converged in ${Date.now() - t3} ms)`);
    return v;
  }

  cutManagement(router: Router): Promise<void> {
    return cutManagement(this.lab, router);
  }

  restoreManagement(router: Router): Promise<void> {
    return restoreManagement(this.lab, router);
  }
}

export function newTally(fault: string): Tally {
  return { fault, injections: 0, notOldOrNew: 0, notes: [] };
}

/** One line for the closing note: the fault, its injections, and how many left anything but old-or-new. */
export function report(t: Tally, log: (line: string) => void): void {
  log(`FAULT ${t.fault}: ${t.injections} injections, ${t.notOldOrNew} left a router with neither configuration`);
  assert.equal(t.notOldOrNew, 0, t.notes.join("\n\n"));
}

export async function withFaultLab(fn: (f: FaultLab) => Promise<void>): Promise<void> {
  await withLab("examples/lab/diamond.json", async (lab) => {
    const f = new FaultLab(lab, synthVariants(lab));
    await fn(f);
  });
}
