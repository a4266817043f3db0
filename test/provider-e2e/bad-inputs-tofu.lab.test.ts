/*
 * The bad-input table (test/state/bad-input-table.ts, the rows `srv6 plan`
 * refuses) through the real OpenTofu and the real engine on the diamond lab:
 * the valid document is applied first, so every plan also reads the routers'
 * records; then each row's document must fail with an error diagnostic that
 * names the resource, points at the attribute and shows the value, and no
 * router may change (every router's full snapshot before and after the table).
 *
 * Existence (a link to a router no resource declares) and "a segment is some
 * router's SID" cannot be decided while tofu plans one resource at a time:
 * those rows are refused by `tofu apply`, before any router is touched. Rows
 * tofu answers itself or that HCL cannot write (CLI_ONLY: an unsupported
 * argument, a reference to nothing, count, Infinity) must still fail naming
 * the resource.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { withLab, type TestLab } from "../helpers/lab";
import { routerSnapshot } from "../helpers/router-snapshot";
import { diamondDocument } from "../state/diamond-document";
import { BAD_INPUTS, CLI_ONLY, type BadInput } from "../state/bad-input-table";
import { formatValue } from "../../model/issue";
import { EngineWorkspace } from "./workspace";

const ROUTERS = ["r1", "r2", "r3", "r4"];
/** Decided at apply, before any router changes (docs/provider.md): existence, and "some router's SID". */
const AT_APPLY = /no srv6_router named|no srv6_protected_link named|last segment must be|not a SID of any router/;

interface Diag { severity: string; summary: string; detail?: string; address?: string; range?: unknown; snippet?: { code?: string } }

/** The diamond document with the lab's connection settings, as a root module. */
function document(lab: TestLab, row?: BadInput): any {
  const doc = diamondDocument();
  doc.terraform = { required_providers: { srv6: { source: "srv6-protect/srv6", version: "0.1.0" } } };
  for (const r of Object.values(doc.resource.srv6_router) as any[]) {
    const inv = lab.inventory.routers[r.name]!;
    Object.assign(r, { host: inv.host, port: inv.port, user: inv.user, sudo: inv.sudo, private_key_file: inv.privateKeyFile, known_hosts_file: inv.knownHostsFile });
  }
  row?.mutate(doc);
  return doc;
}

function diagnostics(stdout: string): Diag[] {
  return stdout.split("\n").filter((l) => l.startsWith("{")).map((l) => JSON.parse(l) as { type: string; diagnostic?: Diag })
    .filter((m) => m.type === "diagnostic" && m.diagnostic?.severity === "error").map((m) => m.diagnostic!);
}

test("every bad input of the table is refused by tofu with the resource, attribute and value; no router changes", { timeout: 1_500_000 }, async () => {
  await withLab("examples/lab/diamond.json", async (lab) => {
    const ws = new EngineWorkspace(lab, "s6-badtofu-");
    const write = (doc: unknown) => fs.writeFileSync(path.join(ws.dir, "main.tf.json"), JSON.stringify(doc, null, 1));
    try {
      write(document(lab));
      assert.equal((await ws.tofu(["init", "-input=false"])).code, 0, "tofu init");
      const applied = await ws.tofu(["apply", "-auto-approve", "-input=false"], 300_000);
      assert.equal(applied.code, 0, `the valid diamond applies: ${applied.stdout.slice(-2000)}${applied.stderr.slice(-2000)}`);
      const before = await Promise.all(ROUTERS.map((r) => routerSnapshot(lab, r)));

      const failures: string[] = [];
      for (const row of BAD_INPUTS) {
        write(document(lab, row));
        const atApply = AT_APPLY.test(row.says.source);
        const r = await ws.tofu(atApply ? ["apply", "-auto-approve", "-input=false", "-json"] : ["plan", "-input=false", "-json"], 180_000);
        const diags = diagnostics(r.stdout);
        const [type, name] = row.resource.split(".");
        const top = row.field.split(/[.[]/)[0]!;
        const text = (d: Diag) => `${d.summary}\n${d.detail ?? ""}\n${d.snippet?.code ?? ""}`;
        const mine = type === "provider"
          ? diags.filter((d) => text(d).includes(top))
          : diags.filter((d) => (d.address ?? "").startsWith(`${type}.`) && (d.address!.includes(`.${name}`) || text(d).includes(row.resource)));
        const problem = r.code !== 1 ? `exit ${r.code} (${atApply ? "apply" : "plan"})`
          : !mine.length ? `no error diagnostic on ${row.resource}: ${JSON.stringify(diags).slice(0, 600)}`
          : CLI_ONLY.has(row.what) ? undefined
          : !mine.some((d) => d.range !== undefined && text(d).includes(top)) ? `no diagnostic points at ${top}: ${JSON.stringify(mine).slice(0, 600)}`
          : row.value !== undefined && !row.hidden && !mine.some((d) => (d.detail ?? "").includes(formatValue(row.value))) ? `value ${formatValue(row.value)} not shown: ${JSON.stringify(mine).slice(0, 600)}`
          : row.hidden && mine.some((d) => row.hidden!.some((h) => text(d).includes(h))) ? "key material shown" : undefined;
        if (problem) failures.push(`${row.what}: ${problem}`);
      }
      assert.deepEqual(failures, [], `${failures.length} of the table's rows were not refused as they should be:\n${failures.join("\n")}`);
      const after = await Promise.all(ROUTERS.map((r) => routerSnapshot(lab, r)));
      ROUTERS.forEach((r, i) => assert.equal(after[i], before[i], `${r} unchanged by the table`));

      write(document(lab));
      const clean = await ws.tofu(["plan", "-input=false", "-detailed-exitcode"], 180_000);
      assert.equal(clean.code, 0, `the valid document still plans empty: ${clean.stdout.slice(-1500)}`);
      assert.equal((await ws.tofu(["destroy", "-auto-approve", "-input=false"], 300_000)).code, 0, "destroy");
    } finally {
      ws.cleanup();
    }
  });
});
