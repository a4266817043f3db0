/**
 * `npm run demo`: the product end to end on the built-in lab, narrated.
 *
 *   1. build the mesh lab (9 routers with real sshd, 4 hosts);
 *   2. `cdktf deploy` of examples/mesh with OpenTofu and our provider:
 *      eBPF objects, SIDs, protected routes and probe senders go over SSH;
 *   3. 10,000 packets/s each way between h1 and h3, across the protected
 *      link r1-r2;
 *   4. a silent failure of r1-r2 (carrier stays up), watched live, the heal;
 *   5. the measured loss window and the routers' counters in a summary;
 *   6. the lab is always torn down, also on Ctrl-C or failure.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { labUp, labDown, labFail, labHeal, nodeArgv } from "../../lab";
import { loadDesiredState } from "../../provider/state";
import { Engine } from "../../provider/engine/engine";
import { backupTable, statusTable } from "../../provider/cli/commands/status";
import { drillTable } from "../../provider/cli/commands/drill";
import { runDrill } from "../../provider/engine/drill";
import { buildMeter } from "../../lab/meter/build";
import { TrafficMeter } from "../../lab/meter/meter";
import { lossWindow } from "../../lab/meter/loss-window";
import { routerConnectionOptions } from "../../provider/ssh";
import { CdktfProject } from "./cdktf-deploy";
import { LiveView, type LiveStream } from "./live-view";
import { Narrator } from "./narrator";

const LAB = "demo";
const TOPOLOGY = "examples/lab/mesh.json";
const APP = join(__dirname, "../mesh/main.js");
const LINK = "r1-r2";
const SENDER = "h1";
const RECEIVER = "h3";
const RATE_PPS = 10_000;
const FAILURE_MS = 1500;
const DRILL_S = 1.5;

const out = new Narrator();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const nowNs = () => Number(process.hrtime.bigint());
let project: CdktfProject | undefined;
let workDir: string | undefined;

async function main(): Promise<number> {
  out.step(`building the lab from ${TOPOLOGY}`);
  await labDown(LAB);
  const inv = await labUp(TOPOLOGY, { name: LAB });
  out.say(`${Object.keys(inv.routers).length} routers (network namespaces with their own sshd), ${Object.keys(inv.hosts).length} hosts`);

  out.step("cdktf deploy examples/mesh: OpenTofu drives the srv6 provider, the provider drives the routers over SSH");
  workDir = mkdtempSync(join(tmpdir(), "srv6-demo-"));
  project = new CdktfProject({ appMain: APP, dir: workDir, env: { SRV6_INVENTORY: join(inv.stateDir, "inventory.json") } });
  out.say("synthesizing the app, tofu init (the provider from a local mirror, no registry), then creating resources:");
  const deployStarted = Date.now();
  let created = 0;
  await project.deploy((e) => {
    if (e.what !== "created") return;
    created++;
    out.say(`${e.resource} created (${e.seconds} s)`);
  });
  const deploySeconds = (Date.now() - deployStarted) / 1000;
  const state = loadDesiredState({ path: project.outDir });
  out.say(`${created} resources in ${deploySeconds.toFixed(1)} s: ${state.routers.length} routers, ${state.links.length} protected links, ${state.policies.length} backup policies`);
  const protectedFlow = state.policies.find((p) => p.link === LINK && p.router === "r1" && p.prefixes.includes(inv.hosts[RECEIVER]!.prefix));
  if (protectedFlow) out.say(`r1 protects ${protectedFlow.prefixes.join(", ")} over ${LINK}; its backup segment list: ${protectedFlow.segments.join(" -> ")}`);

  // The routers as the stack declares them (host, user, key, known_hosts), as `srv6 status --stack` reaches them.
  const byName = new Map(state.routers.map((r) => [r.name, r]));
  const engine = new Engine({ connectionFor: (name) => routerConnectionOptions(byName.get(name)!, state.provider) });
  try {
    const plan = await engine.plan(state);
    out.say(`srv6 plan after the deploy: ${plan.routers.reduce((n, r) => n + r.changes.length, 0)} changes (the routers hold exactly what was declared)`);
    const link = state.links.find((l) => l.name === LINK)!;
    out.say(statusTable((await engine.status(state)).links).trimEnd());
    // Each backup path is probed end to end about once a second: show them once they have answered.
    let paths = (await engine.status(state)).backupPaths;
    for (let i = 0; i < 20 && paths.some((p) => p.health === "unknown"); i++) { await sleep(250); paths = (await engine.status(state)).backupPaths; }
    out.say(`backup paths, probed end to end before they are needed:\n${backupTable(paths).trimEnd()}`);

    out.step(`traffic: ${SENDER} <-> ${RECEIVER}, ${RATE_PPS.toLocaleString("en-US")} packets/s each way across ${LINK} (probed every ${link.probe_interval_ms} ms, down after ${link.multiplier} missed)`);
    const binary = await buildMeter();
    const streams: LiveStream[] = [];
    for (const [i, [from, to]] of ([[SENDER, RECEIVER], [RECEIVER, SENDER]] as const).entries()) {
      streams.push({
        name: `${from}->${to}`,
        meter: await TrafficMeter.start({
          binary,
          onSender: (argv) => nodeArgv(LAB, from, argv),
          onReceiver: (argv) => nodeArgv(LAB, to, argv),
          senderNode: from, receiverNode: to,
          destination: inv.hosts[to]!.address, port: 42000 + i, ratePps: RATE_PPS, tickMs: 250,
        }),
      });
    }
    out.step(`drill: ${LINK} sends its protected traffic over the backup paths for ${DRILL_S} s, the link stays up`);
    const drillFrom = nowNs();
    const drill = await runDrill(engine, state, { link: LINK, durationS: DRILL_S });
    const drillTo = nowNs();
    const drillLost = streams.map((st) => st.meter.events.filter((e) => e.ev === "gap" && e.lastRxNs >= drillFrom && e.lastRxNs <= drillTo)
      .reduce((n, e) => n + (e as { missing: number }).missing, 0));
    out.say(drillTable(drill).trimEnd());
    const drillSummary = `${drill.map((e) => `${e.router} rerouted ${e.packetsRerouted}`).join(", ")}; ${streams.map((st, i) => `${st.name} lost ${drillLost[i]}`).join(", ")} packets`;
    const live = new LiveView({ engine, state, link: LINK, ends: ["r1", "r2"], streams, print: (l) => out.say(l) });
    let failedAt = 0;
    let healedAt = 0;
    // The ends' counters are cumulative: read before the cut and after the heal, so that the
    // summary does not depend on a live sample landing inside the failure (a busy machine delays them).
    const ends = async () => new Map((await engine.status(state, ["r1", "r2"])).links.filter((s) => s.link === LINK).map((s) => [s.router, s] as const));
    const before = await ends();
    try {
      live.start();
      await sleep(750);
      out.step(`silent failure of ${LINK}: carrier stays up, every packet on it is dropped, for ${FAILURE_MS} ms`);
      failedAt = nowNs();
      await labFail(LAB, "r1", "r2");
      await sleep(FAILURE_MS);
      out.step(`healing ${LINK}: traffic returns to it after ${link.hold_down_ms} ms of steady probes`);
      healedAt = nowNs();
      await labHeal(LAB, "r1", "r2");
      await sleep(link.hold_down_ms + 1000);
    } finally {
      await live.stop();
      for (const st of streams) await st.meter.stop();
    }
    const after = await ends();
    const losses = streams.map((st) => ({ name: st.name, loss: lossWindow(st.meter.events, failedAt, healedAt, RATE_PPS) }));
    const back = ["r1", "r2"].every((r) => after.get(r)?.state === "up");
    const grew = (r: string, counter: "failovers" | "packetsRerouted") => {
      const [b, a] = [before.get(r)?.[counter], after.get(r)?.[counter]];
      return a === undefined || b === undefined ? "-" : String(BigInt(a) - BigInt(b));
    };

    out.step("summary");
    const rows: [string, string][] = [
      ["deployed by cdktf", `${created} resources on ${state.routers.length} routers in ${deploySeconds.toFixed(1)} s`],
      [`drill of ${LINK} (${DRILL_S} s)`, drillSummary],
      ["silent failure of " + LINK, `${FAILURE_MS} ms`],
      ...losses.map(({ name, loss }): [string, string] => [`traffic loss window ${name}`, `${loss.lossMs.toFixed(1)} ms  (${loss.lostPackets} of ${(RATE_PPS * FAILURE_MS) / 1000} packets lost)`]),
      ["without protection", `${FAILURE_MS} ms: the kernel keeps forwarding into the dead link`],
      ["failovers", ["r1", "r2"].map((r) => `${r}: ${grew(r, "failovers")}`).join(", ") + "  (each end protects its own direction)"],
      ["packets rerouted", ["r1", "r2"].map((r) => `${r}: ${grew(r, "packetsRerouted")}`).join(", ") + "  (in the kernel, during the failure)"],
      ["after the heal", back ? `${LINK} up at both ends, traffic on the primary path` : `${LINK} not yet up at both ends`],
    ];
    out.say(rows.map(([k, v]) => `${k.padEnd(30)} ${v}`).join("\n"));
    return losses.every(({ loss }) => loss.lossMs < FAILURE_MS) && back ? 0 : 1;
  } finally {
    await engine.close();
  }
}

let stopping = false;
async function teardown(): Promise<void> {
  if (stopping) return;
  stopping = true;
  project?.kill();
  out.step("tearing the lab down");
  const r = await labDown(LAB);
  if (workDir) rmSync(workDir, { recursive: true, force: true });
  out.say(`removed ${r.namespaces.length} namespaces and ${r.processes} processes; total ${out.elapsed()}`);
}

for (const sig of ["SIGINT", "SIGTERM"] as const) {
  process.once(sig, () => { process.stdout.write("\ninterrupted\n"); void teardown().finally(() => process.exit(130)); });
}

main()
  .then(async (code) => { await teardown(); process.exitCode = code; })
  .catch(async (err: Error) => { process.stderr.write(`demo failed: ${err.message}\n`); await teardown(); process.exitCode = 1; });
