import { labExec } from "../../lab";
import type { TestLabLike } from "./lab-session";

// A constant-rate sequenced UDP stream (python stdlib on the lab hosts).
const RECEIVER = `import socket,sys,time
s=socket.socket(socket.AF_INET6,socket.SOCK_DGRAM)
s.bind(("::",int(sys.argv[1])))
s.settimeout(0.1)
seen=set()
end=time.time()+float(sys.argv[2])
while time.time()<end:
    try:
        seen.add(int(s.recv(64)))
    except socket.timeout:
        pass
print(len(seen))
`;

const SENDER = `import socket,sys,time
s=socket.socket(socket.AF_INET6,socket.SOCK_DGRAM)
rate=int(sys.argv[3]); n=rate; t0=time.monotonic()
for i in range(n):
    d=t0+i/rate-time.monotonic()
    if d>0: time.sleep(d)
    s.sendto(str(i).encode(),(sys.argv[1],int(sys.argv[2])))
print(n)
`;

export async function measureDelivery(lab: TestLabLike, from: string, to: string, rate: number, port = 41000): Promise<{ sent: number; received: number }> {
  const receiving = labExec(lab.name, to, ["python3", "-c", RECEIVER, String(port), "1.8"]);
  await new Promise((r) => setTimeout(r, 300));
  const sent = await labExec(lab.name, from, ["python3", "-c", SENDER, lab.inventory.hosts[to]!.address, String(port), String(rate)]);
  const received = await receiving;
  if (sent.code !== 0 || received.code !== 0) throw new Error(`traffic failed: ${sent.stderr}${received.stderr}`);
  return { sent: Number(sent.stdout.trim()), received: Number(received.stdout.trim()) };
}
