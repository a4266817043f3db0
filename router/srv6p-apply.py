#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Apply one srv6-protect transaction on this router, whole or not at all.

Pushed to routers as text (python3 standard library only). The controller
uploads a transaction file and starts it; the work then runs in a detached
process of its own session, so a lost SSH connection neither stops it half
way nor leaves the router half configured: it commits, or it undoes every
step it did, in reverse order.

  srv6p-apply.py run TXN.json|-      start; prints {"id", "pid"}
  srv6p-apply.py wait ID [--timeout S] [--barrier NAME]
                                     print the state when final (exit 0
                                     committed, 1 not committed), or when
                                     waiting at barrier NAME (exit 4), or at
                                     the timeout (exit 3); WAIT_EXIT below
  srv6p-apply.py signal ID NAME      let the transaction pass barrier NAME,
                                     or NAME=abort: roll it back
  srv6p-apply.py status ID           print the current state

Barriers make a network-wide apply all-or-nothing per router: a step
{"barrier": "go", "timeoutS": 30} waits for the controller's signal; without
it (controller gone, or another router failed) the router undoes what it did.
The last barrier, "confirm", is commit-confirm: a controller that lost its
management access cannot confirm, and the router reverts by itself.

A transaction (TXN.json, or "-" for stdin):
  {"id": "...", "controller": "...", "lockTimeoutS": 30,
   "expectRecord": {"path": "...", "sha256": "..." | null} | null,
   "steps": [{"name": "...", "do": [COMMAND...], "undo": [COMMAND...]}
             | {"name": "...", "installFiles": [{"src": path, "dst": path, "mode": 420}], "undo": [COMMAND...]}
             | {"name": "...", "writeFile": {"path": path, "content": text, "mode": 420}}
             | {"name": "...", "barrier": "go", "timeoutS": 30}],
   "rollback": [{"name": "...", "do": [COMMAND...]}]}
  COMMAND = {"argv": [...], "input": "stdin" | absent, "mayFail": true | absent}
  (mayFail: a failure is recorded and tolerated; removal tolerates "already gone")

Commands run without a shell. On failure (or a missing signal), the steps
done are undone in reverse: files and records are restored from backups,
then each step's own `undo` commands run (the controller makes them put the
piece back as the previous apply had it). Then the `rollback` steps run,
each tolerated if it fails (only controllers whose previous record has no
per-step undo send any).

