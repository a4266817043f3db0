/**
 * The SSH transport against real sshd instances (see sshd-fixture.ts for
 * the topology: "main" reachable from here on 10.203.N.2:2222 with users
 * root, srv6ops (sudo) and nosudo; "inner" only through main as a jump host).
 */
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createServer, type Server } from "node:net";
import { execFileSync, spawn } from "node:child_process";
import { readFileSync, existsSync, mkdirSync, statSync, readdirSync, writeFileSync } from "node:fs";
import { createHash, randomBytes } from "node:crypto";
import { join } from "node:path";
import { RouterConnection } from "../../provider/ssh/connection";
import { ConnectionPool } from "../../provider/ssh/pool";
import { installUploaded } from "../../provider/ssh/upload";
import { runMany } from "../../provider/ssh/batch";
import { sha256Fingerprint } from "../../provider/ssh/known-hosts";
import type { RouterConnectionOptions } from "../../provider/ssh/options";
import {
  CommandError,
  HostKeyError,
  SshAuthError,
  SshConnectionError,
  SshTimeoutError,
  SudoError,
  UploadVerifyError,
} from "../../provider/errors";
import { startSshFixture, fixtureNamespaces, SUDO_USER, NO_SUDO_USER, type SshFixture } from "./sshd-fixture";

let fx: SshFixture;
let knownHosts: string;

before(async () => {
  fx = await startSshFixture();
  knownHosts = fx.knownHosts("known_hosts", [fx.knownHostsLine(fx.main), fx.knownHostsLine(fx.inner)]);
});

after(() => {
  const id = fx?.id;
  fx?.cleanup();
  if (id) assert.deepEqual(fixtureNamespaces(id), [], "namespaces removed");
});

function opts(over: Partial<RouterConnectionOptions> = {}): RouterConnectionOptions {
  return {
    router: "main",
    host: fx.main.host,
    port: fx.main.port,
    user: "root",
    privateKeyFile: fx.clientKey,
    hostKey: { knownHostsFile: knownHosts },
    sudo: false,
    connectTimeoutMs: 5000,
    commandTimeoutMs: 10000,
    ...over,
  };
}

async function withConnection<T>(o: RouterConnectionOptions, fn: (c: RouterConnection) => Promise<T>): Promise<T> {
  const c = await RouterConnection.open(o);
  try {
    return await fn(c);
  } finally {
    await c.close();
  }
}

async function rejects<E>(p: Promise<unknown>, type: new (...a: any[]) => E, check: (e: E) => void = () => {}): Promise<E> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof type, `expected ${type.name}, got ${(e as Error)?.name}: ${(e as Error)?.message}`);
    check(e);
    return e;
  }
  assert.fail(`expected ${type.name}, but it succeeded`);
}

test("command ok: argv round-trips, stdout and exit code", async () => {
  await withConnection(opts(), async (c) => {
    const r = await c.run(["printf", "%s|", "a b", "it's", "$HOME", "*", ""]);
    assert.equal(r.stdout, "a b|it's|$HOME|*||");
    assert.equal(r.exitCode, 0);
    assert.equal(c.hostKeyFingerprint, fx.main.fingerprint);
    assert.equal(c.hostKeyTrustedBy, "known_hosts");
  });
});

test("binary stdout and refused arguments", async () => {
  await withConnection(opts(), async (c) => {
    const r = await c.run(["head", "-c", "256", "/dev/urandom"]);
    assert.equal(r.stdoutBytes.length, 256, "raw bytes kept");
    await assert.rejects(c.run(["echo", "a\0b"]), (e: unknown) => e instanceof Error && /router main.*refusing to run: .*NUL/.test((e as Error).message));
  });
});

test("runMany: several commands, one session, each with its own output and exit code", async () => {
  const sessions = () => (readFileSync(fx.main.logFile, "utf8").match(/Starting session: command/g) ?? []).length;
  await withConnection(opts(), async (c) => {
    const before = sessions();
    const [a, b, d, e] = await runMany(c, [
      ["printf", "%s", "it's $HOME"],
      ["sh", "-c", "echo oops >&2; exit 3"],
      ["head", "-c", "300", "/dev/zero"],
      ["cat"],
    ]);
    assert.equal(sessions() - before, 1, "one sshd session for the whole batch");
    assert.deepEqual([a.stdout, a.exitCode, a.stderr], ["it's $HOME", 0, ""]);
    assert.deepEqual([b.stdout, b.exitCode, b.stderr], ["", 3, "oops\n"]);
    assert.ok(d.stdoutBytes.equals(Buffer.alloc(300)), "binary output intact");
    assert.deepEqual([e.stdout, e.exitCode], ["", 0], "no stdin");
  });
  await withConnection(opts({ user: SUDO_USER.name, sudo: true }), async (c) => {
    const [id] = await runMany(c, [["id", "-u"]]);
    assert.equal(id.stdout, "0\n", "through sudo");
  });
});

