/**
 * `srv6 plan|apply|... --inventory FILE`: the inventory is checked whole by
 * the rule book (model/inventory.ts) before any router is contacted. Each
 * bad inventory exits 64 with a message naming the file, the router, the
 * field and the value; every socket connect in this process is trapped and
 * must stay at zero.
 */
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { trapConnects } from "../helpers/connect-trap";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { srv6InProcess } from "../helpers/cli";
import { diamondDocument } from "../state/diamond-document";
import { PASTED_KEY, PASTED_KEY_BODY } from "../state/bad-input-table";
import { formatValue, KEY_MATERIAL_NOT_SHOWN } from "../../model/issue";
import { inventoryIssues } from "../../model/inventory";
import type { Inventory } from "../../lab/inventory";

// Every outgoing connection made while the table runs is counted.
const connects = trapConnects();

const work = mkdtempSync(join(tmpdir(), "inventory-test-"));
after(() => {
  connects.restore();
  rmSync(work, { recursive: true, force: true });
});

const stackFile = join(work, "cdk.tf.json");
writeFileSync(stackFile, JSON.stringify(diamondDocument(), null, 2));

const FINGERPRINT = `SHA256:${"A".repeat(43)}`;

/** An inventory of the diamond's routers, shaped as `srv6 lab up` writes it (lab/up.ts). */
function labInventory(): Inventory {
  const dir = "/run/srv6-lab/t";
  const router = (n: number, user = "root") => ({
    host: `198.18.0.${n + 10}`, port: 22, user, sudo: user !== "root",
    privateKeyFile: `${dir}/id_ed25519`, knownHostsFile: `${dir}/known_hosts`, hostKeySha256: FINGERPRINT,
    netns: `s6-t-r${n}`, pid: 1000 + n, locator: `fc00:0:${n}::/48`, loopback: `fc00:0:${n}::1`,
    interfaces: { eth1: { address: `fd00:0:0:${n}::1/64`, peer: "r9", peerInterface: "eth1", peerAddress: `fd00:0:0:${n}::2`, metric: 10 } },
  });
  return {
    lab: "t", stateDir: dir, privateKeyFile: `${dir}/id_ed25519`, knownHostsFile: `${dir}/known_hosts`,
    routers: { r1: router(1), r2: router(2), r3: router(3), r4: router(4, "srv6ops") },
    hosts: { h1: { netns: "s6-t-h1", address: "2001:db8:1::2", prefix: "2001:db8:1::/64", router: "r1", interface: "eth0" } },
    links: [{ endpoints: ["r1:eth1", "r2:eth1"], metric: 10, subnet: "fd00:0:0:1::/64" }],
  };
}

interface BadInventory {
  what: string;
  /** Breaks a fresh lab-shaped inventory (as a plain object)... */
  mutate?: (inv: any) => void;
  /** ...or its JSON text. */
  text?: (json: string) => string;
  resource: string;
  field: string;
  value: unknown;
  says: RegExp;
  /** Text that must never be shown. */
  hidden?: readonly string[];
}

