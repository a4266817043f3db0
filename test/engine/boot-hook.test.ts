/**
 * The boot hook, without a router: the renderer picks a systemd unit or an
 * OpenRC local.d script by facts.systemd; its file is observed, expected and
 * installed like the pushed files; drift names it as a boot hook when it is
 * missing or differs; and a destroy (the record's removal) takes it away.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync, statSync } from "node:fs";
import { resolve } from "node:path";
import { renderDataplane } from "../../provider/dataplane/render";
import { layoutRouter } from "../../provider/dataplane/router-layout";
import type { Operation } from "../../provider/dataplane/operations";
import type { DataplaneInput, DataplanePlan } from "../../provider/dataplane/types";
import { expectationOf } from "../../provider/engine/expect";
import { diffRouter } from "../../provider/engine/diff";
import { observeRequest, type Observation } from "../../provider/engine/observe";
import { applyTransaction, destroyTransaction, type Transaction } from "../../provider/engine/transaction";
import { recordedRemoval, type AppliedRecord } from "../../provider/engine/record";
import { diamondInput } from "../helpers/diamond-input";

const ROOT = resolve(__dirname, "..", "..", "..");
const UNIT = "/etc/systemd/system/srv6-protect-boot.service";
const SCRIPT = "/etc/local.d/srv6-protect.start";

function input(systemd: boolean): DataplaneInput {
  const i = diamondInput();
  return { ...i, facts: { ...i.facts, systemd } };
}

type BootHook = Extract<Operation, { kind: "boot-hook" }>;

function bootHook(plan: DataplanePlan): BootHook {
  const hooks = plan.operations.filter((o): o is BootHook => o.kind === "boot-hook");
  assert.equal(hooks.length, 1, "one boot hook per router");
  return hooks[0]!;
}

/** A router that shows `files` and holds `applied`; nothing else of ours. */
function observation(files: Record<string, string | null>, applied: AppliedRecord | null = null): Observation {
  return {
    router: "r1", facts: {} as Observation["facts"], ownRoutes: [], dstRoutes: new Map(), sysctls: {}, files, tcFilters: {}, maps: {}, pinnedPrograms: {},
    probeSender: { pid: null, alive: false, configSha256: null }, applied, appliedSha256: null, lock: null, fib: new Map(), addresses: new Map(),
  };
}

const bundleOf = (i: DataplaneInput) => ({ router: i.router, routers: [...i.routers], links: [...i.links], policies: [...i.policies] });
const argv = (cs: readonly { argv: readonly string[] }[]) => cs.map((c) => c.argv.join(" "));

function recordOf(txn: Transaction): AppliedRecord {
  return JSON.parse(txn.steps.find((s) => s.writeFile)!.writeFile!.content) as AppliedRecord;
}

test("boot hook: without systemd, an executable /etc/local.d script; installing it is placing it", () => {
  const plan = renderDataplane(input(false));
  const op = bootHook(plan);
  assert.equal(op.key, "boot-hook", "a stable key, whatever the init system");
  assert.notEqual(op.stage, "sids", "placed with the files, after the barrier");
  assert.equal(op.usesFiles, false);
  assert.equal(op.init, "local.d");
  assert.deepEqual(op.file, { localPath: "router/boot/srv6-protect.start", remotePath: SCRIPT, mode: 0o755 });
  assert.deepEqual(argv(op.install), [`test -x ${SCRIPT}`]);
  assert.deepEqual(argv(op.remove), [`rm -f ${SCRIPT}`]);
  assert.ok(op.remove.every((c) => c.ignoreFailure), "removal tolerates 'already gone'");
  assert.ok(plan.files.some((f) => f.remotePath === SCRIPT), "the plan places the script with the pushed files");
  assert.ok(!plan.files.some((f) => f.remotePath === UNIT), "and not the unit");
  const last = plan.operations.map((o) => o.kind).slice(-2);
  assert.deepEqual(last, ["boot-hook", "probe-sender"], "after the protected routes, before the probe sender");
});

test("boot hook: with systemd, a unit in /etc/systemd/system, enabled; removal disables it first", () => {
  const plan = renderDataplane(input(true));
  const op = bootHook(plan);
  assert.equal(op.key, "boot-hook");
  assert.notEqual(op.stage, "sids");
  assert.equal(op.usesFiles, false);
  assert.equal(op.init, "systemd");
  assert.deepEqual(op.file, { localPath: "router/boot/srv6-protect-boot.service", remotePath: UNIT, mode: 0o644 });
  assert.deepEqual(argv(op.install), ["systemctl daemon-reload", "systemctl enable srv6-protect-boot.service"]);
  assert.deepEqual(argv(op.remove), ["systemctl disable srv6-protect-boot.service", `rm -f ${UNIT}`, "systemctl daemon-reload"]);
  assert.ok(op.remove.every((c) => c.ignoreFailure), "removal tolerates 'already gone'");
  assert.ok(plan.files.some((f) => f.remotePath === UNIT) && !plan.files.some((f) => f.remotePath === SCRIPT));
});

