/**
 * A table row every few hundred milliseconds while a link fails and heals:
 * both ends' state, probe age and packets rerouted (from the routers' pinned
 * maps, over SSH), and the rate each receiving host sees.
 */
import type { Engine } from "../../provider/engine/engine";
import type { LinkEndStatus } from "../../provider/engine/link-status";
import type { StateLike } from "../../provider/engine/bundle";
import type { TrafficMeter } from "../../lab/meter/meter";

export interface LiveStream {
  /** e.g. h1->h3 */
  readonly name: string;
  readonly meter: TrafficMeter;
}

export interface LiveViewOptions {
  readonly engine: Engine;
  readonly state: StateLike;
  readonly link: string;
  readonly ends: readonly [string, string];
  readonly streams: readonly LiveStream[];
  readonly print: (line: string) => void;
  /** @default 250 */
  readonly periodMs?: number;
}

const num = (x: number | undefined) => (x === undefined ? "-" : x.toLocaleString("en-US"));

function age(ms: number | undefined): string {
  if (ms === undefined) return "-";
  return ms < 1000 ? `${ms.toFixed(0)} ms` : `${(ms / 1000).toFixed(1)} s`;
}

/** Received packets per second between two receiver ticks. */
class RateProbe {
  private last: { count: number; atNs: number } | undefined;
  private text = "-";

  constructor(private readonly meter: TrafficMeter) {}

  read(): string {
    const tick = this.meter.lastTick();
    if (!tick || (this.last && tick.nowNs <= this.last.atNs)) return this.text; // no new tick since the last row
    const prev = this.last;
    this.last = { count: tick.received, atNs: tick.nowNs };
    if (prev) this.text = Math.round(((tick.received - prev.count) * 1e9) / (tick.nowNs - prev.atNs)).toLocaleString("en-US");
    return this.text;
  }
}

export class LiveView {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> = Promise.resolve();
  private readonly startedAt = Date.now();
  private readonly rates: RateProbe[];
  /** The latest status of each end, by router. */
  readonly latest = new Map<string, LinkEndStatus>();

  constructor(private readonly opts: LiveViewOptions) {
    this.rates = opts.streams.map((s) => new RateProbe(s.meter));
  }

  start(): void {
    const [a, b] = this.opts.ends;
    const endHead = (r: string) => `${`${this.opts.link} at ${r}`.padEnd(30)}`;
    this.opts.print(`${"".padEnd(8)}  ${endHead(a)}  ${endHead(b)}  ${this.opts.streams.map((s) => `${s.name} pkt/s`.padStart(14)).join("")}`);
    const sub = `${"state".padEnd(6)}${"probe".padStart(8)}${"rerouted".padStart(16)}`;
    this.opts.print(`${"time".padEnd(8)}  ${sub}  ${sub}`);
    const tick = () => {
      this.running = this.sample().finally(() => {
        if (this.timer !== undefined) this.timer = setTimeout(tick, this.opts.periodMs ?? 250);
      });
    };
    this.timer = setTimeout(tick, 0);
  }

  async stop(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.running;
  }

  private async sample(): Promise<void> {
    const { links } = await this.opts.engine.status(this.opts.state, [...this.opts.ends]);
    const cells = this.opts.ends.map((r) => {
      const s = links.find((l) => l.link === this.opts.link && l.router === r);
      if (!s) return "no answer".padEnd(30);
      this.latest.set(r, s);
      return `${s.state.padEnd(6)}${age(s.lastProbeAgeMs).padStart(8)}${num(s.packetsRerouted).padStart(16)}`;
    });
    const t = `+${((Date.now() - this.startedAt) / 1000).toFixed(2)} s`;
    this.opts.print(`${t.padEnd(8)}  ${cells.join("  ")}  ${this.rates.map((r) => r.read().padStart(14)).join("")}`);
  }
}
