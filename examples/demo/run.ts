/**
 * `npm run demo`: the product on the built-in lab, end to end, narrated.
 * Brings the diamond lab up, shows it, sends traffic across it, fails the
 * r1-r2 link silently, heals it, and always tears the lab down (also on
 * Ctrl-C).
 */
import { labUp, labDown, labStatus, labFail, labHeal, type TestLabLike } from "./lab-session";
import { measureDelivery } from "./traffic";

const LAB = "demo";
const TOPOLOGY = "examples/lab/diamond.json";

function step(text: string): void {
  process.stdout.write(`\n==> ${text}\n`);
}

async function main(): Promise<number> {
  let interrupted = false;
  const onSignal = (): void => { interrupted = true; process.stdout.write("\ninterrupted: tearing the lab down\n"); void labDown(LAB).finally(() => process.exit(130)); };
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  const started = Date.now();
  try {
    step(`bringing up the lab from ${TOPOLOGY}`);
    await labDown(LAB);
    const inv = await labUp(TOPOLOGY, { name: LAB, progress: (l) => process.stdout.write(`    ${l}\n`) });
    const lab: TestLabLike = { name: LAB, inventory: inv };

    step("lab status");
    const status = await labStatus(LAB);
    for (const r of status.routers) process.stdout.write(`    ${r.name}  ssh ${r.user}@${r.host}  sshd ${r.sshd}  ${r.sshReachable ? "reachable" : "UNREACHABLE"}\n`);
    for (const l of status.links) process.stdout.write(`    ${l.endpoints.join(" -- ").padEnd(26)} ${l.state}\n`);

    step("traffic h1 -> h2 across r1-r2-r4 (1000 datagrams/s for 1 s)");
    const healthy = await measureDelivery(lab, "h1", "h2", 1000);
    process.stdout.write(`    delivered ${healthy.received}/${healthy.sent}\n`);

    step("silent failure of r1-r2 (carrier stays up, every packet dropped)");
    await labFail(LAB, "r1", "r2");
    const failed = await measureDelivery(lab, "h1", "h2", 1000);
    process.stdout.write(`    delivered ${failed.received}/${failed.sent}: without protection, the kernel keeps forwarding into the dead link\n`);

    step("heal r1-r2");
    await labHeal(LAB, "r1", "r2");
    const healed = await measureDelivery(lab, "h1", "h2", 1000);
    process.stdout.write(`    delivered ${healed.received}/${healed.sent}\n`);

    step("summary");
    process.stdout.write([
      "    phase            delivered",
      `    healthy          ${healthy.received}/${healthy.sent}`,
      `    silent failure   ${failed.received}/${failed.sent}`,
      `    healed           ${healed.received}/${healed.sent}`,
      "",
    ].join("\n"));
    return healthy.received > 0 && healed.received > 0 ? 0 : 1;
  } finally {
    if (!interrupted) {
      step("tearing the lab down");
      const report = await labDown(LAB);
      process.stdout.write(`    removed ${report.namespaces.length} namespaces, ${report.processes} processes in ${((Date.now() - started) / 1000).toFixed(1)} s total\n`);
    }
  }
}

main().then((code) => { process.exitCode = code; }, (err: Error) => { process.stderr.write(`demo failed: ${err.message}\n`); process.exitCode = 1; });
