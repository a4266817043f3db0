/**
 * Logs of the plugin. They go to stderr: stdout belongs to the handshake,
 * and the host (go-plugin) copies our stderr into its own log (TF_LOG).
 */
export type LogLevel = "debug" | "info" | "warn" | "error";

const order: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 };

function threshold(): number {
  const v = (process.env.SRV6_PROVIDER_LOG ?? "info").toLowerCase();
  return v in order ? order[v as LogLevel] : order.info;
}

export function log(level: LogLevel, message: string): void {
  if (order[level] < threshold()) return;
  process.stderr.write(`[${level.toUpperCase()}] terraform-provider-srv6: ${message}\n`);
}
