/**
 * Runs udp-meter on two lab hosts: a receiver, then a constant-rate sender
 * towards it, and collects the receiver's events as they come.
 *
 * Both run under SCHED_FIFO (chrt -f): the meter is the measuring
 * instrument, it must not be delayed by the CPU load it is used to test
 * (idle, this VM delays a normal-priority 100 us timer by 2-5 ms a dozen
 * times a second; at FIFO priority the worst lateness seen was 0.6 ms).
 * The sender sleeps between packets, so FIFO costs the routers nothing.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createInterface } from "node:readline";
import { MeterError, MeterTimeoutError } from "./errors";
import { parseReceiverLine, type ReceiverEvent, type SentEvent, type EndEvent } from "./events";

export interface MeterOptions {
  readonly binary: string;
  /** Wraps an argv so it runs on the sending / receiving host (e.g. `ip netns exec NS ...`). */
  readonly onSender: (argv: string[]) => string[];
  readonly onReceiver: (argv: string[]) => string[];
  readonly senderNode: string;
  readonly receiverNode: string;
  /** Receiver's IPv6 address. */
  readonly destination: string;
  readonly port: number;
  readonly ratePps: number;
  /** SCHED_FIFO priority of both ends; 0 runs them at normal priority. */
  readonly fifoPriority?: number;
  /** A receive pause longer than this without loss is reported as a stall. */
  readonly stallUs?: number;
  /** How often the receiver reports its totals (tick events). @default 1000 */
  readonly tickMs?: number;
}

export interface MeterTotals {
  readonly sent?: SentEvent;
  readonly end?: EndEvent;
}

type Waiter = { match: (e: ReceiverEvent) => boolean; resolve: (e: ReceiverEvent) => void };

export class TrafficMeter {
  readonly events: ReceiverEvent[] = [];
  private readonly waiters = new Set<Waiter>();
  private sender?: ChildProcess;
  private sentLine = "";
  private senderStderr = "";
  private receiverStderr = "";
  private receiverExited = false;

  private constructor(private readonly opts: MeterOptions, private readonly receiver: ChildProcess) {}

  static async start(opts: MeterOptions): Promise<TrafficMeter> {
    const prio = opts.fifoPriority ?? 50;
    const rt = (argv: string[]) => (prio > 0 ? ["chrt", "-f", String(prio), ...argv] : argv);
    const recvArgv = opts.onReceiver(rt([opts.binary, "recv", "--port", String(opts.port), "--stall-us", String(opts.stallUs ?? 2000), "--tick-ms", String(opts.tickMs ?? 1000)]));
    const receiver = spawn(recvArgv[0]!, recvArgv.slice(1), { stdio: ["ignore", "pipe", "pipe"] });
    const meter = new TrafficMeter(opts, receiver);
    meter.attachReceiver(recvArgv);
    try {
      await meter.waitFor((e) => e.ev === "ready", 5000, "the receiver to bind its port");
      const sendArgv = opts.onSender(rt([
        opts.binary, "send", "--dst", opts.destination, "--port", String(opts.port), "--rate", String(opts.ratePps),
      ]));
      meter.sender = spawn(sendArgv[0]!, sendArgv.slice(1), { stdio: ["ignore", "pipe", "pipe"] });
      meter.sender.stdout!.setEncoding("utf8").on("data", (d: string) => { meter.sentLine += d; });
      meter.sender.stderr!.setEncoding("utf8").on("data", (d: string) => { meter.senderStderr += d; });
      await meter.waitFor((e) => e.ev === "start", 5000, `the first packet from ${opts.senderNode} at ${opts.receiverNode}`);
    } catch (err) {
      await meter.stop();
      throw err;
    }
    return meter;
  }

  private attachReceiver(argv: string[]): void {
    const lines = createInterface({ input: this.receiver.stdout! });
    lines.on("line", (line) => {
      const ev = parseReceiverLine(line);
      if (!ev) return;
      this.events.push(ev);
      for (const w of [...this.waiters]) {
        if (w.match(ev)) {
          this.waiters.delete(w);
          w.resolve(ev);
        }
      }
    });
    this.receiver.stderr!.setEncoding("utf8").on("data", (d: string) => { this.receiverStderr += d; });
    this.receiver.on("exit", (code) => {
      this.receiverExited = true;
      if (code !== 0 && code !== null) {
        this.receiverStderr += `\n(receiver exited with ${code}: ${argv.join(" ")})`;
      }
    });
  }

  /** Resolves with the first event, already received or to come, that matches. */
  waitFor(match: (e: ReceiverEvent) => boolean, timeoutMs: number, what: string): Promise<ReceiverEvent> {
    const seen = this.events.find(match);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        match,
        resolve: (e) => {
          clearTimeout(timer);
          resolve(e);
        },
      };
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        reject(new MeterTimeoutError(`traffic meter: timed out after ${timeoutMs} ms waiting for ${what}`, {
          node: this.opts.receiverNode,
          stderr: `${this.receiverStderr}\n${this.senderStderr}`,
        }));
      }, timeoutMs);
      this.waiters.add(waiter);
    });
  }

  get receiverNode(): string {
    return this.opts.receiverNode;
  }

  /** Latest receiver tick, to check the stream still flows. */
  lastTick(): Extract<ReceiverEvent, { ev: "tick" }> | undefined {
    for (let i = this.events.length - 1; i >= 0; i--) {
      const e = this.events[i]!;
      if (e.ev === "tick") return e;
    }
    return undefined;
  }

  get alive(): boolean {
    return !this.receiverExited && this.sender !== undefined && this.sender.exitCode === null;
  }

  /** Stops the sender, then the receiver, and returns both totals. Safe to call twice. */
  async stop(): Promise<MeterTotals> {
    await terminate(this.sender);
    await terminate(this.receiver);
    const sent = this.sentLine.split("\n").map((l) => l.trim()).filter((l) => l.startsWith("{"))
      .map((l) => JSON.parse(l) as SentEvent).find((e) => e.ev === "sent");
    const end = this.events.find((e): e is EndEvent => e.ev === "end");
    return { sent, end };
  }

  assertAlive(): void {
    if (!this.alive) {
      throw new MeterError("traffic meter stopped unexpectedly", {
        node: this.receiverExited ? this.opts.receiverNode : this.opts.senderNode,
        stderr: `${this.receiverStderr}\n${this.senderStderr}`,
      });
    }
  }
}

/** SIGTERM (the meter prints its totals and exits), SIGKILL after 2 s. */
function terminate(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill("SIGKILL"), 2000);
    child.once("exit", () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill("SIGTERM");
  });
}
