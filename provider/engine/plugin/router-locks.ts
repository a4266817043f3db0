/**
 * In-process serialization of the provider's own applies per router.
 * Terraform runs up to 10 resource applies at once in one provider process;
 * the router-side lock and the applied record's conflict check already make
 * concurrent applies safe, this only spares them pointless conflicts and
 * retries. Locks are taken in name order, so two applies never deadlock.
 */
export class RouterLocks {
  private readonly tails = new Map<string, Promise<void>>();

  async withRouters<T>(routers: readonly string[], work: () => Promise<T>): Promise<T> {
    const names = [...new Set(routers)].sort();
    const releases: (() => void)[] = [];
    try {
      for (const name of names) releases.push(await this.acquire(name));
      return await work();
    } finally {
      for (const release of releases.reverse()) release();
    }
  }

  private async acquire(name: string): Promise<() => void> {
    const previous = this.tails.get(name) ?? Promise.resolve();
    let release!: () => void;
    const mine = new Promise<void>((resolve) => (release = resolve));
    const tail = previous.then(() => mine);
    this.tails.set(name, tail);
    await previous;
    return () => {
      release();
      if (this.tails.get(name) === tail) this.tails.delete(name);
    };
  }
}
