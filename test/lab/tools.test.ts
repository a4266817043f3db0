/** A program the lab cannot start is reported with the Debian package that provides it, never as `null`. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { run } from "../../lab/system/run";
import { missingProgramMessage, programNotFound } from "../../lab/system/tools";

test("a missing program names its Debian package", () => {
  assert.equal(missingProgramMessage("rsvg-convert"), "rsvg-convert is not installed (Debian package librsvg2-bin; run scripts/bootstrap.sh as root)");
  assert.match(missingProgramMessage("/usr/lib/frr/bfdd"), /Debian package frr/);
  assert.equal(missingProgramMessage("no-such-tool"), "no-such-tool is not installed");
});

test("the wrappers' own words for a program they could not start are recognised", () => {
  assert.equal(programNotFound(["nsenter"], undefined, 127, "nsenter: failed to execute vtysh: No such file or directory\n"), "vtysh");
  assert.equal(programNotFound(["ip"], undefined, 1, 'exec of "nft" failed: No such file or directory\n'), "nft");
  assert.equal(programNotFound(["sh"], undefined, 127, "sh: 1: stress-ng: not found\n"), "stress-ng");
  assert.equal(programNotFound(["ip"], undefined, 2, "Error: argument is wrong\n"), undefined);
});

test("run() of a program that is not installed fails with that message", async () => {
  await assert.rejects(run(["srv6-no-such-program"]), /srv6-no-such-program is not installed/);
  await assert.rejects(run(["sh", "-c", "rsvg-convert-nope"]), /rsvg-convert-nope: not found/);
});
