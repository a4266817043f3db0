#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Apply one srv6-protect transaction on this router, whole or not at all.

Pushed to routers as text (python3 standard library only). The controller
uploads a transaction file and starts it; the work then runs in a detached
process of its own session, so a lost SSH connection neither stops it half
way nor leaves the router half configured: it commits, or it undoes every
step it did, in reverse order.

  srv6p-apply.py run TXN.json        start; prints {"id", "pid"}
  srv6p-apply.py wait ID [--timeout S]
                                     print the result when done (exit 0
                                     committed, 1 not committed, 3 still running)
  srv6p-apply.py confirm ID          confirm a commit made with confirmTimeoutS
  srv6p-apply.py status ID           print the current state

A transaction:
  {"id": "...", "controller": "...", "lockTimeoutS": 30, "confirmTimeoutS": 0,
   "steps": [{"name": "...", "do": [argv...], "undo": [argv...] | null,
              "input": "stdin for do" | null, "undoInput": "..." | null}]}

Steps run without a shell. One apply at a time per router: an exclusive
flock on /run/srv6-protect/apply.lock, waited for up to lockTimeoutS.
"""
import fcntl
import json
import os
import re
import subprocess
import sys
import time

RUN_DIR = os.environ.get("SRV6P_RUN_DIR", "/run/srv6-protect")
TXN_DIR = os.path.join(RUN_DIR, "txn")
LOCK_FILE = os.path.join(RUN_DIR, "apply.lock")
ID_RE = re.compile(r"^[A-Za-z0-9_.-]{1,80}$")
STEP_TIMEOUT_S = 60
EXIT_USAGE = 2

FINAL_STATES = ("committed", "rolled-back", "rollback-failed", "reverted-unconfirmed", "locked", "invalid")


def fail_usage(message):
    print(json.dumps({"error": message}), file=sys.stderr)
    sys.exit(EXIT_USAGE)


def txn_path(txn_id, name):
    if not ID_RE.match(txn_id):
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
    if not isinstance(txn, dict) or not ID_RE.match(str(txn.get("id", ""))):
        return "transaction needs an id matching %s" % ID_RE.pattern
    steps = txn.get("steps")
    if not isinstance(steps, list):
        return "steps must be a list"
    for i, step in enumerate(steps):
        for key in ("do", "undo"):
            argv = step.get(key)
            if argv is None and key == "undo":
                continue
            if not isinstance(argv, list) or not argv or not all(isinstance(a, str) and "\0" not in a for a in argv):
                return "steps[%d].%s must be a non-empty list of strings" % (i, key)
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


def undo_steps(steps, done, result):
    """Undo the `done` first steps in reverse order; keep going past failures."""
    failures = []
    for step in reversed(steps[:done]):
        if step.get("undo") is None:
            continue
        r = run_argv(step["undo"], step.get("undoInput"))
        if r["code"] != 0:
            failures.append(dict(r, step=step.get("name")))
    result["undone"] = done
    result["undoFailures"] = failures
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
    steps = txn["steps"]
    done = 0
    for step in steps:
        r = run_argv(step["do"], step.get("input"))
        if r["code"] != 0:
            result["failedStep"] = dict(r, step=step.get("name"), index=done)
            # A failed step may have done part of its work (an `ip -batch`
            # stops at its first bad line): undo it too, tolerating failure.
            if step.get("undo") is not None:
                partial = run_argv(step["undo"], step.get("undoInput"))
                result["failedStepUndo"] = {"code": partial["code"], "stderr": partial["stderr"]}
            ok = undo_steps(steps, done, result)
            result["state"] = "rolled-back" if ok else "rollback-failed"
            break
        done += 1
        result["done"] = done
    else:
        confirm_s = float(txn.get("confirmTimeoutS") or 0)
        if confirm_s > 0:
            result["state"] = "awaiting-confirm"
            write_json_atomic(status_path, result)
            confirm_file = os.path.join(os.path.dirname(status_path), "confirm")
            deadline = time.monotonic() + confirm_s
            while time.monotonic() < deadline and not os.path.exists(confirm_file):
                time.sleep(0.1)
            if os.path.exists(confirm_file):
                result["state"] = "committed"
                result["confirmed"] = True
            else:
                ok = undo_steps(steps, done, result)
                result["state"] = "reverted-unconfirmed" if ok else "rollback-failed"
        else:
            result["state"] = "committed"
    result["durationMs"] = int((time.time() - started) * 1000)
    write_json_atomic(status_path, result)
    os.close(lock_fd)


def cmd_run(path):
    try:
        txn = read_json(path)
    except (OSError, ValueError) as e:
        fail_usage("cannot read transaction %s: %s" % (path, e))
    problem = validate(txn)
    if problem:
        fail_usage(problem)
    d = os.path.dirname(txn_path(txn["id"], "x"))
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


def cmd_wait(txn_id, timeout_s):
    status_path = txn_path(txn_id, "status.json")
    if not os.path.isdir(os.path.dirname(status_path)):
        fail_usage("no transaction %s on this router" % txn_id)
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            status = read_json(status_path)
        except (OSError, ValueError):
            status = {"id": txn_id, "state": "unknown"}
        if status.get("state") in FINAL_STATES or time.monotonic() >= deadline:
            print(json.dumps(status))
            if status.get("state") == "committed":
                return 0
            return 1 if status.get("state") in FINAL_STATES else 3
        time.sleep(0.02)


def cmd_confirm(txn_id):
    path = txn_path(txn_id, "confirm")
    if not os.path.isdir(os.path.dirname(path)):
        fail_usage("no transaction %s" % txn_id)
    with open(path, "w") as f:
        f.write(str(time.time()))
    return cmd_wait(txn_id, 30)


def main(argv):
    if len(argv) >= 2 and argv[0] == "run":
        cmd_run(argv[1])
        return 0
    if len(argv) >= 2 and argv[0] == "wait":
        timeout = 120.0
        if len(argv) == 4 and argv[2] == "--timeout":
            timeout = float(argv[3])
        return cmd_wait(argv[1], timeout)
    if len(argv) == 2 and argv[0] == "confirm":
        return cmd_confirm(argv[1])
    if len(argv) == 2 and argv[0] == "status":
        return cmd_wait(argv[1], 0)
    fail_usage("usage: srv6p-apply.py run TXN.json | wait ID [--timeout S] | confirm ID | status ID")
    return EXIT_USAGE


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
