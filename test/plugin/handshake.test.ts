/**
 * The provider process as go-plugin hosts see it, without tofu:
 *
 *   test (grpc-js client with a client cert) ──unix socket, mTLS──> bin/terraform-provider-srv6
 *                                                                    └─> fake backend
 *
 * Handshake line, certificate, refusal without the cookie or with the wrong
 * protocol versions, mutual TLS enforced, schema content, unknown values
 * both ways, the raised message size limit, and Shutdown. Start-up time
 * (spawn to handshake line) is reported; its goal lives in the benchmarks.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { X509Certificate } from "node:crypto";
import * as fs from "node:fs";
import { decode, encode, ExtData } from "@msgpack/msgpack";
import { connect, makeClientIdentity, ProviderSandbox, type ClientIdentity } from "./provider-process";

const LINE = /^1\|6\|unix\|(\/[^|]+\.sock)\|grpc\|([A-Za-z0-9+/]+)$/;

test("handshake and RPCs of terraform-provider-srv6", { timeout: 120_000 }, async (t) => {
  const box = new ProviderSandbox();
  let client: ClientIdentity;
  try {
    client = await makeClientIdentity();

    await t.test("run by hand (no cookie), it explains itself and exits 1", async () => {
      const s = await box.start(box.baseEnv());
      assert.equal(await s.exited, 1);
      assert.equal(s.line, "", "nothing on stdout");
      assert.match(s.stderr(), /not meant to be run by hand/);
      assert.match(s.stderr(), /srv6 install-provider/);
    });

    await t.test("a host that does not speak protocol 6 is refused", async () => {
      const s = await box.start(box.hostEnv(client, "4,5"));
      assert.equal(await s.exited, 1);
      assert.equal(s.line, "");
      assert.match(s.stderr(), /protocol version\(s\) 4, 5.*serves version 6/);
    });

    await t.test("handshake line, certificate, mTLS, schema, values, shutdown", async (tt) => {
      const s = await box.start(box.hostEnv(client));
      tt.diagnostic(`spawn to handshake line: ${s.handshakeMs.toFixed(0)} ms`);
      const m = LINE.exec(s.line);
      assert.ok(m, `handshake line ${JSON.stringify(s.line)} has the go-plugin shape, base64 without padding`);
      const [, socket, certB64] = m;
      assert.ok(s.handshakeMs < 10_000, `started in ${s.handshakeMs} ms (generous bound; goal in bench)`);
      assert.equal(fs.statSync(socket).mode & 0o777, 0o600, "socket only for our user");

      const cert = new X509Certificate(Buffer.from(certB64, "base64"));
      assert.match(cert.subject, /CN=localhost/);
      assert.equal(cert.checkHost("localhost"), "localhost", "SAN localhost");
      assert.ok(cert.verify(cert.publicKey), "self-signed");

      // Without our client certificate the server must refuse the connection.
      const stranger = connect(s.line, undefined);
      await assert.rejects(stranger.health.Check({ service: "plugin" }), "a client without the host's certificate is refused");
      stranger.close();

      const c = connect(s.line, client);
      try {
        assert.deepEqual(await c.health.Check({ service: "plugin" }), { status: 1 });

        const schema = await c.provider.GetProviderSchema({});
        assert.deepEqual(schema.diagnostics ?? [], []);
        const resources = schema.resource_schemas as Record<string, { version?: number; block: { attributes: Array<Record<string, unknown>> } }>;
        assert.deepEqual(Object.keys(resources).sort(), ["srv6_backup_policy", "srv6_protected_link", "srv6_router"]);
        const attr = (type: string, name: string) => {
          const a = resources[type].block.attributes.find((x) => x.name === name);
          assert.ok(a, `${type}.${name} in schema`);
          return { ...a, type: JSON.parse(Buffer.from(a.type as Buffer).toString()) as unknown } as Record<string, unknown>;
        };
        assert.deepEqual(attr("srv6_router", "adjacency_sids").type, ["list", ["object", { sid: "string", interface: "string", nexthop: "string" }]]);
        assert.equal(attr("srv6_router", "name").required, true);
        assert.equal(attr("srv6_router", "port").optional, true);
        assert.equal(attr("srv6_router", "port").type, "number");
        assert.equal(attr("srv6_router", "sudo").type, "bool");
        assert.equal(attr("srv6_router", "id").computed, true);
        assert.match(String(attr("srv6_router", "locator").description), /locator/);
        assert.deepEqual(attr("srv6_backup_policy", "segments").type, ["list", "string"]);
        assert.deepEqual(attr("srv6_backup_policy", "prefixes").type, ["list", "string"]);
        assert.equal(resources.srv6_protected_link.version, 1, "the backend's schema version");
        assert.equal(resources.srv6_backup_policy.version, 1, "policies per destination are version 1 (version 0 had one prefix)");

        // Unknowns both ways: router_a arrives as a msgpack extension, and the
        // planned state answers with router_a and id still unknown.
        const unknown = new ExtData(0, new Uint8Array([0]));
        const proposed = {
          name: "l12", router_a: unknown, interface_a: "r1-r2", peer_address_a: "fe80::2", monitor_sid_a: "fc00:1::b1", return_sid_a: "fc00:2::e1",
          router_b: "r2", interface_b: "r2-r1", peer_address_b: "fe80::1", monitor_sid_b: "fc00:2::b1", return_sid_b: "fc00:1::e2",
          probe_interval_ms: null, multiplier: 3, hold_down_ms: null, id: null,
        };
        const plan = await c.provider.PlanResourceChange({
          type_name: "srv6_protected_link",
          prior_state: { msgpack: Buffer.from([0xc0]) },
          proposed_new_state: { msgpack: Buffer.from(encode(proposed)) },
          config: { msgpack: Buffer.from(encode(proposed)) },
        });
        assert.deepEqual(plan.diagnostics ?? [], []);
        const planned = decode((plan.planned_state as { msgpack: Buffer }).msgpack) as Record<string, unknown>;
        assert.ok(planned.router_a instanceof ExtData, "router_a stays unknown");
        assert.ok(planned.id instanceof ExtData, "id is unknown until create");
        assert.equal(planned.multiplier, 3);
        assert.equal(planned.hold_down_ms, null);

        // Over grpc-js' default 4 MB limit: still answered (with our diagnostic).
        const huge = { ...proposed, router_a: "r1", name: "x".repeat(5 * 1024 * 1024) };
        const big = await c.provider.ValidateResourceConfig({ type_name: "srv6_protected_link", config: { msgpack: Buffer.from(encode(huge)) } });
        const diags = big.diagnostics as Array<{ summary: string; attribute?: { steps: Array<{ attribute_name?: string }> } }>;
        assert.ok(diags.some((d) => d.attribute?.steps[0]?.attribute_name === "name"), "diagnostic on name");

        // An unknown resource type is a diagnostic, not a crash.
        const bad = await c.provider.ReadResource({ type_name: "srv6_nope", current_state: { msgpack: Buffer.from(encode({})) } });
        assert.match(JSON.stringify(bad.diagnostics), /no resource type srv6_nope/);

        // Stored state: JSON in, msgpack out, upgraded by the backend; a newer version is refused.
        const stored = { ...proposed, router_a: "r1", id: "l12", probe_interval_ms: undefined, interval_ms: 7 };
        const up = await c.provider.UpgradeResourceState({ type_name: "srv6_protected_link", version: 0, raw_state: { json: Buffer.from(JSON.stringify(stored)) } });
        assert.deepEqual(up.diagnostics ?? [], []);
        const upgraded = decode((up.upgraded_state as { msgpack: Buffer }).msgpack) as Record<string, unknown>;
        assert.equal(upgraded.probe_interval_ms, 7);
        assert.ok(!("interval_ms" in upgraded));
        const newer = await c.provider.UpgradeResourceState({ type_name: "srv6_protected_link", version: 9, raw_state: { json: Buffer.from("{}") } });
        assert.match(JSON.stringify(newer.diagnostics), /schema version 9, newer than this provider's 1/);

        assert.deepEqual(await c.provider.StopProvider({}), {}, "stop succeeds (no Error)");
        await c.controller.Shutdown({});
      } finally {
        c.close();
      }
      assert.equal(await s.exited, 0, `exits 0 after Shutdown; stderr: ${s.stderr()}`);
      assert.deepEqual(box.leftoverSockets(), [], "socket directory removed");
    });
  } finally {
    box.cleanup();
  }
});
