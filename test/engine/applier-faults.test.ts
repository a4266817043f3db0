/**
 * The router-side applier under faults, run here as plain processes on a
 * scratch run and state directory: an exception after the first step, a
 * SIGKILLed applier (rolled back by `wait`, or by the next applier before
 * it starts), a lock file removed while someone waits on it, the time left
 * at a barrier, systemd-run where systemd is PID 1, and the boot replay.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { WAIT_EXIT } from "../../provider/engine/apply-outcomes";
import type { Step } from "../../provider/engine/transaction";

const APPLIER = join(__dirname, "../../../router/srv6p-apply.py");

interface Dirs { root: string; run: string; state: string; env: NodeJS.ProcessEnv }

function withDirs(fn: (d: Dirs) => void | Promise<void>): Promise<void> {
  const root = mkdtempSync(join(tmpdir(), "s6faults-"));
  const d = { root, run: join(root, "run"), state: join(root, "state"), env: { ...process.env, SRV6P_RUN_DIR: join(root, "run"), SRV6P_STATE_DIR: join(root, "state") } };
  mkdirSync(d.state, { recursive: true });
  return Promise.resolve()
    .then(() => fn(d))
    .finally(async () => {
      // A test may end as soon as it has seen what it checks, while an applier
      // still writes its final status here: let every applier exit first.
      await appliersExited(d);
      rmSync(root, { recursive: true, force: true });
    });
}

function running(pid: number): boolean {
  try {
    return !/^\S+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return false;
  }
}

async function appliersExited(d: Dirs, timeoutMs = 20_000): Promise<void> {
  const txnRoot = join(d.run, "txn");
  const pids = (existsSync(txnRoot) ? readdirSync(txnRoot) : []).flatMap((id) => {
    try {
      return [(JSON.parse(readFileSync(join(txnRoot, id, "status.json"), "utf8")) as { pid: number }).pid];
    } catch {
      return [];
    }
  });
  const deadline = Date.now() + timeoutMs;
  while (pids.some(running) && Date.now() < deadline) await sleep(20);
}

function start(d: Dirs, id: string, steps: Step[], extra: Record<string, unknown> = {}): { pid: number } {
  return JSON.parse(execFileSync("python3", [APPLIER, "run", "-"], { env: d.env, encoding: "utf8", input: JSON.stringify({ id, controller: "test", lockTimeoutS: 10, steps, rollback: [], ...extra }) }));
}

function wait(d: Dirs, id: string, args: string[] = []): { status: Record<string, any>; code: number } {
  const w = spawnSync("python3", [APPLIER, "wait", id, "--timeout", "20", ...args], { env: d.env, encoding: "utf8" });
  return { status: JSON.parse(w.stdout) as Record<string, any>, code: w.status ?? -1 };
}

const note = (log: string, line: string) => ({ argv: ["sh", "-c", 'echo "$1" >> "$2"', "sh", line, log] });
const lines = (log: string) => (existsSync(log) ? readFileSync(log, "utf8").trim().split("\n").filter(Boolean) : []);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(what: string, check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

test("applier: an exception after the first step (the status cannot be written at the barrier) undoes every step begun", () => withDirs((d) => {
  const log = join(d.root, "log.txt");
  const txnDir = join(d.run, "txn", "t-exc");
  start(d, "t-exc", [
    { name: "one", do: [note(log, "do 1")], undo: [note(log, "undo 1")] },
    { name: "the transaction directory goes away", do: [{ argv: ["rm", "-rf", txnDir] }], undo: [note(log, "undo 2")] },
    { name: "go", barrier: "go", timeoutS: 5 },
    { name: "three", do: [note(log, "never")] },
  ]);
  return until("the undo", () => lines(log).length >= 3).then(() => {
    assert.deepEqual(lines(log), ["do 1", "undo 2", "undo 1"], "both steps that ran were undone, in reverse; nothing after the barrier ran");
  });
}));

test("applier: a SIGKILLed applier is rolled back by `wait`, exactly the steps it began", () => withDirs(async (d) => {
  const log = join(d.root, "log.txt");
  start(d, "t-kill", [
    { name: "one", do: [note(log, "do 1")], undo: [note(log, "undo 1")] },
    { name: "two", do: [note(log, "do 2")], undo: [note(log, "undo 2")] },
    { name: "long", do: [note(log, "do 3"), { argv: ["sleep", "30"] }], undo: [note(log, "undo 3")] },
    { name: "four", do: [note(log, "never")], undo: [note(log, "never undone")] },
  ]);
  await until("step three", () => lines(log).includes("do 3"));
  const status = JSON.parse(readFileSync(join(d.run, "txn", "t-kill", "status.json"), "utf8")) as { pid: number; pgid: number };
  // "do 3" is logged by the step's first command; its second (sleep) may not have started yet.
  await until("the step's sleep", () => spawnSync("pgrep", ["-g", String(status.pgid), "-x", "sleep"]).status === 0);
  process.kill(status.pid, "SIGKILL");
  const w = wait(d, "t-kill");
  assert.equal(w.status.state, "rolled-back", JSON.stringify(w.status));
  assert.equal(w.status.recovered, true);
  assert.equal(w.status.failedStep.step, "long");
  assert.match(w.status.failedStep.stderr, /died during this step/);
  assert.equal(w.code, WAIT_EXIT["not-committed"]);
  assert.deepEqual(lines(log), ["do 1", "do 2", "do 3", "undo 3", "undo 2", "undo 1"]);
  assert.equal(w.status.orphansStopped, 1, "the command it left running (sleep) was stopped before the undo");
}));

test("applier: the next applier rolls back a dead one's transaction before it starts", () => withDirs(async (d) => {
  const log = join(d.root, "log.txt");
  start(d, "t-dead", [
    { name: "one", do: [note(log, "A do 1")], undo: [note(log, "A undo 1")] },
    { name: "stuck", do: [{ argv: ["sleep", "30"] }] },
  ]);
  await until("A's first step", () => lines(log).includes("A do 1"));
  await sleep(100);
  const dead = JSON.parse(readFileSync(join(d.run, "txn", "t-dead", "status.json"), "utf8")) as { pid: number };
  process.kill(dead.pid, "SIGKILL");
  start(d, "t-next", [{ name: "one", do: [note(log, "B do 1")] }]);
  const next = wait(d, "t-next");
  assert.equal(next.status.state, "committed", JSON.stringify(next.status));
  assert.deepEqual(next.status.recoveredFirst, [{ id: "t-dead", state: "rolled-back" }]);
  assert.deepEqual(lines(log), ["A do 1", "A undo 1", "B do 1"]);
  assert.equal(JSON.parse(readFileSync(join(d.run, "txn", "t-dead", "status.json"), "utf8")).state, "rolled-back");
  spawnSync("pkill", ["-f", "^sleep 30$"]);
}));

test("applier: a failed undo names the step and its stderr", () => withDirs((d) => {
  start(d, "t-undo-fails", [
    { name: "one", do: [{ argv: ["true"] }], undo: [{ argv: ["sh", "-c", "echo route is stuck >&2; exit 3"] }] },
    { name: "two", do: [{ argv: ["false"] }] },
  ]);
  const w = wait(d, "t-undo-fails");
  assert.equal(w.status.state, "rollback-failed");
  assert.equal(w.status.undoFailures.length, 1);
  assert.equal(w.status.undoFailures[0].step, "one");
  assert.equal(w.status.undoFailures[0].code, 3);
  assert.match(w.status.undoFailures[0].stderr, /route is stuck/);
}));

test("applier: `cleanup` removes the lock file only while it holds it; a waiter on the old file locks the new one", () => withDirs(async (d) => {
  const log = join(d.root, "log.txt");
  // A runs for a while; B waits for the lock; cleanup waits too and, when it gets it, removes the file.
  const span = (who: string) => ({ argv: ["sh", "-c", `echo "${who} in" >> "$1"; sleep 0.6; echo "${who} out" >> "$1"`, "sh", log] });
  start(d, "t-a", [{ name: "a", do: [span("A")] }]);
  await until("A", () => lines(log).includes("A in"));
  start(d, "t-b", [{ name: "b", do: [span("B")] }]);
  const c = JSON.parse(execFileSync("python3", [APPLIER, "cleanup"], { env: d.env, encoding: "utf8" })) as { cleaned: boolean; kept: string[] };
  start(d, "t-c", [{ name: "c", do: [span("C")] }]);
  await until("B and C", () => lines(log).filter((l) => l.endsWith("out")).length === 3, 15_000);
  const l = lines(log);
  for (let i = 0; i < l.length; i += 2) assert.equal(l[i]!.replace(" in", ""), l[i + 1]!.replace(" out", ""), `one apply at a time: ${l.join(", ")}`);
  assert.ok(c.kept.includes("t-b") || c.cleaned, `cleanup kept the live transaction: ${JSON.stringify(c)}`);
}));

test("applier: `wait` at a barrier reports the seconds left before the router gives up", () => withDirs((d) => {
  start(d, "t-left", [{ name: "one", do: [{ argv: ["true"] }] }, { name: "go", barrier: "go", timeoutS: 12 }]);
  const w = wait(d, "t-left", ["--barrier", "go"]);
  assert.equal(w.code, WAIT_EXIT["at-barrier"]);
  assert.ok(w.status.barrierRemainingS > 10 && w.status.barrierRemainingS <= 12, `remaining ${w.status.barrierRemainingS}`);
  execFileSync("python3", [APPLIER, "signal", "t-left", "abort"], { env: d.env });
  assert.equal(wait(d, "t-left").status.state, "rolled-back");
}));

test("applier: where systemd is PID 1 the worker runs as a transient unit of its own (systemd-run)", () => withDirs((d) => {
  const bin = join(d.root, "bin");
  mkdirSync(bin);
  mkdirSync(join(d.root, "systemd-system"));
  const calls = join(d.root, "systemd-run.calls");
  // A stand-in that records its arguments and runs the command detached, as systemd would.
  writeFileSync(join(bin, "systemd-run"), `#!/bin/sh\necho "$@" >> ${calls}\nwhile [ "\${1#--}" != "$1" ]; do shift; done\nsetsid "$@" </dev/null >/dev/null 2>&1 &\n`);
  chmodSync(join(bin, "systemd-run"), 0o755);
  const env = { ...d.env, PATH: `${bin}:${process.env.PATH}`, SRV6P_SYSTEMD_RUNTIME: join(d.root, "systemd-system") };
  const log = join(d.root, "log.txt");
  const script = readFileSync(APPLIER, "utf8");
  // As the controller runs it: python3 -c TEXT (no file on the router).
  const started = JSON.parse(execFileSync("python3", ["-c", script, "run", "-"], { env, encoding: "utf8", input: JSON.stringify({ id: "t-unit", controller: "test", lockTimeoutS: 5, steps: [{ name: "one", do: [note(log, "ran")] }], rollback: [] }) })) as { pid: number };
  assert.ok(started.pid > 0);
  const w = spawnSync("python3", [APPLIER, "wait", "t-unit", "--timeout", "20"], { env, encoding: "utf8" });
  assert.equal(JSON.parse(w.stdout).state, "committed");
  assert.deepEqual(lines(log), ["ran"]);
  assert.match(readFileSync(calls, "utf8"), /--unit=srv6p-apply-t-unit --collect .* worker t-unit/);
  assert.equal(readFileSync(join(d.run, "txn", "t-unit", "applier.py"), "utf8"), script, "the unit runs this very applier");
}));

test("applier boot: replays the applied record's install commands in order and writes boot.json", () => withDirs((d) => {
  const log = join(d.root, "log.txt");
  const record = {
    version: 2, committedAt: "x", by: "test", bundle: {},
    operations: [
      { key: "sysctls", description: "s", usesFiles: false, install: [{ ...note(log, "sysctls"), description: "s" }], remove: [] },
      { key: "route a", description: "r", usesFiles: false, install: [{ argv: ["false"], description: "tolerated", ignoreFailure: true }, { ...note(log, "route a"), description: "r" }], remove: [] },
      { key: "probe-sender", description: "p", usesFiles: true, install: [{ ...note(log, "sender"), description: "p" }], remove: [] },
    ],
  };
  writeFileSync(join(d.state, "applied.json"), JSON.stringify(record));
  const r = spawnSync("python3", [APPLIER, "boot"], { env: d.env, encoding: "utf8" });
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(lines(log), ["sysctls", "route a", "sender"]);
  const boot = JSON.parse(readFileSync(join(d.run, "boot.json"), "utf8"));
  assert.equal(boot.ok, true);
  assert.equal(boot.commands, 4);
  assert.deepEqual(boot.failures, []);

  record.operations.push({ key: "route b", description: "b", usesFiles: false, install: [{ argv: ["sh", "-c", "echo no such device >&2; exit 2"], description: "b" }], remove: [] });
  writeFileSync(join(d.state, "applied.json"), JSON.stringify(record));
  const failed = spawnSync("python3", [APPLIER, "boot"], { env: d.env, encoding: "utf8" });
  assert.equal(failed.status, 1, "a replayed command that fails makes the boot hook fail");
  assert.match(JSON.parse(failed.stdout).failures[0].stderr, /no such device/);
}));

test("applier boot: files of a transaction a reboot interrupted go back, unless it already wrote its record", () => withDirs((d) => {
  const file = join(d.state, "bin-tool");
  writeFileSync(file, "new\n");
  writeFileSync(join(d.state, "applied.json"), "{\"version\":2,\"operations\":[]}");
  const saved = join(d.state, "backup", "t-rebooted", "0-bin-tool");
  mkdirSync(join(d.state, "backup", "t-rebooted"), { recursive: true });
  writeFileSync(saved, "old\n");
  const pending = { id: "t-rebooted", restores: [{ path: file, saved }], newRecordSha256: "not-the-record-on-disk" };
  writeFileSync(join(d.state, "backup", "t-rebooted", "pending.json"), JSON.stringify(pending));
  const r = spawnSync("python3", [APPLIER, "boot"], { env: d.env, encoding: "utf8" });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(readFileSync(file, "utf8"), "old\n", "the transaction never committed: its files are the previous ones again");
  assert.deepEqual(JSON.parse(r.stdout).restoredFiles, ["t-rebooted"]);
  assert.equal(existsSync(join(d.state, "backup")), false, "no backup is left behind");
}));
