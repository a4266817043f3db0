/**
 * An inventory file: the routers' connection settings kept outside the stack
 * (`srv6 plan|apply|... --inventory FILE`; `srv6 lab up` writes one, see
 * lab/inventory.ts), so one stack can be deployed to several sets of
 * routers. It is checked before any router is contacted, by the project's one
 * schema check (model/schema-check.ts) and the rules below, with the same
 * rules as the stack's own connection settings (model/schema.ts).
 */
import { Srv6ProtectError } from "./errors";
import { formatIssue, jsonSafeValue, type SchemaIssue } from "./issue";
import { findDuplicateKeys } from "./json-duplicates";
import { FILE_PATH_PATTERN, NAME_PATTERN, NAME_RULE, routerSchema } from "./schema";
import { pointerToField, schemaViolations } from "./schema-check";

/** One router's entry: how the controller reaches it (the lab adds what its tests need). */
export interface InventoryFileRouter {
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly sudo: boolean;
  /** Default: ssh-agent. */
  readonly privateKeyFile?: string;
  /** Default: ~/.ssh/known_hosts. */
  readonly knownHostsFile?: string;
  /** Pinned host key, `SHA256:...` as `ssh-keygen -l` prints it; takes precedence over known_hosts. */
  readonly hostKeySha256?: string;
}

export interface InventoryFile {
  readonly routers: Readonly<Record<string, InventoryFileRouter>>;
}

const NAME = new RegExp(NAME_PATTERN);
const path = (description: string) => ({ type: "string", pattern: FILE_PATH_PATTERN, description }) as const;
const { host, user, host_key_sha256 } = routerSchema.properties;

const inventoryRouterSchema = {
  type: "object",
  description: "How the controller reaches one router.",
  additionalProperties: false,
  required: ["host", "port", "user", "sudo"],
  properties: {
    host: { type: "string", pattern: host.pattern, description: host.description },
    port: { type: "integer", minimum: 1, maximum: 65535, description: "SSH port, 1 to 65535 (there is no default: write 22)." },
    user: { type: "string", pattern: user.pattern, description: "SSH user; anyone but root goes through `sudo -n` when sudo is true." },
    sudo: { type: "boolean", description: "Run router commands through `sudo -n`." },
    privateKeyFile: path("Private key on the controller (absolute, or ~/...). Default: ssh-agent."),
    knownHostsFile: path("known_hosts file for the router's host key (absolute, or ~/...). Default ~/.ssh/known_hosts."),
    hostKeySha256: { type: "string", pattern: host_key_sha256.pattern, description: host_key_sha256.description },
    // What `srv6 lab up` also records for its own tools (lab/inventory.ts InventoryRouter).
    netns: { type: "string", description: "Lab: the router's network namespace." },
    pid: { type: "integer", description: "Lab: the PID of the router's sshd." },
    locator: { type: "string", description: "Lab: the router's locator." },
    loopback: { type: "string", description: "Lab: the router's loopback address." },
    interfaces: { type: "object", description: "Lab: the router's data-plane interfaces." },
  },
} as const;

/** The inventory file, as a JSON Schema. Router entries allow no unknown key: a misspelt `hostKeySha256` would silently unpin. */
export const inventorySchema = {
  $id: "srv6_inventory",
  type: "object",
  description: "Connection settings of the stack's routers, by router name.",
  additionalProperties: false,
  required: ["routers"],
  properties: {
    routers: {
      type: "object",
      description: "One entry per srv6_router name (NAME_PATTERN: checked by inventoryIssues, to name the entry).",
      additionalProperties: inventoryRouterSchema,
    },
    // What `srv6 lab up` also records (lab/inventory.ts Inventory).
    lab: { type: "string", description: "Lab: its name." },
    stateDir: path("Lab: where it keeps its state."),
    privateKeyFile: path("Lab: the client key every router accepts."),
    knownHostsFile: path("Lab: the known_hosts file of every router."),
    hosts: { type: "object", description: "Lab: its hosts." },
    links: { type: "array", description: "Lab: its links." },
  },
} as const;

