/** Connection options derived from the desired state: defaults, sudo, jump host parsing. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { homedir } from "node:os";
import { join } from "node:path";
import { expandHome, parseJumpHost, routerConnectionOptions } from "../../provider/ssh/options";
import { validateDocument } from "../../provider/state";
import { diamondDocument } from "../state/diamond-document";

const auth = { user: "root", privateKeyFile: "/k", hostKey: {} };

test("jump host forms", () => {
  assert.deepEqual(parseJumpHost("bastion", auth), { ...auth, host: "bastion", port: 22 });
  assert.deepEqual(parseJumpHost("ops@bastion:2200", auth), { ...auth, user: "ops", host: "bastion", port: 2200 });
  assert.deepEqual(parseJumpHost("[fd00::1]:2200", auth), { ...auth, host: "fd00::1", port: 2200 });
  assert.deepEqual(parseJumpHost("fd00::1", auth), { ...auth, host: "fd00::1", port: 22 });
});

test("a key or known_hosts file under ~/ is the home directory's, as for ssh", () => {
  const doc = diamondDocument();
  doc.resource.srv6_router.r1.private_key_file = "~/.ssh/srv6";
  doc.resource.srv6_router.r1.known_hosts_file = "~/.ssh/known_hosts_lab";
  doc.resource.srv6_router.r1.jump_host = "ops@[fd00::1]:2200";
  const s = validateDocument(doc);
  const r1 = routerConnectionOptions(s.routers[0]!, s.provider);
  assert.equal(r1.privateKeyFile, join(homedir(), ".ssh/srv6"));
  assert.equal(r1.hostKey.knownHostsFile, join(homedir(), ".ssh/known_hosts_lab"));
  assert.deepEqual(r1.jump && [r1.jump.user, r1.jump.host, r1.jump.port, r1.jump.privateKeyFile], ["ops", "fd00::1", 2200, join(homedir(), ".ssh/srv6")]);
  assert.equal(expandHome("/abs/key"), "/abs/key");
});

test("router options from a desired state", () => {
  const doc = diamondDocument();
  doc.resource.srv6_router.r1.jump_host = "ops@bastion:2200";
  doc.resource.srv6_router.r1.private_key_file = "/keys/id";
  doc.resource.srv6_router.r2.host_key_sha256 = "SHA256:" + "A".repeat(43);
  doc.provider.srv6[0].accept_new_host_keys = true;
  doc.provider.srv6[0].connect_timeout_ms = 1234;
  const s = validateDocument(doc);
  const r1 = routerConnectionOptions(s.routers[0], s.provider);
  assert.equal(r1.router, "r1");
  assert.equal(r1.host, "198.18.0.11");
  assert.equal(r1.port, 22);
  assert.equal(r1.sudo, false);
  assert.equal(r1.connectTimeoutMs, 1234);
  assert.equal(r1.hostKey.acceptNew, true);
  assert.deepEqual(r1.jump && { host: r1.jump.host, port: r1.jump.port, user: r1.jump.user, key: r1.jump.privateKeyFile }, { host: "bastion", port: 2200, user: "ops", key: "/keys/id" });
  const r2 = routerConnectionOptions(s.routers[1], s.provider);
  assert.equal(r2.hostKey.pinnedSha256, "SHA256:" + "A".repeat(43));
  const r4 = routerConnectionOptions(s.routers[3], s.provider);
  assert.deepEqual([r4.user, r4.sudo], ["srv6ops", true]);
});
