/**
 * Ansible (Debian's ansible-core) pushing the rendered plans with the
 * generated playbook: apply = a normal run, no-op plan = `--check`, drift =
 * `--check --diff` (Ansible's closest equivalents: check mode compares the
 * copied files and sysctls but skips `command` tasks, so it cannot see a
 * deleted route; see docs/benchmark-apply.md).
 */
import { mkdirSync, readdirSync, writeFileSync, chmodSync } from "node:fs";
import { join } from "node:path";
import type { DataplanePlan } from "../../../provider/dataplane/types";
import type { Inventory } from "../../../lab";
import type { BenchLab } from "../../lab";
import { BenchError } from "../../errors";
import { expectExit, timedRun, type TimedResult } from "../process";
import type { PushSystem } from "../system";
import { removeByPlan } from "../verify";
import { ansibleCfg, ansibleEnv, type AnsibleVariant } from "./config";
import { ansibleInventory, sitePlaybook, SYSCTL_FILE } from "./playbook";
import { toYaml } from "./yaml";
import { batchedPlaybook, writeBatchedRouter } from "./batched";
import { parseRecap, type RecapLine } from "./recap";

export class AnsibleSystem implements PushSystem {
  readonly name;
  private readonly env: NodeJS.ProcessEnv;

  constructor(
    private readonly variant: AnsibleVariant,
    private readonly dir: string,
    private readonly lab: BenchLab,
    inventory: Inventory,
    private readonly plans: ReadonlyMap<string, DataplanePlan>,
  ) {
    this.name = `ansible-${variant}` as const;
    for (const sub of ["home", "local-tmp", "cp"]) mkdirSync(join(dir, sub), { recursive: true, mode: 0o700 });
    writeFileSync(join(dir, "ansible.cfg"), ansibleCfg(variant, dir, plans.size));
    const batched = variant === "batched";
    writeFileSync(join(dir, "inventory.yml"), toYaml(batched
      ? ansibleInventory(inventory, plans, (router, plan) => writeBatchedRouter(join(dir, "routers"), router, plan))
      : ansibleInventory(inventory, plans)));
    writeFileSync(join(dir, "site.yml"), toYaml(batched ? batchedPlaybook() : sitePlaybook()));
    chmodSync(dir, 0o700);
    this.env = ansibleEnv(dir);
  }

  private argv(extra: readonly string[]): string[] {
    return ["ansible-playbook", "-i", join(this.dir, "inventory.yml"), ...extra, join(this.dir, "site.yml")];
  }

  /** One timed ansible-playbook run; checks every router ran it without failure. */
  private async playbook(what: string, extra: readonly string[]): Promise<{ r: TimedResult; recap: RecapLine[] }> {
    if (this.variant === "default") await this.closeMasters();
    const argv = this.argv(extra);
    const r = expectExit(await timedRun(argv, { env: this.env, cwd: this.dir, timeoutMs: 900_000 }), argv, `ansible-playbook (${this.name}, ${what})`);
    const recap = parseRecap(r.stdout);
    const missing = [...this.plans.keys()].filter((h) => !recap.some((l) => l.host === h));
    if (missing.length) throw new BenchError(`ansible-playbook (${this.name}, ${what}) did not report on ${missing.join(", ")}`, { command: argv, stderr: r.stdout.slice(-600) });
    const bad = recap.filter((l) => l.failed > 0 || l.unreachable > 0);
    if (bad.length) throw new BenchError(`ansible-playbook (${this.name}, ${what}) failed on ${bad.map((l) => l.host).join(", ")}`, { command: argv, stderr: r.stdout.slice(-600) });
    return { r, recap };
  }

  /** Tuned and batched: open the SSH masters before the first measured run (that is what ControlPersist buys between runs). */
  async prepare(): Promise<void> {
    if (this.variant === "default") return;
    const argv = ["ansible", "-i", join(this.dir, "inventory.yml"), "routers", "-m", "ansible.builtin.ping"];
    expectExit(await timedRun(argv, { env: this.env, cwd: this.dir, timeoutMs: 300_000 }), argv, `ansible ping (${this.name})`);
  }

  async apply(): Promise<number> {
    const { r, recap } = await this.playbook("apply", []);
    const idle = recap.filter((l) => l.changed === 0);
    if (idle.length) throw new BenchError(`ansible-playbook (${this.name}, apply) changed nothing on ${idle.map((l) => l.host).join(", ")}: the routers were not empty`);
    return r.ms;
  }

  private async check(what: string, extra: readonly string[]): Promise<number> {
    const { r, recap } = await this.playbook(what, extra);
    const changed = recap.filter((l) => l.changed > 0);
    if (changed.length) throw new BenchError(`ansible-playbook (${this.name}, ${what}) would change ${changed.map((l) => `${l.host} (${l.changed})`).join(", ")} right after apply`);
    return r.ms;
  }

  noopPlan(): Promise<number> {
    return this.check("--check", ["--check"]);
  }

  drift(): Promise<number> {
    return this.check("--check --diff", ["--check", "--diff"]);
  }

  /** Back to empty: the plans' own removal steps, run inside the routers, and the sysctl record. */
  async reset(): Promise<void> {
    await removeByPlan(this.lab, this.plans, [SYSCTL_FILE]);
  }

  /** Ends the SSH control masters Ansible left (ssh -O exit on each socket). */
  private async closeMasters(): Promise<string[]> {
    const cp = join(this.dir, "cp");
    const problems: string[] = [];
    for (const socket of readdirSync(cp)) {
      const argv = ["ssh", "-o", `ControlPath=${join(cp, socket)}`, "-O", "exit", "srv6-bench-master"];
      const r = await timedRun(argv, { timeoutMs: 10_000 }).catch((e: Error) => ({ code: -1, stderr: e.message }));
      // A master that already exited leaves nothing to stop.
      if (r.code !== 0 && !/No such file|Connection refused/.test(r.stderr)) problems.push(`ssh -O exit ${socket}: ${r.stderr.trim()}`);
    }
    return problems;
  }

  close(): Promise<string[]> {
    return this.closeMasters();
  }
}
