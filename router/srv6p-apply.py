#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Apply one srv6-protect transaction on this router, whole or not at all.

Pushed to routers as text (python3 standard library only), and installed
as /var/lib/srv6-protect/bin/srv6p-apply.py for the boot hook. The
controller uploads a transaction and starts it; the work then runs in a
process of its own (a systemd transient unit where systemd is PID 1, else
a detached session), so neither a lost SSH connection nor the end of the
login session stops it half way: it commits, or it undoes every step it
began, in reverse order.

  srv6p-apply.py run TXN.json|-      start; prints {"id", "pid"}
  srv6p-apply.py wait ID [--timeout S] [--barrier NAME]
                                     print the state when final (exit 0
                                     committed, 1 not committed), or when
                                     waiting at barrier NAME (exit 4), or at
                                     the timeout (exit 3); WAIT_EXIT below
  srv6p-apply.py signal ID NAME      let the transaction pass barrier NAME,
                                     or NAME=abort: roll it back
  srv6p-apply.py status ID           print the current state
  srv6p-apply.py cleanup [ARGV...]   under the lock: drop finished
                                     transactions, run ARGV, remove the lock
  srv6p-apply.py boot                replay the applied record (boot hook)

Barriers make a network-wide apply all-or-nothing per router: a step
{"barrier": "go", "timeoutS": 30} waits for the controller's signal; without
it (controller gone, or another router failed) the router undoes what it did.
While it waits, `wait` reports how many seconds are left (barrierRemainingS)
so the controller can abort everywhere rather than let one router time out
while another commits. The last barrier, "confirm", is commit-confirm.

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