One apply at a time per router: an exclusive flock on
/run/srv6-protect/apply.lock, waited for up to lockTimeoutS. With
expectRecord, the transaction is refused ("conflict") when the record file
changed since the controller read it, so a stale plan never lands.
"""
import fcntl
import hashlib
import json
import shutil
import os
import re
import subprocess
import sys
import time

RUN_DIR = os.environ.get("SRV6P_RUN_DIR", "/run/srv6-protect")
TXN_DIR = os.path.join(RUN_DIR, "txn")
LOCK_FILE = os.path.join(RUN_DIR, "apply.lock")
# Every check uses fullmatch: with match, a pattern's '$' also matches before a trailing
# newline, so "eth1\n" would pass (test/router/router_checks.py).
ID_RE = re.compile(r"^[A-Za-z0-9_.-]{1,80}$")
STEP_TIMEOUT_S = 60
KEEP_TRANSACTIONS = 20
EXIT_USAGE = 2

# The outcomes, shared with the controller (provider/engine/apply-outcomes.ts;
# test/engine/applier.test.ts checks that both say the same).
FINAL_STATES = ("committed", "rolled-back", "rollback-failed", "reverted-unconfirmed", "locked", "conflict")
WAIT_EXIT = {"committed": 0, "not-committed": 1, "usage": EXIT_USAGE, "timeout": 3, "at-barrier": 4}


def fail_usage(message):
    print(json.dumps({"error": message}), file=sys.stderr)
    sys.exit(EXIT_USAGE)


def txn_path(txn_id, name):
    if not ID_RE.fullmatch(txn_id):
        fail_usage("bad transaction id: %r" % txn_id)
    return os.path.join(TXN_DIR, txn_id, name)


def write_json_atomic(path, value):
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        json.dump(value, f)
        f.flush()
        os.fsync(f.fileno())
    os.rename(tmp, path)


def read_json(path):
    with open(path) as f:
        return json.load(f)


def validate(txn):
    if not isinstance(txn, dict) or not ID_RE.fullmatch(str(txn.get("id", ""))):
        return "transaction needs an id matching %s" % ID_RE.pattern
    steps = txn.get("steps")
    if not isinstance(steps, list) or not isinstance(txn.get("rollback", []), list):
        return "steps and rollback must be lists"
    for i, step in enumerate(steps + txn.get("rollback", [])):
        if "barrier" in step:
            if not ID_RE.fullmatch(str(step["barrier"])) or step["barrier"] == "abort":
                return "steps[%d].barrier: bad name" % i
            continue
        if "installFiles" in step:
            files = step["installFiles"]
            if not isinstance(files, list) or not all(isinstance(f.get("src"), str) and isinstance(f.get("dst"), str) and os.path.isabs(f["dst"]) for f in files):
                return "steps[%d].installFiles needs absolute src/dst paths" % i
            if not isinstance(step.get("undo", []), list):
                return "steps[%d].undo must be a list of commands" % i
            continue
        if "writeFile" in step:
            w = step["writeFile"]
            if not isinstance(w.get("path"), str) or not os.path.isabs(w["path"]) or not isinstance(w.get("content"), str):
                return "steps[%d].writeFile needs an absolute path and a content" % i
            continue
        if not isinstance(step.get("do"), list) or not step["do"]:
            return "steps[%d].do must be a non-empty list of commands" % i
        for key in ("do", "undo"):
            for c in step.get(key) or []:
                argv = c.get("argv") if isinstance(c, dict) else None
                if not isinstance(argv, list) or not argv or not all(isinstance(a, str) and "\0" not in a for a in argv):
                    return "steps[%d].%s: each command needs an argv, a non-empty list of strings" % (i, key)
    return None


def run_argv(argv, stdin_text):
    started = time.monotonic()
    try:
        p = subprocess.run(argv, input=(stdin_text or "").encode(), stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, timeout=STEP_TIMEOUT_S)
        code, out, err = p.returncode, p.stdout, p.stderr
    except subprocess.TimeoutExpired:
        code, out, err = -1, b"", b"timed out after %ds" % STEP_TIMEOUT_S
    except OSError as e:
        code, out, err = -2, b"", str(e).encode()
    return {"argv": argv, "code": code, "stdout": out.decode(errors="replace")[-4000:],
            "stderr": err.decode(errors="replace")[-4000:], "durationMs": int((time.monotonic() - started) * 1000)}


def sha256_file(path):
    try:
        with open(path, "rb") as f:
            return hashlib.sha256(f.read()).hexdigest()
    except OSError:
        return None


def backup(path, backup_dir, index):
    """Copy `path` aside before it is replaced; returns how to restore it."""
    if os.path.exists(path):
        saved = os.path.join(backup_dir, "%d-%s" % (index, os.path.basename(path)))
        shutil.copy2(path, saved)
        return {"path": path, "saved": saved}
    return {"path": path, "saved": None}


def restore(entry):
    if entry["saved"] is None:
        if os.path.exists(entry["path"]):
            os.unlink(entry["path"])
    else:
        tmp = entry["path"] + ".srv6p-restore"
        shutil.copy2(entry["saved"], tmp)
        os.rename(tmp, entry["path"])


def place(dst, write, mode):
    os.makedirs(os.path.dirname(dst), exist_ok=True)
    tmp = dst + ".srv6p-new"
    write(tmp)
    os.chmod(tmp, mode)
    os.rename(tmp, dst)


def run_builtin(step, backup_dir, index):
    """installFiles / writeFile: atomic renames, previous content kept for undo."""
    started = time.monotonic()
    restores = []
    try:
        if "installFiles" in step:
            for f in step["installFiles"]:
                restores.append(backup(f["dst"], backup_dir, index * 100 + len(restores)))
                place(f["dst"], lambda tmp, src=f["src"]: shutil.copyfile(src, tmp), int(f.get("mode", 0o644)))
        else:
            w = step["writeFile"]
            restores.append(backup(w["path"], backup_dir, index * 100))
            def write(tmp, content=w["content"]):
                with open(tmp, "w") as out:
                    out.write(content)
            place(w["path"], write, int(w.get("mode", 0o644)))
        code, err = 0, ""
    except OSError as e:
        code, err = 1, str(e)
    step["_restores"] = restores
    return {"argv": [step.get("name", "builtin")], "code": code, "stdout": "", "stderr": err,
            "durationMs": int((time.monotonic() - started) * 1000)}


def wait_barrier(step, status_path, result):
    """Wait for the controller's signal file; an abort or a timeout fails the step."""
    name = step["barrier"]
    d = os.path.dirname(status_path)
    result["state"] = "waiting:" + name
    write_json_atomic(status_path, result)
    deadline = time.monotonic() + float(step.get("timeoutS", 30))
    started = time.monotonic()
    while time.monotonic() < deadline:
        if os.path.exists(os.path.join(d, "abort")):
            code, err = -4, "aborted by the controller"
            break
        if os.path.exists(os.path.join(d, name)):
            code, err = 0, ""
            break
        time.sleep(0.02)
    else:
        code, err = -3, "no %s signal within %ss" % (name, step.get("timeoutS", 30))
    result["state"] = "running"
    return {"argv": ["barrier", name], "code": code, "stdout": "", "stderr": err,
            "durationMs": int((time.monotonic() - started) * 1000)}