test("stdin input reaches the command (ip -batch style)", async () => {
  await withConnection(opts(), async (c) => {
    const r = await c.run(["sh", "-c", "wc -l; cat"], { input: "line1\nline2\n" });
    assert.equal(r.stdout, "2\n");
    const empty = await c.run(["cat"]);
    assert.equal(empty.stdout, "", "stdin is closed when no input is given");
  });
});

test("non-zero exit: CommandError with exit code, stderr, router and command", async () => {
  await withConnection(opts(), async (c) => {
    const e = await rejects(c.run(["sh", "-c", "echo out; echo boom >&2; exit 3"]), CommandError, (e) => {
      assert.equal(e.exitCode, 3);
      assert.equal(e.stderr, "boom\n");
      assert.equal(e.stdout, "out\n");
      assert.equal(e.router, "main");
      assert.deepEqual(e.command, ["sh", "-c", "echo out; echo boom >&2; exit 3"]);
    });
    assert.match(e.message, /^router main, command `sh -c "echo out; echo boom >&2; exit 3"`: exited with code 3: boom/);
    const ok = await c.run(["sh", "-c", "exit 1"], { okExitCodes: [0, 1] });
    assert.equal(ok.exitCode, 1, "allowed exit codes are not errors");
  });
});

test("unknown host key refused; accept-new records it, then it is known", async () => {
  const empty = fx.knownHosts("kh-empty", []);
  await rejects(RouterConnection.open(opts({ hostKey: { knownHostsFile: empty } })), HostKeyError, (e) => {
    assert.equal(e.problem, "unknown");
    assert.equal(e.offeredFingerprint, fx.main.fingerprint);
    assert.match(e.message, /router main: host key is unknown: offered SHA256:/);
  });
  assert.equal(readFileSync(empty, "utf8"), "", "refusal writes nothing");
  await withConnection(opts({ hostKey: { knownHostsFile: empty, acceptNew: true } }), async (c) => assert.equal(c.hostKeyTrustedBy, "accepted-new"));
  assert.match(readFileSync(empty, "utf8"), new RegExp(`^\\[${fx.main.host.replace(/\./g, "\\.")}\\]:2222 ssh-ed25519 `));
  await withConnection(opts({ hostKey: { knownHostsFile: empty } }), async (c) => assert.equal(c.hostKeyTrustedBy, "known_hosts"));
});

test("changed host key refused, even with accept-new", async () => {
  const wrong = fx.knownHosts("kh-changed", [fx.knownHostsLine(fx.main, fx.inner)]);
  for (const acceptNew of [false, true]) {
    await rejects(RouterConnection.open(opts({ hostKey: { knownHostsFile: wrong, acceptNew } })), HostKeyError, (e) => {
      assert.equal(e.problem, "changed");
      assert.equal(e.offeredFingerprint, fx.main.fingerprint);
      assert.equal(e.expected, fx.inner.fingerprint);
    });
  }
  assert.equal(readFileSync(wrong, "utf8").trim().split("\n").length, 1, "nothing appended");
});

test("a host known only by its RSA key is asked for that key, not reported as changed", async () => {
  const [type, b64] = readFileSync(join(fx.dir, "main_rsa_host_key.pub"), "utf8").split(/\s+/);
  const file = fx.knownHosts("kh-rsa", [`[${fx.main.host}]:${fx.main.port} ${type} ${b64}`]);
  await withConnection(opts({ hostKey: { knownHostsFile: file } }), async (c) => {
    assert.equal(c.hostKeyTrustedBy, "known_hosts");
    assert.equal(c.hostKeyFingerprint, sha256Fingerprint(Buffer.from(b64, "base64")));
  });
});

test("hashed known_hosts entries (ssh-keygen -H) are honoured", async () => {
  const file = fx.knownHosts("kh-hashed", [fx.knownHostsLine(fx.main)]);
  execFileSync("ssh-keygen", ["-q", "-H", "-f", file]);
  assert.match(readFileSync(file, "utf8"), /^\|1\|/);
  await withConnection(opts({ hostKey: { knownHostsFile: file } }), async (c) => assert.equal(c.hostKeyTrustedBy, "known_hosts"));
});

