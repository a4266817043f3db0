/*
 * `srv6 status --watch` on the diamond lab with the example applied:
 *
 *          h1 - r1 ==(r1-r2 protected)== r2
 *               |                        |
 *               r3 --------------------- r4 - h2
 *
 * Non-TTY: a new table per interval (--count bounds it), NDJSON with --json,
 * and SIGINT ends it with exit 0. TTY (a tmux pane): the screen is redrawn
 * in place, shows r1-r2 going down when the link fails silently, and Ctrl-C
 * exits 0. Every tmux session and lab namespace is removed afterwards.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn, execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { withLab, uniqueLabName } from "../helpers/lab";
import { synthExample, SRV6 } from "../helpers/stack";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(what: string, check: () => boolean, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(200);
  }
}

const tmux = (...args: string[]): string => execFileSync("tmux", args, { encoding: "utf8", env: { ...process.env, TERM: "xterm" } });

test("status --watch: per interval tables, NDJSON, SIGINT exit 0, live redraw on a TTY", async () => {
  await withLab("examples/lab/diamond.json", async (lab) => {
    const stack = await synthExample("diamond", lab);
    const session = `gr${randomBytes(3).toString("hex")}`;
    try {
      const apply = await stack.srv6(["apply", "--quiet"]);
      assert.equal(apply.code, 0, apply.stdout + apply.stderr);

      // Non-TTY: three tables, each with both ends of r1-r2 up.
      const three = await stack.srv6(["status", "--watch", "--interval", "0.3", "--count", "3"]);
      assert.equal(three.code, 0, three.stderr);
      const tables = three.stdout.split(/^--- \S+\n/m).slice(1);
      assert.equal(tables.length, 3, three.stdout);
      for (const t of tables) {
        assert.match(t, /^LINK\s+ROUTER\s+IF\s+STATE/m);
        assert.match(t, /^r1-r2\s+r1\s+eth1\s+up\s/m);
        assert.match(t, /^r1-r2\s+r2\s+eth1\s+up\s/m);
      }

      const json = await stack.srv6(["status", "--watch", "--interval", "0.3", "--count", "2", "--json"]);
      assert.equal(json.code, 0, json.stderr);
      const docs = json.stdout.trim().split("\n").map((l) => JSON.parse(l) as { at: string; links: { link: string; state: string }[] });
      assert.equal(docs.length, 2);
      assert.deepEqual(docs[1]!.links.map((l) => `${l.link} ${l.state}`), ["r1-r2 up", "r1-r2 up"]);

      const bad = await stack.srv6(["status", "--watch", "--interval", "0"]);
      assert.equal(bad.code, 64);
      assert.match(bad.stderr, /--interval must be 0\.1 to 3600 seconds, got 0/);

      // SIGINT: ends cleanly (exit 0) without waiting for anything else.
      const child = spawn(SRV6, ["status", "--watch", "--interval", "0.3", "--stack", stack.dir], { stdio: ["ignore", "pipe", "pipe"] });
      let out = "";
      child.stdout.on("data", (d: Buffer) => { out += d; });
      const exited = new Promise<number | null>((r) => child.on("close", (code) => r(code)));
      try {
        await until("two tables", () => (out.match(/^--- /gm) ?? []).length >= 2, 30_000);
        child.kill("SIGINT");
        const code = await Promise.race([exited, sleep(15_000).then(() => "timeout" as const)]);
        assert.equal(code, 0, `exit code after SIGINT: ${code}`);
      } finally {
        if (child.exitCode === null) child.kill("SIGKILL");
      }

      // TTY: a tmux pane; the screen is redrawn in place (one header, one table).
      tmux("new-session", "-d", "-s", session, "-x", "150", "-y", "30",
        `${SRV6} status --watch --interval 0.3 --stack ${stack.dir}; echo EXIT=$?; sleep 60`);
      const screen = (): string => tmux("capture-pane", "-p", "-t", session);
      await until("the live table", () => /^r1-r2\s+r2\s+eth1\s+up/m.test(screen()), 30_000);
      await sleep(1000);
      let s = screen();
      assert.equal((s.match(/Ctrl-C to stop/g) ?? []).length, 1, `one header on the redrawn screen:\n${s}`);
      assert.equal((s.match(/^LINK\s+ROUTER/gm) ?? []).length, 1, `one table on the redrawn screen:\n${s}`);
      assert.ok(!s.includes("--- "), "no non-TTY separators on a TTY");

      // A silent failure of r1-r2 shows live as down on both ends.
      await lab.fail("r1", "r2");
      await until("r1-r2 down on both ends", () => /^r1-r2\s+r1\s+eth1\s+down/m.test(screen()) && /^r1-r2\s+r2\s+eth1\s+down/m.test(screen()), 20_000);
      await lab.heal("r1", "r2");

      tmux("send-keys", "-t", session, "C-c");
      await until("exit after Ctrl-C", () => /EXIT=\d+/.test(screen()), 15_000);
      s = screen();
      assert.match(s, /EXIT=0/, s);
    } finally {
      try { tmux("kill-session", "-t", session); } catch { /* not started or already gone */ }
      stack.cleanup();
    }
  }, { name: uniqueLabName("gr") });
});