test("boot hook: the static files run the applier's boot replay once, and say so", () => {
  const unit = readFileSync(resolve(ROOT, "router/boot/srv6-protect-boot.service"), "utf8");
  for (const line of ["Type=oneshot", "RemainAfterExit=no", "ExecStart=/usr/bin/python3 /var/lib/srv6-protect/bin/srv6p-apply.py boot",
    "Wants=network-online.target", "After=network-online.target", "WantedBy=multi-user.target"]) {
    assert.ok(unit.split("\n").includes(line), `the unit has ${line}`);
  }
  assert.match(unit, /^Description=\S/m);
  const script = resolve(ROOT, "router/boot/srv6-protect.start");
  const text = readFileSync(script, "utf8");
  assert.match(text, /^#!\/bin\/sh\n/);
  assert.match(text, /^exec python3 \/var\/lib\/srv6-protect\/bin\/srv6p-apply\.py boot$/m);
  assert.ok(statSync(script).mode & 0o111, "executable in the sources too");
  const check = spawnSync("sh", ["-n", script], { encoding: "utf8" });
  assert.equal(check.status, 0, `POSIX sh parses it: ${check.stderr}`);
});

test("boot hook: observed at both paths, expected at the chosen one with its sha256", () => {
  const req = observeRequest(layoutRouter(input(false)));
  assert.ok(req.files.includes(SCRIPT) && req.files.includes(UNIT), "the observation hashes both (the init system is not known yet)");
  for (const systemd of [false, true]) {
    const want = expectationOf(renderDataplane(input(systemd)));
    const path = systemd ? UNIT : SCRIPT;
    assert.equal(want.bootHook, path);
    assert.equal(want.files.get(path)?.localPath, systemd ? "router/boot/srv6-protect-boot.service" : "router/boot/srv6-protect.start");
    assert.match(want.files.get(path)!.sha256, /^[0-9a-f]{64}$/);
    assert.equal(want.files.has(systemd ? SCRIPT : UNIT), false, "the other init system's hook is not expected");
  }
});

test("boot hook: drift reports a missing or different hook as kind boot-hook, saying what it costs", () => {
  const want = expectationOf(renderDataplane(input(false)));
  const allThere = Object.fromEntries([...want.files].map(([p, f]) => [p, f.sha256]));
  const fileChanges = (files: Record<string, string | null>) => diffRouter("r1", want, observation(files)).filter((c) => c.kind === "file" || c.kind === "boot-hook");
  assert.deepEqual(fileChanges(allThere), [], "nothing when every file is there");

  const missing = fileChanges({ ...allThere, [SCRIPT]: null });
  assert.deepEqual(missing, [{
    router: "r1", kind: "boot-hook", action: "add", item: SCRIPT, from: undefined, to: want.files.get(SCRIPT)!.sha256,
    summary: `boot hook ${SCRIPT} missing: after a reboot this router would not restore its SIDs and routes`,
  }]);
  const differs = fileChanges({ ...allThere, [SCRIPT]: "f".repeat(64) });
  assert.equal(differs.length, 1);
  assert.equal(differs[0]!.kind, "boot-hook");
  assert.equal(differs[0]!.action, "change");
  assert.match(differs[0]!.summary, /^boot hook \/etc\/local\.d\/srv6-protect\.start differs from ours \(sha256 ffffffffffff, want [0-9a-f]{12}\): after a reboot/);

  const tool = "/var/lib/srv6-protect/bin/srv6p-apply.py";
  assert.deepEqual(fileChanges({ ...allThere, [tool]: null }).map((c) => [c.kind, c.item, c.summary]), [["file", tool, `file ${tool} missing`]], "other files stay of kind file");
});

test("boot hook: an apply places it from staging after the barrier, then installs it; the record keeps it", () => {
  const i = input(true);
  const plan = renderDataplane(i);
  const txn = applyTransaction(bundleOf(i), plan, expectationOf(plan), observation({}));
  const files = txn.steps.find((s) => s.installFiles)!;
  const placed = files.installFiles!.find((f) => f.dst === UNIT);
  assert.ok(placed, "the unit is among the files installed");
  assert.equal(placed.mode, 0o644);
  assert.match(placed.src, /^\/var\/lib\/srv6-protect\/staging\/[0-9a-f]{64}$/);
  const names = txn.steps.map((s) => s.name);
  const hook = bootHook(plan);
  assert.ok(names.indexOf("wait until every router has its SIDs") < names.indexOf(files.name));
  assert.ok(names.indexOf(files.name) < names.indexOf(hook.description), "enabled once its file is there");
  assert.deepEqual(argv(txn.steps.find((s) => s.name === hook.description)!.undo!), argv(hook.remove), "a first apply undoes it by removing it");
  assert.ok(recordOf(txn).operations.some((o) => o.key === "boot-hook"), "the applied record has it");
});

test("boot hook: destroy (the record's removal) disables and removes it", () => {
  for (const systemd of [false, true]) {
    const i = input(systemd);
    const plan = renderDataplane(i);
    const record = recordOf(applyTransaction(bundleOf(i), plan, expectationOf(plan), observation({})));
    const removal = argv(recordedRemoval(record));
    const path = systemd ? UNIT : SCRIPT;
    assert.ok(removal.includes(`rm -f ${path}`), `removes ${path}: ${removal.join("\n")}`);
    if (systemd) assert.ok(removal.indexOf("systemctl disable srv6-protect-boot.service") < removal.indexOf(`rm -f ${path}`), "disabled before its file goes");
    const destroy = destroyTransaction(observation({}, record), recordedRemoval(record));
    const steps = destroy.steps.flatMap((s) => s.do ?? []);
    assert.ok(steps.some((c) => c.argv.join(" ") === `rm -f ${path}` && c.mayFail), "destroy runs it, past failures");
    // Before the pushed files (and the applier) go: nothing would be left for it to run.
    const rmHook = steps.findIndex((c) => c.argv.join(" ") === `rm -f ${path}`);
    const rmFiles = steps.findIndex((c) => c.argv[0] === "rm" && c.argv.includes("/var/lib/srv6-protect/bin/srv6p-apply.py"));
    assert.ok(rmHook >= 0 && rmHook < rmFiles, "the hook goes before the applier it runs");
  }
});