def run_commands(commands, tolerated):
    """Run commands in order; the first failure of one without mayFail stops
    them and is returned; tolerated failures are appended to `tolerated`."""
    started = time.monotonic()
    for c in commands:
        r = run_argv(c["argv"], c.get("input"))
        if r["code"] != 0:
            if not c.get("mayFail"):
                return r
            tolerated.append({"argv": c["argv"], "code": r["code"], "stderr": r["stderr"][-300:]})
    return {"argv": [], "code": 0, "stdout": "", "stderr": "", "durationMs": int((time.monotonic() - started) * 1000)}


def do_step(step, backup_dir, index, tolerated):
    if "installFiles" in step or "writeFile" in step:
        return run_builtin(step, backup_dir, index)
    return run_commands(step["do"], tolerated)


def undo_step(step, tolerate_all=False):
    """Put back what the step changed: restore its files, then run its undo
    commands. Returns None when there was nothing to undo."""
    if "_restores" not in step and not step.get("undo"):
        return None
    if "_restores" in step:
        try:
            for entry in reversed(step["_restores"]):
                restore(entry)
        except OSError as e:
            return {"code": 1, "stderr": str(e)}
    commands = [dict(c, mayFail=True) for c in step.get("undo") or []] if tolerate_all else step.get("undo") or []
    r = run_commands(commands, [])
    return {"code": r["code"], "stderr": r["stderr"], "argv": r["argv"]}


def acquire_lock(timeout_s, holder):
    os.makedirs(RUN_DIR, exist_ok=True)
    fd = os.open(LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o644)
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            os.ftruncate(fd, 0)
            os.write(fd, json.dumps(holder).encode())
            return fd, None
        except BlockingIOError:
            if time.monotonic() >= deadline:
                try:
                    current = os.pread(fd, 4096, 0).decode(errors="replace")
                    current = json.loads(current) if current else None
                except (OSError, ValueError):
                    current = None
                os.close(fd)
                return None, current
            time.sleep(0.05)


def undo_steps(steps, done, result, rollback):
    """Undo the `done` first steps in reverse order, then run the rollback
    steps; keep going past failures, report them. Rollback steps restore the
    previous configuration and tolerate "already so"."""
    failures = []
    for step in reversed(steps[:done]):
        r = undo_step(step)
        if r is not None and r["code"] != 0:
            failures.append({"step": step.get("name"), "argv": r.get("argv"), "code": r["code"], "stderr": r["stderr"]})
    tolerated = 0
    for step in rollback:
        r = run_commands([dict(c, mayFail=False) for c in step["do"]], [])
        if r["code"] != 0:
            tolerated += 1
    result["undone"] = done
    result["undoFailures"] = failures
    result["rollbackSteps"] = len(rollback)
    result["rollbackStepsFailed"] = tolerated
    return not failures


def work(txn, status_path):
    started = time.time()
    result = {"id": txn["id"], "state": "running", "pid": os.getpid(), "startedAt": started, "steps": len(txn["steps"])}
    write_json_atomic(status_path, result)
    holder = {"id": txn["id"], "pid": os.getpid(), "controller": txn.get("controller"), "since": started}
    lock_fd, current = acquire_lock(float(txn.get("lockTimeoutS", 30)), holder)
    if lock_fd is None:
        result.update(state="locked", holder=current, durationMs=int((time.time() - started) * 1000))
        write_json_atomic(status_path, result)
        return
    expect = txn.get("expectRecord")
    if expect:
        current = sha256_file(expect["path"])
        if current != expect.get("sha256"):
            result.update(state="conflict", record={"expected": expect.get("sha256"), "found": current},
                           durationMs=int((time.time() - started) * 1000))
            write_json_atomic(status_path, result)
            os.close(lock_fd)
            return
    steps = txn["steps"]
    rollback = txn.get("rollback", [])
    backup_dir = os.path.join(os.path.dirname(status_path), "backup")
    os.makedirs(backup_dir, exist_ok=True)
    done = 0
    for step in steps:
        tolerated = []
        if "barrier" in step:
            r = wait_barrier(step, status_path, result)
        else:
            r = do_step(step, backup_dir, done, tolerated)
        for t in tolerated:
            result.setdefault("toleratedFailures", []).append(dict(t, step=step.get("name")))
        if r["code"] != 0:
            result["failedStep"] = dict(r, step=step.get("name"), index=done)
            # A failed step may have done part of its work (an earlier
            # command of it ran): undo it too, tolerating failure.
            partial = undo_step(step, tolerate_all=True)
            if partial is not None:
                result["failedStepUndo"] = {"code": partial["code"], "stderr": partial["stderr"]}
            ok = undo_steps(steps, done, result, rollback)
            unconfirmed = step.get("barrier") == "confirm" and r["code"] == -3
            result["state"] = ("reverted-unconfirmed" if unconfirmed else "rolled-back") if ok else "rollback-failed"
            break
        done += 1
        result["done"] = done
    else:
        result["state"] = "committed"
    result["durationMs"] = int((time.time() - started) * 1000)
    write_json_atomic(status_path, result)
    os.close(lock_fd)


