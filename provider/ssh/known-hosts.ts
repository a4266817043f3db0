/**
 * known_hosts files as OpenSSH writes and reads them (sshd(8) "SSH_KNOWN_HOSTS
 * FILE FORMAT"): `[marker] patterns keytype base64-key [comment]`, where
 * patterns are comma-separated host names or addresses, `[host]:port` for a
 * non-default port, `*`/`?` wildcards, `!` negation, or one hashed entry
 * `|1|base64(salt)|base64(HMAC-SHA1(salt, name))`.
 */
import { createHash, createHmac } from "node:crypto";
import { appendFileSync, existsSync, mkdirSync, readFileSync, statSync } from "node:fs";
import { dirname } from "node:path";

export interface KnownHostEntry {
  marker?: "@revoked" | "@cert-authority";
  patterns: string;
  keyType: string;
  /** Raw public key blob (the base64 field decoded). */
  key: Buffer;
  line: number;
}

/** The name a host is looked up by: `host`, or `[host]:port` when the port is not 22. */
export function knownHostsName(host: string, port: number): string {
  return port === 22 ? host : `[${host}]:${port}`;
}

/** `SHA256:<base64 without padding>` of a raw key blob, as `ssh-keygen -l` prints it. */
export function sha256Fingerprint(key: Buffer): string {
  return `SHA256:${createHash("sha256").update(key).digest("base64").replace(/=+$/, "")}`;
}

/** The key type named inside a raw key blob (its first SSH string). */
export function keyTypeOf(key: Buffer): string {
  if (key.length < 4) return "unknown";
  const len = key.readUInt32BE(0);
  return key.subarray(4, 4 + len).toString("latin1");
}

export function parseKnownHosts(text: string): KnownHostEntry[] {
  const entries: KnownHostEntry[] = [];
  text.split("\n").forEach((raw, index) => {
    const line = raw.trim();
    if (!line || line.startsWith("#")) return;
    const fields = line.split(/\s+/);
    let marker: KnownHostEntry["marker"];
    if (fields[0].startsWith("@")) {
      if (fields[0] !== "@revoked" && fields[0] !== "@cert-authority") return;
      marker = fields.shift() as KnownHostEntry["marker"];
    }
    if (fields.length < 3) return;
    const [patterns, keyType, b64] = fields;
    if (!/^[A-Za-z0-9+/]+=*$/.test(b64)) return;
    entries.push({ marker, patterns, keyType, key: Buffer.from(b64, "base64"), line: index + 1 });
  });
  return entries;
}

function wildcardMatch(pattern: string, name: string): boolean {
  const re = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".")}$`, "i");
  return re.test(name);
}

function hashedMatch(pattern: string, name: string): boolean {
  const parts = pattern.split("|");
  // "", "1", salt, hash
  if (parts.length !== 4 || parts[1] !== "1") return false;
  const salt = Buffer.from(parts[2], "base64");
  const digest = createHmac("sha1", salt).update(name).digest("base64");
  return digest === parts[3];
}

/** Whether an entry's pattern list matches the name (a negated match excludes the entry). */
export function patternsMatch(patterns: string, name: string): boolean {
  if (patterns.startsWith("|")) return hashedMatch(patterns, name);
  let matched = false;
  for (const p of patterns.split(",")) {
    if (p.startsWith("!")) {
      if (wildcardMatch(p.slice(1), name)) return false;
    } else if (wildcardMatch(p, name)) matched = true;
  }
  return matched;
}

export type KnownHostsVerdict =
  | { status: "match"; entry: KnownHostEntry }
  | { status: "revoked"; entry: KnownHostEntry }
  | { status: "changed"; known: KnownHostEntry[] }
  | { status: "unknown" };

/** Looks a host's offered key up: match, revoked, changed (host known with other keys) or unknown. */
export function checkKnownHosts(entries: readonly KnownHostEntry[], host: string, port: number, offered: Buffer): KnownHostsVerdict {
  const name = knownHostsName(host, port);
  const revoked = entries.find((e) => e.marker === "@revoked" && e.key.equals(offered));
  if (revoked) return { status: "revoked", entry: revoked };
  const forHost = entries.filter((e) => e.marker === undefined && patternsMatch(e.patterns, name));
  const match = forHost.find((e) => e.key.equals(offered));
  if (match) return { status: "match", entry: match };
  // Any key on record for this host and not the offered one: refuse, like
  // StrictHostKeyChecking, rather than add a second key silently.
  if (forHost.length) return { status: "changed", known: forHost };
  return { status: "unknown" };
}

export function readKnownHostsFile(file: string): KnownHostEntry[] {
  if (!existsSync(file)) return [];
  return parseKnownHosts(readFileSync(file, "utf8"));
}

/** Appends a plain entry (accept-new), creating the file (0600) and its directory if needed. */
export function appendKnownHost(file: string, host: string, port: number, key: Buffer): void {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  const needsNewline = existsSync(file) && statSync(file).size > 0 && !readFileSync(file).subarray(-1).equals(Buffer.from("\n"));
  appendFileSync(file, `${needsNewline ? "\n" : ""}${knownHostsName(host, port)} ${keyTypeOf(key)} ${key.toString("base64")}\n`, { mode: 0o600 });
}

/** SSH host key algorithms that produce keys of a known_hosts key type. */
const ALGORITHMS_BY_KEY_TYPE: Readonly<Record<string, readonly string[]>> = {
  "ssh-ed25519": ["ssh-ed25519"],
  "ecdsa-sha2-nistp256": ["ecdsa-sha2-nistp256"],
  "ecdsa-sha2-nistp384": ["ecdsa-sha2-nistp384"],
  "ecdsa-sha2-nistp521": ["ecdsa-sha2-nistp521"],
  "ssh-rsa": ["rsa-sha2-512", "rsa-sha2-256", "ssh-rsa"],
};

/**
 * Host key algorithms to prefer for a host, so the router offers a key of a
 * type we already know (as OpenSSH orders HostKeyAlgorithms). Without this a
 * router with both an RSA and an ed25519 key, known by its RSA key only,
 * would offer ed25519 and look "changed".
 */
export function preferredHostKeyAlgorithms(entries: readonly KnownHostEntry[], host: string, port: number): string[] {
  const name = knownHostsName(host, port);
  const types = entries.filter((e) => e.marker === undefined && patternsMatch(e.patterns, name)).map((e) => e.keyType);
  return [...new Set(types.flatMap((t) => ALGORITHMS_BY_KEY_TYPE[t] ?? []))];
}
