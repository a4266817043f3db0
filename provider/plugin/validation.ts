/**
 * Checks a configuration against the shared JSON Schemas with ajv and maps
 * every ajv error to a diagnostic with its attribute path, naming the
 * resource, the field and the bad value.
 *
 * During validate and plan, values may be unknown (they depend on another
 * resource's computed attributes); those are left out of the check and are
 * checked again at apply time, when they are known.
 */
import type { ErrorObject, ValidateFunction } from "ajv";
import { isIPv6 } from "node:net";
import { errorDiagnostic, formatPath, pathFromJsonPointer, type AttributePath, type Diagnostic } from "./diagnostics";
import { ID_ATTRIBUTE } from "./schema";
import { isUnknown, type TfObject, type TfValue } from "./values";

let ajvInstance: import("ajv").default | undefined;
const compiled = new Map<object, ValidateFunction>();

function validatorFor(schema: object): ValidateFunction {
  let fn = compiled.get(schema);
  if (!fn) {
    if (!ajvInstance) {
      // ajv costs tens of milliseconds to load: only when something is validated.
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const AjvClass = (require("ajv") as typeof import("ajv")).default;
      ajvInstance = new AjvClass({ allErrors: true, strict: true, verbose: true });
      ajvInstance.addFormat("ipv6", { type: "string", validate: (s: string) => isIPv6(s) });
    }
    fn = ajvInstance.compile(schema);
    compiled.set(schema, fn);
  }
  return fn;
}

/** Removes unknown values (and the computed id) so that only known input is checked. */
function knownPart(value: TfValue, unknownPaths: string[], pointer: string): unknown {
  if (Array.isArray(value)) {
    // An unknown element cannot be dropped without shifting the others' paths:
    // then the whole list waits for apply.
    if (value.some(isUnknown)) {
      unknownPaths.push(pointer);
      return undefined;
    }
    return value.map((v, i) => knownPart(v, unknownPaths, `${pointer}/${i}`));
  }
  if (value !== null && typeof value === "object" && !isUnknown(value)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      if (isUnknown(v)) {
        unknownPaths.push(`${pointer}/${k}`);
        continue;
      }
      const inner = knownPart(v, unknownPaths, `${pointer}/${k}`);
      if (inner !== undefined) out[k] = inner;
    }
    return out;
  }
  return value;
}

function valueAt(root: unknown, path: AttributePath): unknown {
  let cur: unknown = root;
  for (const step of path) {
    if (cur === null || typeof cur !== "object") return undefined;
    if ("attribute" in step) cur = (cur as Record<string, unknown>)[step.attribute];
    else if ("index" in step) cur = (cur as unknown[])[step.index];
    else cur = (cur as Record<string, unknown>)[step.key];
  }
  return cur;
}

/** A value as diagnostics show it: JSON, cut short so a huge value cannot flood the answer. */
export function shortValue(value: unknown, max = 120): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > max ? `${text.slice(0, max)}... (${text.length} characters)` : text;
}

function describeError(e: ErrorObject): string {
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case "pattern":
      return `must match the pattern ${String(p.pattern)}`;
    case "format":
      return `must be a valid ${String(p.format)} address`;
    case "minimum":
    case "maximum":
    case "minItems":
    case "maxItems":
      return `${e.message ?? "is out of range"}`;
    case "additionalProperties":
      return `is not an attribute of this resource`;
    default:
      return e.message ?? e.keyword;
  }
}

/** Validates `config` of `resourceType` (a resource name in the diagnostics). */
export function validateAgainstSchema(resourceType: string, schema: object, config: TfObject): Diagnostic[] {
  const unknownPaths: string[] = [];
  const input = knownPart(config, unknownPaths, "") as Record<string, unknown>;
  delete input[ID_ATTRIBUTE];
  // Optional attributes left out arrive as null: ajv sees them absent.
  for (const [k, v] of Object.entries(input)) if (v === null) delete input[k];
  const validate = validatorFor(schema);
  if (validate(input)) return [];
  const name = typeof config.name === "string" ? ` ${shortValue(config.name, 64)}` : "";
  // One diagnostic per attribute, listing every rule its value breaks.
  const byPointer = new Map<string, { path: AttributePath; bad: string; reasons: string[]; help: string }>();
  for (const e of validate.errors ?? []) {
    let pointer = e.instancePath;
    const p = e.params as Record<string, unknown>;
    if (e.keyword === "required") pointer += `/${String(p.missingProperty)}`;
    if (e.keyword === "additionalProperties") pointer += `/${String(p.additionalProperty)}`;
    // A value that is unknown now (or inside something unknown) is checked at apply.
    if (unknownPaths.some((u) => pointer === u || pointer.startsWith(`${u}/`))) continue;
    let entry = byPointer.get(pointer);
    if (!entry) {
      const path = pathFromJsonPointer(pointer);
      const fieldSchema = e.keyword === "required" ? undefined : (e.parentSchema as { description?: string } | undefined);
      entry = {
        path,
        bad: e.keyword === "required" ? "nothing" : shortValue(valueAt(input, path)),
        reasons: [],
        help: fieldSchema?.description ? ` ${fieldSchema.description}` : "",
      };
      byPointer.set(pointer, entry);
    }
    entry.reasons.push(describeError(e));
  }
  const diags: Diagnostic[] = [];
  for (const { path, bad, reasons, help } of byPointer.values()) {
    const field = formatPath(path) || "(resource)";
    diags.push(
      errorDiagnostic(
        `Invalid ${resourceType}${name}: ${field}`,
        `${resourceType}${name}: attribute ${field} got ${bad}, which ${reasons.join(" and ")}.${help}`,
        path,
      ),
    );
  }
  return diags;
}
