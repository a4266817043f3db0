/**
 * Checks a configuration against the shared JSON Schemas with ajv and maps
 * every ajv error to a diagnostic with its attribute path, naming the
 * resource, the field and the bad value.
 *
 * During validate and plan, values may be unknown (they depend on another
 * resource's computed attributes); those are left out of the check and are
 * checked again at apply time, when they are known.
 */
import { schemaViolations } from "../../model/schema-check";
import { formatValue } from "../../model/issue";
import { errorDiagnostic, formatPath, pathFromJsonPointer, type AttributePath, type Diagnostic } from "./diagnostics";
import { ID_ATTRIBUTE } from "./schema";
import { isUnknown, type TfObject, type TfValue } from "./values";

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

/**
 * A value as diagnostics show it: JSON as the rule book formats it (Infinity
 * and NaN as such, key material not at all: model/issue.ts formatValue),
 * cut short so a huge value cannot flood the answer.
 */
export function shortValue(value: unknown, max = 120): string {
  const text = value === undefined ? String(value) : formatValue(value);
  return text.length > max ? `${text.slice(0, max)}... (${text.length} characters)` : text;
}

/** Validates `config` of `resourceType` (a resource name in the diagnostics). */
export function validateAgainstSchema(resourceType: string, schema: object, config: TfObject): Diagnostic[] {
  const unknownPaths: string[] = [];
  const input = knownPart(config, unknownPaths, "") as Record<string, unknown>;
  delete input[ID_ATTRIBUTE];
  // Optional attributes left out arrive as null: ajv sees them absent.
  for (const [k, v] of Object.entries(input)) if (v === null) delete input[k];
  const name = typeof config.name === "string" ? ` ${shortValue(config.name, 64)}` : "";
  // One diagnostic per attribute, listing every rule its value breaks.
  const byPointer = new Map<string, { path: AttributePath; bad: string; reasons: readonly string[]; help: string }>();
  for (const v of schemaViolations(schema, input)) {
    // A value that is unknown now (or inside something unknown) is checked at apply.
    if (unknownPaths.some((u) => v.pointer === u || v.pointer.startsWith(`${u}/`))) continue;
    byPointer.set(v.pointer, {
      path: pathFromJsonPointer(v.pointer),
      bad: v.missing ? "nothing" : shortValue(v.value),
      reasons: v.reasons,
      help: v.description ? ` ${v.description}` : "",
    });
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
