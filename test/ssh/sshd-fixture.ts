/**
 * Two real sshd instances in throwaway network namespaces, for the SSH
 * transport tests. Everything is named `s6en-<id>` and removed by cleanup().
 *
 *   root ns                 s6en-<id>-a                      s6en-<id>-b
 *   s6en<id>r 10.203.N.1 -- s6en<id>a 10.203.N.2:2222  (sshd "main")
 *                           s6en<id>ab 10.203.N.5 ------- s6en<id>ba 10.203.N.6:22 (sshd "inner")
 *
 * "inner" is not routed from the root namespace: only a jump through "main"
 * reaches it. "main" runs in its own mount namespace where /etc/passwd,
 * /etc/shadow, /etc/group and /etc/sudoers are bind-mounted copies that add
 * two users: `srv6ops` (password-less sudo) and `nosudo` (no sudo rights).
 * The host's real files are never modified.
 */
import { execFileSync, spawn } from "node:child_process";
import { chmodSync, chownSync, closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { sha256Fingerprint } from "../../provider/ssh/known-hosts";
import { commandText } from "../../provider/ssh/quote";

export interface SshdInstance {
  netns: string;
  host: string;
  port: number;
  pid: number;
  /** Raw host key blob and its SHA256 fingerprint. */
  hostKey: Buffer;
  fingerprint: string;
  hostKeyPubFile: string;
  logFile: string;
  /** "Accepted publickey" lines in the log: one per authenticated connection. */
  acceptedLogins(): number;
  /** Per-connection sshd processes (children of the listener). */
  sessionPids(): number[];
  /** Established TCP connections to the listening port, counted inside the namespace. */
  establishedConnections(): number;
}

export interface SshFixture {
  id: string;
  dir: string;
  clientKey: string;
  wrongKey: string;
  main: SshdInstance;
  inner: SshdInstance;
  /** Writes a known_hosts file with the given lines and returns its path. */
  knownHosts(name: string, lines: string[]): string;
  /** `[host]:port keytype base64` line for an instance (optionally with another instance's key). */
  knownHostsLine(instance: SshdInstance, keyFrom?: SshdInstance): string;
  cleanup(): void;
}

export const SUDO_USER = { name: "srv6ops", uid: 4201 };
export const NO_SUDO_USER = { name: "nosudo", uid: 4202 };

function sh(argv: string[], input?: string): string {
  return execFileSync(argv[0], argv.slice(1), { encoding: "utf8", input, stdio: ["pipe", "pipe", "pipe"] });
}

function keygen(file: string): void {
  sh(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "s6en-test", "-f", file]);
}

function pubKeyBlob(pubFile: string): Buffer {
  return Buffer.from(readFileSync(pubFile, "utf8").split(/\s+/)[1], "base64");
}

function sshdConfig(dir: string, name: string, listen: string, port: number): string {
  const file = join(dir, `${name}.sshd_config`);
  writeFileSync(
    file,
    [
      `Port ${port}`,
      `ListenAddress ${listen}`,
      `HostKey ${join(dir, `${name}_host_key`)}`,
      ...(existsSync(join(dir, `${name}_rsa_host_key`)) ? [`HostKey ${join(dir, `${name}_rsa_host_key`)}`] : []),
      `PidFile ${join(dir, `${name}.pid`)}`,
      `AuthorizedKeysFile ${join(dir, "authorized_keys")}`,
      "PubkeyAuthentication yes",
      "PasswordAuthentication no",
      "KbdInteractiveAuthentication no",
      "PermitRootLogin prohibit-password",
      "UsePAM no",
      "StrictModes no",
      "AllowTcpForwarding yes",
      "LogLevel VERBOSE",
      "MaxStartups 100:30:200",
      "Subsystem sftp internal-sftp",
      "",
    ].join("\n"),
  );
  return file;
}

