/**
 * Opens one authenticated ssh2 Client to an endpoint, optionally over an
 * existing stream (a jump host's forwardOut channel). The host key is
 * checked inside the handshake; a refusal is reported as the HostKeyError
 * that caused it, not as ssh2's generic handshake failure.
 */
import { readFileSync } from "node:fs";
import type { Duplex } from "node:stream";
import { Client, type ConnectConfig, type ServerHostKeyAlgorithm } from "ssh2";
import { HostKeyError, SshAuthError, SshConnectionError, Srv6Error } from "../errors";
import { decideHostKey, defaultKnownHostsFile } from "./host-key-policy";
import { preferredHostKeyAlgorithms, readKnownHostsFile } from "./known-hosts";
import type { SshEndpoint } from "./options";
import { translateSshError } from "./translate-error";

export interface ConnectedClient {
  client: Client;
  /** `SHA256:` fingerprint of the host key we accepted. */
  fingerprint: string;
  hostKeyTrustedBy: "pinned" | "known_hosts" | "accepted-new";
}

export interface ConnectParams {
  router: string;
  endpoint: SshEndpoint;
  connectTimeoutMs: number;
  keepaliveIntervalMs: number;
  /** Stream to run SSH over instead of a new TCP connection. */
  sock?: Duplex;
  via?: string;
}

function authConfig(router: string, endpoint: SshEndpoint): Pick<ConnectConfig, "privateKey" | "agent"> {
  if (endpoint.privateKeyFile) {
    try {
      return { privateKey: readFileSync(endpoint.privateKeyFile) };
    } catch (cause) {
      throw new SshAuthError(endpoint.user, `cannot read private key file ${endpoint.privateKeyFile}: ${(cause as Error).message}`, { router, cause });
    }
  }
  const agent = endpoint.agentSocket ?? process.env.SSH_AUTH_SOCK;
  if (!agent) throw new SshAuthError(endpoint.user, "no private_key_file configured and SSH_AUTH_SOCK is not set (no ssh-agent)", { router });
  return { agent };
}

/** ssh2 1.17's default host key algorithms, in its order. */
const SSH2_HOST_KEY_ALGORITHMS = ["ssh-ed25519", "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp521", "rsa-sha2-512", "rsa-sha2-256", "ssh-rsa"];

/** Prefer the key types known_hosts holds for this host (a pin names no type: keep ssh2's order). */
function hostKeyAlgorithms(endpoint: SshEndpoint): Pick<ConnectConfig, "algorithms"> {
  if (endpoint.hostKey.pinnedSha256) return {};
  const known = preferredHostKeyAlgorithms(readKnownHostsFile(endpoint.hostKey.knownHostsFile ?? defaultKnownHostsFile()), endpoint.host, endpoint.port);
  if (!known.length) return {};
  // An exact list: ssh2's "prepend" does not move algorithms already in its default list.
  const rest = SSH2_HOST_KEY_ALGORITHMS.filter((a) => !known.includes(a));
  return { algorithms: { serverHostKey: [...known, ...rest] as ServerHostKeyAlgorithm[] } };
}

export function connectClient(p: ConnectParams): Promise<ConnectedClient> {
  const { endpoint, router } = p;
  const started = Date.now();
  return new Promise((resolve, reject) => {
    let auth: Pick<ConnectConfig, "privateKey" | "agent">;
    try {
      auth = authConfig(router, endpoint);
    } catch (e) {
      reject(e);
      return;
    }
    const client = new Client();
    let hostKeyError: HostKeyError | undefined;
    let trusted: { fingerprint: string; how: ConnectedClient["hostKeyTrustedBy"] } | undefined;
    let settled = false;
    const fail = (err: unknown) => {
      if (settled) return;
      settled = true;
      client.end();
      const ctx = { router, user: endpoint.user, host: endpoint.host, port: endpoint.port, connectTimeoutMs: p.connectTimeoutMs, durationMs: Date.now() - started, via: p.via };
      reject(hostKeyError ?? translateSshError(err, ctx));
    };
    client.once("ready", () => {
      if (settled) return;
      settled = true;
      client.removeAllListeners("error");
      // Commands are small request/response exchanges: don't let Nagle hold them back.
      client.setNoDelay(true);
      resolve({ client, fingerprint: trusted!.fingerprint, hostKeyTrustedBy: trusted!.how });
    });
    client.on("error", fail);
    client.once("close", () => fail(new SshConnectionError(`connection to ${endpoint.host}:${endpoint.port} closed during the handshake`, { router })));
    try {
      client.connect({
        host: endpoint.host,
        port: endpoint.port,
        username: endpoint.user,
        ...auth,
        sock: p.sock,
        ...hostKeyAlgorithms(endpoint),
        readyTimeout: p.connectTimeoutMs,
        keepaliveInterval: p.keepaliveIntervalMs,
        keepaliveCountMax: 3,
        hostVerifier: (key: Buffer) => {
          const decision = decideHostKey(endpoint.hostKey, router, endpoint.host, endpoint.port, key);
          if (decision.trusted) trusted = { fingerprint: decision.fingerprint, how: decision.how };
          else hostKeyError = decision.error;
          return decision.trusted;
        },
      });
    } catch (e) {
      // ssh2 throws synchronously for a malformed private key.
      fail(e instanceof Srv6Error ? e : new SshAuthError(endpoint.user, `unusable private key ${endpoint.privateKeyFile}: ${(e as Error).message}`, { router, cause: e }));
    }
  });
}
