/*
 * How the rule book shows a bad value (model/issue.ts): as JSON, except
 * the numbers JSON cannot write (Infinity, NaN: JSON.stringify makes them
 * null) and key material, which is never shown.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { formatIssue, formatValue, jsonSafeValue, KEY_MATERIAL_NOT_SHOWN, redactValue } from "../../model/issue";

const KEY = "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW\n-----END OPENSSH PRIVATE KEY-----\n";

test("numbers JSON cannot write are shown as they are, not as null", () => {
  assert.equal(formatValue(Infinity), "Infinity");
  assert.equal(formatValue(-Infinity), "-Infinity");
  assert.equal(formatValue(NaN), "NaN");
  assert.equal(formatValue([1, Infinity, { a: NaN }]), "[1,Infinity,{\"a\":NaN}]");
  assert.equal(formatValue(12n), "12");
  assert.equal(formatValue(null), "null");
  assert.equal(formatValue("x"), "\"x\"");
  assert.equal(formatValue(undefined), "(missing)");
  assert.equal(jsonSafeValue(Infinity), "Infinity");
  assert.equal(jsonSafeValue(3), 3);
  assert.equal(formatIssue({ resource: "srv6_protected_link.l", field: "multiplier", value: Infinity, message: "m" }), "srv6_protected_link.l.multiplier = Infinity: m");
});

test("ordinary values are shown as JSON, as before", () => {
  for (const v of ["fc00::1", 0, -5, 2.5, [], ["a"], { sid: "x" }, true]) assert.equal(formatValue(v), JSON.stringify(v));
});

test("key material is never shown: anywhere it looks like a key, and in a key file attribute when not one line", () => {
  assert.equal(redactValue(KEY), KEY_MATERIAL_NOT_SHOWN);
  assert.equal(redactValue("-----BEGIN RSA PRIVATE KEY----- MIIEow"), KEY_MATERIAL_NOT_SHOWN);
  assert.equal(redactValue("b3BlbnNzaC1rZXktdjEAAAAABG5vbmU", "host"), KEY_MATERIAL_NOT_SHOWN);
  assert.equal(redactValue("AAAA\nBBBB", "private_key_file"), KEY_MATERIAL_NOT_SHOWN);
  assert.equal(redactValue("AAAA\nBBBB", "privateKeyFile"), KEY_MATERIAL_NOT_SHOWN);
  assert.equal(redactValue("eth1\n", "interface"), "eth1\n", "other attributes show what was written");
  assert.equal(redactValue("relative/key", "private_key_file"), "relative/key", "a one-line path is shown");
  assert.deepEqual(redactValue({ name: "r1", private_key_file: "x\ny" }), { name: "r1", private_key_file: KEY_MATERIAL_NOT_SHOWN });
  assert.deepEqual(redactValue([KEY, "ok"]), [KEY_MATERIAL_NOT_SHOWN, "ok"]);
  const line = formatIssue({ resource: "srv6_router.r1", field: "private_key_file", value: KEY, message: "must be a path" });
  assert.equal(line, `srv6_router.r1.private_key_file = "${KEY_MATERIAL_NOT_SHOWN}": must be a path`);
  assert.ok(!formatIssue({ resource: "srv6_router.r1", field: "private_key_file", value: "AAAA\nBBBB", message: "m" }).includes("AAAA"));
});