function instance(dir: string, name: string, netns: string, host: string, port: number, pid: number): SshdInstance {
  const logFile = join(dir, `${name}.log`);
  const hostKeyPubFile = join(dir, `${name}_host_key.pub`);
  const hostKey = pubKeyBlob(hostKeyPubFile);
  return {
    netns,
    host,
    port,
    pid,
    hostKey,
    fingerprint: sha256Fingerprint(hostKey),
    hostKeyPubFile,
    logFile,
    acceptedLogins: () => (readFileSync(logFile, "utf8").match(/Accepted publickey for /g) ?? []).length,
    sessionPids: () => {
      const f = `/proc/${pid}/task/${pid}/children`;
      return existsSync(f) ? readFileSync(f, "utf8").trim().split(/\s+/).filter(Boolean).map(Number) : [];
    },
    establishedConnections: () =>
      sh(["ip", "netns", "exec", netns, "ss", "-Htn", "state", "established", `( sport = :${port} )`]).trim().split("\n").filter(Boolean).length,
  };
}

async function waitForLog(file: string, pattern: RegExp, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (existsSync(file) && pattern.test(readFileSync(file, "utf8"))) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`sshd did not start: ${existsSync(file) ? readFileSync(file, "utf8") : "(no log)"}`);
}

function startSshd(dir: string, name: string, netns: string, config: string, prelude: string[]): number {
  const log = openSync(join(dir, `${name}.log`), "a");
  // Bind mounts (users, sudoers) happen inside a private mount namespace, so the host never sees them.
  const script = [...prelude, `exec /usr/sbin/sshd -D -e -f "$1"`].join(" && ");
  const child = spawn("ip", ["netns", "exec", netns, "unshare", "--mount", "--propagation", "private", "sh", "-c", script, "sshd-wrapper", config], {
    stdio: ["ignore", log, log],
    detached: true,
  });
  closeSync(log);
  child.unref();
  return child.pid!;
}

