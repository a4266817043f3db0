/**
 * RouterConnection: the one SSH connection the engine keeps per router and
 * reuses for all of its work (commands, stdin, uploads). Commands are argv
 * arrays, quoted by quote.ts, run through `sudo -n` for non-root users.
 * A connection lost while a command runs rejects that command with a typed
 * error; a later call on the closed connection fails fast.
 */
import type { Client, ClientChannel, SFTPWrapper } from "ssh2";
import {
  CommandError,
  Srv6Error,
  SshConnectionError,
  SshTimeoutError,
  SudoError,
} from "../errors";
import { connectClient } from "./connect";
import { SSH_DEFAULTS, type RouterConnectionOptions } from "./options";
import { commandLine } from "./quote";
import { Semaphore } from "./semaphore";
import { uploadFile, type UploadOptions, type UploadResult } from "./upload";

export interface RunOptions {
  /** Bytes written to the command's stdin (then EOF). Without it, stdin is closed at once. */
  input?: string | Buffer;
  /** Default: the connection's commandTimeoutMs. */
  timeoutMs?: number;
  /** Run through `sudo -n`. Default: the router's setting. */
  sudo?: boolean;
  /** Exit codes that are not failures. Default [0]. */
  okExitCodes?: readonly number[];
}

export interface CommandResult {
  /** The argv as run (including `sudo -n --` when used). */
  command: string[];
  /** stdout decoded as UTF-8. */
  stdout: string;
  /** stdout as raw bytes (binary output). */
  stdoutBytes: Buffer;
  stderr: string;
  exitCode: number | null;
  signal?: string;
  durationMs: number;
}

/**
 * Every command line starts by reporting the remote shell's PID on stderr
 * (then `exec`s the command, which keeps that PID). sshd makes the session
 * shell a process-group leader, so on a timeout the engine can kill the whole
 * group from a second channel. SSH "signal" requests are no substitute:
 * OpenSSH refuses them for root sessions ("session signalling requires
 * privilege separation"). The marker line is removed from stderr.
 */
const PID_MARK = "srv6-protect-pid:";
const PID_PREFIX = Buffer.from(`printf '${PID_MARK}%s\\n' "$$" >&2; exec `);

/** Channels open at once on one connection (OpenSSH's MaxSessions defaults to 10). */
const CHANNELS_PER_CONNECTION = 6;

export class RouterConnection {
  readonly options: RouterConnectionOptions;
  /** `SHA256:` fingerprint of the router's host key. */
  readonly hostKeyFingerprint: string;
  readonly hostKeyTrustedBy: "pinned" | "known_hosts" | "accepted-new";
  private readonly client: Client;
  private readonly jumpClient?: Client;
  private closed = false;
  private closeReason?: Srv6Error;
  private readonly pending = new Set<(err: Srv6Error) => void>();
  private readonly channels = new Semaphore(CHANNELS_PER_CONNECTION);
  private sftpSession?: Promise<SFTPWrapper>;
  private commands = 0;

  private constructor(options: RouterConnectionOptions, client: Client, fingerprint: string, trustedBy: RouterConnection["hostKeyTrustedBy"], jumpClient?: Client) {
    this.options = options;
    this.client = client;
    this.jumpClient = jumpClient;
    this.hostKeyFingerprint = fingerprint;
    this.hostKeyTrustedBy = trustedBy;
    const lost = (cause?: unknown) => {
      if (this.closed) return;
      this.closed = true;
      this.closeReason = new SshConnectionError("SSH connection lost", { router: options.router, cause });
      for (const reject of this.pending) reject(this.closeReason);
      this.pending.clear();
    };
    client.on("error", lost);
    client.on("close", () => lost());
    jumpClient?.on("error", lost);
    jumpClient?.on("close", () => lost());
  }

