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

interface Diag { severity: string; summary: string; detail?: string; address?: string; range?: unknown; snippet?: { code?: string; context?: string } }

/** The diamond document with the lab's connection settings, as a root module. */
function document(lab: TestLab, row?: BadInput): any {
  const doc = diamondDocument();
  doc.terraform = { required_providers: { srv6: { source: "srv6-protect/srv6", version: "0.1.0" } } };
  for (const r of Object.values(doc.resource.srv6_router) as any[]) {
    const inv = lab.inventory.routers[r.name]!;
    Object.assign(r, { host: inv.host, port: inv.port, user: inv.user, sudo: inv.sudo, private_key_file: inv.privateKeyFile, known_hosts_file: inv.knownHostsFile });
  }
  // Terraform creates what nothing orders in parallel: a policy whose link and segment routers
  // are written as names, not references, waits for them by depends_on (as the constructs emit it).
  for (const p of Object.values(doc.resource.srv6_backup_policy) as any[]) {
    p.depends_on = [...new Set([...(p.depends_on ?? []), "srv6_protected_link.l12", ...ROUTERS.map((r) => `srv6_router.${r}`)])];
  }
  row?.mutate(doc);
  return doc;
}

/** The Terraform address of the resource a row names (`srv6_backup_policy.r1-to-h2` is `srv6_backup_policy.p1`). */
function addressOf(resource: string): string {
  const [type, name] = resource.split(".") as [string, string];
  if (type === "provider") return resource;
  const byId = diamondDocument().resource[type] as Record<string, { name: string }> | undefined;
  const id = Object.entries(byId ?? {}).find(([, r]) => r.name === name)?.[0] ?? name;
  return `${type}.${id}`;
}

/** Addresses of the resources a row's mistake touches (several when it keeps them consistent, as the CLI sees them at once). */
function touched(doc: any): string[] {
  const base = diamondDocument();
  const out: string[] = [];
  for (const [type, byId] of Object.entries(doc.resource ?? {}) as [string, Record<string, unknown>][]) {
    for (const [id, r] of Object.entries(byId)) {
      const strip = (x: any) => JSON.stringify({ ...x, depends_on: undefined, host: undefined, port: undefined, user: undefined, sudo: undefined, private_key_file: undefined, known_hosts_file: undefined });
      if (!base.resource[type]?.[id] || strip(base.resource[type][id]) !== strip(r)) out.push(`${type}.${id}`);
    }
  }
  return out;
}

/** Why tofu's answer to a row is not the refusal it must be (undefined: it is). */
function refusalProblem(row: BadInput, doc: any, code: number | null, diags: Diag[], atApply: boolean): string | undefined {
  const text = (d: Diag) => `${d.summary}\n${d.detail ?? ""}`;
  const where = (d: Diag) => `${d.address ?? ""} ${d.snippet?.context ?? ""} ${text(d)}`;
  const address = addressOf(row.resource);
  const top = row.field.split(/[.[]/)[0]!;
  if (code !== 1) return `exit ${code} (${atApply ? "apply" : "plan"})`;
  if (!diags.length) return "no error diagnostic";
  if (row.hidden && diags.some((d) => row.hidden!.some((h) => text(d).includes(h)))) return "key material shown in a diagnostic";
  // OpenTofu's own refusals (an unsupported argument, a reference to nothing, count) name the resource in their own words.
  if (CLI_ONLY.has(row.what)) return diags.some((d) => where(d).includes(address) || where(d).includes(row.resource)) ? undefined : `no diagnostic names ${address}`;
  const onResource = (d: Diag) => (row.resource.startsWith("provider.")
    ? (d.snippet?.context ?? "").startsWith(row.resource) || (d.address ?? "").startsWith("provider[")
    : d.address === address || d.address?.startsWith(`${address}[`) || text(d).includes(`${row.resource}.${top}`));
  const named = diags.filter((d) => onResource(d) && d.range !== undefined && `${text(d)} ${d.snippet?.code ?? ""}`.includes(top));
  if (named.length) {
    if (row.value !== undefined && !row.hidden && !named.some((d) => (d.detail ?? "").includes(formatValue(row.value)))) return `value ${formatValue(row.value)} not shown: ${JSON.stringify(named).slice(0, 400)}`;
    return undefined;
  }
  // A row decided at apply may already fail its plan on another rule of the same resource: refused earlier, still before any router.
  if (atApply && diags.some((d) => d.address === address)) return undefined;
  // A mistake spread over several resources is met by the one tofu plans first, against the others as recorded.
  const others = touched(doc);
  if (others.length > 1 && diags.some((d) => others.some((a) => d.address === a))) return undefined;
  return `no diagnostic on ${address} pointing at ${top}: ${JSON.stringify(diags).slice(0, 500)}`;
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
      let ran = 0;
      for (const row of BAD_INPUTS) {
        // JSON.stringify writes Infinity and NaN as null, a valid value: such rows are not expressible here (1e400 is, below).
        if (/HCL has no/.test(CLI_ONLY.get(row.what) ?? "")) continue;
        ran++;
        const doc = document(lab, row);
        write(doc);
        const atApply = AT_APPLY.test(row.says.source);
        const r = await ws.tofu(atApply ? ["apply", "-auto-approve", "-input=false", "-json"] : ["plan", "-input=false", "-json"], 180_000);
        const problem = refusalProblem(row, doc, r.code, diagnostics(r.stdout), atApply);
        if (problem) failures.push(`${row.what}: ${problem}`);
      }
      assert.ok(ran >= 100, `only ${ran} rows ran through tofu`);
      // A number JSON reads as Infinity is a finite, huge number to OpenTofu: still refused, and shown as written.
      write(document(lab));
      fs.writeFileSync(path.join(ws.dir, "main.tf.json"), fs.readFileSync(path.join(ws.dir, "main.tf.json"), "utf8").replace(/"probe_interval_ms": 1\b/, '"probe_interval_ms": 1e400'));
      const huge = await ws.tofu(["plan", "-input=false", "-json"], 180_000);
      const hugeDiags = diagnostics(huge.stdout);
      if (huge.code !== 1 || !hugeDiags.some((d) => d.address === "srv6_protected_link.l12" && /probe_interval_ms/.test(`${d.summary} ${d.detail}`))) {
        failures.push(`probe_interval_ms = 1e400: exit ${huge.code}, ${JSON.stringify(hugeDiags).slice(0, 400)}`);
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