test("pinned fingerprint accepted, wrong pin refused", async () => {
  const printed = execFileSync("ssh-keygen", ["-l", "-f", fx.main.hostKeyPubFile], { encoding: "utf8" }).split(" ")[1];
  assert.equal(printed, fx.main.fingerprint, "our fingerprint matches ssh-keygen's");
  const none = fx.knownHosts("kh-none", []);
  await withConnection(opts({ hostKey: { knownHostsFile: none, pinnedSha256: printed } }), async (c) => assert.equal(c.hostKeyTrustedBy, "pinned"));
  await rejects(RouterConnection.open(opts({ hostKey: { knownHostsFile: knownHosts, pinnedSha256: fx.inner.fingerprint } })), HostKeyError, (e) => assert.equal(e.problem, "pin-mismatch"));
});

test("wrong client key refused: SshAuthError", async () => {
  await rejects(RouterConnection.open(opts({ privateKeyFile: fx.wrongKey })), SshAuthError, (e) => {
    assert.equal(e.router, "main");
    assert.equal(e.user, "root");
    assert.match(e.message, /authentication as 'root' failed/);
  });
});

test("ssh-agent authentication (SSH_AUTH_SOCK)", async () => {
  const sock = join(fx.dir, "agent.sock");
  const agent = spawn("ssh-agent", ["-D", "-a", sock], { stdio: "ignore" });
  try {
    for (let i = 0; i < 50 && !existsSync(sock); i++) await new Promise((r) => setTimeout(r, 20));
    execFileSync("ssh-add", ["-q", fx.clientKey], { env: { ...process.env, SSH_AUTH_SOCK: sock }, stdio: "ignore" });
    await withConnection(opts({ privateKeyFile: undefined, agentSocket: sock }), async (c) => assert.equal((await c.run(["id", "-un"])).stdout, "root\n"));
    const saved = process.env.SSH_AUTH_SOCK;
    delete process.env.SSH_AUTH_SOCK;
    try {
      await rejects(RouterConnection.open(opts({ privateKeyFile: undefined })), SshAuthError, (e) => assert.match(e.message, /SSH_AUTH_SOCK is not set/));
    } finally {
      if (saved !== undefined) process.env.SSH_AUTH_SOCK = saved;
    }
  } finally {
    agent.kill();
  }
});

test("sudo user: commands run as root through sudo -n; without sudo as the user", async () => {
  await withConnection(opts({ user: SUDO_USER.name, sudo: true }), async (c) => {
    assert.equal((await c.run(["id", "-u"])).stdout, "0\n");
    assert.equal((await c.run(["id", "-u"], { sudo: false })).stdout, `${SUDO_USER.uid}\n`);
    const r = await c.run(["sh", "-c", "cat; id -u"], { input: "via stdin\n" });
    assert.equal(r.stdout, "via stdin\n0\n", "stdin passes through sudo");
    const e = await rejects(c.run(["sh", "-c", "echo warn >&2; exit 4"]), CommandError);
    assert.equal(e.stderr, "warn\n", "stderr through sudo, without the PID marker");
  });
});

test("sudo refused: SudoError names the user, never prompts", async () => {
  await withConnection(opts({ user: NO_SUDO_USER.name, sudo: true }), async (c) => {
    const started = Date.now();
    await rejects(c.run(["id", "-u"]), SudoError, (e) => {
      assert.match(e.message, /sudo -n failed for user 'nosudo'/);
      assert.deepEqual(e.command, ["sudo", "-n", "--", "id", "-u"]);
    });
    assert.ok(Date.now() - started < 5000, "no password prompt wait");
  });
});

