/**
 * The lab's wire namespace: every lab link is two veth pairs, router (or
 * host) end <-> wire port, and wire.bpf.o on each port's ingress passes
 * frames to the other port of the link unless the link's cut word says
 * otherwise. A failure is one map write (one bpf(2) call), so both
 * directions stop in the same instant; nothing changes inside the routers.
 *
 * The program and its maps are pinned in a bpffs of the lab's own, mounted
 * in the lab's state directory, so two labs never share a map.
 */
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { endianness } from "node:os";
import { join, resolve } from "node:path";
import { run } from "../system/run";
import { stateDir, wireNetnsName } from "../system/names";
import { LabStateError } from "../errors";
import type { LabPlan } from "../topology/addressing";
import { CUT_BOTH, CUT_IN_GROUP, wireLinks, type WireLink } from "./ports";

/** dist/lab/wire/wire.bpf.o, built by lab/wire/Makefile next to this file's compiled form. */
export const WIRE_OBJECT = resolve(__dirname, "wire.bpf.o");

function bpffsHolder(lab: string): string {
  return join(stateDir(lab), "wire");
}

function bpffsDir(lab: string): string {
  return join(bpffsHolder(lab), "bpffs");
}

const pinned = (lab: string, name: "prog" | "wire_cuts" | "wire_counters" | "wire_group"): string =>
  name === "prog" ? join(bpffsDir(lab), "wire") : join(bpffsDir(lab), "maps", name);

/** Runs argv in the wire's network namespace but this machine's mount namespace (where the pins are). */
function inWire(lab: string, argv: readonly string[]): string[] {
  return ["nsenter", `--net=/run/netns/${wireNetnsName(lab)}`, "--", ...argv];
}

/** Creates the wire namespace; the links come with connectLinks, the program with attachWire. */
export async function createWire(plan: LabPlan): Promise<void> {
  if (!existsSync(WIRE_OBJECT)) throw new LabStateError(`the lab's wire program ${WIRE_OBJECT} is missing; run 'npm run build'`);
  const ns = wireNetnsName(plan.name);
  await run(["ip", "netns", "add", ns]);
  // The wire is not a node: it must not send router solicitations or MLD reports of its own.
  await run(["ip", "netns", "exec", ns, "sysctl", "-q", "-w", "net.ipv6.conf.all.disable_ipv6=1", "net.ipv6.conf.default.disable_ipv6=1"]);
}

/** Makes every link of the plan: each endpoint's interface is born in its namespace, facing a wire port. */
export async function connectLinks(plan: LabPlan, netnsOf: (node: string) => string): Promise<void> {
  const ns = wireNetnsName(plan.name);
  // One ip process for all of them: two veth pairs per link.
  const lines = wireLinks(plan).flatMap((w) => {
    const l = plan.links[w.index]!;
    return ([[w.a, l.a], [w.b, l.b]] as const).map(([port, end]) =>
      `link add ${port.name} index ${port.ifindex} netns ${ns} type veth peer name ${end.ifname} netns ${netnsOf(end.node)}\n`);
  });
  await run(["ip", "-batch", "-"], { input: lines.join("") });
}

/**
 * Loads the program and puts it on every port. Called after the routers'
 * sshd started: their mount namespaces are copies of this one made at that
 * moment, and the wire's bpffs, mounted later under a private mount point,
 * never reaches them, so no router sees the wire's maps. A router started
 * later (a reboot, or another lab's) copies it, and its start script
 * (lab/nodes/router.ts) detaches it in the router's namespace.
 */
export async function attachWire(plan: LabPlan): Promise<void> {
  const ns = wireNetnsName(plan.name);
  const holder = bpffsHolder(plan.name);
  const dir = bpffsDir(plan.name);
  mkdirSync(holder, { recursive: true, mode: 0o700 });
  await run(["mount", "--bind", holder, holder]);
  await run(["mount", "--make-private", holder]);
  mkdirSync(dir, { mode: 0o700 });
  await run(["mount", "-t", "bpf", "bpf", dir]);
  await run(["bpftool", "prog", "load", WIRE_OBJECT, pinned(plan.name, "prog"), "type", "classifier", "pinmaps", join(dir, "maps")]);
  const ports = wireLinks(plan).flatMap((w) => [w.a.name, w.b.name]);
  await run(inWire(plan.name, ["tc", "-batch", "-"]), {
    input: ports.map((p) => `qdisc add dev ${p} clsact\nfilter add dev ${p} ingress pref 1 bpf da object-pinned ${pinned(plan.name, "prog")}\n`).join(""),
  });
  await run(["ip", "-n", ns, "-batch", "-"], { input: ports.map((p) => `link set ${p} up\n`).join("") });
}

/** Writes a link's cut bits (ports.ts): the one write that fails or heals both directions at once. */
export async function setCut(lab: string, link: number, bits: number): Promise<void> {
  await run(["bpftool", "map", "update", "pinned", pinned(lab, "wire_cuts"), "key", ...u32Bytes(link), "value", ...u32Bytes(bits)]);
}

