/*
 * One base for every error (model/errors.ts): each error class of the
 * project derives from Srv6ProtectError and names its own kind, which
 * `--json` shows. The classes are found in the sources (every
 * `class X extends ...Error`), so a new error class is checked as soon as it
 * is written.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describeCommand, errorToJSON, Srv6ProtectError } from "../../model/errors";
import { CommandError, describeCommand as describeCommandOfProvider, Srv6Error } from "../../provider/errors";
import { LabCommandError, StepError } from "../../lab/errors";
import { DataplaneInputError } from "../../provider/dataplane/errors";

const REPO = join(__dirname, "../../..");
const DIST = join(__dirname, "../..");
const ROOMS = ["model", "provider", "constructs", "lab", "bench", "examples"];

/** Errors whose kind is "error" on purpose: the base, and the engine's generic error. */
const GENERIC = new Set(["Srv6ProtectError", "Srv6Error"]);

type ErrorClass = new (...args: never[]) => Error;

function sources(dir: string): string[] {
  return readdirSync(join(REPO, dir)).flatMap((name) => {
    const path = join(dir, name);
    if (name === "node_modules" || name === "cdktf.out") return [];
    if (statSync(join(REPO, path)).isDirectory()) return sources(path);
    return name.endsWith(".ts") && !name.endsWith(".d.ts") ? [path] : [];
  });
}

/** Every error class declared in the sources: file, class name. */
function declaredErrorClasses(): { file: string; name: string }[] {
  const found: { file: string; name: string }[] = [];
  for (const file of ROOMS.flatMap(sources)) {
    for (const m of readFileSync(join(REPO, file), "utf8").matchAll(/^\s*(?:export\s+)?class\s+(\w+)\s+extends\s+(\w+)/gm)) {
      if (/Error$/.test(m[2]!)) found.push({ file, name: m[1]! });
    }
  }
  return found;
}

/** Arguments that build an instance, for the constructors that need more than a message. */
const status = { id: "t1", state: "rolled-back" } as const;
const SAMPLE_ARGS: Record<string, unknown[]> = {
  TopologyError: ["t.json", [{ field: "links[0]", value: 1, message: "bad" }]],
  LabCommandError: [["ip", "link"], 1, "no such device", 5],
  DataplaneInputError: ["srv6_protected_link.l", "interface_a", "eth9", "no such interface"],
  DataplaneValidationError: ["r1", [new DataplaneInputError("srv6_protected_link.l", "interface_a", "eth9", "no such interface")]],
  ConstructConfigError: ["net/r1", "locator", "x", "must be a /48"],
  GraphInputError: ["srv6_protected_link.l", "--link", "r9", "unknown"],
  PlanDocumentError: ["routers", 1, "expected an array"],
  ScaleTopologyError: ["routers", 1, "too few"],
  CommandFailedError: [["cdktf", "deploy"], 1, "output"],
  BackendError: [[{ severity: "error", summary: "bad", detail: "" }]],
  BackendLoadError: ["cannot load", "/x.js"],
  InstallProviderError: ["cannot write", "/x"],
  SshAuthError: ["admin", "publickey"],
  HostKeyError: ["unknown", "SHA256:x", "not in known_hosts"],
  SshTimeoutError: ["connect", 10],
  CommandError: [{ exitCode: 1, stdout: "", stderr: "boom" }],
  SudoError: ["admin", { exitCode: 1, stdout: "", stderr: "a password is required" }],
  UploadVerifyError: ["/p", "aa", "bb"],
  SchemaError: [[{ path: "/a", message: "bad" }]],
  ApplyError: ["refused", status],
  RouterLockedError: ["locked", status],
  PlanConflictError: ["changed", status],
  ApplyAbortedError: ["r2"],
  PreflightError: ["r1", ["kernel 4.19 is older than 5.10"]],
  InventoryError: ["inventory.json", [{ resource: "routers.r1", field: "port", value: 0, message: "must be between 1 and 65535" }]],
};

function instance(name: string, cls: ErrorClass): Error {
  const args = SAMPLE_ARGS[name] ?? ["boom"];
  return new (cls as unknown as new (...a: unknown[]) => Error)(...args);
}

