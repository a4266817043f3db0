/**
 * `npm run demo`: the product end to end on the built-in lab, narrated.
 *
 *   1. build the diamond lab (4 routers with real sshd, 2 hosts);
 *   2. synthesize examples/diamond (cdktf) against the lab's inventory;
 *   3. `srv6 apply`: the engine pushes eBPF objects, SIDs, protected routes
 *      and probe senders over SSH;
 *   4. a 10,000 packets/s stream h1 -> h2, a silent failure of r1-r2
 *      (carrier stays up), the heal;
 *   5. the measured loss window, the routers' counters, a summary;
 *   6. the lab is always torn down, also on Ctrl-C or failure.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execFileSync } from "node:child_process";
import { labUp, labDown, labFail, labHeal, nodeArgv, type Inventory } from "../../lab";
import { loadDesiredState, type DesiredState } from "../../provider/state";
import { inventoryConnectionOptions } from "../../provider/ssh";
import { Engine } from "../../provider/engine/engine";
import { statusTable } from "../../provider/cli/commands/status";
import type { LinkEndStatus } from "../../provider/engine/link-status";
import { buildMeter } from "../../bench/meter/build";
import { TrafficMeter } from "../../bench/meter/meter";
import { lossWindow, type LossWindow } from "../../bench/meter/loss-window";

const LAB = "demo";
const TOPOLOGY = "examples/lab/diamond.json";
const RATE_PPS = 10_000;
const FAILURE_MS = 1500;
const REPO = join(__dirname, "../../..");

const started = Date.now();
const elapsed = () => `${((Date.now() - started) / 1000).toFixed(1).padStart(5)} s`;
const step = (text: string) => process.stdout.write(`\n[${elapsed()}] ==> ${text}\n`);
const say = (text: string) => process.stdout.write(`${text.split("\n").map((l) => `           ${l}`).join("\n")}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const nowNs = () => Number(process.hrtime.bigint());

function synthesize(inv: Inventory): { dir: string; state: DesiredState } {
  const work = mkdtempSync(join(tmpdir(), "srv6-demo-"));
  execFileSync(process.execPath, [join(REPO, "dist/examples/diamond/main.js")], {
    cwd: work, env: { ...process.env, SRV6_INVENTORY: join(inv.stateDir, "inventory.json") }, stdio: "ignore",
  });
  return { dir: work, state: loadDesiredState({ path: join(work, "cdktf.out") }) };
}

async function linkStatus(engine: Engine, state: DesiredState): Promise<LinkEndStatus[]> {
  return (await engine.status(state)).links;
}

async function main(): Promise<number> {
  step(`building the lab from ${TOPOLOGY}`);
  await labDown(LAB);
  const inv = await labUp(TOPOLOGY, { name: LAB, progress: (l) => say(l) });

  step("synthesizing examples/diamond (cdktf) for this lab");
  const { dir, state } = synthesize(inv);
  say(`${state.routers.length} routers, ${state.links.length} protected link, ${state.policies.length} backup policies`);
  for (const p of state.policies) say(`${p.router}: ${p.prefix} -> backup segments ${p.segments.join(", ")}`);

  let narrate = true;
  const engine = new Engine({
    connectionFor: (n) => inventoryConnectionOptions(n, inv.routers[n]!),
    onProgress: (router, message) => { if (narrate) say(`${router.padEnd(4)} ${message}`); },
  });
  try {
    step("srv6 apply: pushing the configuration over SSH (one connection per router)");
    const report = await engine.apply(state);
    if (!report.ok) throw new Error(report.routers.filter((r) => r.error).map((r) => r.error!.message).join("; "));
    narrate = false;
    say(`applied in ${(report.durationMs / 1000).toFixed(2)} s; plan afterwards: ${(await engine.plan(state)).routers.reduce((n, r) => n + r.changes.length, 0)} change(s)`);
    await sleep(500);
    say(statusTable(await linkStatus(engine, state)).trimEnd());

    step(`traffic: h1 -> h2 at ${RATE_PPS} packets/s across r1-r2-r4`);
    const meter = await TrafficMeter.start({
      binary: await buildMeter(),
      onSender: (argv) => nodeArgv(LAB, "h1", argv),
      onReceiver: (argv) => nodeArgv(LAB, "h2", argv),
      senderNode: "h1", receiverNode: "h2",
      destination: inv.hosts.h2!.address, port: 42000, ratePps: RATE_PPS,
    });
    let loss: LossWindow | undefined;
    let during: LinkEndStatus[] = [];
    try {
      await sleep(1000);
      step("silent failure of r1-r2: carrier stays up, every packet is dropped");
      const failedAt = nowNs();
      await labFail(LAB, "r1", "r2");
      await sleep(FAILURE_MS / 2);
      during = await linkStatus(engine, state);
      say(statusTable(during).trimEnd());
      await sleep(FAILURE_MS / 2);
      step("healing r1-r2 (traffic returns after the 1 s hold-down)");
      const healedAt = nowNs();
      await labHeal(LAB, "r1", "r2");
      await sleep(2000);
      say(statusTable(await linkStatus(engine, state)).trimEnd());
      await meter.stop();
      loss = lossWindow(meter.events, failedAt, healedAt, RATE_PPS);
    } finally {
      await meter.stop();
    }

    step("summary");
    const r1 = during.find((l) => l.router === "r1");
    const r2 = during.find((l) => l.router === "r2");
    say([
      `silent failure lasted          ${FAILURE_MS} ms`,
      `traffic loss window (h1->h2)   ${loss.lossMs.toFixed(1)} ms  (${loss.lostPackets} of ${RATE_PPS * FAILURE_MS / 1000} packets lost)`,
      `without protection             ${FAILURE_MS} ms: the kernel keeps forwarding into the dead link`,
      `failovers                      r1: ${r1?.failovers ?? "-"}, r2: ${r2?.failovers ?? "-"} (both ends, both directions)`,
      `packets rerouted               r1: ${r1?.packetsRerouted ?? "-"}, r2: ${r2?.packetsRerouted ?? "-"} (during the failure, in the kernel)`,
    ].join("\n"));
    return loss.lossMs < FAILURE_MS ? 0 : 1;
  } finally {
    await engine.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

let stopping = false;
async function teardown(): Promise<void> {
  if (stopping) return;
  stopping = true;
  step("tearing the lab down");
  const r = await labDown(LAB);
  say(`removed ${r.namespaces.length} namespaces and ${r.processes} processes; total ${elapsed()}`);
}

for (const sig of ["SIGINT", "SIGTERM"] as const) {
  process.once(sig, () => { process.stdout.write("\ninterrupted\n"); void teardown().finally(() => process.exit(130)); });
}

main()
  .then(async (code) => { await teardown(); process.exitCode = code; })
  .catch(async (err: Error) => { process.stderr.write(`demo failed: ${err.message}\n`); await teardown(); process.exitCode = 1; });