def prune_old_transactions(keep):
    """Transaction logs are an audit trail in /run: keep the newest few."""
    try:
        entries = sorted(os.scandir(TXN_DIR), key=lambda e: e.stat().st_mtime)
    except OSError:
        return
    for e in entries[:-keep] if len(entries) > keep else []:
        status = os.path.join(e.path, "status.json")
        try:
            if read_json(status).get("state") in FINAL_STATES:
                shutil.rmtree(e.path, ignore_errors=True)
        except (OSError, ValueError):
            pass


def cmd_run(path):
    try:
        txn = json.load(sys.stdin) if path == "-" else read_json(path)
    except (OSError, ValueError) as e:
        fail_usage("cannot read transaction %s: %s" % (path, e))
    problem = validate(txn)
    if problem:
        fail_usage(problem)
    d = os.path.dirname(txn_path(txn["id"], "x"))
    prune_old_transactions(KEEP_TRANSACTIONS)
    os.makedirs(d, exist_ok=True)
    status_path = os.path.join(d, "status.json")
    if os.path.exists(status_path):
        fail_usage("transaction %s was already started" % txn["id"])
    write_json_atomic(os.path.join(d, "txn.json"), txn)
    write_json_atomic(status_path, {"id": txn["id"], "state": "starting"})
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        # Detach: own session, no terminal, no tie to the SSH channel.
        os.close(r)
        os.setsid()
        if os.fork() != 0:
            os._exit(0)
        log = os.open(os.path.join(d, "log"), os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
        devnull = os.open(os.devnull, os.O_RDONLY)
        os.dup2(devnull, 0)
        os.dup2(log, 1)
        os.dup2(log, 2)
        os.write(w, str(os.getpid()).encode())
        os.close(w)
        try:
            work(txn, status_path)
        except Exception as e:  # noqa: BLE001 - last resort: record, never leave "running"
            write_json_atomic(status_path, {"id": txn["id"], "state": "rollback-failed", "error": repr(e)})
        os._exit(0)
    os.close(w)
    child = os.read(r, 32).decode()
    os.close(r)
    os.waitpid(pid, 0)
    print(json.dumps({"id": txn["id"], "pid": int(child or 0)}))


def cmd_wait(txn_id, timeout_s, barrier=None):
    status_path = txn_path(txn_id, "status.json")
    if not os.path.isdir(os.path.dirname(status_path)):
        fail_usage("no transaction %s on this router" % txn_id)
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            status = read_json(status_path)
        except (OSError, ValueError):
            status = {"id": txn_id, "state": "unknown"}
        at_barrier = barrier is not None and status.get("state") == "waiting:" + barrier
        if status.get("state") in FINAL_STATES or at_barrier or time.monotonic() >= deadline:
            print(json.dumps(status))
            if status.get("state") == "committed":
                return WAIT_EXIT["committed"]
            if at_barrier:
                return WAIT_EXIT["at-barrier"]
            return WAIT_EXIT["not-committed"] if status.get("state") in FINAL_STATES else WAIT_EXIT["timeout"]
        time.sleep(0.02)


def cmd_signal(txn_id, name):
    if not ID_RE.fullmatch(name):
        fail_usage("bad barrier name %r" % name)
    path = txn_path(txn_id, name)
    if not os.path.isdir(os.path.dirname(path)):
        fail_usage("no transaction %s on this router" % txn_id)
    with open(path, "w") as f:
        f.write(str(time.time()))
    print(json.dumps({"id": txn_id, "signal": name}))
    return 0


def main(argv):
    if len(argv) >= 2 and argv[0] == "run":
        cmd_run(argv[1])
        return 0
    if len(argv) >= 2 and argv[0] == "wait":
        opts = dict(zip(argv[2::2], argv[3::2]))
        return cmd_wait(argv[1], float(opts.get("--timeout", 120)), opts.get("--barrier"))
    if len(argv) == 3 and argv[0] == "signal":
        return cmd_signal(argv[1], argv[2])
    if len(argv) == 2 and argv[0] == "status":
        return cmd_wait(argv[1], 0)
    fail_usage("usage: srv6p-apply.py run TXN.json|- | wait ID [--timeout S] [--barrier NAME] | signal ID NAME | status ID")
    return EXIT_USAGE


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