test("every error class of the project derives from the one base and has a kind of its own", () => {
  const declared = declaredErrorClasses();
  assert.ok(declared.length >= 40, `found only ${declared.length} error classes`);
  const kinds = new Map<string, string>();
  for (const { file, name } of declared) {
    const mod = require(join(DIST, file.replace(/\.ts$/, ".js"))) as Record<string, unknown>;
    const cls = mod[name] as ErrorClass | undefined;
    assert.equal(typeof cls, "function", `${file}: ${name} is exported (so it can be checked)`);
    assert.ok(cls!.prototype instanceof Error || (cls as unknown) === Srv6ProtectError, `${file}: ${name} is an Error`);
    if ((cls as unknown) !== Srv6ProtectError) assert.ok(cls!.prototype instanceof Srv6ProtectError, `${file}: ${name} derives from Srv6ProtectError`);
    const err = instance(name, cls!) as Srv6ProtectError;
    assert.ok(err instanceof Srv6ProtectError, name);
    assert.equal(err.name, name, `${file}: ${name}'s name`);
    const json = JSON.parse(JSON.stringify(err)) as Record<string, unknown>;
    assert.equal(json.kind, err.kind, `${name}: --json carries the kind`);
    assert.equal(json.name, name, `${name}: --json carries the name`);
    assert.equal(json.message, err.message, `${name}: --json carries the message`);
    assert.deepEqual(errorToJSON(err), err.toJSON(), name);
    assert.match(err.kind, /^[a-z]+(-[a-z]+)*$/, `${name}: kind is kebab-case`);
    if (GENERIC.has(name)) continue;
    assert.notEqual(err.kind, "error", `${file}: ${name} names a kind of its own`);
    assert.equal(kinds.get(err.kind), undefined, `${name} and ${kinds.get(err.kind)} share the kind ${err.kind}`);
    kinds.set(err.kind, name);
  }
  // The exemptions name classes that still exist.
  for (const name of GENERIC) assert.ok(declared.some((d) => d.name === name), `${name} is still declared`);
});

test("the base keeps the message, the context given and the cause; toJSON shows them", () => {
  const cause = new Error("ECONNRESET");
  const err = new Srv6ProtectError("it broke", { node: "h1", command: ["ping", "-c", "1"], exitCode: 2, stderr: "lost", durationMs: 7, cause });
  assert.equal(err.message, "it broke");
  assert.equal(err.kind, "error");
  assert.equal(err.cause, cause);
  assert.deepEqual(JSON.parse(JSON.stringify(err)), {
    kind: "error", name: "Srv6ProtectError", message: "it broke", node: "h1", command: ["ping", "-c", "1"], exitCode: 2, stderr: "lost", durationMs: 7, cause: "ECONNRESET",
  });
  const bare = new Srv6ProtectError("plain");
  assert.deepEqual(Object.keys(bare), ["name", "kind"], "no context given, no context fields");
  assert.equal("cause" in bare, false);
  assert.equal(new Srv6ProtectError("x", { cause: "a string" }).toJSON().cause, "a string");
  assert.equal(describeCommandOfProvider, describeCommand, "provider/errors.ts re-exports describeCommand");
});

test("Srv6Error still prefixes router and command; its --json is what it was", () => {
  const cause = new Error("socket closed");
  const err = new CommandError({ router: "r1", command: ["ip", "-6", "route", "show"], exitCode: 2, stdout: "", stderr: "RTNETLINK answers: no\n", durationMs: 12, cause });
  assert.equal(err.message, "router r1, command `ip -6 route show`: exited with code 2: RTNETLINK answers: no");
  assert.ok(err instanceof Srv6Error && err instanceof Srv6ProtectError);
  assert.equal(err.cause, cause);
  assert.equal(
    JSON.stringify(err),
    JSON.stringify({ kind: "command", name: "CommandError", message: err.message, router: "r1", command: ["ip", "-6", "route", "show"], exitCode: 2, stderr: "RTNETLINK answers: no\n", durationMs: 12, cause: "socket closed" }),
  );
  assert.deepEqual(Object.keys(new Srv6Error("no context").toJSON()), ["kind", "name", "message", "router", "command", "exitCode", "stderr", "durationMs", "cause"]);
  assert.equal(new Srv6Error("no context").message, "no context");
});

test("the lab's errors keep their messages and carry their context in the base's fields", () => {
  const cause = new Error("spawn ip ENOENT");
  const lab = new LabCommandError(["ip", "netns", "add", "x"], 1, "File exists\n", 3, { cause });
  assert.equal(lab.message, "command failed (exit 1): ip netns add x: File exists");
  assert.deepEqual(lab.argv, ["ip", "netns", "add", "x"]);
  assert.equal(lab.cause, cause);
  assert.deepEqual(JSON.parse(JSON.stringify(lab)), {
    kind: "lab-command", name: "LabCommandError", message: lab.message, command: ["ip", "netns", "add", "x"], exitCode: 1, stderr: "File exists\n", durationMs: 3, cause: "spawn ip ENOENT",
  });
  const step = new StepError("sender did not start", { node: "h1", command: ["python3", "sender.py"], exitCode: 1, stderr: "a\nb\nc\nd", cause });
  assert.equal(step.message, "sender did not start; on h1; command: python3 sender.py; exit 1; stderr: b | c | d");
  assert.equal(step.node, "h1");
  assert.equal(step.cause, cause);
  assert.equal(step.toJSON().node, "h1");
  assert.equal(step.toJSON().kind, "step");
});

test("errorToJSON: any thrown value", () => {
  assert.deepEqual(errorToJSON(new TypeError("x is not a function")), { kind: "error", name: "TypeError", message: "x is not a function", cause: undefined });
  assert.deepEqual(errorToJSON("boom"), { kind: "error", name: "Error", message: "boom" });
});
