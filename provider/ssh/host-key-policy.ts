/**
 * Decides whether to trust the host key a router offers: a pinned SHA256
 * fingerprint wins; otherwise the known_hosts file decides. Unknown keys are
 * refused unless `acceptNew` (trust on first use, then recorded); changed
 * and revoked keys are always refused.
 */
import { homedir } from "node:os";
import { join } from "node:path";
import { HostKeyError, type HostKeyProblem } from "../errors";
import { appendKnownHost, checkKnownHosts, knownHostsName, readKnownHostsFile, sha256Fingerprint } from "./known-hosts";

export interface HostKeyPolicy {
  /** Default ~/.ssh/known_hosts. */
  knownHostsFile?: string;
  /** `SHA256:...`; when set, known_hosts is not consulted. */
  pinnedSha256?: string;
  /** Accept and record a key for a host that has none on record. Default false. */
  acceptNew?: boolean;
}

export type HostKeyDecision = { trusted: true; how: "pinned" | "known_hosts" | "accepted-new"; fingerprint: string } | { trusted: false; error: HostKeyError };

export function defaultKnownHostsFile(): string {
  return join(homedir(), ".ssh", "known_hosts");
}

export function decideHostKey(policy: HostKeyPolicy, router: string, host: string, port: number, offered: Buffer): HostKeyDecision {
  const fingerprint = sha256Fingerprint(offered);
  const refuse = (problem: HostKeyProblem, detail: string, expected?: string): HostKeyDecision => ({
    trusted: false,
    error: new HostKeyError(problem, fingerprint, detail, { router, expected }),
  });
  if (policy.pinnedSha256) {
    // Fingerprints are base64; tolerate a trailing '=' pad in the pin.
    const pin = policy.pinnedSha256.replace(/=+$/, "");
    return pin === fingerprint ? { trusted: true, how: "pinned", fingerprint } : refuse("pin-mismatch", "check host_key_sha256 against `ssh-keygen -lf` of the router's host key", pin);
  }
  const file = policy.knownHostsFile ?? defaultKnownHostsFile();
  const name = knownHostsName(host, port);
  const verdict = checkKnownHosts(readKnownHostsFile(file), host, port, offered);
  switch (verdict.status) {
    case "match":
      return { trusted: true, how: "known_hosts", fingerprint };
    case "revoked":
      return refuse("revoked", `marked @revoked in ${file} line ${verdict.entry.line}`);
    case "changed":
      return refuse(
        "changed",
        `${file} holds a different key for ${name} (line ${verdict.known.map((k) => k.line).join(", ")}); if the router was reinstalled, remove the old entry (ssh-keygen -R '${name}' -f ${file})`,
        verdict.known.map((k) => sha256Fingerprint(k.key)).join(", "),
      );
    case "unknown":
      if (policy.acceptNew) {
        appendKnownHost(file, host, port, offered);
        return { trusted: true, how: "accepted-new", fingerprint };
      }
      return refuse("unknown", `no entry for ${name} in ${file}; add it (ssh-keyscan), pin host_key_sha256, or opt in with accept_new_host_keys`);
  }
}