  /** Connects (through the jump host if any), verifies the host key and authenticates. */
  static async open(options: RouterConnectionOptions): Promise<RouterConnection> {
    const keepaliveIntervalMs = options.keepaliveIntervalMs ?? SSH_DEFAULTS.keepaliveIntervalMs;
    if (!options.jump) {
      const c = await connectClient({ router: options.router, endpoint: options, connectTimeoutMs: options.connectTimeoutMs, keepaliveIntervalMs });
      return new RouterConnection(options, c.client, c.fingerprint, c.hostKeyTrustedBy);
    }
    const jump = options.jump;
    const via = `via jump host ${jump.user}@${jump.host}:${jump.port}`;
    const j = await connectClient({ router: `${options.router} (jump host ${jump.host})`, endpoint: jump, connectTimeoutMs: options.connectTimeoutMs, keepaliveIntervalMs });
    try {
      // The bastion connects to the router on our behalf; bound that by the connect timeout too.
      const stream = await new Promise<ClientChannel>((resolve, reject) => {
        const timer = setTimeout(() => reject(new SshTimeoutError("connect", options.connectTimeoutMs, { router: options.router })), options.connectTimeoutMs);
        j.client.forwardOut("127.0.0.1", 0, options.host, options.port, (err, s) => {
          clearTimeout(timer);
          if (err) reject(new SshConnectionError(`jump host ${jump.host} could not open a channel to ${options.host}:${options.port}: ${err.message}`, { router: options.router, cause: err }));
          else resolve(s);
        });
      });
      const c = await connectClient({ router: options.router, endpoint: options, connectTimeoutMs: options.connectTimeoutMs, keepaliveIntervalMs, sock: stream, via });
      return new RouterConnection(options, c.client, c.fingerprint, c.hostKeyTrustedBy, j.client);
    } catch (e) {
      j.client.end();
      throw e;
    }
  }

  get router(): string {
    return this.options.router;
  }

  get isOpen(): boolean {
    return !this.closed;
  }

  /** Commands run on this connection so far. */
  get commandCount(): number {
    return this.commands;
  }

  /** Runs one command; resolves when it exits 0 (or an allowed code), else throws CommandError. */
  async run(argv: readonly string[], opts: RunOptions = {}): Promise<CommandResult> {
    const sudo = opts.sudo ?? this.options.sudo;
    const command = sudo ? ["sudo", "-n", "--", ...argv] : [...argv];
    let line: Buffer;
    try {
      line = commandLine(command);
    } catch (cause) {
      throw new Srv6Error(`refusing to run: ${(cause as Error).message}`, { router: this.router, command, cause });
    }
    if (this.closed) throw this.closeReason ?? new SshConnectionError("connection is closed", { router: this.router, command });
    const release = await this.channels.acquire();
    try {
      // The connection may have been lost while this command waited for a channel.
      if (this.closed) throw this.closeReason ?? new SshConnectionError("connection is closed", { router: this.router, command });
      this.commands++;
      const result = await this.exec(command, line, opts);
      const ok = opts.okExitCodes ?? [0];
      if (result.exitCode !== null && ok.includes(result.exitCode)) return result;
      const ctx = { router: this.router, command, exitCode: result.exitCode, stdout: result.stdout, stderr: result.stderr, durationMs: result.durationMs };
      // sudo -n reports its own refusal on stderr with exit 1, before running anything.
      if (sudo && result.exitCode === 1 && /^sudo: /m.test(result.stderr) && !result.stdout) throw new SudoError(this.options.user, ctx);
      throw new CommandError({ ...ctx, signal: result.signal });
    } finally {
      release();
    }
  }