test("jump host: inner sshd reached only through main", async () => {
  const direct = opts({ router: "inner", host: fx.inner.host, port: fx.inner.port, connectTimeoutMs: 1500 });
  await assert.rejects(RouterConnection.open(direct), (e: unknown) => e instanceof SshConnectionError || e instanceof SshTimeoutError, "not reachable directly");
  const viaJump = opts({
    router: "inner",
    host: fx.inner.host,
    port: fx.inner.port,
    jump: { host: fx.main.host, port: fx.main.port, user: "root", privateKeyFile: fx.clientKey, hostKey: { knownHostsFile: knownHosts } },
  });
  await withConnection(viaJump, async (c) => {
    assert.equal(c.hostKeyFingerprint, fx.inner.fingerprint, "the inner host's key was verified");
    const ns = await c.run(["ip", "-br", "addr", "show"]);
    assert.match(ns.stdout, new RegExp(fx.inner.host.replace(/\./g, "\\.")), "commands run on the inner host");
  });
  const badInnerKey = fx.knownHosts("kh-inner-bad", [fx.knownHostsLine(fx.main), fx.knownHostsLine(fx.inner, fx.main)]);
  await rejects(RouterConnection.open({ ...viaJump, hostKey: { knownHostsFile: badInnerKey } }), HostKeyError, (e) => assert.equal(e.problem, "changed"));
});

test("connect timeout: a server that never speaks SSH", async () => {
  const silent: Server = createServer(() => {});
  await new Promise<void>((r) => silent.listen(0, "127.0.0.1", r));
  const port = (silent.address() as { port: number }).port;
  try {
    const started = Date.now();
    await rejects(RouterConnection.open(opts({ host: "127.0.0.1", port, connectTimeoutMs: 400 })), SshTimeoutError, (e) => {
      assert.equal(e.phase, "connect");
      assert.equal(e.router, "main");
    });
    assert.ok(Date.now() - started < 3000, "gives up near the timeout");
  } finally {
    silent.close();
  }
});

test("connection refused: SshConnectionError with the cause", async () => {
  await rejects(RouterConnection.open(opts({ port: 2223 })), SshConnectionError, (e) => assert.match(e.message, /ECONNREFUSED/));
});

test("command timeout: typed error, connection stays usable", async () => {
  await withConnection(opts(), async (c) => {
    const started = Date.now();
    await rejects(c.run(["sleep", "5"], { timeoutMs: 300 }), SshTimeoutError, (e) => {
      assert.equal(e.phase, "command");
      assert.deepEqual(e.command, ["sleep", "5"]);
    });
    assert.ok(Date.now() - started < 2000);
    assert.equal((await c.run(["echo", "still here"])).stdout, "still here\n");
    // The timed-out command's process group is killed on the router.
    const pidFile = join(fx.dir, "timeout.pid");
    await rejects(c.run(["sh", "-c", 'echo $$ > "$1"; exec sleep 30', "sh", pidFile], { timeoutMs: 400 }), SshTimeoutError);
    const pid = Number(readFileSync(pidFile, "utf8"));
    let alive = true;
    for (let i = 0; i < 40 && alive; i++) {
      await new Promise((r) => setTimeout(r, 50));
      alive = existsSync(`/proc/${pid}`) && !/^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, "utf8"));
    }
    assert.equal(alive, false, `remote process ${pid} killed after the timeout`);
  });
});

test("command timeout through sudo: the root process group is killed too", async () => {
  await withConnection(opts({ user: SUDO_USER.name, sudo: true }), async (c) => {
    const pidFile = join(fx.dir, "timeout-sudo.pid");
    await rejects(c.run(["sh", "-c", 'echo $$ > "$1"; exec sleep 30', "sh", pidFile], { timeoutMs: 500 }), SshTimeoutError);
    const pid = Number(readFileSync(pidFile, "utf8"));
    let alive = true;
    for (let i = 0; i < 40 && alive; i++) {
      await new Promise((r) => setTimeout(r, 50));
      alive = existsSync(`/proc/${pid}`) && !/^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, "utf8"));
    }
    if (alive) process.kill(pid, "SIGKILL");
    assert.equal(alive, false, `root process ${pid} under sudo killed after the timeout`);
  });
});

test("connection dropped mid-command: SshConnectionError, later calls fail fast", async () => {
  const c = await RouterConnection.open(opts());
  try {
    const before = new Set(fx.main.sessionPids());
    const pidFile = join(fx.dir, "dropped.pid");
    const argv = ["sh", "-c", 'echo $$ > "$1"; exec sleep 20', "sh", pidFile];
    const running = c.run(argv);
    await new Promise((r) => setTimeout(r, 300));
    // Kill the per-connection sshd process (by pid, a child of our listener).
    const ours = fx.main.sessionPids().filter((p) => !before.has(p));
    const all = fx.main.sessionPids();
    assert.ok(all.length >= 1, "a session process exists");
    for (const pid of ours.length ? ours : all) process.kill(pid, "SIGKILL");
    const started = Date.now();
    await rejects(running, SshConnectionError, (e) => {
      assert.equal(e.router, "main");
      assert.deepEqual(e.command, argv);
      assert.match(e.message, /lost while the command was running/);
    });
    assert.ok(Date.now() - started < 5000);
    assert.equal(c.isOpen, false);
    await rejects(c.run(["true"]), SshConnectionError);
  } finally {
    await c.close();
    // The orphaned command is ours: stop it by its pid.
    const pidFile = join(fx.dir, "dropped.pid");
    if (existsSync(pidFile)) {
      try {
        process.kill(Number(readFileSync(pidFile, "utf8")), "SIGKILL");
      } catch {
        /* already gone */
      }
    }
  }
});

