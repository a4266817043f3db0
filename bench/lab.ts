/**
 * The benchmark's view of a lab: run commands on nodes (checked), wrap argv
 * for long-running processes, fail and heal links. A thin layer over
 * lab/index.ts so every failure carries the node, command, exit code and
 * stderr.
 */
import { labDown, labExec, labFail, labHeal, labUp, nodeArgv, readInventory, type Inventory } from "../lab";
import { labFailNode, labHealGroup } from "../lab/failures";
import { BenchError } from "./errors";

export interface ExecResult {
  readonly stdout: string;
  readonly stderr: string;
  readonly code: number | null;
}

export class BenchLab {
  private constructor(readonly name: string, readonly inventory: Inventory) {}

  /** Brings up a fresh lab from a topology file (any leftover of the same name is removed first). */
  static async up(topologyFile: string, name: string, mgmtSubnet: string): Promise<BenchLab> {
    await labDown(name).catch(() => undefined);
    await labUp(topologyFile, { name, mgmtSubnet });
    return new BenchLab(name, readInventory(name));
  }

  /** A lab that is already up (e.g. a test's withLab). */
  static attach(name: string): BenchLab {
    return new BenchLab(name, readInventory(name));
  }

  async down(): Promise<void> {
    await labDown(this.name);
  }

  /** Runs argv on a node; throws BenchError on a non-zero exit unless allowFailure. */
  async exec(node: string, argv: readonly string[], opts: { input?: string; allowFailure?: boolean; timeoutMs?: number } = {}): Promise<ExecResult> {
    const r = await labExec(this.name, node, argv, { input: opts.input, timeoutMs: opts.timeoutMs });
    if (r.code !== 0 && !opts.allowFailure) {
      throw new BenchError(`command failed`, { node, command: argv, exitCode: r.code, stderr: r.stderr });
    }
    return r;
  }

  /** argv that runs `argv` inside the node's namespaces (for processes the caller supervises). */
  argvOn(node: string, argv: readonly string[]): string[] {
    return nodeArgv(this.name, node, argv);
  }

  /** Silent failure: carrier stays up, both ends drop what they receive on the link; or, with `carrier`, both ends lose carrier. */
  fail(a: string, b: string, opts: { carrier?: boolean } = {}): Promise<void> {
    return labFail(this.name, a, b, opts);
  }

  heal(a: string, b: string): Promise<void> {
    return labHeal(this.name, a, b);
  }

  /** A router's crash with its links up: every link of `node` cut silently, both ways, in one instant (one group at a time). Resolves to the links' indexes. */
  failNode(node: string): Promise<number[]> {
    return labFailNode(this.name, node);
  }

  /** Heals the group failure (all its links at once); a no-op when no group is failed. */
  healGroup(): Promise<void> {
    return labHealGroup(this.name);
  }
}
