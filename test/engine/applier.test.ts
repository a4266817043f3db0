/**
 * The router-side applier (router/srv6p-apply.py), run here as a plain
 * process on a scratch run directory: each step's own undo, in reverse,
 * exactly for the steps that ran; files put back before a step's undo
 * commands run; tolerated failures; and the outcomes it reports are the
 * ones the controller knows (provider/engine/apply-outcomes.ts).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FINAL_STATES, WAIT_EXIT } from "../../provider/engine/apply-outcomes";
import type { Step } from "../../provider/engine/transaction";

const APPLIER = join(__dirname, "../../../router/srv6p-apply.py");

function withRunDir(fn: (dir: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), "s6applier-"));
  try {
    fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Runs a transaction to its end; returns the final status and `wait`'s exit code. */
function runTxn(dir: string, id: string, steps: Step[], rollback: Step[] = []): { status: Record<string, any>; code: number } {
  const env = { ...process.env, SRV6P_RUN_DIR: dir, SRV6P_STATE_DIR: join(dir, "state") };
  execFileSync("python3", [APPLIER, "run", "-"], { env, input: JSON.stringify({ id, controller: "test", lockTimeoutS: 5, steps, rollback }) });
  const w = spawnSync("python3", [APPLIER, "wait", id, "--timeout", "20"], { env, encoding: "utf8" });
  return { status: JSON.parse(w.stdout) as Record<string, any>, code: w.status ?? -1 };
}

/** A command that appends a line to the log. */
const note = (log: string, line: string) => ({ argv: ["sh", "-c", 'echo "$1" >> "$2"', "sh", line, log] });

test("applier: a failure undoes exactly the steps that ran, in reverse, each with its own undo", () => {
  withRunDir((dir) => {
    const log = join(dir, "log.txt");
    const steps: Step[] = [
      { name: "one", do: [note(log, "do 1")], undo: [note(log, "undo 1")] },
      { name: "two (no undo)", do: [note(log, "do 2")] },
      { name: "three", do: [{ argv: ["false"], mayFail: true }, note(log, "do 3")], undo: [note(log, "undo 3")] },
      { name: "four", do: [note(log, "do 4"), { argv: ["false"] }, note(log, "never")], undo: [note(log, "undo 4")] },
      { name: "five", do: [note(log, "do 5")], undo: [note(log, "undo 5")] },
    ];
    const { status, code } = runTxn(dir, "t-undo", steps);
    assert.equal(status.state, "rolled-back");
    assert.equal(code, WAIT_EXIT["not-committed"]);
    assert.equal(status.failedStep.step, "four");
    assert.deepEqual(status.failedStep.argv, ["false"], "the failing command is named");
    assert.equal(status.toleratedFailures.length, 1, "three's mayFail command was tolerated");
    assert.deepEqual(readFileSync(log, "utf8").trim().split("\n"), ["do 1", "do 2", "do 3", "do 4", "undo 4", "undo 3", "undo 1"],
      "the failed step is undone (it ran a command), then the done ones in reverse; step five never ran");
  });
});

test("applier: putting files back comes before the step's undo commands (they reload the old program)", () => {
  withRunDir((dir) => {
    const log = join(dir, "log.txt");
    const file = join(dir, "object.o");
    const staged = join(dir, "staged.o");
    writeFileSync(file, "old\n");
    writeFileSync(staged, "new\n");
    const steps: Step[] = [
      { name: "install 1 file(s)", installFiles: [{ src: staged, dst: file, mode: 0o644 }], undo: [{ argv: ["sh", "-c", 'cat "$1" >> "$2"', "sh", file, log] }] },
      { name: "load", do: [{ argv: ["sh", "-c", 'cat "$1" >> "$2"', "sh", file, log] }], undo: [note(log, "unload")] },
      { name: "fail", do: [{ argv: ["false"] }] },
    ];
    const { status } = runTxn(dir, "t-files", steps);
    assert.equal(status.state, "rolled-back");
    assert.equal(readFileSync(file, "utf8"), "old\n", "the previous file is back");
    assert.deepEqual(readFileSync(log, "utf8").trim().split("\n"), ["new", "unload", "old"], "the reload after the restore sees the old file");
  });
});

