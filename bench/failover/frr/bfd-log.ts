/**
 * bfdd's state changes, from its log (`debug bfd peer`, microsecond
 * timestamps). The log is the most precise detection time FRR offers: bfdd
 * writes the line in the same event-loop turn in which its detection timer
 * fires, while polling `show bfd peers` would add the poll period. Log
 * times are local wall-clock time (the daemons share this machine's zone).
 */
export interface BfdStateChange {
  /** Wall-clock ns since the epoch. */
  readonly realtimeNs: bigint;
  readonly ifname: string;
  readonly peer: string;
  /** The session's local address: with peer and ifname, it names one session. */
  readonly local: string;
  readonly from: string;
  readonly to: string;
  readonly reason?: string;
}

const LINE =
  /^(\d{4})\/(\d{2})\/(\d{2}) (\d{2}):(\d{2}):(\d{2})\.(\d{6}) BFD: .*state-change: \[([^\]]*)\] (\S+) -> (\S+)(?: reason:(\S+))?/;

export function parseBfdStateChanges(log: string): BfdStateChange[] {
  const out: BfdStateChange[] = [];
  for (const line of log.split("\n")) {
    const m = LINE.exec(line);
    if (!m) continue;
    const [, y, mo, d, h, mi, s, us, attrs, from, to, reason] = m;
    const ms = new Date(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s)).getTime();
    const fields = Object.fromEntries(attrs!.split(" ").map((kv) => {
      const i = kv.indexOf(":");
      return [kv.slice(0, i), kv.slice(i + 1)];
    }));
    out.push({
      realtimeNs: BigInt(ms) * 1_000_000n + BigInt(us!) * 1000n,
      ifname: fields.ifname ?? "",
      peer: fields.peer ?? "",
      local: fields.local ?? "",
      from: from!,
      to: to!,
      reason,
    });
  }
  return out;
}

/** Transitions out of `up` into `down`: the events that make ospf6d drop the adjacency. */
export function downEvents(changes: readonly BfdStateChange[], ifname: string): BfdStateChange[] {
  return changes.filter((c) => c.ifname === ifname && c.from === "up" && c.to === "down");
}