const ROWS: readonly BadInventory[] = [
  { what: "port 0 (ssh2 took it for 22)", mutate: (i) => (i.routers.r1.port = 0), resource: "routers.r1", field: "port", value: 0, says: /must be between 1 and 65535/ },
  { what: "port over 65535", mutate: (i) => (i.routers.r2.port = 70000), resource: "routers.r2", field: "port", value: 70000, says: /must be between 1 and 65535/ },
  { what: "port as a string", mutate: (i) => (i.routers.r3.port = "22"), resource: "routers.r3", field: "port", value: "22", says: /must be of type integer/ },
  { what: "port missing", mutate: (i) => delete i.routers.r4.port, resource: "routers.r4", field: "port", value: undefined, says: /is required/ },
  { what: "port 1e400 (Infinity)", text: (t) => t.replace('"port": 22', '"port": 1e400'), resource: "routers.r1", field: "port", value: Infinity, says: /Infinity is not a finite number.*between 1 and 65535/ },
  { what: "relative private key path", mutate: (i) => (i.routers.r1.privateKeyFile = "id_ed25519"), resource: "routers.r1", field: "privateKeyFile", value: "id_ed25519", says: /an absolute path \(\/\.\.\.\) or one under the home directory/ },
  { what: "private key pasted instead of its file name", mutate: (i) => (i.routers.r2.privateKeyFile = PASTED_KEY), resource: "routers.r2", field: "privateKeyFile", value: KEY_MATERIAL_NOT_SHOWN, says: /not its content/, hidden: [PASTED_KEY_BODY] },
  { what: "known_hosts file on two lines", mutate: (i) => (i.routers.r3.knownHostsFile = "/k\n/h"), resource: "routers.r3", field: "knownHostsFile", value: "/k\n/h", says: /on one line/ },
  { what: "fingerprint not in SHA256: form", mutate: (i) => (i.routers.r4.hostKeySha256 = "MD5:aa:bb:cc"), resource: "routers.r4", field: "hostKeySha256", value: "MD5:aa:bb:cc", says: /must match the pattern \^SHA256:/ },
  { what: "truncated fingerprint", mutate: (i) => (i.routers.r1.hostKeySha256 = "SHA256:abc"), resource: "routers.r1", field: "hostKeySha256", value: "SHA256:abc", says: /SHA256:/ },
  { what: "one machine under two router names", mutate: (i) => (i.routers.r2.host = "198.18.0.11"), resource: "routers.r2", field: "host", value: "198.18.0.11", says: /same SSH endpoint 198\.18\.0\.11:22 as routers\.r1: each router name needs its own machine/ },
  { what: "a router listed twice", text: (t) => t.replace('"routers": {', `"routers": {\n    "r1": ${JSON.stringify({ ...labInventory().routers.r1, host: "198.18.0.99" })},`), resource: "routers.r1", field: "", value: "r1", says: /router r1 is listed twice: JSON keeps only the last entry/ },
  { what: "a key written twice in a router's entry", text: (t) => t.replace('"port": 22,', '"port": 22, "port": 2222,'), resource: "routers.r1", field: "port", value: "port", says: /is written twice/ },
  { what: "misspelt key (the pin would be ignored)", mutate: (i) => { i.routers.r1.hostKeySha265 = i.routers.r1.hostKeySha256; delete i.routers.r1.hostKeySha256; }, resource: "routers.r1", field: "hostKeySha265", value: FINGERPRINT, says: /unknown attribute/ },
  { what: "router name that is no resource name", mutate: (i) => { i.routers.R1 = i.routers.r1; delete i.routers.r1; }, resource: "routers.R1", field: "", value: "R1", says: /the router name must be a resource name: 1 to 63 characters/ },
  { what: "sudo as a string", mutate: (i) => (i.routers.r4.sudo = "yes"), resource: "routers.r4", field: "sudo", value: "yes", says: /must be of type boolean/ },
  { what: "bad user", mutate: (i) => (i.routers.r2.user = "Root!"), resource: "routers.r2", field: "user", value: "Root!", says: /must match the pattern/ },
  { what: "host with shell metacharacters", mutate: (i) => (i.routers.r3.host = "r3;reboot"), resource: "routers.r3", field: "host", value: "r3;reboot", says: /must match the pattern/ },
  { what: "no routers", mutate: (i) => delete i.routers, resource: "inventory", field: "routers", value: undefined, says: /is required/ },
  { what: "not JSON", text: () => "routers: r1", resource: "inventory", field: "", value: "routers: r1", says: /is not valid JSON/ },
];

