import { connect } from "node:net";
import { LabStateError } from "../errors";

/**
 * Resolves once host:port answers with data (sshd's banner), retrying every
 * 50 ms; a bare TCP accept is not enough, sshd may still be starting.
 */
export function waitForPort(host: string, port: number, timeoutMs: number, router: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const attempt = (): void => {
      const socket = connect({ host, port, timeout: 1000 });
      socket.once("data", () => { socket.destroy(); resolve(); });
      socket.once("error", retry);
      socket.once("timeout", () => { socket.destroy(); retry(); });
    };
    const retry = (): void => {
      if (Date.now() > deadline) reject(new LabStateError(`router ${router}: sshd did not answer on ${host}:${port} within ${timeoutMs} ms (see its sshd.log in the lab state directory)`));
      else setTimeout(attempt, 50);
    };
    attempt();
  });
}
