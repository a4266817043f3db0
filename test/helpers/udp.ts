/**
 * One-shot UDP reachability between lab hosts: a receiver counts datagrams for
 * a while once it is bound, a sender sends a burst. Python's stdlib only, as on any host.
 */
import type { TestLab } from "./lab";
import { readyPath, waitReady } from "./ready-file";

const RECEIVER = `import socket,sys,time
s=socket.socket(socket.AF_INET6,socket.SOCK_DGRAM)
s.bind(("::",int(sys.argv[1])))
open(sys.argv[3],"w").close()
s.settimeout(0.2)
n=0
end=time.time()+float(sys.argv[2])
while time.time()<end:
    try:
        s.recv(2048); n+=1
    except socket.timeout:
        pass
print(n)
`;

const SENDER = `import socket,sys,time
s=socket.socket(socket.AF_INET6,socket.SOCK_DGRAM)
for i in range(int(sys.argv[3])):
    s.sendto(b"x"*64,(sys.argv[1],int(sys.argv[2])))
    time.sleep(0.005)
`;

/** How many of `count` datagrams sent from `from` reach `to`. */
export async function udpDelivered(lab: TestLab, from: string, to: string, count = 40, port = 40000): Promise<number> {
  const dst = lab.inventory.hosts[to]!.address;
  const ready = readyPath(`udp-${port}`);
  const receiving = lab.exec(to, ["python3", "-c", RECEIVER, String(port), "1.5", ready]);
  await waitReady(ready, receiving);
  const sent = await lab.exec(from, ["python3", "-c", SENDER, dst, String(port), String(count)]);
  if (sent.code !== 0) throw new Error(`udp sender on ${from} failed: ${sent.stderr}`);
  const received = await receiving;
  if (received.code !== 0) throw new Error(`udp receiver on ${to} failed: ${received.stderr}`);
  return Number(received.stdout.trim());
}
