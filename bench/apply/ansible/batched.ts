/**
 * The batched Ansible an expert would write for speed: per router one
 * archive of every pushed file (one `unarchive`) and one shell script per
 * stage (one `script` each) instead of a module call per file and command,
 * run with `strategy: free` (no host waits for another inside a play). The
 * stages stay three plays, because a play is Ansible's only barrier across
 * hosts: every router's SIDs exist before any router points a probe or a
 * backup at them, as the engine guarantees.
 *
 * In check mode (`--check`, the no-op plan and drift) `script` does not run,
 * so this variant compares the files only, like the other two for commands.
 */
import { spawnSync } from "node:child_process";
import { chmodSync, copyFileSync, mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import type { DataplanePlan, RouterCommand } from "../../../provider/dataplane/types";
import { PACKAGE_ROOT } from "../../../provider/engine/router-scripts";
import { BenchError } from "../../errors";
import type { YamlValue } from "./yaml";

const STAGES = ["sids", "local", "probes"] as const;

/** A word for sh: single-quoted, with each ' written as '\''. */
export function shellWord(s: string): string {
  return `'${s.replace(/'/g, "'\\''")}'`;
}

/** One command as a line of sh: its argv quoted word by word, its stdin fed by printf. */
export function shellLine(c: Pick<RouterCommand, "argv" | "input">): string {
  const argv = c.argv.map(shellWord).join(" ");
  return c.input === undefined ? argv : `printf '%s' ${shellWord(c.input)} | ${argv}`;
}

/** The script of one stage: stop at the first failing command, as the engine does. */
export function stageScript(plan: DataplanePlan, stage: (typeof STAGES)[number]): string {
  const sysctls = stage === "sids"
    ? plan.operations.flatMap((op) => (op.kind === "sysctls" ? op.values : [])).map(([k, v]) => shellLine({ argv: ["sysctl", "-q", "-w", `${k}=${v}`] }))
    : [];
  const commands = plan.operations.filter((op) => op.stage === stage && op.kind !== "sysctls").flatMap((op) => op.install).map(shellLine);
  return ["#!/bin/sh", "set -eu", ...sysctls, ...commands, ""].join("\n");
}

/** Writes the router's archive and stage scripts under `dir` and returns its host variables. */
export function writeBatchedRouter(dir: string, router: string, plan: DataplanePlan): Record<string, YamlValue> {
  const root = join(dir, router, "root");
  for (const f of plan.files) {
    if (!f.remotePath.startsWith("/") || f.remotePath.split("/").includes("..")) throw new BenchError(`file destination ${f.remotePath} is not an absolute path`, { node: router });
    const dest = join(root, f.remotePath);
    mkdirSync(dirname(dest), { recursive: true, mode: 0o755 });
    copyFileSync(join(PACKAGE_ROOT, f.localPath), dest);
    chmodSync(dest, f.mode);
  }
  const bundle = join(dir, router, "files.tgz");
  const tops = [...new Set(plan.files.map((f) => f.remotePath.split("/")[1]!))].sort();
  const tar = spawnSync("tar", ["-czf", bundle, "--owner=0", "--group=0", "--numeric-owner", "-C", root, ...tops], { encoding: "utf8" });
  if (tar.status !== 0) throw new BenchError("packing the router's files failed", { node: router, command: ["tar", "-czf", bundle], exitCode: tar.status, stderr: tar.stderr });
  const vars: Record<string, YamlValue> = { srv6_bundle: bundle };
  for (const stage of STAGES) {
    const file = join(dir, router, `${stage}.sh`);
    writeFileSync(file, stageScript(plan, stage), { mode: 0o700 });
    vars[`srv6_${stage}_script`] = file;
  }
  return vars;
}

/** Three plays (files and SIDs, then monitors/maps/routes, then probes), each `strategy: free`. */
export function batchedPlaybook(): YamlValue {
  const play = (name: string, tasks: YamlValue[]): YamlValue => ({ name, hosts: "routers", gather_facts: false, strategy: "free", tasks });
  const script = (stage: string, name: string): YamlValue => ({ name, "ansible.builtin.script": `{{ srv6_${stage}_script }}` });
  return [
    play("srv6-protect files, sysctls and SIDs", [
      // --no-overwrite-dir: /var, /etc and the like keep their own modes.
      { name: "eBPF objects and router scripts, one archive", "ansible.builtin.unarchive": { src: "{{ srv6_bundle }}", dest: "/", extra_opts: ["--no-overwrite-dir"] } },
      script("sids", "Sysctls and SIDs, one script"),
    ]),
    play("srv6-protect monitors, maps and protected routes", [script("local", "Monitors, maps and protected routes, one script")]),
    play("srv6-protect probe sender", [script("probes", "Probe sender, one script")]),
  ];
}
