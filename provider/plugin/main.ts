/**
 * Entry point of terraform-provider-srv6: check the handshake, serve, print
 * the handshake line, and live until the host shuts us down.
 *
 * Start-up time matters (the host starts the provider several times per
 * command): only what the handshake needs is loaded before the line is
 * printed; the backend (engine) loads on the first RPC that needs it.
 */
import { backendIfRequested, getBackend } from "./backend-loader";
import { HandshakeError, readHandshake } from "./handshake";
import { log } from "./log";
import { startServer } from "./server";

export async function main(): Promise<number> {
  const startedAt = process.hrtime.bigint();
  let settings;
  try {
    settings = readHandshake(process.env);
  } catch (err) {
    if (err instanceof HandshakeError) {
      process.stderr.write(err.forHumans ? `${err.message}\n` : `terraform-provider-srv6: refusing to start: ${err.message}\n`);
      return 1;
    }
    throw err;
  }

  const server = await startServer(settings, getBackend, backendIfRequested);
  process.stdout.write(`${server.line}\n`);
  log("info", `serving plugin protocol 6 on ${server.socketPath}; ready ${(Number(process.hrtime.bigint() - startedAt) / 1e6).toFixed(1)} ms after main() (${(process.uptime() * 1000).toFixed(0)} ms after process start)`);

  // The host sends SIGINT to its whole process group on Ctrl-C and then
  // calls StopProvider itself: like go-plugin servers, do not die on it.
  process.on("SIGINT", () => log("info", "SIGINT ignored: the host stops the provider through the protocol"));
  process.on("SIGTERM", () => void server.shutdown("SIGTERM"));

  await server.done;
  return 0;
}

/** Runs main() as the process: sets the exit code, and exits once done. */
export function runAsProcess(): void {
  main().then(
    (code) => {
      process.exitCode = code;
      // Lingering handles (backend connections) must not keep a finished provider alive.
      if (code === 0) setTimeout(() => process.exit(0), 200).unref();
    },
    (err: unknown) => {
      process.stderr.write(`terraform-provider-srv6: fatal: ${(err as Error)?.stack ?? String(err)}\n`);
      process.exit(1);
    },
  );
}

if (require.main === module) runAsProcess();