/** Cuts (or heals) every link marked CUT_IN_GROUP with one write: several links fail in the same instant. */
export async function setGroupCut(lab: string, on: boolean): Promise<void> {
  await run(["bpftool", "map", "update", "pinned", pinned(lab, "wire_group"), "key", ...u32Bytes(0), "value", ...u32Bytes(on ? 1 : 0)]);
}

/** Whether the group cut is on. */
export async function groupCutOn(lab: string): Promise<boolean> {
  const out = await run(["bpftool", "-j", "map", "lookup", "pinned", pinned(lab, "wire_group"), "key", ...u32Bytes(0)]);
  return ((JSON.parse(out.stdout) as { formatted?: { value?: number } }).formatted?.value ?? 0) !== 0;
}

/** Carrier loss on both ends at once: both wire ports of the link down (or up again). */
export async function setCarrier(plan: LabPlan, link: number, up: boolean): Promise<void> {
  const w = wireLinks(plan)[link]!;
  await run(["ip", "-n", wireNetnsName(plan.name), "-batch", "-"], {
    input: `link set ${w.a.name} ${up ? "up" : "down"}\nlink set ${w.b.name} ${up ? "up" : "down"}\n`,
  });
}

export interface WireLinkState {
  /** The directions the wire drops now (CUT_FROM_A | CUT_FROM_B bits). */
  readonly cut: number;
  /** Marked a member of the group cut. */
  readonly inGroup: boolean;
  /** False when a wire port is down: the routers see no carrier. */
  readonly carrier: boolean;
  /** Frames sent by side a and by side b: passed on, dropped by a cut. */
  readonly fromA: WirePortFrames;
  readonly fromB: WirePortFrames;
}

/** What the wire did with the frames one side sent. */
export interface WirePortFrames {
  readonly passed: number;
  readonly dropped: number;
  /** CLOCK_MONOTONIC when the last frame passed (0: none yet). */
  readonly lastPassedNs: number;
  /** CLOCK_MONOTONIC of the first frame dropped since then (stale, below lastPassedNs, while frames pass). */
  readonly firstDroppedNs: number;
}

/** What the wire holds for every link of the plan, read in three commands. */
export async function readWire(plan: LabPlan): Promise<WireLinkState[]> {
  const [cuts, counters, down, group] = await Promise.all([dumpMap(plan.name, "wire_cuts"), dumpMap(plan.name, "wire_counters"), portsDown(plan.name), groupCutOn(plan.name)]);
  // What the wire drops: a link's own bits, and both directions of a group member while the group is cut.
  const effective = (word: number) => (word & CUT_BOTH) | (group && word & CUT_IN_GROUP ? CUT_BOTH : 0);
  const count = (port: number): WirePortFrames => {
    const v = counters.get(port) as { passed?: number; dropped?: number; last_passed_ns?: number; first_dropped_ns?: number } | undefined;
    return { passed: v?.passed ?? 0, dropped: v?.dropped ?? 0, lastPassedNs: v?.last_passed_ns ?? 0, firstDroppedNs: v?.first_dropped_ns ?? 0 };
  };
  return wireLinks(plan).map((w: WireLink) => ({
    cut: effective((cuts.get(w.index) as number | undefined) ?? 0),
    inGroup: (((cuts.get(w.index) as number | undefined) ?? 0) & CUT_IN_GROUP) !== 0,
    carrier: !down.has(w.a.name) && !down.has(w.b.name),
    fromA: count(2 * w.index),
    fromB: count(2 * w.index + 1),
  }));
}

/** Wire ports that are down (a carrier failure). */
async function portsDown(lab: string): Promise<Set<string>> {
  const ports = await run(["ip", "-n", wireNetnsName(lab), "-j", "link", "show"]);
  return new Set((JSON.parse(ports.stdout || "[]") as { ifname: string; flags: string[] }[])
    .filter((l) => !l.flags.includes("UP")).map((l) => l.ifname));
}

/** False while a carrier failure holds the link's wire ports down. */
export async function hasCarrier(plan: LabPlan, link: number): Promise<boolean> {
  const w = wireLinks(plan)[link]!;
  const down = await portsDown(plan.name);
  return !down.has(w.a.name) && !down.has(w.b.name);
}

async function dumpMap(lab: string, name: "wire_cuts" | "wire_counters"): Promise<Map<number, unknown>> {
  const out = await run(["bpftool", "-j", "map", "dump", "pinned", pinned(lab, name)]);
  const entries = JSON.parse(out.stdout || "[]") as { formatted?: { key: number; value: unknown } }[];
  return new Map(entries.filter((e) => e.formatted).map((e) => [e.formatted!.key, e.formatted!.value]));
}

/** Unmounts the lab's wire bpffs (its pins go with it); the namespace goes with the lab's others. */
export async function removeWire(lab: string): Promise<void> {
  const mounts = readFileSync("/proc/self/mounts", "utf8").split("\n").map((l) => l.split(" ")[1]);
  for (const dir of [bpffsDir(lab), bpffsHolder(lab)]) {
    while (mounts.includes(dir)) {
      await run(["umount", dir]);
      mounts.splice(mounts.indexOf(dir), 1);
    }
  }
}

function u32Bytes(n: number): string[] {
  const b = Buffer.alloc(4);
  if (endianness() === "LE") b.writeUInt32LE(n); else b.writeUInt32BE(n);
  return [...b].map(String);
}
