/** A counting semaphore: at most `limit` holders at once, others wait in order. */
export class Semaphore {
  private active = 0;
  private readonly waiting: (() => void)[] = [];
  /** Highest number of holders seen at once (tests check the bound with it). */
  maxActive = 0;

  constructor(readonly limit: number) {
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`semaphore limit must be a positive integer, got ${limit}`);
  }

  async acquire(): Promise<() => void> {
    if (this.active < this.limit) this.active++;
    // A releasing holder hands its slot straight to the next waiter, so no
    // newcomer can slip in between and exceed the limit.
    else await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.maxActive = Math.max(this.maxActive, this.active);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiting.shift();
      if (next) next();
      else this.active--;
    };
  }
}
