/**
 * A constant-rate, sequenced UDP stream between two lab hosts, with
 * receiver-side timestamps: how many datagrams arrived and the longest gap
 * between consecutive arrivals (the loss window). Python stdlib on the hosts.
 */
import type { LabLike } from "../helpers/dataplane";
import { readyPath, waitReady } from "../helpers/ready-file";

const RECEIVER = `import json,socket,struct,sys,time
s=socket.socket(socket.AF_INET6,socket.SOCK_DGRAM)
s.bind(("::",int(sys.argv[1])))
s.settimeout(0.05)
end=time.monotonic()+float(sys.argv[2])
final=int(sys.argv[3])
n=0;first=None;last=None;prev=None;gap=0.0;gap_after=None
open(sys.argv[4],"w").close()
while time.monotonic()<end and last!=final:
    try:
        d=s.recv(64)
    except socket.timeout:
        continue
    t=time.monotonic();seq=struct.unpack("!Q",d[:8])[0];n+=1
    if first is None: first=seq
    if prev is not None and t-prev>gap: gap=t-prev;gap_after=last
    prev=t;last=seq
print(json.dumps({"received":n,"firstSeq":first,"lastSeq":last,"maxGapMs":gap*1000,"gapAfterSeq":gap_after}))
`;

const SENDER = `import socket,struct,sys,time
s=socket.socket(socket.AF_INET6,socket.SOCK_DGRAM)
dst=(sys.argv[1],int(sys.argv[2]));rate=float(sys.argv[3]);count=int(sys.argv[4])
t0=time.monotonic();iv=1.0/rate
for i in range(count):
    due=t0+i*iv
    d=due-time.monotonic()
    if d>0: time.sleep(d)
    try: s.sendto(struct.pack("!Q",i)+b"x"*56,dst)
    except OSError: pass
print(count)
`;

export interface StreamResult {
  readonly sent: number;
  readonly received: number;
  readonly firstSeq: number | null;
  readonly lastSeq: number | null;
  /** Longest time between two consecutive arrivals. */
  readonly maxGapMs: number;
}

export interface RunningStream {
  /** Resolves when both ends finished. */
  readonly done: Promise<StreamResult>;
}

/**
 * Starts a stream of `rate` datagrams/s for `seconds` from host `from` to
 * host `to`; resolves once the receiver is listening.
 */
export async function startStream(lab: LabLike, from: string, to: string, opts: { rate: number; seconds: number; port: number; address?: string }): Promise<RunningStream> {
  // `address`: another address the receiving host answers for (a route of type local).
  const dst = opts.address ?? lab.inventory.hosts[to]!.address;
  const count = Math.round(opts.rate * opts.seconds);
  // The receiver stops at the last datagram, or at a deadline generous enough
  // for a sender slowed down by a loaded machine.
  const ready = readyPath(`stream-${opts.port}`);
  const receiving = lab.exec(to, ["python3", "-c", RECEIVER, String(opts.port), String(opts.seconds + 8), String(count - 1), ready], { timeoutMs: (opts.seconds + 15) * 1000 });
  await waitReady(ready, receiving);
  const sending = lab.exec(from, ["python3", "-c", SENDER, dst, String(opts.port), String(opts.rate), String(count)], { timeoutMs: (opts.seconds + 10) * 1000 });
  const done = (async () => {
    const [s, r] = await Promise.all([sending, receiving]);
    if (s.code !== 0) throw new Error(`stream sender on ${from} failed (exit ${s.code}): ${s.stderr}`);
    if (r.code !== 0) throw new Error(`stream receiver on ${to} failed (exit ${r.code}): ${r.stderr}`);
    const line = r.stdout.trim().split("\n").pop()!;
    return { sent: count, ...(JSON.parse(line) as Omit<StreamResult, "sent">) };
  })();
  return { done };
}
