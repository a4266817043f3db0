/**
 * Compiles udp-meter.c for this machine on first use (the lab's hosts are
 * namespaces here, so they run the binary from this file system). The
 * binary lands in dist/lab/meter/ and is rebuilt only when the source
 * changed (its SHA-256 is kept beside it).
 */
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { MeterError } from "./errors";

const execFileAsync = promisify(execFile);

/** lab/meter/udp-meter.c in the source tree (this file runs from dist/lab/meter/). */
export const METER_SOURCE = resolve(__dirname, "../../../lab/meter/udp-meter.c");
export const METER_BINARY = join(__dirname, "udp-meter");

export async function buildMeter(source = METER_SOURCE, binary = METER_BINARY): Promise<string> {
  const code = readFileSync(source);
  const hash = createHash("sha256").update(code).digest("hex");
  const hashFile = `${binary}.sha256`;
  if (existsSync(binary) && existsSync(hashFile) && readFileSync(hashFile, "utf8") === hash) return binary;
  mkdirSync(resolve(binary, ".."), { recursive: true });
  const tmp = `${binary}.${process.pid}.tmp`;
  const argv = ["-O2", "-Wall", "-Wextra", "-Werror", "-o", tmp, source];
  try {
    await execFileAsync(compiler(), argv);
  } catch (err) {
    const e = err as { stderr?: string; code?: number };
    throw new MeterError(`compiling the traffic meter failed`, {
      command: [compiler(), ...argv], exitCode: e.code, stderr: e.stderr, cause: err,
    });
  }
  renameSync(tmp, binary);
  writeFileSync(hashFile, hash);
  return binary;
}

function compiler(): string {
  return process.env.CC ?? (existsSync("/usr/bin/gcc") ? "gcc" : "clang");
}
