/**
 * Serves the provider over gRPC on a unix socket, with mutual TLS when the
 * host sends its client certificate (Terraform and OpenTofu always do), and
 * prints the handshake line once the socket accepts connections.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type * as grpcTypes from "@grpc/grpc-js";
import { handshakeLine, type HandshakeSettings } from "./handshake";
import { log } from "./log";
import { loadServices } from "./protocol";
import { ProviderService } from "./provider-service";
import type { ResourceBackend } from "./backend";
import { makeServerIdentity } from "./tls";

/** grpc-js refuses messages over 4 MB by default; schemas and states of big networks exceed it. */
const MAX_MESSAGE_BYTES = 256 * 1024 * 1024;

export interface RunningServer {
  socketPath: string;
  line: string;
  /** Resolves when the host asked us to shut down (or a signal did). */
  done: Promise<void>;
  shutdown(reason: string): Promise<void>;
}

type UnaryHandler = (req: Record<string, unknown>) => Promise<Record<string, unknown>>;

/** Wraps a handler so that nothing it throws crosses gRPC as an exception. */
function unary(name: string, fn: UnaryHandler): grpcTypes.handleUnaryCall<Record<string, unknown>, Record<string, unknown>> {
  return (call, callback) => {
    const started = process.hrtime.bigint();
    fn(call.request).then(
      (res) => {
        log("debug", `${name} ${(Number(process.hrtime.bigint() - started) / 1e6).toFixed(1)} ms`);
        callback(null, res);
      },
      (err: unknown) => {
        // Handlers already turn errors into diagnostics; this is the last guard.
        log("error", `${name} failed: ${(err as Error)?.stack ?? String(err)}`);
        callback(null, {
          diagnostics: [{ severity: 1, summary: `srv6 provider internal error in ${name}`, detail: String((err as Error)?.stack ?? err) }],
        });
      },
    );
  };
}

export async function startServer(
  settings: HandshakeSettings,
  getBackend: () => Promise<ResourceBackend>,
  loadedBackend: () => Promise<ResourceBackend> | undefined = () => undefined,
): Promise<RunningServer> {
  const phases: string[] = [];
  let mark = process.hrtime.bigint();
  const phase = (name: string) => {
    const now = process.hrtime.bigint();
    phases.push(`${name} ${(Number(now - mark) / 1e6).toFixed(1)}`);
    mark = now;
  };
  // Key generation runs on libuv's thread pool: start it, then load gRPC meanwhile.
  const identityPromise = settings.clientCertPem ? makeServerIdentity() : Promise.resolve(undefined);
  phase("cert-start");
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const grpc = require("@grpc/grpc-js") as typeof grpcTypes;
  phase("grpc-js");
  const services = loadServices(grpc);
  phase("protos");
  const identity = await identityPromise;
  phase("cert");

  const base = settings.socketDir ?? os.tmpdir();
  // sockaddr_un holds 108 bytes: a longer path fails to bind with an obscure error.
  if (path.join(base, "srv6-plugin-XXXXXX", "provider.sock").length > 107) {
    throw new Error(`socket directory ${base} is too long for a unix socket path: set PLUGIN_UNIX_SOCKET_DIR or TMPDIR to a shorter directory`);
  }
  const socketDir = fs.mkdtempSync(path.join(base, "srv6-plugin-"));
  const socketPath = path.join(socketDir, "provider.sock");

  const server = new grpc.Server({
    "grpc.max_receive_message_length": MAX_MESSAGE_BYTES,
    "grpc.max_send_message_length": MAX_MESSAGE_BYTES,
  });

  let resolveDone!: () => void;
  const done = new Promise<void>((r) => (resolveDone = r));
  const openStreams = new Set<grpcTypes.ServerWritableStream<unknown, unknown> | grpcTypes.ServerDuplexStream<unknown, unknown>>();
  let stopping = false;
  const shutdown = async (reason: string): Promise<void> => {
    if (stopping) return done;
    stopping = true;
    log("info", `shutting down: ${reason}`);
    // First: the host kills a plugin that takes long to stop (go-plugin after
    // 2 s), and our own drain may take that long. A bound socket's path can go
    // while it still serves the connections it has.
    fs.rmSync(socketDir, { recursive: true, force: true });
    for (const s of openStreams) s.end();
    await new Promise<void>((resolve) => {
      const force = setTimeout(() => {
        server.forceShutdown();
        resolve();
      }, 2000);
      server.tryShutdown(() => {
        clearTimeout(force);
        resolve();
      });
    });
    fs.rmSync(socketDir, { recursive: true, force: true });
    resolveDone();
  };

  const provider = new ProviderService(getBackend, loadedBackend);
  const impl: grpcTypes.UntypedServiceImplementation = {};
  for (const name of Object.keys(services.provider)) {
    const method = (provider as unknown as Record<string, UnaryHandler | undefined>)[name];
    if (typeof method === "function") impl[name] = unary(name, method.bind(provider));
  }
  server.addService(services.provider, impl);
  server.addService(services.controller, {
    Shutdown: (_call: unknown, callback: grpcTypes.sendUnaryData<object>) => {
      callback(null, {});
      // Answer first, then stop: the host waits for the reply.
      setImmediate(() => void shutdown("host called Shutdown"));
    },
  });
  server.addService(services.stdio, {
    StreamStdio: (call: grpcTypes.ServerWritableStream<unknown, unknown>) => {
      // We log to our real stderr, which the host reads too: keep the stream open and silent.
      openStreams.add(call);
      call.on("cancelled", () => openStreams.delete(call));
    },
  });
  server.addService(services.broker, {
    StartStream: (call: grpcTypes.ServerDuplexStream<unknown, unknown>) => {
      openStreams.add(call);
      call.on("data", () => undefined);
      call.on("end", () => {
        openStreams.delete(call);
        call.end();
      });
      call.on("cancelled", () => openStreams.delete(call));
    },
  });
  server.addService(services.health, {
    Check: (_call: unknown, callback: grpcTypes.sendUnaryData<object>) => callback(null, { status: 1 }),
  });

  const credentials = identity
    ? grpc.ServerCredentials.createSsl(
        Buffer.from(settings.clientCertPem!),
        [{ private_key: Buffer.from(identity.keyPem), cert_chain: Buffer.from(identity.certPem) }],
        true, // only the host holding the client certificate may talk to us
      )
    : grpc.ServerCredentials.createInsecure();

  try {
    await new Promise<void>((resolve, reject) => {
      server.bindAsync(`unix://${socketPath}`, credentials, (err) => (err ? reject(err) : resolve()));
    });
  } catch (err) {
    fs.rmSync(socketDir, { recursive: true, force: true });
    throw new Error(`cannot serve on ${socketPath}: ${(err as Error).message}`, { cause: err });
  }
  fs.chmodSync(socketPath, 0o600);
  phase("bind");
  log("debug", `start-up phases (ms): ${phases.join(", ")}`);
  if (settings.portRange) log("debug", `PLUGIN_MIN_PORT/MAX_PORT ${settings.portRange.min}-${settings.portRange.max} ignored: serving on a unix socket`);
  return { socketPath, line: handshakeLine(socketPath, identity?.certDer), done, shutdown };
}
