/** The Terraform schema derived from model/schema.ts, and shaping values to it. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { RESOURCE_TYPES, routerSchema } from "../../model/schema";
import { conformObject, providerBlock, RESOURCE_TYPE_NAMES, resourceBlock } from "../../provider/plugin/schema";
import { UNKNOWN } from "../../provider/plugin/values";

test("every JSON Schema property becomes an attribute, plus a computed id", () => {
  for (const type of RESOURCE_TYPE_NAMES) {
    const block = resourceBlock(type);
    const props = Object.keys((RESOURCE_TYPES[type] as { properties: object }).properties);
    assert.deepEqual(block.attributes.map((a) => a.name), [...props, "id"], type);
    const id = block.attributes.find((a) => a.name === "id")!;
    assert.deepEqual({ computed: id.computed, optional: id.optional, required: id.required }, { computed: true, optional: false, required: false });
    for (const a of block.attributes) assert.ok(a.description.length > 0, `${type}.${a.name} is described`);
  }
});

test("types, required and optional follow the JSON Schema", () => {
  const router = resourceBlock("srv6_router");
  const attr = (n: string) => router.attributes.find((a) => a.name === n)!;
  assert.deepEqual(attr("adjacency_sids").type, ["list", ["object", { sid: "string", interface: "string", nexthop: "string" }]]);
  assert.equal(attr("port").type, "number");
  assert.equal(attr("sudo").type, "bool");
  for (const r of routerSchema.required) assert.equal(attr(r).required, true, r);
  assert.equal(attr("port").optional, true);
  assert.equal(attr("port").required, false);
  const policy = resourceBlock("srv6_backup_policy");
  assert.deepEqual(policy.attributes.find((a) => a.name === "segments")!.type, ["list", "string"]);
  assert.deepEqual(policy.attributes.find((a) => a.name === "prefixes")!.type, ["list", "string"]);
  assert.equal(policy.attributes.find((a) => a.name === "prefixes")!.required, true);
  assert.equal(policy.attributes.find((a) => a.name === "destination")!.optional, true);
  assert.ok(!policy.attributes.some((a) => a.name === "prefix"), "one policy per destination: no single prefix any more");
  assert.ok(!providerBlock().attributes.some((a) => a.name === "id"), "the provider block has no id");
});

test("conformObject fills missing attributes with null, drops unknown ones, keeps unknowns", () => {
  const shaped = conformObject({ name: "r1", extra: 1, adjacency_sids: [{ sid: "fc00::1", junk: true }], host: UNKNOWN }, resourceBlock("srv6_router"))!;
  assert.equal(shaped.name, "r1");
  assert.equal(shaped.host, UNKNOWN);
  assert.equal(shaped.port, null);
  assert.equal(shaped.id, null);
  assert.ok(!("extra" in shaped));
  assert.deepEqual(shaped.adjacency_sids, [{ sid: "fc00::1", interface: null, nexthop: null }]);
  assert.equal(conformObject(null, resourceBlock("srv6_router")), null);
});
