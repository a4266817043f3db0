/**
 * Logs of the plugin. They go to stderr: stdout belongs to the handshake.
 * Under a host (go-plugin), each line is an hclog JSON record, so the host
 * files it at its real level in its own log (TF_LOG); run by hand, plain text.
 */
export type LogLevel = "debug" | "info" | "warn" | "error";

const order: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 };

function threshold(): number {
  const v = (process.env.SRV6_PROVIDER_LOG ?? "debug").toLowerCase();
  return v in order ? order[v as LogLevel] : order.debug;
}

function underHost(): boolean {
  return process.env.TF_PLUGIN_MAGIC_COOKIE !== undefined;
}

export function log(level: LogLevel, message: string): void {
  if (order[level] < threshold()) return;
  if (underHost()) {
    // go-plugin parses the timestamp with exactly six fractional digits.
    const timestamp = new Date().toISOString().replace(/\.(\d{3})Z$/, ".$1000Z");
    process.stderr.write(`${JSON.stringify({ "@level": level, "@message": message, "@timestamp": timestamp })}\n`);
  } else {
    process.stderr.write(`[${level.toUpperCase()}] terraform-provider-srv6: ${message}\n`);
  }
}
