/**
 * CLOCK_REALTIME minus CLOCK_MONOTONIC, read by udp-meter in one tight
 * sandwich (tens of ns). FRR logs wall-clock time; everything else in the
 * benchmark (meter, BPF ktime) is monotonic, so log times are converted
 * with this offset, read again before every failure so NTP slewing between
 * failures cannot accumulate.
 */
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { BenchError } from "./errors";

const execFileAsync = promisify(execFile);

/** Realtime minus monotonic, in ns (a realtime ns count does not fit a double). */
export async function realtimeOffsetNs(meterBinary: string): Promise<bigint> {
  const argv = [meterBinary, "clock"];
  const { stdout } = await execFileAsync(argv[0]!, argv.slice(1));
  const rt = /"realtimeNs":(\d+)/.exec(stdout)?.[1];
  const mono = /"monotonicNs":(\d+)/.exec(stdout)?.[1];
  if (!rt || !mono) throw new BenchError("udp-meter clock printed no clock pair", { command: argv, stderr: stdout });
  return BigInt(rt) - BigInt(mono);
}

/** A wall-clock time in ns since the epoch, as a monotonic ns reading. */
export function realtimeToMonotonicNs(realtimeNs: bigint, offsetNs: bigint): number {
  return Number(realtimeNs - offsetNs);
}