  private exec(command: string[], line: Buffer, opts: RunOptions): Promise<CommandResult> {
    const started = Date.now();
    const timeoutMs = opts.timeoutMs ?? this.options.commandTimeoutMs;
    return new Promise((resolve, reject) => {
      let done = false;
      let channel: ClientChannel | undefined;
      let remotePid: number | undefined;
      const finish = (err: Srv6Error | undefined, result?: CommandResult) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        this.pending.delete(onLost);
        if (err) reject(err);
        else resolve(result!);
      };
      const onLost = (cause: Srv6Error) =>
        finish(new SshConnectionError("SSH connection lost while the command was running", { router: this.router, command, durationMs: Date.now() - started, cause }));
      this.pending.add(onLost);
      const timer = setTimeout(() => {
        finish(new SshTimeoutError("command", timeoutMs, { router: this.router, command, durationMs: Date.now() - started }));
        if (remotePid !== undefined) this.killRemoteGroup(remotePid, command[0] === "sudo");
        channel?.close();
      }, timeoutMs);
      // ssh2 accepts a Buffer command at run time (the types say string): the
      // quoted line may hold any bytes.
      let attempt = 0;
      const open = () => this.client.exec(Buffer.concat([PID_PREFIX, line]) as unknown as string, (err, ch) => {
        if (err) {
          // sshd frees a session slot only once the previous command's process
          // is reaped, which can lag behind the channel close: retry briefly.
          if (/open failed/i.test(err.message) && ++attempt <= 6 && !done && !this.closed) {
            setTimeout(open, 25 * attempt);
            return;
          }
          finish(new SshConnectionError(`could not open a session channel: ${err.message}`, { router: this.router, command, cause: err }));
          return;
        }
        channel = ch;
        if (done) { ch.close(); return; }
        const out: Buffer[] = [];
        const errOut: Buffer[] = [];
        let exitCode: number | null = null;
        let signal: string | undefined;
        let exited = false;
        ch.on("data", (d: Buffer) => out.push(d));
        // Until the first newline, stderr may be the PID marker line.
        let head: Buffer | undefined = Buffer.alloc(0);
        const flushHead = () => {
          if (head?.length) errOut.push(head);
          head = undefined;
        };
        ch.stderr.on("data", (d: Buffer) => {
          if (!head) return void errOut.push(d);
          head = Buffer.concat([head, d]);
          const nl = head.indexOf(10);
          if (nl < 0) return;
          const m = new RegExp(`^${PID_MARK}([0-9]+)$`).exec(head.subarray(0, nl).toString("latin1"));
          if (m) {
            remotePid = Number(m[1]);
            head = head.subarray(nl + 1);
          }
          flushHead();
        });
        ch.on("exit", (code: number | null, sig?: string) => {
          exited = true;
          exitCode = typeof code === "number" ? code : null;
          signal = sig ?? undefined;
        });
        ch.on("close", () => {
          flushHead();
          const stdoutBytes = Buffer.concat(out);
          const result: CommandResult = {
            command,
            stdout: stdoutBytes.toString("utf8"),
            stdoutBytes,
            stderr: Buffer.concat(errOut).toString("utf8"),
            exitCode,
            signal,
            durationMs: Date.now() - started,
          };
          if (!exited && this.closed) onLost(this.closeReason!);
          else if (!exited) finish(new SshConnectionError("the channel closed without an exit status", { router: this.router, command, durationMs: result.durationMs, stderr: result.stderr }));
          else finish(undefined, result);
        });
        ch.end(opts.input ?? undefined);
      });
      open();
    });
  }

  /** Best effort: SIGKILL the process group of a timed-out command, from a fresh channel. */
  private killRemoteGroup(pid: number, sudo: boolean): void {
    if (this.closed || !Number.isInteger(pid) || pid <= 1) return;
    const argv = [...(sudo ? ["sudo", "-n", "--"] : []), "kill", "-s", "KILL", "--", `-${pid}`];
    this.client.exec(commandLine(argv) as unknown as string, (err, ch) => {
      if (err) return;
      ch.on("data", () => {});
      ch.stderr.on("data", () => {});
      ch.end();
    });
  }

  /** The SFTP session of this connection, opened on first use. */
  sftp(): Promise<SFTPWrapper> {
    if (this.closed) return Promise.reject(this.closeReason);
    this.sftpSession ??= new Promise<SFTPWrapper>((resolve, reject) =>
      this.client.sftp((err, s) => (err ? reject(new SshConnectionError(`could not open SFTP: ${err.message}`, { router: this.router, cause: err })) : resolve(s))),
    );
    this.sftpSession.catch(() => (this.sftpSession = undefined));
    return this.sftpSession;
  }

  /** Uploads a buffer or a local file to `remotePath` atomically, verified by sha256 on the router. */
  upload(content: Buffer | { file: string }, remotePath: string, opts: UploadOptions = {}): Promise<UploadResult> {
    return uploadFile(this, content, remotePath, opts);
  }

  /** Closes the connection (and the jump host's). Safe to call twice. */
  async close(): Promise<void> {
    const wasOpen = !this.closed;
    this.closed = true;
    this.closeReason ??= new SshConnectionError("connection was closed by the engine", { router: this.router });
    if (!wasOpen) return;
    await endClient(this.client);
    if (this.jumpClient) await endClient(this.jumpClient);
  }
}

/**
 * Says goodbye and waits up to a second for the socket to close. A router that stopped
 * answering never acknowledges it; its half-closed socket would keep the process alive for
 * the kernel's TCP retry time (many minutes), so it is destroyed. ssh2's own destroy() does
 * nothing once end() was called (the socket is no longer writable), hence its socket directly
 * (a private field of the pinned ssh2 1.17).
 */
function endClient(client: Client): Promise<void> {
  return new Promise<void>((resolve) => {
    const socket = (client as unknown as { _sock?: { destroy(): void } })._sock;
    const t = setTimeout(() => { socket?.destroy(); resolve(); }, 1000);
    client.once("close", () => { clearTimeout(t); resolve(); });
    client.end();
  });
}