/** An issue of an inventory: `resource` is `routers.<name>` (or `inventory`), `field` the key inside it. */
function issueAt(pointer: string, value: unknown, message: string): SchemaIssue {
  const m = /^\/routers\/([^/]+)(\/.*)?$/.exec(pointer);
  if (m) return { resource: `routers.${m[1]!.replace(/~1/g, "/").replace(/~0/g, "~")}`, field: m[2] ? pointerToField(m[2]) : "", value, message };
  return { resource: "inventory", field: pointerToField(pointer), value, message };
}

/**
 * Every problem of an inventory's text: not JSON, a key written twice (JSON
 * keeps the last: a router listed twice), what the schema refuses (ports 1
 * to 65535, absolute one-line file names, `SHA256:` fingerprints, no unknown
 * key), and one machine (host and port) under two router names.
 */
export function inventoryIssues(text: string): { inventory?: InventoryFile; issues: SchemaIssue[] } {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    const start = text.trim();
    return { issues: [{ resource: "inventory", field: "", value: start === "" ? undefined : start.length > 40 ? `${start.slice(0, 37)}...` : start, message: `is not valid JSON: ${(err as Error).message}` }] };
  }
  const issues: SchemaIssue[] = [];
  for (const dup of findDuplicateKeys(text)) {
    const parts = dup.split(".");
    const routerEntry = parts.length === 2 && parts[0] === "routers";
    issues.push({
      resource: routerEntry ? dup : parts[0] === "routers" && parts.length > 2 ? `routers.${parts[1]}` : "inventory",
      field: routerEntry ? "" : parts[0] === "routers" && parts.length > 2 ? parts.slice(2).join(".") : dup,
      value: parts[parts.length - 1],
      message: routerEntry
        ? `router ${parts[1]} is listed twice: JSON keeps only the last entry, so the first would be ignored; list each router once`
        : "is written twice: JSON keeps only the last value; write each key once",
    });
  }
  const routers = doc !== null && typeof doc === "object" && Object.hasOwn(doc, "routers") ? (doc as { routers: unknown }).routers : undefined;
  if (routers !== null && typeof routers === "object" && !Array.isArray(routers)) {
    for (const name of Object.keys(routers)) {
      if (!NAME.test(name)) issues.push({ resource: `routers.${name}`, field: "", value: name, message: `the router name must be ${NAME_RULE} (the srv6_router's name)` });
    }
  }
  for (const v of schemaViolations(inventorySchema, doc)) {
    issues.push(issueAt(v.pointer, v.value, v.reasons.join("; ") + (v.description ? ` (${v.description})` : "")));
  }
  if (issues.length > 0) return { issues };
  const inventory = doc as InventoryFile;
  const endpoints = new Map<string, string>();
  for (const [name, r] of Object.entries(inventory.routers)) {
    const endpoint = `${r.host}:${r.port}`;
    const other = endpoints.get(endpoint);
    if (other !== undefined) issues.push({ resource: `routers.${name}`, field: "host", value: r.host, message: `same SSH endpoint ${endpoint} as routers.${other}: each router name needs its own machine` });
    else endpoints.set(endpoint, name);
  }
  return issues.length > 0 ? { issues } : { inventory, issues };
}

/** The inventory file is unusable; every problem is listed, no router was contacted. */
export class InventoryError extends Srv6ProtectError {
  override readonly name = "InventoryError";
  override readonly kind = "inventory";
  /** Bad input: `srv6` exits 64 (provider/cli/exit-codes.ts usage). */
  readonly cliExitCode = 64;
  readonly file: string;
  readonly issues: readonly SchemaIssue[];
  constructor(file: string, issues: readonly SchemaIssue[]) {
    super(`invalid inventory ${file}: ${issues.length} error${issues.length === 1 ? "" : "s"}, no router was contacted\n${issues.map((i) => `  - ${formatIssue(i)}`).join("\n")}`);
    this.file = file;
    this.issues = issues;
  }
  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), file: this.file, issues: this.issues.map((i) => ({ ...i, value: jsonSafeValue(i.value) })) };
  }
}

/** The inventory in `text` (read from `file`), or an InventoryError naming the file, the router, the field and the value. */
export function parseInventory(text: string, file: string): InventoryFile {
  const { inventory, issues } = inventoryIssues(text);
  if (!inventory) throw new InventoryError(file, issues);
  return inventory;
}