export async function startSshFixture(): Promise<SshFixture> {
  const id = randomBytes(2).toString("hex");
  const n = 10 + (parseInt(id, 16) % 240);
  const nsA = `s6en-${id}-a`;
  const nsB = `s6en-${id}-b`;
  const dir = mkdtempSync(`/tmp/s6en-ssh-${id}-`);
  const pids: number[] = [];
  let cleaned = false;
  const cleanup = () => {
    if (cleaned) return;
    cleaned = true;
    for (const pid of pids) {
      try {
        process.kill(pid, "SIGTERM");
      } catch {
        /* already gone */
      }
    }
    for (const ns of [nsA, nsB]) {
      try {
        sh(["ip", "netns", "del", ns]);
      } catch {
        /* not created */
      }
    }
    rmSync(dir, { recursive: true, force: true });
  };
  // Also clean up when the runner exits or is interrupted before after() runs.
  process.once("exit", cleanup);
  for (const sig of ["SIGINT", "SIGTERM"] as const) {
    process.once(sig, () => {
      cleanup();
      process.exit(130);
    });
  }
  try {
    // Non-root users must read authorized_keys and traverse the directory.
    chmodSync(dir, 0o755);
    keygen(join(dir, "client_key"));
    keygen(join(dir, "wrong_key"));
    keygen(join(dir, "main_host_key"));
    keygen(join(dir, "inner_host_key"));
    // main also has an RSA host key, to check that a host known by one key type is not "changed".
    sh(["ssh-keygen", "-q", "-t", "rsa", "-b", "2048", "-N", "", "-f", join(dir, "main_rsa_host_key")]);
    writeFileSync(join(dir, "authorized_keys"), readFileSync(join(dir, "client_key.pub")), { mode: 0o644 });

    sh(["ip", "netns", "add", nsA]);
    sh(["ip", "netns", "add", nsB]);
    sh(["ip", "link", "add", `s6en${id}r`, "type", "veth", "peer", "name", `s6en${id}a`, "netns", nsA]);
    sh(["ip", "link", "add", `s6en${id}ab`, "netns", nsA, "type", "veth", "peer", "name", `s6en${id}ba`, "netns", nsB]);
    sh(["ip", "addr", "add", `10.203.${n}.1/30`, "dev", `s6en${id}r`]);
    sh(["ip", "link", "set", `s6en${id}r`, "up"]);
    sh(["ip", "-n", nsA, "addr", "add", `10.203.${n}.2/30`, "dev", `s6en${id}a`]);
    sh(["ip", "-n", nsA, "addr", "add", `10.203.${n}.5/30`, "dev", `s6en${id}ab`]);
    sh(["ip", "-n", nsB, "addr", "add", `10.203.${n}.6/30`, "dev", `s6en${id}ba`]);
    for (const [ns, dev] of [[nsA, `s6en${id}a`], [nsA, `s6en${id}ab`], [nsA, "lo"], [nsB, `s6en${id}ba`], [nsB, "lo"]]) sh(["ip", "-n", ns, "link", "set", dev, "up"]);

    // Users exist only inside main's mount namespace.
    const etc = join(dir, "etc");
    mkdirSync(etc);
    const home = (u: string) => join(dir, "home", u);
    const users = [SUDO_USER, NO_SUDO_USER];
    writeFileSync(join(etc, "passwd"), readFileSync("/etc/passwd", "utf8") + users.map((u) => `${u.name}:x:${u.uid}:${u.uid}::${home(u.name)}:/bin/sh\n`).join(""));
    writeFileSync(join(etc, "shadow"), readFileSync("/etc/shadow", "utf8") + users.map((u) => `${u.name}:*:19000:0:99999:7:::\n`).join(""), { mode: 0o640 });
    writeFileSync(join(etc, "group"), readFileSync("/etc/group", "utf8") + users.map((u) => `${u.name}:x:${u.uid}:\n`).join(""));
    writeFileSync(join(etc, "sudoers"), readFileSync("/etc/sudoers", "utf8") + `\n${SUDO_USER.name} ALL=(ALL:ALL) NOPASSWD: ALL\n`, { mode: 0o440 });
    chmodSync(join(etc, "sudoers"), 0o440);
    for (const u of users) {
      mkdirSync(home(u.name), { recursive: true });
      chownSync(home(u.name), u.uid, u.uid);
    }
    const bind = (file: string) => commandText(["mount", "--bind", join(etc, file), `/etc/${file}`]);

    const mainConfig = sshdConfig(dir, "main", `10.203.${n}.2`, 2222);
    const innerConfig = sshdConfig(dir, "inner", `10.203.${n}.6`, 22);
    // Debian's bash sources ~/.bashrc for every SSH command (SSH_SOURCE_BASHRC);
    // this host's root .bashrc runs `pyenv init`, hundreds of ms per command.
    // Routers get a plain, empty one inside their mount namespace.
    writeFileSync(join(etc, "bashrc"), "");
    const quietRoot = existsSync("/root/.bashrc") ? commandText(["mount", "--bind", join(etc, "bashrc"), "/root/.bashrc"]) : "true";
    pids.push(startSshd(dir, "main", nsA, mainConfig, [bind("passwd"), bind("shadow"), bind("group"), bind("sudoers"), quietRoot]));
    pids.push(startSshd(dir, "inner", nsB, innerConfig, [quietRoot]));
    await waitForLog(join(dir, "main.log"), /Server listening on/);
    await waitForLog(join(dir, "inner.log"), /Server listening on/);

    const main = instance(dir, "main", nsA, `10.203.${n}.2`, 2222, pids[0]);
    const inner = instance(dir, "inner", nsB, `10.203.${n}.6`, 22, pids[1]);
    return {
      id,
      dir,
      clientKey: join(dir, "client_key"),
      wrongKey: join(dir, "wrong_key"),
      main,
      inner,
      knownHosts: (name, lines) => {
        const file = join(dir, name);
        writeFileSync(file, lines.map((l) => `${l}\n`).join(""));
        return file;
      },
      knownHostsLine: (inst, keyFrom = inst) => {
        const [type, b64] = readFileSync(keyFrom.hostKeyPubFile, "utf8").split(/\s+/);
        return `${inst.port === 22 ? inst.host : `[${inst.host}]:${inst.port}`} ${type} ${b64}`;
      },
      cleanup,
    };
  } catch (e) {
    cleanup();
    throw e;
  }
}

/** Leftover namespaces of this fixture (to assert cleanup). */
export function fixtureNamespaces(id: string): string[] {
  return readdirSync("/run/netns").filter((n) => n.startsWith(`s6en-${id}-`));
}
