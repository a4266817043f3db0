/**
 * Starts terraform-provider-srv6 the way go-plugin hosts do (environment,
 * client certificate) and talks to it with a grpc-js client: for tests that
 * check the handshake and RPCs without tofu.
 */
import { spawn, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as grpc from "@grpc/grpc-js";
import { loadServices } from "../../provider/plugin/protocol";
import { MAGIC_COOKIE_VALUE } from "../../provider/plugin/handshake";
import { FAKE_FILE_ENV } from "./fake-backend";

export const LAUNCHER = path.resolve(__dirname, "../../../bin/terraform-provider-srv6");

export interface ClientIdentity {
  certPem: string;
  keyPem: string;
}

/** A client certificate like the one go-plugin makes for each plugin it starts. */
export async function makeClientIdentity(): Promise<ClientIdentity> {
  const selfsigned = await import("selfsigned");
  const pems = await selfsigned.generate([{ name: "commonName", value: "localhost" }], {
    keyType: "ec",
    curve: "P-256",
    algorithm: "sha256",
    extensions: [
      { name: "basicConstraints", cA: true },
      { name: "keyUsage", digitalSignature: true, keyEncipherment: true, keyCertSign: true },
      { name: "extKeyUsage", serverAuth: true, clientAuth: true },
      { name: "subjectAltName", altNames: [{ type: 2, value: "localhost" }] },
    ],
  });
  return { certPem: pems.cert, keyPem: pems.private };
}

export interface Started {
  child: ChildProcess;
  line: string;
  /** Milliseconds from spawn to the handshake line on stdout. */
  handshakeMs: number;
  stderr: () => string;
  exited: Promise<number | null>;
}

export class ProviderSandbox {
  readonly root = fs.mkdtempSync(path.join(os.tmpdir(), "srv6-plugin-hs-"));
  readonly tmp = path.join(this.root, "tmp");
  readonly fakeFile = path.join(this.root, "fake-routers.json");
  private readonly children: ChildProcess[] = [];

  constructor() {
    fs.mkdirSync(this.tmp);
  }

  baseEnv(): NodeJS.ProcessEnv {
    return {
      PATH: process.env.PATH,
      TMPDIR: this.tmp,
      SRV6_PROVIDER_BACKEND: path.join(__dirname, "fake-backend.js"),
      [FAKE_FILE_ENV]: this.fakeFile,
    };
  }

  hostEnv(client: ClientIdentity, versions = "5,6"): NodeJS.ProcessEnv {
    return { ...this.baseEnv(), TF_PLUGIN_MAGIC_COOKIE: MAGIC_COOKIE_VALUE, PLUGIN_PROTOCOL_VERSIONS: versions, PLUGIN_MIN_PORT: "10000", PLUGIN_MAX_PORT: "25000", PLUGIN_CLIENT_CERT: client.certPem };
  }

  /** Spawns the launcher; resolves at the first stdout line (or at exit). */
  start(env: NodeJS.ProcessEnv): Promise<Started> {
    const t0 = process.hrtime.bigint();
    const child = spawn(LAUNCHER, [], { env, stdio: ["ignore", "pipe", "pipe"] });
    this.children.push(child);
    let out = "";
    let err = "";
    const exited = new Promise<number | null>((r) => child.on("exit", (code) => r(code)));
    child.stderr!.on("data", (d: Buffer) => (err += d.toString()));
    return new Promise((resolve, reject) => {
      child.on("error", reject);
      const done = (line: string) => resolve({ child, line, handshakeMs: Number(process.hrtime.bigint() - t0) / 1e6, stderr: () => err, exited });
      child.stdout!.on("data", (d: Buffer) => {
        out += d.toString();
        const nl = out.indexOf("\n");
        if (nl >= 0) done(out.slice(0, nl));
      });
      void exited.then(() => done(out));
    });
  }

  leftoverSockets(): string[] {
    return fs.readdirSync(this.tmp).filter((f) => f.startsWith("srv6-plugin-"));
  }

  cleanup(): void {
    for (const c of this.children) if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
    fs.rmSync(this.root, { recursive: true, force: true });
  }
}

export type UnaryCall = (req: object) => Promise<Record<string, unknown>>;

export interface ProviderClients {
  provider: Record<string, UnaryCall>;
  controller: Record<string, UnaryCall>;
  health: Record<string, UnaryCall>;
  close(): void;
}

function promisify(client: grpc.Client, names: string[]): Record<string, UnaryCall> {
  const out: Record<string, UnaryCall> = {};
  for (const name of names) {
    const fn = (client as unknown as Record<string, (req: object, cb: (e: Error | null, r: Record<string, unknown>) => void) => void>)[name];
    out[name] = (req) => new Promise((resolve, reject) => fn.call(client, req, (e, r) => (e ? reject(e) : resolve(r))));
  }
  return out;
}

/** Clients for the socket in `line`, with TLS trusting the server cert from the line. */
export function connect(line: string, identity: ClientIdentity | undefined): ProviderClients {
  const [, , , socket, , certB64] = line.split("|");
  const der = Buffer.from(certB64, "base64");
  const pem = `-----BEGIN CERTIFICATE-----\n${der.toString("base64").replace(/(.{64})/g, "$1\n")}\n-----END CERTIFICATE-----\n`;
  const creds = identity
    ? grpc.credentials.createSsl(Buffer.from(pem), Buffer.from(identity.keyPem), Buffer.from(identity.certPem))
    : grpc.credentials.createSsl(Buffer.from(pem));
  const options = { "grpc.ssl_target_name_override": "localhost", "grpc.default_authority": "localhost", "grpc.max_send_message_length": 64 * 1024 * 1024 };
  const services = loadServices(grpc);
  const make = (def: grpc.ServiceDefinition) => new (grpc.makeGenericClientConstructor(def as grpc.ServiceDefinition<grpc.UntypedServiceImplementation>, "x"))(`unix://${socket}`, creds, options);
  const p = make(services.provider);
  const c = make(services.controller);
  const h = make(services.health);
  return {
    provider: promisify(p, Object.keys(services.provider)),
    controller: promisify(c, ["Shutdown"]),
    health: promisify(h, ["Check"]),
    close: () => [p, c, h].forEach((x) => x.close()),
  };
}
