/**
 * The SSH transport and the observation parsers end to end on the diamond
 * lab (real routers: netns + private mount ns + sshd; r4 logs in as
 * srv6ops with password-less sudo).
 *
 *   h1 - r1 --10-- r2
 *        |         | 10
 *        20        r4 - h2
 *        |         | 20
 *        r3 -------+
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import { execFileSync } from "node:child_process";
import { withLab } from "../helpers/lab";
import { cutManagement, restoreManagement } from "../helpers/management-cut";
import { ConnectionPool } from "../../provider/ssh/pool";
import { RouterConnection } from "../../provider/ssh/connection";
import { inventoryConnectionOptions } from "../../provider/ssh/options";
import { runMany } from "../../provider/ssh/batch";
import { HostKeyError } from "../../provider/errors";
import { parseRoutes, parseSha256sum, parseSysctlValues, parseTunsrc } from "../../provider/observe";

test("diamond lab: one connection per router, sudo router, verified upload, parsers on live output", { timeout: 240_000 }, async () => {
  await withLab("examples/lab/diamond.json", async (lab) => {
    const inv = lab.inventory;
    const routers = Object.keys(inv.routers).sort();
    assert.deepEqual(routers, ["r1", "r2", "r3", "r4"]);
    const pool = new ConnectionPool((r) => inventoryConnectionOptions(r, inv.routers[r]), { parallelism: 16 });
    try {
      const keys = ["net.ipv6.conf.all.forwarding", "net.ipv6.conf.all.seg6_enabled"];
      const observed = await pool.forEachRouter(routers, async (c, r) => {
        // One session per router for the whole observation.
        const [routes, sysctls, tunsrc, bpffs, uid] = await runMany(c, [
          ["ip", "-j", "-6", "route", "show"],
          ["sysctl", "-n", ...keys],
          ["ip", "sr", "tunsrc", "show"],
          ["stat", "-f", "-c", "%T", "/sys/fs/bpf"],
          ["id", "-u"],
        ]);
        return {
          routes: parseRoutes(routes.stdout, { router: r }),
          sysctls: parseSysctlValues(sysctls.stdout, keys),
          tunsrc: parseTunsrc(tunsrc.stdout),
          bpffs: bpffs.stdout.trim(),
          uid: uid.stdout.trim(),
        };
      });
      for (const o of observed) {
        assert.ok(o.ok, `router ${o.router}: ${!o.ok && o.error.message}`);
        const v = o.value;
        assert.equal(v.uid, "0", `${o.router}: root, directly or through sudo`);
        assert.equal(v.bpffs, "bpf_fs", `${o.router}: SSH sessions see the router's bpffs`);
        assert.equal(v.sysctls.get("net.ipv6.conf.all.forwarding"), "1");
        // Base routing reaches every other router's locator with proto static.
        for (const other of routers.filter((x) => x !== o.router)) {
          const loc = inv.routers[other].locator;
          const route = v.routes.find((rt) => rt.dst === loc);
          assert.ok(route, `${o.router}: route to ${other}'s locator ${loc}`);
          assert.equal(route.protocol, "static");
        }
        // The lab leaves tunsrc to the engine: unset (`::`) or already the loopback.
        assert.ok(v.tunsrc === undefined || v.tunsrc === inv.routers[o.router].loopback, `${o.router}: tunsrc ${v.tunsrc}`);
      }
      assert.equal(inv.routers.r4.sudo, true, "r4 is the sudo router");

      // One TCP connection per router while the pool holds them.
      for (const r of routers) {
        const ss = await lab.exec(r, ["ss", "-Htn", "state", "established", "( sport = :22 )"]);
        assert.equal(ss.stdout.trim().split("\n").filter(Boolean).length, 1, `${r}: one SSH connection`);
      }

      // Upload through sudo into the router's private state directory, checked from inside the router.
      const content = randomBytes(4096);
      const r4 = await pool.connection("r4");
      await r4.run(["mkdir", "-p", "/var/lib/srv6-protect/objects"]);
      const up = await r4.upload(content, "/var/lib/srv6-protect/objects/test.bpf.o", { mode: 0o600 });
      assert.equal(up.sha256, createHash("sha256").update(content).digest("hex"));
      const seen = await lab.exec("r4", ["sha256sum", "/var/lib/srv6-protect/objects/test.bpf.o"]);
      assert.equal(parseSha256sum(seen.stdout).get("/var/lib/srv6-protect/objects/test.bpf.o"), up.sha256);
      const owner = await lab.exec("r4", ["stat", "-c", "%u %a", "/var/lib/srv6-protect/objects/test.bpf.o"]);
      assert.equal(owner.stdout.trim(), "0 600");
    } finally {
      await pool.close();
    }

    // The lab's pinned fingerprint is checked: another router's pin is refused.
    const wrongPin = { ...inventoryConnectionOptions("r1", inv.routers.r1), hostKey: { pinnedSha256: inv.routers.r2.hostKeySha256 } };
    await assert.rejects(RouterConnection.open(wrongPin), (e: unknown) => e instanceof HostKeyError && e.problem === "pin-mismatch" && e.router === "r1");

    // A router that stops answering: close() returns within about a second and leaves no socket
    // behind that would keep the controller process alive for the kernel's TCP retry time.
    const r3 = inv.routers.r3;
    const mySockets = () => execFileSync("ss", ["-Htnp", "dst", r3.host], { encoding: "utf8" }).split("\n").filter((l) => l.includes(`pid=${process.pid},`));
    const silent = await RouterConnection.open(inventoryConnectionOptions("r3", inv.routers.r3));
    await cutManagement(lab, "r3");
    try {
      const closing = Date.now();
      await silent.close();
      assert.ok(Date.now() - closing < 3000, `close() of a silent router took ${Date.now() - closing} ms`);
      await new Promise((r) => setTimeout(r, 100));
      assert.deepEqual(mySockets(), [], "this process holds no socket to the silent router");
    } finally {
      await restoreManagement(lab, "r3");
    }
  }, { name: `s6en${randomBytes(2).toString("hex")}` });
});