for (const [n, row] of ROWS.entries()) {
  test(`--inventory refuses: ${row.what}`, async () => {
    const inv = labInventory() as any;
    row.mutate?.(inv);
    let text = JSON.stringify(inv, null, 2);
    if (row.text) text = row.text(text);
    const file = join(work, `bad-${n}.json`);
    writeFileSync(file, text);

    const { issues } = inventoryIssues(text);
    const issue = issues.find((i) => i.resource === row.resource && i.field === row.field);
    assert.ok(issue, `no issue for ${row.resource} ${row.field}: ${JSON.stringify(issues)}`);
    assert.deepEqual(issue.value, row.value, "the issue carries the bad value");
    assert.match(issue.message, row.says);

    const r = await srv6InProcess("plan", "--stack", stackFile, "--inventory", file);
    assert.equal(r.code, 64, r.stderr);
    assert.match(r.stderr, new RegExp(`invalid inventory ${file.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")}`), "names the file");
    const where = row.field ? `${row.resource}.${row.field}` : row.resource;
    assert.ok(r.stderr.includes(`${where} = ${row.value === undefined ? "(missing)" : formatValue(row.value)}`), `names ${where} and the value: ${r.stderr}`);
    for (const secret of row.hidden ?? []) assert.ok(!r.stderr.includes(secret) && !r.stdout.includes(secret), "never shows the key");
  });
}

test("--inventory with --json: kind inventory, the file and every issue, exit 64", async () => {
  const inv = labInventory() as any;
  inv.routers.r1.port = 0;
  inv.routers.r2.privateKeyFile = PASTED_KEY;
  const file = join(work, "json.json");
  writeFileSync(file, JSON.stringify(inv));
  const r = await srv6InProcess("plan", "--stack", stackFile, "--inventory", file, "--json");
  assert.equal(r.code, 64);
  const error = (JSON.parse(r.stdout) as { error: { kind: string; file: string; issues: { resource: string; field: string; value: unknown }[] } }).error;
  assert.equal(error.kind, "inventory");
  assert.equal(error.file, file);
  assert.deepEqual(error.issues.map((i) => [i.resource, i.field, i.value]), [["routers.r1", "port", 0], ["routers.r2", "privateKeyFile", KEY_MATERIAL_NOT_SHOWN]]);
  assert.ok(!r.stdout.includes(PASTED_KEY_BODY));
});

test("--inventory that cannot be read names the file, exit 64", async () => {
  const file = join(work, "missing.json");
  const r = await srv6InProcess("plan", "--stack", stackFile, "--inventory", file);
  assert.equal(r.code, 64);
  assert.match(r.stderr, /invalid inventory .*missing\.json: 1 error.*\n  - inventory = ".*missing\.json": cannot be read: ENOENT/);
});

test("a router named 'constructor' that the inventory lacks is missing (not found in Object.prototype), exit 64", async () => {
  const doc = diamondDocument();
  doc.resource.srv6_router.r1.name = "constructor";
  const stack = join(work, "constructor.tf.json");
  writeFileSync(stack, JSON.stringify(doc));
  const file = join(work, "constructor-inventory.json");
  writeFileSync(file, JSON.stringify(labInventory()));
  const r = await srv6InProcess("plan", "--stack", stack, "--inventory", file);
  assert.equal(r.code, 64, r.stderr);
  assert.match(r.stderr, /the inventory has no router named constructor/);
});

test("accepted: the inventory `srv6 lab up` writes, and a minimal hand-written one (ssh-agent, known_hosts, ~/ paths)", () => {
  assert.deepEqual(inventoryIssues(JSON.stringify(labInventory(), null, 2)).issues, []);
  const minimal = { routers: { r1: { host: "r1.example.net", port: 2222, user: "srv6ops", sudo: true, knownHostsFile: "~/.ssh/known_hosts" }, r2: { host: "r1.example.net", port: 22, user: "root", sudo: false } } };
  const { inventory, issues } = inventoryIssues(JSON.stringify(minimal));
  assert.deepEqual(issues, [], "the same host on another port is another machine");
  assert.deepEqual(Object.keys(inventory!.routers), ["r1", "r2"]);
});

test("no connection was attempted while checking inventories", () => {
  assert.equal(connects.count(), 0);
});
