/**
 * ConnectionPool: one RouterConnection per router, opened on first use and
 * reused for all of that router's work, and a bound on how many routers are
 * worked on at once (default 16). `forEachRouter` keeps going past a failed
 * router and reports every router's outcome.
 */
import { Srv6Error } from "../errors";
import { RouterConnection } from "./connection";
import type { RouterConnectionOptions } from "./options";
import { Semaphore } from "./semaphore";

export const DEFAULT_PARALLELISM = 16;

export interface PoolOptions {
  /** Routers worked on at once. Default 16. */
  parallelism?: number;
  /** How to open a connection; default RouterConnection.open (tests may replace it). */
  open?: (options: RouterConnectionOptions) => Promise<RouterConnection>;
  /** Called when a router's work starts and ends (progress display). */
  onProgress?: (event: { router: string; phase: "start" | "done" | "failed"; durationMs?: number; error?: unknown }) => void;
}

export type RouterOutcome<T> =
  | { router: string; ok: true; value: T; durationMs: number }
  | { router: string; ok: false; error: Srv6Error; durationMs: number };

export class ConnectionPool {
  private readonly connections = new Map<string, Promise<RouterConnection>>();
  private readonly slots: Semaphore;
  private readonly open: (options: RouterConnectionOptions) => Promise<RouterConnection>;
  private closed = false;

  constructor(
    private readonly optionsFor: (router: string) => RouterConnectionOptions,
    private readonly poolOptions: PoolOptions = {},
  ) {
    this.slots = new Semaphore(poolOptions.parallelism ?? DEFAULT_PARALLELISM);
    this.open = poolOptions.open ?? RouterConnection.open;
  }

  /** Most routers worked on at the same time so far. */
  get maxConcurrentRouters(): number {
    return this.slots.maxActive;
  }

  /** The router's connection: opened once, reopened only if it was lost. */
  async connection(router: string): Promise<RouterConnection> {
    if (this.closed) throw new Srv6Error("the connection pool is closed", { router });
    const existing = this.connections.get(router);
    if (existing) {
      const conn = await existing.catch(() => undefined);
      if (conn?.isOpen) return conn;
    }
    const opening = Promise.resolve().then(() => this.open(this.optionsFor(router)));
    this.connections.set(router, opening);
    opening.catch(() => {
      if (this.connections.get(router) === opening) this.connections.delete(router);
    });
    return opening;
  }

  /** Runs `work` for each router (bounded parallelism) and returns every outcome, in the given order. */
  async forEachRouter<T>(routers: readonly string[], work: (conn: RouterConnection, router: string) => Promise<T>): Promise<RouterOutcome<T>[]> {
    return Promise.all(
      routers.map(async (router): Promise<RouterOutcome<T>> => {
        const release = await this.slots.acquire();
        const started = Date.now();
        this.poolOptions.onProgress?.({ router, phase: "start" });
        try {
          const value = await work(await this.connection(router), router);
          const durationMs = Date.now() - started;
          this.poolOptions.onProgress?.({ router, phase: "done", durationMs });
          return { router, ok: true, value, durationMs };
        } catch (e) {
          const durationMs = Date.now() - started;
          const error = e instanceof Srv6Error ? e : new Srv6Error((e as Error)?.message ?? String(e), { router, cause: e });
          this.poolOptions.onProgress?.({ router, phase: "failed", durationMs, error });
          return { router, ok: false, error, durationMs };
        } finally {
          release();
        }
      }),
    );
  }

  /** Closes every connection. */
  async close(): Promise<void> {
    this.closed = true;
    const all = [...this.connections.values()];
    this.connections.clear();
    await Promise.all(all.map((p) => p.then((c) => c.close()).catch(() => undefined)));
  }
}