test("one connection reused for many commands and uploads", async () => {
  const logins = fx.main.acceptedLogins();
  await withConnection(opts(), async (c) => {
    const echoed = await Promise.all(Array.from({ length: 40 }, (_, i) => c.run(["echo", String(i)])));
    assert.deepEqual(echoed.map((r) => r.stdout), Array.from({ length: 40 }, (_, i) => `${i}\n`), "40 concurrent commands, each its own output");
    for (let i = 0; i < 8; i++) await c.run(["true"]);
    await c.upload(Buffer.from("x"), join(fx.dir, "reuse.txt"));
    assert.equal(fx.main.establishedConnections(), 1, "one TCP connection to sshd");
    assert.ok(c.commandCount >= 49);
  });
  assert.equal(fx.main.acceptedLogins() - logins, 1, "exactly one SSH login for all that work");
});

test("upload: atomic, verified by sha256 on the router, mode set, no temp files left", async () => {
  const dest = join(fx.dir, "uploads");
  mkdirSync(dest, { recursive: true });
  const content = randomBytes(200 * 1024);
  await withConnection(opts(), async (c) => {
    const r = await c.upload(content, join(dest, "prog.bpf.o"), { mode: 0o640 });
    assert.equal(r.sha256, createHash("sha256").update(content).digest("hex"));
    assert.ok(readFileSync(join(dest, "prog.bpf.o")).equals(content));
    assert.equal(statSync(join(dest, "prog.bpf.o")).mode & 0o777, 0o640);
    // Overwrite: replaced whole.
    await c.upload(Buffer.from("second"), join(dest, "prog.bpf.o"));
    assert.equal(readFileSync(join(dest, "prog.bpf.o"), "utf8"), "second");
    assert.deepEqual(readdirSync(dest), ["prog.bpf.o"], "no temporary files left");
  });
});

test("upload with sudo: lands in a root-only directory", async () => {
  const dest = join(fx.dir, "rootonly");
  mkdirSync(dest, { mode: 0o700 });
  await withConnection(opts({ user: SUDO_USER.name, sudo: true }), async (c) => {
    await c.upload(Buffer.from("as root\n"), join(dest, "file with space"));
    assert.equal(readFileSync(join(dest, "file with space"), "utf8"), "as root\n");
    assert.equal(statSync(join(dest, "file with space")).uid, 0, "installed by root");
    assert.equal((await c.run(["sh", "-c", "ls -a /tmp | grep -c srv6-upload || true"])).stdout.trim(), "0", "temp file removed");
  });
});

test("upload into a missing directory fails with the router named and leaves no temp file", async () => {
  await withConnection(opts(), async (c) => {
    await assert.rejects(c.upload(Buffer.from("x"), join(fx.dir, "missing-dir", "f")), (e: unknown) => e instanceof Error && /router main/.test(e.message));
  });
  await withConnection(opts({ user: SUDO_USER.name, sudo: true }), async (c) => {
    await assert.rejects(c.upload(Buffer.from("x"), join(fx.dir, "missing-dir", "f")), CommandError);
    assert.equal((await c.run(["sh", "-c", "ls -a /tmp | grep -c srv6-upload || true"])).stdout.trim(), "0", "temp file removed");
  });
  assert.equal(existsSync(join(fx.dir, "missing-dir")), false);
});

