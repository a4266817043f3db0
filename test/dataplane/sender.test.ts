/**
 * The probe sender on a router: survives the SSH session that started it,
 * is restarted by its supervisor when it dies, and its stalls or death never
 * fail a link over (the dataplane counts probes, not time), while a dead
 * sender is visible as a growing last-sent age.
 *
 *   r1 ==== r2     (diamond lab, link r1-r2 protected, 1 ms x 3)
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { withLab, uniqueLabName } from "../helpers/lab";
import { installDataplane, diamondDesiredState, linkStatus, waitFor, dataplaneStatus, routerFacts } from "../helpers/dataplane";
import { summarizeLinkEnds } from "../../provider/dataplane/status";
import { PROBE_CONFIG_FILE, PROBE_PIDFILE, PROBE_LOGFILE, BIN_DIR } from "../../provider/dataplane/constants";
import { sleep } from "./counters";

const SENDER = `${BIN_DIR}/probe-sender.py`;

test("probe sender: detached from SSH, supervised, stalls and death cause no failover, death is visible", { timeout: 180_000 }, async () => {
  await withLab("examples/lab/diamond.json", async (lab) => {
    const desired = diamondDesiredState(lab.inventory, { intervalMs: 1, multiplier: 3, holdDownMs: 200 });
    const dp = await installDataplane(lab, desired);
    const facts = await routerFacts(lab, "r1");
    const summary = async () => summarizeLinkEnds("r1", desired.links, facts.ifindex, await dataplaneStatus(lab, "r1"))[0]!;
    const status = async () => {
      const r = await lab.exec("r1", ["python3", SENDER, "status", "--pidfile", PROBE_PIDFILE]);
      return JSON.parse(r.stdout) as { running: boolean; pid: number | null; childPid: number | null };
    };
    try {
      await waitFor(() => linkStatus(lab, "r1", "eth1"), (s) => s.state!.probesSeen > 200n, 10_000);
      const alive = await summary();
      assert.deepEqual([alive.link, alive.interface, alive.liveness, alive.senderDead], ["r1_r2", "eth1", "up", false], "status: r1_r2 on eth1 up, sender alive");

      // Restart it through a real SSH session that then ends.
      const r1 = lab.inventory.routers.r1!;
      execFileSync("ssh", [
        "-i", r1.privateKeyFile, "-o", `UserKnownHostsFile=${r1.knownHostsFile}`, "-o", "StrictHostKeyChecking=yes", "-o", "BatchMode=yes",
        "-p", String(r1.port), `${r1.user}@${r1.host}`,
        "python3", SENDER, "start", "--config", PROBE_CONFIG_FILE, "--pidfile", PROBE_PIDFILE, "--log", PROBE_LOGFILE,
      ], { timeout: 20_000 });
      const afterSsh = await status();
      assert.equal(afterSsh.running, true, "sender runs after the SSH session closed");
      const seen0 = (await linkStatus(lab, "r1", "eth1")).state!.probesSeen;
      await sleep(500);
      assert.ok((await linkStatus(lab, "r1", "eth1")).state!.probesSeen - seen0 > 100n, "and its probes keep coming back");

      // Killed: the supervisor starts a new one.
      await lab.exec("r1", ["kill", "-KILL", String(afterSsh.childPid)]);
      const restarted = await waitFor(status, (s) => s.running && s.childPid !== afterSsh.childPid, 5_000, 100);
      assert.ok(restarted.running && restarted.childPid !== afterSsh.childPid, "supervisor restarted the killed sender");
      assert.equal(restarted.pid, afterSsh.pid, "same supervisor");

      // Stalled for 300 ms (300 missed 1 ms slots): no probe went out, so none was missed.
      await lab.exec("r1", ["kill", "-STOP", String(restarted.childPid)]);
      await sleep(300);
      await lab.exec("r1", ["kill", "-CONT", String(restarted.childPid)]);
      await sleep(300);
      const afterStall = await linkStatus(lab, "r1", "eth1");
      assert.equal(afterStall.state!.failovers, 0n, "a stalled sender causes no failover");

      // Stopped: no failover, but its age shows.
      await lab.exec("r1", ["python3", SENDER, "stop", "--pidfile", PROBE_PIDFILE]);
      assert.equal((await status()).running, false, "stopped");
      await sleep(1000);
      const dead = await linkStatus(lab, "r1", "eth1");
      assert.equal(dead.state!.down, false, "a dead sender does not fail the link over");
      assert.equal(dead.state!.failovers, 0n, "no failover at all");
      assert.ok(dead.lastSentAgeNs! > 900_000_000n, `the last probe's age shows the dead sender (${dead.lastSentAgeNs} ns)`);
      await sleep(200);
      const deadSummary = await summary();
      assert.equal(deadSummary.senderDead, true, "status reports the dead sender (drift)");
      assert.equal(deadSummary.liveness, "up", "while the link itself stays up");
      assert.doesNotThrow(() => JSON.stringify(deadSummary), "the summary is JSON-safe");
    } finally {
      await dp.remove();
    }
    const left = await lab.exec("r1", ["sh", "-c", "ls /run/srv6-protect /sys/fs/bpf/tc/globals; pgrep --ns $$ --nslist net -f 'probe-sende[r].py' || true"]);
    assert.equal(left.stdout.replace(/^\S+:$/gm, "").trim(), "", `remove left nothing behind: ${left.stdout}`);
  }, { name: uniqueLabName("dps") });
});
