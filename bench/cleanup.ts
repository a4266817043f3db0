/**
 * Undo actions registered as things are created, run in reverse order on
 * success, failure, Ctrl-C or SIGTERM. Each runs once; a failing one does not
 * stop the others, and every problem is reported together.
 */
export class Cleanup {
  private readonly steps: { what: string; undo: () => Promise<string[] | void> }[] = [];
  private running?: Promise<string[]>;

  /** Registers an undo step; the returned function drops it again once it was done the normal way. */
  add(what: string, undo: () => Promise<string[] | void>): () => void {
    const step = { what, undo };
    this.steps.push(step);
    return () => {
      const i = this.steps.indexOf(step);
      if (i >= 0) this.steps.splice(i, 1);
    };
  }

  /** Runs every registered step (newest first); resolves to the problems met. */
  run(): Promise<string[]> {
    this.running ??= (async () => {
      const problems: string[] = [];
      while (this.steps.length > 0) {
        const step = this.steps.pop()!;
        try {
          const more = await step.undo();
          if (more) problems.push(...more.map((p) => `${step.what}: ${p}`));
        } catch (err) {
          problems.push(`${step.what}: ${(err as Error).message}`);
        }
      }
      this.running = undefined;
      return problems;
    })();
    return this.running;
  }

  /** On SIGINT/SIGTERM: clean up, then exit 130/143. Returns a function that removes the handlers. */
  onSignals(log: (line: string) => void): () => void {
    const handler = (signal: NodeJS.Signals) => {
      log(`${signal}: cleaning up`);
      void this.run().then((problems) => {
        for (const p of problems) log(`cleanup: ${p}`);
        process.exit(signal === "SIGINT" ? 130 : 143);
      });
    };
    process.once("SIGINT", handler);
    process.once("SIGTERM", handler);
    return () => {
      process.removeListener("SIGINT", handler);
      process.removeListener("SIGTERM", handler);
    };
  }
}
