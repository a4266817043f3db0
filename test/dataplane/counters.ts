/** Reading the kernel's own counters on lab routers (seg6local `count`, reasons map). */
import type { LabLike } from "../helpers/dataplane";

/** Packets the seg6local SID has processed (`ip -s -6 route show SID`). */
export async function sidPackets(lab: LabLike, router: string, sid: string): Promise<number> {
  const r = await lab.exec(router, ["ip", "-s", "-6", "route", "show", `${sid}/128`]);
  const m = /packets (\d+)/.exec(r.stdout);
  if (r.code !== 0 || !m) throw new Error(`${router}: no seg6local counters for ${sid}: ${r.stdout}${r.stderr}`);
  return Number(m[1]);
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
