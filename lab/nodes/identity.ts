/**
 * Keys and accounts of lab routers. The sudo user exists only inside the
 * routers' private mount namespaces (bind-mounted copies of /etc/passwd,
 * /etc/shadow, /etc/group and /etc/sudoers), never on this machine itself.
 */
import { createHash } from "node:crypto";
import { readFileSync, writeFileSync, chmodSync, existsSync } from "node:fs";
import { join } from "node:path";
import { run } from "../system/run";

export const SUDO_USER = "srv6ops";
const SUDO_UID = 64099;

export async function generateKey(path: string, comment: string): Promise<void> {
  await run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", comment, "-f", path]);
}

/** `SHA256:...` of an OpenSSH public key line, as `ssh-keygen -l` prints it. */
export function fingerprintOf(publicKeyLine: string): string {
  const blob = Buffer.from(publicKeyLine.trim().split(/\s+/)[1]!, "base64");
  return `SHA256:${createHash("sha256").update(blob).digest("base64").replace(/=+$/, "")}`;
}

/** Writes passwd/shadow/group/sudoers/hosts copies under `dir` for a router's mount namespace. */
export function writeAccountFiles(dir: string, hostname: string): { binds: [string, string][] } {
  const binds: [string, string][] = [];
  const copy = (src: string, extra: string, mode: number): void => {
    const dst = join(dir, src.replace(/\//g, "_"));
    writeFileSync(dst, readFileSync(src, "utf8").replace(/\n?$/, "\n") + extra, { mode });
    chmodSync(dst, mode);
    binds.push([dst, src]);
  };
  copy("/etc/passwd", `${SUDO_USER}:x:${SUDO_UID}:${SUDO_UID}:srv6-protect lab operator:/tmp:/bin/sh\n`, 0o644);
  copy("/etc/group", `${SUDO_USER}:x:${SUDO_UID}:\n`, 0o644);
  // '*' (not '!'): no password, but not a locked account, so key login works.
  copy("/etc/shadow", `${SUDO_USER}:*:19000:0:99999:7:::\n`, 0o640);
  if (existsSync("/etc/sudoers")) copy("/etc/sudoers", `${SUDO_USER} ALL=(ALL:ALL) NOPASSWD: ALL\n`, 0o440);
  // Debian's bash reads ~/.bashrc even for `ssh router command`; a host's
  // heavy .bashrc (pyenv, conda) would add hundreds of ms to every command.
  if (existsSync("/root/.bashrc")) {
    const empty = join(dir, "empty-bashrc");
    writeFileSync(empty, "");
    binds.push([empty, "/root/.bashrc"]);
  }
  const hosts = join(dir, "hosts");
  writeFileSync(hosts, `127.0.0.1 localhost\n127.0.1.1 ${hostname}\n::1 localhost ip6-localhost ip6-loopback\n`);
  binds.push([hosts, "/etc/hosts"]);
  return { binds };
}
