/**
 * The go-plugin handshake as Terraform and OpenTofu run it: they start the
 * provider with a magic cookie and their accepted protocol versions in the
 * environment, and read one line from its stdout:
 *   CORE-VERSION|APP-VERSION|NETWORK|ADDRESS|PROTOCOL|SERVER-CERT
 */
import { Srv6ProtectError } from "../../model/errors";

export const MAGIC_COOKIE_KEY = "TF_PLUGIN_MAGIC_COOKIE";
/** The value Terraform and OpenTofu use for every provider. */
export const MAGIC_COOKIE_VALUE = "d602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2";
/** go-plugin's own protocol version. */
export const CORE_PROTOCOL_VERSION = 1;
/** Plugin protocol major version we serve (tfplugin6). */
export const APP_PROTOCOL_VERSION = 6;

/** Refusal to start; `forHumans` is set when someone ran the binary by hand. */
export class HandshakeError extends Srv6ProtectError {
  override readonly name = "HandshakeError";
  override readonly kind = "handshake";
  constructor(
    message: string,
    readonly forHumans = false,
  ) {
    super(message);
  }
}

export interface HandshakeSettings {
  /** PEM of the host's client certificate: serve TLS trusting only it. Absent: plain (no AutoMTLS). */
  clientCertPem?: string;
  /** Directory for the unix socket (PLUGIN_UNIX_SOCKET_DIR, else the temp dir). */
  socketDir?: string;
  /** PLUGIN_MIN_PORT/MAX_PORT: a TCP port range, used only when serving TCP. */
  portRange?: { min: number; max: number };
}

const HUMAN_MESSAGE = `This is the srv6-protect provider for OpenTofu and Terraform. It is a plugin:
OpenTofu/Terraform start it themselves, it is not meant to be run by hand.

To use it:
  srv6 install-provider            # puts it into a filesystem mirror, prints the CLI config
  export TF_CLI_CONFIG_FILE=...    # as printed
  tofu init && tofu plan           # or: cdktf deploy --skip-provider-lock

See docs/provider.md.`;

function parsePort(env: NodeJS.ProcessEnv, key: string): number | undefined {
  const raw = env[key];
  if (raw === undefined || raw === "") return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > 65535) throw new HandshakeError(`${key}=${JSON.stringify(raw)} is not a port number (1-65535)`);
  return n;
}

/** Reads and checks the host's handshake environment; throws HandshakeError to refuse. */
export function readHandshake(env: NodeJS.ProcessEnv): HandshakeSettings {
  if (env[MAGIC_COOKIE_KEY] === undefined) throw new HandshakeError(HUMAN_MESSAGE, true);
  if (env[MAGIC_COOKIE_KEY] !== MAGIC_COOKIE_VALUE) {
    throw new HandshakeError(`${MAGIC_COOKIE_KEY} does not hold the Terraform/OpenTofu plugin cookie: this host is not Terraform or OpenTofu`);
  }
  const offered = (env.PLUGIN_PROTOCOL_VERSIONS ?? "")
    .split(",")
    .map((v) => v.trim())
    .filter(Boolean);
  // An old go-plugin host does not send the list; it then speaks the version it was built for.
  if (offered.length > 0 && !offered.includes(String(APP_PROTOCOL_VERSION))) {
    throw new HandshakeError(
      `the host speaks plugin protocol version(s) ${offered.join(", ")}, but srv6 serves version ${APP_PROTOCOL_VERSION}: use OpenTofu >= 1.6 or Terraform >= 1.0`,
    );
  }
  const min = parsePort(env, "PLUGIN_MIN_PORT");
  const max = parsePort(env, "PLUGIN_MAX_PORT");
  if (min !== undefined && max !== undefined && min > max) throw new HandshakeError(`PLUGIN_MIN_PORT ${min} is above PLUGIN_MAX_PORT ${max}`);
  const clientCertPem = env.PLUGIN_CLIENT_CERT && env.PLUGIN_CLIENT_CERT.trim() ? env.PLUGIN_CLIENT_CERT : undefined;
  if (clientCertPem && !clientCertPem.includes("-----BEGIN CERTIFICATE-----")) {
    throw new HandshakeError("PLUGIN_CLIENT_CERT is not a PEM certificate");
  }
  return {
    clientCertPem,
    socketDir: env.PLUGIN_UNIX_SOCKET_DIR || undefined,
    portRange: min !== undefined || max !== undefined ? { min: min ?? 1024, max: max ?? 65535 } : undefined,
  };
}

/** The line the host reads from our stdout; the cert is base64 DER without padding. */
export function handshakeLine(socketPath: string, serverCertDer: Buffer | undefined): string {
  const cert = serverCertDer ? serverCertDer.toString("base64").replace(/=+$/, "") : "";
  return `${CORE_PROTOCOL_VERSION}|${APP_PROTOCOL_VERSION}|unix|${socketPath}|grpc|${cert}`;
}
