/*
 * The lab's life cycle through the real `srv6` CLI, on the diamond:
 *
 *        h1            h2
 *        |             |
 *        r1 --10-- r2 --10-- r4
 *         \                 /
 *          +--20-- r3 --20-+
 *
 * up is ready (every router's sshd answers) in under 15 s; SSH works with the
 * host key verified; down leaves namespaces, processes, links and files as
 * they were. The routers' private /etc/local.d needs a mount point on this
 * machine: up makes it when missing, and down removes it again when it is
 * empty and no lab is left; nothing is ever written into it.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { existsSync, readdirSync, readFileSync, writeFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freeMgmtSubnet, uniqueLabName } from "../helpers/lab";
import { listLabs, type Inventory } from "../../lab";

const SRV6 = join(__dirname, "../../../bin/srv6");

function sh(argv: string[], input?: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile(argv[0]!, argv.slice(1), { timeout: 60_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === "number" ? err.code : 1) : 0, stdout, stderr });
    });
    if (input !== undefined) child.stdin?.end(input);
  });
}

function labProcesses(stateDir: string): string[] {
  return readdirSync("/proc").filter((p) => /^\d+$/.test(p)).flatMap((pid) => {
    try {
      const cmd = require("node:fs").readFileSync(`/proc/${pid}/cmdline`, "utf8") as string;
      return cmd.includes(stateDir) ? [`${pid}: ${cmd.replace(/\0/g, " ")}`] : [];
    } catch { return []; }
  });
}

function ssh(inv: Inventory, router: string, command: string, knownHosts = inv.knownHostsFile) {
  const r = inv.routers[router]!;
  return sh(["ssh", "-i", r.privateKeyFile, "-o", `UserKnownHostsFile=${knownHosts}`, "-o", "StrictHostKeyChecking=yes",
    "-o", "BatchMode=yes", "-o", "ConnectTimeout=5", "-p", String(r.port), `${r.user}@${r.host}`, command]);
}

test("lab up, ssh with verified host keys, down leaves nothing behind", async () => {
  const name = uniqueLabName("lc");
  const netnsBefore = existsSync("/run/netns") ? readdirSync("/run/netns").filter((n) => n.startsWith(`s6-${name}-`)) : [];
  assert.deepEqual(netnsBefore, [], "no namespace of this lab before up");
  const localDirBefore = existsSync("/etc/local.d") ? readdirSync("/etc/local.d") : undefined;

  const started = Date.now();
  const up = await sh([SRV6, "lab", "up", "examples/lab/diamond.json", "--name", name, "--mgmt-subnet", freeMgmtSubnet()]);
  const upMs = Date.now() - started;
  try {
    assert.equal(up.code, 0, `lab up failed: ${up.stderr}`);
    assert.ok(upMs < 15_000, `lab up took ${upMs} ms, over 15 s`);
    assert.deepEqual(readdirSync("/etc/local.d"), localDirBefore ?? [], "/etc/local.d exists as the routers' mount point, unchanged or empty");

    const invOut = await sh([SRV6, "lab", "inventory", name]);
    assert.equal(invOut.code, 0, invOut.stderr);
    const inv = JSON.parse(invOut.stdout) as Inventory;
    assert.deepEqual(Object.keys(inv.routers).sort(), ["r1", "r2", "r3", "r4"]);
    assert.deepEqual(Object.keys(inv.hosts).sort(), ["h1", "h2"]);

    for (const router of Object.keys(inv.routers)) {
      const r = await ssh(inv, router, "hostname; id -u; mount -t bpf | wc -l");
      assert.equal(r.code, 0, `ssh to ${router} failed: ${r.stderr}`);
      const [hostname, uid, bpffs] = r.stdout.trim().split("\n");
      assert.equal(hostname, router, "each router has its own hostname");
      assert.equal(uid, inv.routers[router]!.user === "root" ? "0" : "64099");
      assert.equal(bpffs, "1", `${router} has its own bpffs mounted`);
    }

    const sudo = await ssh(inv, "r4", "sudo -n id -u");
    assert.equal(inv.routers.r4!.user, "srv6ops", "r4 logs in as the sudo user");
    assert.equal(sudo.stdout.trim(), "0", `password-less sudo works on r4: ${sudo.stderr}`);

    const empty = join(mkdtempSync(join(tmpdir(), "s6kh-")), "known_hosts");
    writeFileSync(empty, "");
    const unknown = await ssh(inv, "r1", "true", empty);
    assert.notEqual(unknown.code, 0, "an unknown host key is refused");
    assert.match(unknown.stderr, /Host key verification failed|No .* host key is known/);

    const wrong = join(mkdtempSync(join(tmpdir(), "s6kh-")), "known_hosts");
    const r2Key = (await sh(["ssh-keygen", "-F", inv.routers.r2!.host, "-f", inv.knownHostsFile])).stdout.split("\n").find((l) => l && !l.startsWith("#"))!;
    writeFileSync(wrong, `${inv.routers.r1!.host} ${r2Key.split(" ").slice(1).join(" ")}\n`);
    const changed = await ssh(inv, "r1", "true", wrong);
    assert.notEqual(changed.code, 0, "a changed host key is refused");
    assert.match(changed.stderr, /HOST IDENTIFICATION HAS CHANGED|Host key verification failed/);

    const status = await sh([SRV6, "lab", "status", name, "--json"]);
    assert.equal(status.code, 0, status.stderr);
    const parsed = JSON.parse(status.stdout) as { labs: { routers: { sshd: string; sshReachable: boolean }[]; links: { state: string }[] }[] };
    assert.ok(parsed.labs[0]!.routers.every((r) => r.sshd === "running" && r.sshReachable));
    assert.ok(parsed.labs[0]!.links.every((l) => l.state === "up"));

    const again = await sh([SRV6, "lab", "up", "examples/lab/diamond.json", "--name", name]);
    assert.equal(again.code, 1, "a second up of the same lab fails");
    assert.match(again.stderr, /already up/);
  } finally {
    const stateDir = `/run/srv6-lab/${name}`;
    const down = await sh([SRV6, "lab", "down", name]);
    assert.equal(down.code, 0, `lab down failed: ${down.stderr}`);
    const left = existsSync("/run/netns") ? readdirSync("/run/netns").filter((n) => n.startsWith(`s6-${name}-`)) : [];
    assert.deepEqual(left, [], "no namespace left");
    assert.deepEqual(labProcesses(stateDir), [], "no process of the lab left");
    assert.equal(existsSync(stateDir), false, "state directory removed");
    const links = await sh(["ip", "-o", "link", "show"]);
    assert.doesNotMatch(links.stdout, new RegExp(`s6-${name}`), "no root-namespace link left");
    if (localDirBefore !== undefined) assert.deepEqual(readdirSync("/etc/local.d"), localDirBefore, "this machine's /etc/local.d is as it was");
    else if (listLabs().length === 0) assert.equal(existsSync("/etc/local.d"), false, "the /etc/local.d mount point lab up made is removed with the last lab");
  }
});

test("lab down cleans up after a crash (no state directory, processes still running)", async () => {
  const name = uniqueLabName("cr");
  const up = await sh([SRV6, "lab", "up", "examples/lab/diamond.json", "--name", name, "--mgmt-subnet", freeMgmtSubnet()]);
  assert.equal(up.code, 0, up.stderr);
  const pids = Object.values(JSON.parse(readFileSync(`/run/srv6-lab/${name}/pids.json`, "utf8")) as Record<string, number>);
  assert.equal(pids.length, 4, "one sshd per router");
  assert.ok(pids.every((pid) => existsSync(`/proc/${pid}`)), "the routers' sshds run");
  // Simulate a crashed controller that lost its records.
  await sh(["rm", "-rf", `/run/srv6-lab/${name}`]);
  const down = await sh([SRV6, "lab", "down", name]);
  assert.equal(down.code, 0, down.stderr);
  // Found by namespace, not by the lost records: every process of the lab is gone.
  const alive = pids.filter((pid) => existsSync(`/proc/${pid}`) && !readFileSync(`/proc/${pid}/stat`, "utf8").includes(") Z "));
  assert.deepEqual(alive, [], "no router process survives lab down");
  const left = readdirSync("/run/netns").filter((n) => n.startsWith(`s6-${name}-`));
  assert.deepEqual(left, []);
  const links = await sh(["ip", "-o", "link", "show"]);
  assert.doesNotMatch(links.stdout, new RegExp(`s6-${name}`));
});