Commands run without a shell. Every step is journaled before it starts, so
the undo is exact also when the applier itself dies: on a failure, an
exception or a missing signal, the steps begun are undone in reverse (files
restored from backups, then each step's own `undo`), then the `rollback`
steps run (only controllers whose previous record has no per-step undo send
any). A failed undo command is reported and the state is "rollback-failed".

One apply at a time per router: an exclusive flock on
/run/srv6-protect/apply.lock, waited for up to lockTimeoutS. Nothing deletes
the lock file except `cleanup`, which holds the lock while it does; a waiter
checks that the file it locked is still the one at the path. The holder of
the lock first rolls back any transaction whose applier died (its pid and
start time no longer match). With expectRecord, the transaction is refused
("conflict") when the record file changed since the controller read it.

File backups live on disk (STATE_DIR/backup/ID) while a transaction runs, so
a reboot in the middle of one is undone by the boot hook: files back to the
record's, unless the record itself was already the new one.
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
STATE_DIR = os.environ.get("SRV6P_STATE_DIR", "/var/lib/srv6-protect")
TXN_DIR = os.path.join(RUN_DIR, "txn")
LOCK_FILE = os.path.join(RUN_DIR, "apply.lock")
BACKUP_ROOT = os.path.join(STATE_DIR, "backup")
# The contents a transaction writes (the applied record: megabytes on a router
# with thousands of routes) wait here, on disk, not in txn.json in /run, which
# is small on a router.
PENDING_DIR = os.path.join(STATE_DIR, "pending")
APPLIED_RECORD = os.path.join(STATE_DIR, "applied.json")
BOOT_STATUS = os.path.join(RUN_DIR, "boot.json")
# sd_booted(3): systemd is PID 1 exactly when this directory exists.
SYSTEMD_RUNTIME = os.environ.get("SRV6P_SYSTEMD_RUNTIME", "/run/systemd/system")
# Every check uses fullmatch: with match, a pattern's '$' also matches before a trailing
# newline, so "eth1\n" would pass (test/router/router_checks.py).
ID_RE = re.compile(r"^[A-Za-z0-9_.-]{1,80}$")
STEP_TIMEOUT_S = 60
KEEP_TRANSACTIONS = 20
KEEP_FULL_TRANSACTIONS = 0
# A transaction whose status has no worker pid yet was being started; after this long its starter is gone.
STARTING_GRACE_S = 30
EXIT_USAGE = 2

# The outcomes, shared with the controller (provider/engine/apply-outcomes.ts;
# test/engine/applier.test.ts checks that both say the same).
FINAL_STATES = ("committed", "rolled-back", "rollback-failed", "reverted-unconfirmed", "locked", "conflict")
WAIT_EXIT = {"committed": 0, "not-committed": 1, "usage": EXIT_USAGE, "timeout": 3, "at-barrier": 4}


def fail_usage(message):
    print(json.dumps({"error": message}), file=sys.stderr)
    sys.exit(EXIT_USAGE)


def txn_dir_of(txn_id):
    if not ID_RE.fullmatch(txn_id):
        fail_usage("bad transaction id: %r" % txn_id)
    return os.path.join(TXN_DIR, txn_id)


def write_json_atomic(path, value):
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        json.dump(value, f)
        f.flush()
        os.fsync(f.fileno())
    os.rename(tmp, path)


def write_reserved_status(path, value):
    """Atomically, padded to STATUS_RESERVE_BYTES."""
    text = json.dumps(value).encode()
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(text + b" " * max(0, STATUS_RESERVE_BYTES - len(text)) + b"\n")
        f.flush()
        os.fsync(f.fileno())
    os.rename(tmp, path)


def write_status(path, value):
    """The status is how the controller learns the outcome: when the atomic
    write fails (a full /run), overwrite the existing file in place with the
    essentials, which needs no new block."""
    try:
        write_reserved_status(path, value)
        return True
    except OSError as e:
        essentials = {k: value[k] for k in ("id", "state", "pid", "pidStart", "pgid", "done", "undone", "recovered") if k in value}
        essentials["statusWriteError"] = str(e)
        if isinstance(value.get("failedStep"), dict):
            essentials["failedStep"] = {k: value["failedStep"].get(k) for k in ("step", "code", "index")}
            essentials["failedStep"]["argv"] = []
            essentials["failedStep"]["stderr"] = str(value["failedStep"].get("stderr", ""))[-200:]
        if value.get("undoFailures"):
            essentials["undoFailures"] = [{k: u.get(k) for k in ("step", "code")} for u in value["undoFailures"]][:10]
        minimal = {k: essentials[k] for k in ("id", "state", "recovered") if k in essentials}
        candidates = [essentials, dict(essentials, statusWriteError="ENOSPC"), minimal]
        try:
            fd = os.open(path, os.O_WRONLY)
            try:
                size = os.fstat(fd).st_size
                # Within the file's own size (cmd_run reserves room): valid JSON,
                # padded with blanks, and no new block needed.
                for c in candidates:
                    text = json.dumps(c).encode()
                    if len(text) <= size:
                        os.pwrite(fd, text + b" " * (size - len(text)), 0)
                        return True
                os.pwrite(fd, json.dumps(minimal).encode(), 0)
            finally:
                os.close(fd)
            return True
        except OSError:
            return False

# Room the first status takes on disk (blank padding: still JSON), so that a
# later status fits in place when /run is full.
STATUS_RESERVE_BYTES = 2048


def read_json(path):
    with open(path) as f:
        return json.load(f)


def sha256_file(path):
    try:
        with open(path, "rb") as f:
            return hashlib.sha256(f.read()).hexdigest()
    except OSError:
        return None


# --- who is alive -----------------------------------------------------------

def live_process(pid):
    """(process group, start time in clock ticks since boot) of a process that
    has not exited, else None (a zombie nobody reaped yet has exited too)."""
    try:
        with open("/proc/%d/stat" % int(pid)) as f:
            stat = f.read()
        fields = stat[stat.rindex(")") + 2:].split()
        return None if fields[0] in ("Z", "X") else (int(fields[2]), int(fields[19]))
    except (OSError, ValueError, IndexError):
        return None


def proc_start(pid):
    """The start time: with the pid, it names one process; a pid alone may
    have been reused."""
    p = live_process(pid)
    return p[1] if p else None


# Set in the environment of every command a transaction runs: a process
# group id can be reused by anyone once the dead applier's group is gone,
# so an orphan is also known by this tag.
TXN_TAG = {}


def tagged(pid, txn_id):
    try:
        with open("/proc/%d/environ" % int(pid), "rb") as f:
            return ("SRV6P_TXN=%s" % txn_id).encode() in f.read().split(b"\0")
    except OSError:
        return False


def stop_orphans(status):
    """A dead applier's command may still run (its child outlives it): stop
    what is left of its process group before undoing, so the undo is not
    overtaken. Only processes started after the applier: a group id can be
    reused once its members are gone."""
    pgid, since = status.get("pgid"), status.get("pidStart")
    if not pgid or since is None or pgid == os.getpgid(0):
        return 0
    killed = 0
    for entry in os.listdir("/proc"):
        p = live_process(entry) if entry.isdigit() else None
        if p and p[0] == pgid and p[1] >= since and tagged(entry, status.get("id")):
            try:
                os.kill(int(entry), 9)
                killed += 1
            except OSError:
                pass
    return killed


def worker_alive(status, status_path):
    pid = status.get("pid")
    if not pid:
        try:
            age = time.time() - os.stat(status_path).st_mtime
        except OSError:
            return False
        return age < STARTING_GRACE_S
    start = proc_start(pid)
    if status.get("pidStart") is None:
        return start is not None
    return start == status.get("pidStart")


# --- validation --------------------------------------------------------------

def validate(txn):
    if not isinstance(txn, dict) or not ID_RE.fullmatch(str(txn.get("id", ""))):
        return "transaction needs an id matching %s" % ID_RE.pattern
    steps = txn.get("steps")
    if not isinstance(steps, list) or not isinstance(txn.get("rollback", []), list):
        return "steps and rollback must be lists"
    for i, step in enumerate(steps + txn.get("rollback", [])):
        if not isinstance(step, dict):
            return "steps[%d] must be an object" % i
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
            staged = w.get("staged")
            if not isinstance(w.get("path"), str) or not os.path.isabs(w["path"]) or not (
                    isinstance(w.get("content"), str) or (isinstance(staged, str) and os.path.isabs(staged) and isinstance(w.get("sha256"), str))):
                return "steps[%d].writeFile needs an absolute path and a content (or a staged file and its sha256)" % i
            continue
        if not isinstance(step.get("do"), list) or not step["do"]:
            return "steps[%d].do must be a non-empty list of commands" % i
        for key in ("do", "undo"):
            for c in step.get(key) or []:
                argv = c.get("argv") if isinstance(c, dict) else None
                if not isinstance(argv, list) or not argv or not all(isinstance(a, str) and "\0" not in a for a in argv):
                    return "steps[%d].%s: each command needs an argv, a non-empty list of strings" % (i, key)
    return None


# --- commands and files ------------------------------------------------------

def run_argv(argv, stdin_text):
    started = time.monotonic()
    try:
        p = subprocess.run(argv, input=(stdin_text or "").encode(), stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, timeout=STEP_TIMEOUT_S, env=dict(os.environ, **TXN_TAG))
        code, out, err = p.returncode, p.stdout, p.stderr
    except subprocess.TimeoutExpired:
        code, out, err = -1, b"", b"timed out after %ds" % STEP_TIMEOUT_S
    except OSError as e:
        code, out, err = -2, b"", str(e).encode()
    return {"argv": argv, "code": code, "stdout": out.decode(errors="replace")[-4000:],
            "stderr": err.decode(errors="replace")[-4000:], "durationMs": int((time.monotonic() - started) * 1000)}


def run_commands(commands, tolerated):
    """Run commands in order; the first failure of one without mayFail stops
    them and is returned; tolerated failures are appended to `tolerated`."""
    started = time.monotonic()
    for c in commands:
        r = run_argv(c["argv"], command_input(c))
        if r["code"] != 0:
            if not c.get("mayFail"):
                return r
            tolerated.append({"argv": c["argv"], "code": r["code"], "stderr": r["stderr"][-300:]})
    return {"argv": [], "code": 0, "stdout": "", "stderr": "", "durationMs": int((time.monotonic() - started) * 1000)}


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
    elif os.path.exists(entry["saved"]):
        tmp = entry["path"] + ".srv6p-restore"
        shutil.copy2(entry["saved"], tmp)
        os.rename(tmp, entry["path"])


def place(dst, write, mode):
    os.makedirs(os.path.dirname(dst), exist_ok=True)
    tmp = dst + ".srv6p-new"
    write(tmp)
    os.chmod(tmp, mode)
    os.rename(tmp, dst)


class Journal:
    """One line per event, appended before the event happens: what a
    recovering applier needs to undo exactly what a dead one began."""

    def __init__(self, txn_dir):
        self.path = os.path.join(txn_dir, "journal")
        self.fd = None

    def log(self, event):
        if self.fd is None:
            self.fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        line = (json.dumps(event) + "\n").encode()
        if os.write(self.fd, line) != len(line):
            raise OSError("short write to the journal")

    def close(self):
        if self.fd is not None:
            os.close(self.fd)
            self.fd = None

    def events(self):
        try:
            with open(self.path) as f:
                lines = f.read().split("\n")
        except OSError:
            return []
        out = []
        for line in lines:
            try:
                out.append(json.loads(line))
            except ValueError:
                pass  # the last line of a dead writer may be cut short
        return out


def run_builtin(step, index, journal, backup_dir, on_backup):
    """installFiles / writeFile: the previous content is copied aside and the
    journal names the copies before anything is replaced; atomic renames."""
    started = time.monotonic()
    targets = [(f["dst"], f) for f in step["installFiles"]] if "installFiles" in step else [(step["writeFile"]["path"], step["writeFile"])]
    os.makedirs(backup_dir, exist_ok=True)
    restores = []
    step["_restores"] = restores
    for n, (dst, _) in enumerate(targets):
        restores.append(backup(dst, backup_dir, index * 1000 + n))
    journal.log({"restores": index, "entries": restores})
    on_backup(restores)
    for dst, spec in targets:
        if "installFiles" in step:
            place(dst, lambda tmp, src=spec["src"]: shutil.copyfile(src, tmp), int(spec.get("mode", 0o644)))
        elif "staged" in spec:
            def copy_checked(tmp, src=spec["staged"], want=spec["sha256"]):
                shutil.copyfile(src, tmp)
                if sha256_file(tmp) != want:
                    raise OSError("staged %s is not the content uploaded (sha256 differs)" % src)
            place(dst, copy_checked, int(spec.get("mode", 0o644)))
        else:
            def write(tmp, content=spec["content"]):
                with open(tmp, "w") as out:
                    out.write(content)
            place(dst, write, int(spec.get("mode", 0o644)))
    return {"argv": [step.get("name", "builtin")], "code": 0, "stdout": "", "stderr": "",
            "durationMs": int((time.monotonic() - started) * 1000)}


def wait_barrier(step, status_path, result):
    """Wait for the controller's signal file; an abort or a timeout fails the step."""
    name = step["barrier"]
    d = os.path.dirname(status_path)
    timeout_s = float(step.get("timeoutS", 30))
    started = time.monotonic()
    deadline = started + timeout_s
    # CLOCK_MONOTONIC is one clock for every process of the router: `wait` reports what is left.
    result.update(state="waiting:" + name, barrierDeadlineMono=deadline)
    if not write_status(status_path, result):
        raise OSError("cannot write the status at barrier %s" % name)
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
    result.pop("barrierDeadlineMono", None)
    return {"argv": ["barrier", name], "code": code, "stdout": "", "stderr": err,
            "durationMs": int((time.monotonic() - started) * 1000)}


def undo_step(step, restores, tolerate_all=False):
    """Put back what the step changed: restore its files, then run its undo
    commands. Returns None when there was nothing to undo."""
    if restores is None and not step.get("undo"):
        return None
    if restores is not None:
        try:
            for entry in reversed(restores):
                restore(entry)
        except OSError as e:
            return {"code": 1, "stderr": "restoring files: %s" % e, "argv": []}
    commands = [dict(c, mayFail=True) for c in step.get("undo") or []] if tolerate_all else step.get("undo") or []
    r = run_commands(commands, [])
    return {"code": r["code"], "stderr": r["stderr"], "argv": r["argv"]}


def undo_begun(txn, begun, done, restores_of, result):
    """Undo every step begun, the unfinished one first (tolerating failure:
    it may have done only part of its work), then the done ones in reverse;
    then the rollback steps. Keeps going past failures and reports them."""
    steps = txn["steps"]
    failures = []
    undone = 0
    for i in sorted(begun, reverse=True):
        step = steps[i]
        if "barrier" in step:
            continue
        r = undo_step(step, restores_of.get(i), tolerate_all=i not in done)
        undone += 1
        if r is not None and r["code"] != 0:
            failures.append({"step": step.get("name"), "index": i, "argv": r.get("argv"), "code": r["code"], "stderr": r["stderr"][-1000:]})
    for step in txn.get("rollback", []):
        r = run_commands([dict(c, mayFail=False) for c in step["do"]], [])
        if r["code"] != 0:
            failures.append({"step": step.get("name"), "argv": r["argv"], "code": r["code"], "stderr": r["stderr"][-1000:]})
    result["undone"] = len(done)
    result["undoFailures"] = failures
    result["rollbackSteps"] = len(txn.get("rollback", []))
    return not failures


# --- the lock ----------------------------------------------------------------

def acquire_lock(timeout_s, holder):
    """flock the lock file; if `cleanup` removed it meanwhile, the inode we
    hold is no longer the file at the path: lock the new one instead."""
    os.makedirs(RUN_DIR, exist_ok=True)
    deadline = time.monotonic() + timeout_s
    while True:
        fd = os.open(LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o644)
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
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
        try:
            same = os.fstat(fd).st_ino == os.stat(LOCK_FILE).st_ino
        except OSError:
            same = False
        if not same:
            os.close(fd)
            continue
        try:
            os.ftruncate(fd, 0)
            os.pwrite(fd, json.dumps(holder).encode(), 0)
        except OSError:
            pass  # who holds it is for people; the lock is the flock
        return fd, None


# --- recovery of a dead applier's transaction --------------------------------

def recover(txn_dir):
    """Finish what a dead applier left: commit if every step was done, else
    undo the steps its journal says it began. Call with the lock held."""
    status_path = os.path.join(txn_dir, "status.json")
    try:
        txn = read_json(os.path.join(txn_dir, "txn.json"))
        status = read_json(status_path)
    except (OSError, ValueError):
        return None
    if status.get("state") in FINAL_STATES:
        return status
    events = Journal(txn_dir).events()
    begun = {e["begin"] for e in events if "begin" in e}
    done = {e["done"] for e in events if "done" in e}
    restores_of = {e["restores"]: e["entries"] for e in events if "restores" in e}
    steps = txn["steps"]
    result = dict(status, recovered=True, recoveredBy=os.getpid(), orphansStopped=stop_orphans(status))
    if len(done) == len(steps):
        result["state"] = "committed"
    else:
        unfinished = [i for i in begun if i not in done]
        at = unfinished[0] if unfinished else (max(done) + 1 if done else 0)
        name = steps[at].get("name") if at < len(steps) else None
        result["failedStep"] = {"step": name, "index": at, "argv": [], "code": -9,
                                "stderr": "the applier (pid %s) died during this step; a later applier undid the transaction" % status.get("pid")}
        # Died before its first step (waiting for the lock): nothing to undo.
        ok = undo_begun(txn, begun, done, restores_of, result) if begun else True
        result["state"] = "rolled-back" if ok else "rollback-failed"
    drop_backups(txn["id"])
    drop_staged(txn)
    result["durationMs"] = int((time.time() - float(status.get("startedAt", time.time()))) * 1000)
    write_status(status_path, result)
    return result


def recover_stale(exclude=None):
    """Roll back every transaction whose applier died; call with the lock held."""
    recovered = []
    try:
        entries = sorted(os.scandir(TXN_DIR), key=lambda e: e.stat().st_mtime)
    except OSError:
        return recovered
    for e in entries:
        if e.name == exclude or not e.is_dir():
            continue
        status_path = os.path.join(e.path, "status.json")
        try:
            status = read_json(status_path)
        except (OSError, ValueError):
            continue
        if status.get("state") in FINAL_STATES or worker_alive(status, status_path):
            continue
        r = recover(e.path)
        if r is not None:
            recovered.append({"id": e.name, "state": r.get("state")})
    return recovered


def backup_dir_of(txn_id):
    return os.path.join(BACKUP_ROOT, txn_id)


def drop_backups(txn_id):
    shutil.rmtree(backup_dir_of(txn_id), ignore_errors=True)
    try:
        os.rmdir(BACKUP_ROOT)
    except OSError:
        pass


def restore_interrupted_by_reboot():
    """At boot, /run is empty: a transaction that was running has no journal
    any more, but its file backups are on disk. Unless the record on disk is
    the one that transaction wrote (it got that far), put its files back."""
    restored = []
    try:
        entries = list(os.scandir(BACKUP_ROOT))
    except OSError:
        return restored
    record = sha256_file(APPLIED_RECORD)
    for e in entries:
        try:
            pending = read_json(os.path.join(e.path, "pending.json"))
        except (OSError, ValueError):
            shutil.rmtree(e.path, ignore_errors=True)
            continue
        if record is None or record != pending.get("newRecordSha256"):
            for entry in reversed(pending.get("restores", [])):
                try:
                    restore(entry)
                except OSError:
                    pass
            restored.append(e.name)
        shutil.rmtree(e.path, ignore_errors=True)
    try:
        os.rmdir(BACKUP_ROOT)
    except OSError:
        pass
    return restored


# --- the worker ----------------------------------------------------------------

def execute(txn, txn_dir, status_path, result):
    """Run the steps in order, journaled; any failure or exception undoes
    every step begun. Returns the final state."""
    steps = txn["steps"]
    journal = Journal(txn_dir)
    bdir = backup_dir_of(txn["id"])
    begun, done, restores_of = set(), set(), {}
    unconfirmed = False
    try:
        # Backups outlive /run (a reboot): say which record would mean "committed".
        new_record = [s["writeFile"].get("sha256") or hashlib.sha256(s["writeFile"]["content"].encode()).hexdigest()
                      for s in steps if "writeFile" in s and s["writeFile"]["path"] == APPLIED_RECORD]
        pending_restores = []
        for i, step in enumerate(steps):
            tolerated = []
            journal.log({"begin": i})
            begun.add(i)
            if "barrier" in step:
                r = wait_barrier(step, status_path, result)
            elif "installFiles" in step or "writeFile" in step:
                def on_backup(restores):
                    pending_restores.extend(restores)
                    write_json_atomic(os.path.join(bdir, "pending.json"), {
                        "id": txn["id"], "restores": pending_restores,
                        "newRecordSha256": new_record[0] if new_record else None})
                r = run_builtin(step, i, journal, bdir, on_backup)
                restores_of[i] = step["_restores"]
            else:
                r = run_commands(step["do"], tolerated)
            for t in tolerated:
                result.setdefault("toleratedFailures", []).append(dict(t, step=step.get("name")))
            if r["code"] != 0:
                result["failedStep"] = dict(r, step=step.get("name"), index=i)
                unconfirmed = step.get("barrier") == "confirm" and r["code"] == -3
                break
            journal.log({"done": i})
            done.add(i)
            result["done"] = len(done)
    except Exception as e:  # noqa: BLE001 - any exception after the first step starts the undo
        i = max(begun) if begun else 0
        if i in begun and "_restores" in steps[i]:
            restores_of[i] = steps[i]["_restores"]
        result["failedStep"] = {"step": steps[i].get("name") if steps else None, "index": i, "argv": [], "code": -5,
                                "stderr": "the applier failed: %s" % e}
    if len(done) == len(steps):
        state = "committed"
    else:
        ok = undo_begun(txn, begun, done, restores_of, result)
        state = ("reverted-unconfirmed" if unconfirmed else "rolled-back") if ok else "rollback-failed"
    try:
        journal.log({"final": state})
    except OSError:
        pass
    journal.close()
    drop_backups(txn["id"])
    return state


def work(txn, txn_dir):
    TXN_TAG["SRV6P_TXN"] = txn["id"]
    status_path = os.path.join(txn_dir, "status.json")
    started = time.time()
    result = {"id": txn["id"], "state": "running", "pid": os.getpid(), "pidStart": proc_start(os.getpid()), "pgid": os.getpgid(0),
              "startedAt": started, "steps": len(txn["steps"])}
    write_status(status_path, result)
    holder = {"id": txn["id"], "pid": os.getpid(), "controller": txn.get("controller"), "since": started}
    lock_fd, current = acquire_lock(float(txn.get("lockTimeoutS", 30)), holder)
    if lock_fd is None:
        result.update(state="locked", holder=current, durationMs=int((time.time() - started) * 1000))
        write_status(status_path, result)
        drop_staged(txn)
        return
    try:
        recovered = recover_stale(exclude=txn["id"])
        if recovered:
            result["recoveredFirst"] = recovered
        expect = txn.get("expectRecord")
        found = sha256_file(expect["path"]) if expect else None
        if expect and found != expect.get("sha256"):
            result.update(state="conflict", record={"expected": expect.get("sha256"), "found": found})
        else:
            result["state"] = execute(txn, txn_dir, status_path, result)
        result["durationMs"] = int((time.time() - started) * 1000)
        write_status(status_path, result)
    finally:
        drop_staged(txn)
        os.close(lock_fd)


# A command's stdin larger than this waits in PENDING_DIR too (the map
# contents of thousands of prefixes, and their undo).
INLINE_INPUT_BYTES = 65536


def command_input(c):
    if "inputFile" in c:
        with open(c["inputFile"]) as f:
            return f.read()
    return c.get("input")


def pending_write(path, data):
    os.makedirs(PENDING_DIR, exist_ok=True)
    tmp = path + ".srv6p-new"
    with open(tmp, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    os.rename(tmp, path)


def pending_paths(txn):
    for step in txn.get("steps", []):
        staged = (step.get("writeFile") or {}).get("staged")
        if isinstance(staged, str):
            yield staged
        for key in ("do", "undo"):
            for c in step.get(key) or []:
                if isinstance(c, dict) and isinstance(c.get("inputFile"), str):
                    yield c["inputFile"]


def keep_contents_on_disk(txn):
    """Moves each writeFile content, and each large command input, to
    PENDING_DIR; the step then names the file (and a content's sha256,
    checked when it is installed)."""
    for i, step in enumerate(txn["steps"]):
        for key in ("do", "undo"):
            for k, c in enumerate(step.get(key) or []):
                if isinstance(c.get("input"), str) and len(c["input"]) > INLINE_INPUT_BYTES:
                    path = os.path.join(PENDING_DIR, "%s-%d%s%d" % (txn["id"], i, key, k))
                    pending_write(path, c.pop("input").encode())
                    c["inputFile"] = path
        w = step.get("writeFile")
        if not w or not isinstance(w.get("content"), str):
            continue
        data = w["content"].encode()
        path = os.path.join(PENDING_DIR, "%s-%d" % (txn["id"], i))
        pending_write(path, data)
        step["writeFile"] = {"path": w["path"], "mode": w.get("mode", 0o644), "staged": path, "sha256": hashlib.sha256(data).hexdigest()}


def drop_stale_pending():
    """Contents of transactions that are over, or whose start failed half way."""
    try:
        names = os.listdir(PENDING_DIR)
    except OSError:
        return
    for name in names:
        base = name[:-len(".srv6p-new")] if name.endswith(".srv6p-new") else name
        txn_id = base.rsplit("-", 1)[0]
        status = os.path.join(TXN_DIR, txn_id, "status.json") if ID_RE.fullmatch(txn_id) else None
        try:
            over = status is None or read_json(status).get("state") in FINAL_STATES
        except FileNotFoundError:
            over = not os.path.isdir(os.path.dirname(status))
        except (OSError, ValueError):
            over = False
        if over:
            try:
                os.unlink(os.path.join(PENDING_DIR, name))
            except OSError:
                pass


def drop_staged(txn):
    """The staged contents the controller uploaded for this transaction
    (installed by now, or not wanted any more)."""
    for staged in pending_paths(txn):
        if os.path.dirname(staged) == PENDING_DIR:
            try:
                os.unlink(staged)
            except OSError:
                pass
    try:
        os.rmdir(PENDING_DIR)
    except OSError:
        pass


def prune_old_transactions(keep):
    """Transaction logs are an audit trail in /run: keep the newest few."""
    try:
        entries = sorted(os.scandir(TXN_DIR), key=lambda e: e.stat().st_mtime)
    except OSError:
        return
    for n, e in enumerate(reversed(entries)):
        status = os.path.join(e.path, "status.json")
        try:
            if read_json(status).get("state") not in FINAL_STATES:
                continue
        except (OSError, ValueError):
            continue
        if n >= keep:
            shutil.rmtree(e.path, ignore_errors=True)
        elif n >= KEEP_FULL_TRANSACTIONS:
            # Status and journal stay as the audit trail; the steps of a router
            # with thousands of routes are megabytes.
            try:
                os.unlink(os.path.join(e.path, "txn.json"))
            except OSError:
                pass


def own_source():
    """This program's text, for systemd to run it from a file: the controller
    passes it as `python3 -c TEXT`, so it is in our command line."""
    if "__file__" in globals() and os.path.isfile(__file__):
        with open(__file__) as f:
            return f.read()
    with open("/proc/self/cmdline", "rb") as f:
        args = f.read().split(b"\0")
    return args[args.index(b"-c") + 1].decode()


def systemd_is_init():
    return os.path.isdir(SYSTEMD_RUNTIME) and shutil.which("systemd-run") is not None


def start_worker(txn_id, txn_dir):
    """Start the worker outside this SSH session; returns its pid."""
    status_path = os.path.join(txn_dir, "status.json")
    if systemd_is_init():
        # A transient unit of its own: logind's KillUserProcesses ends the session's scope, not this.
        script = os.path.join(txn_dir, "applier.py")
        with open(script, "w") as f:
            f.write(own_source())
        p = subprocess.run(["systemd-run", "--unit=srv6p-apply-" + txn_id, "--collect", "--quiet",
                            "--setenv=SRV6P_RUN_DIR=" + RUN_DIR,
                            "--setenv=SRV6P_STATE_DIR=" + STATE_DIR, sys.executable, script, "worker", txn_id],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        if p.returncode != 0:
            write_status(status_path, {"id": txn_id, "state": "rolled-back", "failedStep": {
                "step": "start the applier", "index": 0, "argv": ["systemd-run"], "code": p.returncode, "stderr": p.stderr.decode(errors="replace")[-1000:]}})
            return 0
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                pid = read_json(status_path).get("pid")
            except (OSError, ValueError):
                pid = None
            if pid:
                return pid
            time.sleep(0.02)
        return 0
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        # Detach: own session, no terminal, no tie to the SSH channel.
        os.close(r)
        os.setsid()
        if os.fork() != 0:
            os._exit(0)
        log = os.open(os.path.join(txn_dir, "log"), os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
        devnull = os.open(os.devnull, os.O_RDONLY)
        os.dup2(devnull, 0)
        os.dup2(log, 1)
        os.dup2(log, 2)
        os.write(w, str(os.getpid()).encode())
        os.close(w)
        run_worker(txn_id)
        os._exit(0)
    os.close(w)
    child = os.read(r, 32).decode()
    os.close(r)
    os.waitpid(pid, 0)
    return int(child or 0)


def run_worker(txn_id):
    txn_dir = txn_dir_of(txn_id)
    try:
        work(read_json(os.path.join(txn_dir, "txn.json")), txn_dir)
    except Exception as e:  # noqa: BLE001 - never leave "running": the journal lets the next applier finish
        print("applier failed: %r" % e, file=sys.stderr)
        sys.exit(1)


def detach(fn):
    """Run fn in a process of its own session (recovery started by `wait`)."""
    pid = os.fork()
    if pid == 0:
        os.setsid()
        if os.fork() != 0:
            os._exit(0)
        devnull = os.open(os.devnull, os.O_RDWR)
        for fd in (0, 1, 2):
            os.dup2(devnull, fd)
        try:
            fn()
        finally:
            os._exit(0)
    os.waitpid(pid, 0)


# --- commands --------------------------------------------------------------

def cmd_run(path):
    try:
        txn = json.load(sys.stdin) if path == "-" else read_json(path)
    except (OSError, ValueError) as e:
        fail_usage("cannot read transaction %s: %s" % (path, e))
    problem = validate(txn)
    if problem:
        fail_usage(problem)
    d = txn_dir_of(txn["id"])
    prune_old_transactions(KEEP_TRANSACTIONS)
    os.makedirs(d, exist_ok=True)
    status_path = os.path.join(d, "status.json")
    if os.path.exists(status_path):
        fail_usage("transaction %s was already started" % txn["id"])
    drop_stale_pending()
    try:
        keep_contents_on_disk(txn)
        write_json_atomic(os.path.join(d, "txn.json"), txn)
        write_reserved_status(status_path, {"id": txn["id"], "state": "starting"})
        pid = start_worker(txn["id"], d)
    except BaseException:
        # No worker will ever use them (a full /run, a failed start).
        drop_staged(txn)
        raise
    print(json.dumps({"id": txn["id"], "pid": pid}))


def recover_detached():
    fd, _ = acquire_lock(120, {"id": "recovery", "pid": os.getpid(), "controller": "srv6p-apply.py wait", "since": time.time()})
    if fd is None:
        return
    try:
        recover_stale()
    finally:
        os.close(fd)


def cmd_wait(txn_id, timeout_s, barrier=None):
    d = txn_dir_of(txn_id)
    status_path = os.path.join(d, "status.json")
    if not os.path.isdir(d):
        fail_usage("no transaction %s on this router" % txn_id)
    deadline = time.monotonic() + timeout_s
    recovery_started = False
    while True:
        try:
            status = read_json(status_path)
        except (OSError, ValueError):
            status = {"id": txn_id, "state": "unknown"}
        state = status.get("state")
        if state not in FINAL_STATES and not recovery_started and not worker_alive(status, status_path):
            # Its applier died (OOM killer, SIGKILL): roll it back now, not at the next apply.
            recovery_started = True
            detach(recover_detached)
        at_barrier = barrier is not None and state == "waiting:" + barrier
        if state in FINAL_STATES or at_barrier or time.monotonic() >= deadline:
            if "barrierDeadlineMono" in status:
                status["barrierRemainingS"] = round(status.pop("barrierDeadlineMono") - time.monotonic(), 3)
            print(json.dumps(status))
            if state == "committed":
                return WAIT_EXIT["committed"]
            if at_barrier:
                return WAIT_EXIT["at-barrier"]
            return WAIT_EXIT["not-committed"] if state in FINAL_STATES else WAIT_EXIT["timeout"]
        time.sleep(0.02)


def cmd_signal(txn_id, name):
    if not ID_RE.fullmatch(name):
        fail_usage("bad barrier name %r" % name)
    d = txn_dir_of(txn_id)
    if not os.path.isdir(d):
        fail_usage("no transaction %s on this router" % txn_id)
    with open(os.path.join(d, name), "w") as f:
        f.write(str(time.time()))
    print(json.dumps({"id": txn_id, "signal": name}))
    return 0


def cmd_cleanup(argv, timeout_s=30):
    """After a destroy: drop the finished transactions' logs and, with the
    lock held, the lock file itself (a waiter notices and locks anew)."""
    fd, holder = acquire_lock(timeout_s, {"id": "cleanup", "pid": os.getpid(), "controller": "srv6p-apply.py cleanup", "since": time.time()})
    if fd is None:
        print(json.dumps({"cleaned": False, "holder": holder}))
        return 1
    try:
        recover_stale()
        kept = []
        for e in list(os.scandir(TXN_DIR)) if os.path.isdir(TXN_DIR) else []:
            try:
                final = read_json(os.path.join(e.path, "status.json")).get("state") in FINAL_STATES
            except (OSError, ValueError):
                final = False
            if final:
                shutil.rmtree(e.path, ignore_errors=True)
            else:
                kept.append(e.name)
        if not kept:
            try:
                os.rmdir(TXN_DIR)
            except OSError:
                pass
        r = run_argv(argv, None) if argv else {"code": 0, "stderr": ""}
        if not kept:
            os.unlink(LOCK_FILE)
    finally:
        os.close(fd)
    if not kept:
        try:
            os.rmdir(RUN_DIR)
        except OSError:
            pass
    print(json.dumps({"cleaned": not kept, "kept": kept, "code": r["code"], "stderr": r["stderr"][-300:]}))
    return 0 if r["code"] == 0 else 1


def replay_commands(record):
    if record.get("version") == 1:
        return record.get("install", [])
    # The hook itself is what runs this: enabling it again at boot is no use.
    return [c for op in record.get("operations", []) if op.get("key") != "boot-hook" for c in op.get("install", [])]


BATCH_WORD_RE = re.compile(r"[^\s\"'\\#]+")


def batchable_route_command(c):
    a = c.get("argv") or []
    return len(a) > 3 and a[:3] == ["ip", "-6", "route"] and c.get("input") is None and all(BATCH_WORD_RE.fullmatch(w) for w in a[3:])


def replay_groups(commands):
    """Consecutive route commands in one group, to run as one `ip -batch`:
    thousands of protected routes are thousands of processes otherwise."""
    groups = []
    for c in commands:
        # iproute2 holds two descriptors per pinned-program route until it exits (route-batch.ts BATCH_LINES).
        if groups and len(groups[-1]) < 250 and batchable_route_command(c) and batchable_route_command(groups[-1][-1]):
            groups[-1].append(c)
        else:
            groups.append([c])
    return groups


def cmd_boot(timeout_s=120):
    """The boot hook: put back what the applied record says, once, and exit."""
    started = time.time()
    fd, holder = acquire_lock(timeout_s, {"id": "boot", "pid": os.getpid(), "controller": "boot hook", "since": started})
    if fd is None:
        print(json.dumps({"booted": False, "holder": holder}))
        return 1
    try:
        report = {"startedAt": started, "recovered": recover_stale(), "restoredFiles": restore_interrupted_by_reboot()}
        try:
            record = read_json(APPLIED_RECORD)
        except FileNotFoundError:
            record = None
        except (OSError, ValueError) as e:
            report.update(ok=False, error="cannot read %s: %s" % (APPLIED_RECORD, e))
            record = None
        failures = []
        commands = replay_commands(record) if record else []
        for group in replay_groups(commands):
            if len(group) > 1:
                batch = "".join(" ".join(c["argv"][2:]) + "\n" for c in group)
                if run_argv(["ip", "-6", "-force", "-batch", "-"], batch)["code"] == 0:
                    continue
                # Which ones failed, each with its own stderr: replacing a route that is in place again changes nothing.
            for c in group:
                r = run_argv(c["argv"], c.get("input"))
                if r["code"] != 0 and not c.get("ignoreFailure"):
                    failures.append({"argv": c["argv"], "code": r["code"], "stderr": r["stderr"][-500:]})
        report.update(commands=len(commands), failures=failures, record=sha256_file(APPLIED_RECORD),
                      durationMs=int((time.time() - started) * 1000))
        report.setdefault("ok", not failures)
        try:
            os.makedirs(RUN_DIR, exist_ok=True)
            write_json_atomic(BOOT_STATUS, report)
        except OSError:
            pass
    finally:
        os.close(fd)
    print(json.dumps(report))
    return 0 if report["ok"] else 1


def main(argv):
    if len(argv) >= 2 and argv[0] == "run":
        cmd_run(argv[1])
        return 0
    if len(argv) == 2 and argv[0] == "worker":
        run_worker(argv[1])
        return 0
    if len(argv) >= 2 and argv[0] == "wait":
        opts = dict(zip(argv[2::2], argv[3::2]))
        return cmd_wait(argv[1], float(opts.get("--timeout", 120)), opts.get("--barrier"))
    if len(argv) == 3 and argv[0] == "signal":
        return cmd_signal(argv[1], argv[2])
    if len(argv) == 2 and argv[0] == "status":
        return cmd_wait(argv[1], 0)
    if len(argv) >= 1 and argv[0] == "cleanup":
        return cmd_cleanup(argv[1:])
    if argv == ["boot"]:
        return cmd_boot()
    fail_usage("usage: srv6p-apply.py run TXN.json|- | wait ID [--timeout S] [--barrier NAME] | signal ID NAME | status ID | cleanup [ARGV...] | boot")
    return EXIT_USAGE


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