test("applier: an undo that fails is reported as rollback-failed; a clean run commits", () => {
  withRunDir((dir) => {
    const failedUndo = runTxn(dir, "t-undo-fails", [
      { name: "one", do: [{ argv: ["true"] }], undo: [{ argv: ["false"] }] },
      { name: "two", do: [{ argv: ["false"] }] },
    ]);
    assert.equal(failedUndo.status.state, "rollback-failed");
    assert.equal(failedUndo.status.undoFailures[0].step, "one");
    const ok = runTxn(dir, "t-ok", [{ name: "one", do: [{ argv: ["true"] }], undo: [{ argv: ["false"] }] }]);
    assert.equal(ok.status.state, "committed");
    assert.equal(ok.code, WAIT_EXIT.committed);
  });
});

test("applier: a malformed step is refused before anything runs (usage exit code)", () => {
  withRunDir((dir) => {
    const r = spawnSync("python3", [APPLIER, "run", "-"], {
      env: { ...process.env, SRV6P_RUN_DIR: dir, SRV6P_STATE_DIR: join(dir, "state") }, encoding: "utf8",
      input: JSON.stringify({ id: "t-bad", steps: [{ name: "argv as a bare list", do: ["true"] }] }),
    });
    assert.equal(r.status, WAIT_EXIT.usage);
    assert.match(r.stderr, /steps\[0\]\.do: each command needs an argv/);
  });
});

test("applier outcomes: the router side and the controller name the same final states and exit codes", () => {
  const script = "import importlib.util, json, sys\n"
    + "spec = importlib.util.spec_from_file_location('applier', sys.argv[1])\n"
    + "m = importlib.util.module_from_spec(spec); spec.loader.exec_module(m)\n"
    + "print(json.dumps({'final': list(m.FINAL_STATES), 'wait': m.WAIT_EXIT}))";
  const router = JSON.parse(execFileSync("python3", ["-c", script, APPLIER], { encoding: "utf8" })) as { final: string[]; wait: Record<string, number> };
  assert.deepEqual([...router.final].sort(), [...FINAL_STATES].sort());
  assert.deepEqual(router.wait, { ...WAIT_EXIT });
});

test("applier: a written file's content waits on disk, not in /run's txn.json, and is gone once the transaction is over", () => {
  withRunDir((dir) => {
    const target = join(dir, "state", "record.json");
    const content = `${JSON.stringify({ routes: Array.from({ length: 2000 }, (_, i) => `2001:db8:${i.toString(16)}::/64`) })}\n`;
    const { status } = runTxn(dir, "t-record", [
      { name: "one", do: [{ argv: ["true"] }] },
      { name: "record", writeFile: { path: target, content, mode: 0o600 } },
    ]);
    assert.equal(status.state, "committed");
    assert.equal(readFileSync(target, "utf8"), content, "the record is installed byte for byte");
    const txn = readFileSync(join(dir, "txn", "t-record", "txn.json"), "utf8");
    assert.ok(!txn.includes("2001:db8:7cf::/64") && txn.length < 4000, `txn.json holds no content (${txn.length} bytes)`);
    assert.deepEqual(readdirSync(join(dir, "state")).filter((f) => f === "pending"), [], "nothing left pending");
  });
});

test("applier: a large command input waits on disk too, and reaches the command whole", () => {
  withRunDir((dir) => {
    const out = join(dir, "state", "got.txt");
    const input = "x".repeat(200_000) + "\n";
    const { status } = runTxn(dir, "t-input", [{ name: "big input", do: [{ argv: ["sh", "-c", 'cat > "$1"', "sh", out], input }] }]);
    assert.equal(status.state, "committed");
    assert.equal(readFileSync(out, "utf8"), input);
    assert.ok(readFileSync(join(dir, "txn", "t-input", "txn.json"), "utf8").length < 4000, "txn.json holds no input");
  });
});
