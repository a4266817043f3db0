/** msgpack/JSON DynamicValues: nulls, unknowns both ways, the cty byte forms. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { encode, ExtData } from "@msgpack/msgpack";
import { containsUnknown, decodeDynamicValue, encodeDynamicValue, UNKNOWN, ValueDecodeError } from "../../provider/plugin/values";

test("an unknown is written as cty does: fixext1, type 0, one zero byte", () => {
  assert.deepEqual([...encodeDynamicValue({ a: UNKNOWN }).msgpack], [0x81, 0xa1, 0x61, 0xd4, 0x00, 0x00]);
});

test("a null value is a msgpack nil, not empty bytes", () => {
  assert.deepEqual([...encodeDynamicValue(null).msgpack], [0xc0]);
});

test("any msgpack extension decodes as unknown, nested too", () => {
  const refined = new ExtData(12, new Uint8Array([0x81, 0x01, 0xc3])); // a refined unknown (not null)
  const bytes = encode({ a: new ExtData(0, new Uint8Array([0])), b: [1, refined], c: null, d: "x", e: true });
  const v = decodeDynamicValue({ msgpack: bytes });
  assert.deepEqual(v, { a: UNKNOWN, b: [1, UNKNOWN], c: null, d: "x", e: true });
  assert.equal(containsUnknown(v), true);
  assert.equal(containsUnknown({ a: [1, { b: "c" }] }), false);
});

test("round trip keeps values, nulls and unknowns", () => {
  const value = { s: "fc00::1", n: 10, f: 1.5, b: false, l: ["a", UNKNOWN], o: { x: null }, u: UNKNOWN };
  assert.deepEqual(decodeDynamicValue(encodeDynamicValue(value)), value);
});

test("JSON DynamicValues decode (no unknowns); empty ones are null", () => {
  assert.deepEqual(decodeDynamicValue({ json: Buffer.from('{"a":[1,"b"],"c":null}') }), { a: [1, "b"], c: null });
  assert.equal(decodeDynamicValue({}), null);
  assert.equal(decodeDynamicValue(undefined), null);
  assert.throws(() => decodeDynamicValue({ json: Buffer.from("{nope") }), ValueDecodeError);
  assert.throws(() => decodeDynamicValue({ msgpack: Buffer.from([0xc1]) }), ValueDecodeError);
});