test("upload verification: a sha256 mismatch leaves the destination untouched", async () => {
  const dest = join(fx.dir, "verify");
  mkdirSync(dest, { recursive: true });
  writeFileSync(join(dest, "target"), "original");
  await withConnection(opts(), async (c) => {
    const src = join(dest, ".staged");
    await c.run(["sh", "-c", 'cat > "$1"', "sh", src], { input: "tampered" });
    const expected = createHash("sha256").update("what we sent").digest("hex");
    await rejects(installUploaded(c, src, join(dest, "target"), 0o644, expected), UploadVerifyError, (e) => {
      assert.equal(e.expectedSha256, expected);
      assert.equal(e.actualSha256, createHash("sha256").update("tampered").digest("hex"));
      assert.equal(e.router, "main");
    });
  });
  assert.equal(readFileSync(join(dest, "target"), "utf8"), "original");
  assert.deepEqual(readdirSync(dest), ["target"], "staged file removed");
});

test("pool: one connection per router, parallelism bound respected", async () => {
  const routers = ["p1", "p2", "p3", "p4", "p5", "p6"];
  const logins = fx.main.acceptedLogins();
  const pool = new ConnectionPool((router) => opts({ router }), { parallelism: 2 });
  const spans: { start: number; end: number }[] = [];
  try {
    const started = Date.now();
    const out = await pool.forEachRouter(routers, async (c, router) => {
      const s = Date.now();
      await c.run(["sleep", "0.3"]);
      await c.run(["true"]);
      spans.push({ start: s, end: Date.now() });
      return router;
    });
    const elapsed = Date.now() - started;
    assert.deepEqual(out.map((o) => o.ok && o.value), routers);
    assert.equal(pool.maxConcurrentRouters, 2);
    // Sweep over start/end events: the most spans open at one instant.
    const events = spans.flatMap((sp) => [{ t: sp.start, d: 1 }, { t: sp.end, d: -1 }]).sort((a, b) => a.t - b.t || a.d - b.d);
    let open = 0;
    let maxOverlap = 0;
    for (const ev of events) maxOverlap = Math.max(maxOverlap, (open += ev.d));
    assert.ok(maxOverlap <= 2, `at most 2 routers at once, saw ${maxOverlap}`);
    assert.ok(elapsed >= 900, `6 routers x 0.3 s at 2 at once takes >= 0.9 s, took ${elapsed}`);
    // Second round reuses the connections.
    await pool.forEachRouter(routers, (c) => c.run(["true"]));
    assert.equal(fx.main.acceptedLogins() - logins, routers.length, "one login per router");
  } finally {
    await pool.close();
  }
});

test("pool: a lost connection is replaced on next use", async () => {
  const pool = new ConnectionPool((router) => opts({ router }));
  try {
    const first = await pool.connection("x");
    await first.run(["true"]);
    const before = fx.main.sessionPids();
    for (const pid of before) process.kill(pid, "SIGKILL");
    for (let i = 0; i < 50 && first.isOpen; i++) await new Promise((r) => setTimeout(r, 20));
    assert.equal(first.isOpen, false, "loss noticed");
    const second = await pool.connection("x");
    assert.notEqual(second, first);
    assert.equal((await second.run(["echo", "back"])).stdout, "back\n");
    assert.equal(await pool.connection("x"), second, "then reused");
  } finally {
    await pool.close();
  }
});

test("jump host: an unreachable router behind it fails within the connect timeout, as a connect timeout or a connection error naming the router", async () => {
  const viaJump = opts({
    router: "ghost",
    host: "10.203.255.254",
    port: 22,
    connectTimeoutMs: 800,
    jump: { host: fx.main.host, port: fx.main.port, user: "root", privateKeyFile: fx.clientKey, hostKey: { knownHostsFile: knownHosts } },
  });
  const started = Date.now();
  // Which of the two depends on the jump host's kernel (no answer: timeout; no route: refused at once).
  await assert.rejects(RouterConnection.open(viaJump), (e: unknown) =>
    ((e instanceof SshTimeoutError && e.phase === "connect") || e instanceof SshConnectionError) && (e as { router?: string }).router === "ghost");
  assert.ok(Date.now() - started < 4000, `gave up in ${Date.now() - started} ms`);
});

test("pool: a failing router does not stop the others", async () => {
  const pool = new ConnectionPool((router) => opts({ router, privateKeyFile: router === "bad" ? fx.wrongKey : fx.clientKey }), { parallelism: 16 });
  try {
    const out = await pool.forEachRouter(["good", "bad"], (c) => c.run(["true"]));
    assert.equal(out[0].ok, true);
    assert.equal(out[1].ok, false);
    assert.ok(!out[1].ok && out[1].error instanceof SshAuthError && out[1].error.router === "bad");
  } finally {
    await pool.close();
  }
});
