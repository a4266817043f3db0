/** CLOCK_MONOTONIC ns: libuv's hrtime is the clock the meter and bpf_ktime_get_ns() use. */
export function monoNowNs(): number {
  return Number(process.hrtime.bigint());
}
