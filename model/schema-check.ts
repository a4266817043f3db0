/**
 * The one schema check: a single ajv instance (loaded on first use; it
 * costs tens of milliseconds), each schema compiled once, and one mapping
 * from ajv's errors to violations that name the field, the value and every
 * rule the value breaks, in words. The constructs (at synth), the engine's
 * stack reader, the dataplane renderer, the Terraform provider and the lab's
 * topology loader all call it, so they can never disagree on what a schema
 * allows.
 */
import type { default as AjvType, ErrorObject, ValidateFunction } from "ajv";
import { isIpv6Address } from "./ipv6";
import { redactValue } from "./issue";
import { PATTERN_RULES } from "./schema";

export interface SchemaViolation {
  /** JSON pointer of the attribute (`/adjacency_sids/0/sid`; "" for the whole value). */
  readonly pointer: string;
  /** The same as people write it: `adjacency_sids[0].sid`. */
  readonly field: string;
  /** The bad value (key material replaced, model/issue.ts redactValue); undefined when the attribute is missing. */
  readonly value: unknown;
  readonly missing: boolean;
  /** Every rule the value breaks, in words ("must match the pattern ^[a-z]+$"). */
  readonly reasons: readonly string[];
  /** The schema's description of the attribute: what is allowed. */
  readonly description?: string;
}

let ajv: AjvType | undefined;
const compiled = new Map<object, ValidateFunction>();

function validatorFor(schema: object): ValidateFunction {
  let fn = compiled.get(schema);
  if (!fn) {
    if (!ajv) {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const Ajv = (require("ajv") as typeof import("ajv")).default;
      ajv = new Ajv({ allErrors: true, strict: true, verbose: true });
      ajv.addFormat("ipv6", { type: "string", validate: isIpv6Address });
    }
    fn = ajv.compile(schema);
    compiled.set(schema, fn);
  }
  return fn;
}

/** `/adjacency_sids/0/sid` -> `adjacency_sids[0].sid` */
export function pointerToField(pointer: string): string {
  return pointer
    .split("/")
    .slice(1)
    .map((p) => p.replace(/~1/g, "/").replace(/~0/g, "~"))
    .map((p, i) => (/^[0-9]+$/.test(p) ? `[${p}]` : i === 0 ? p : `.${p}`))
    .join("");
}

function valueAt(root: unknown, pointer: string): unknown {
  let cur: unknown = root;
  for (const part of pointer.split("/").slice(1)) {
    if (cur === null || typeof cur !== "object") return undefined;
    const key = part.replace(/~1/g, "/").replace(/~0/g, "~");
    cur = Object.hasOwn(cur, key) ? (cur as Record<string, unknown>)[key] : undefined;
  }
  return cur;
}

/** The two equal items a uniqueItems error found (ajv's i and j, whichever order its loop gave them). */
function duplicateItems(e: ErrorObject): { first: number; repeat: number } {
  const i = Number(e.params.i);
  const j = Number(e.params.j);
  return { first: Math.min(i, j), repeat: Math.max(i, j) };
}

/** What the schema allows, in words, for one failed keyword. */
function explain(e: ErrorObject): string {
  const s = (e.parentSchema ?? {}) as { minimum?: number; maximum?: number; minItems?: number; maxItems?: number };
  switch (e.keyword) {
    case "required":
      return "is required";
    case "additionalProperties":
      return "is an unknown attribute (not in the schema)";
    case "format":
      return e.params.format === "ipv6" ? "must be a valid IPv6 address" : `must be a valid ${String(e.params.format)}`;
    case "pattern": {
      const words = PATTERN_RULES.get(String(e.params.pattern));
      return `must match the pattern ${String(e.params.pattern)}${words ? `: ${words}` : ""}`;
    }
    case "type":
      // JSON.parse reads a number too large for a double (1e400) as Infinity: say so, with the range allowed.
      if (typeof e.data === "number" && !Number.isFinite(e.data)) {
        const range = s.minimum !== undefined || s.maximum !== undefined ? ` between ${s.minimum ?? "-inf"} and ${s.maximum ?? "inf"}` : "";
        return `${String(e.data)} is not a finite number (a JSON number too large for a double, such as 1e400, reads as Infinity); must be of type ${String(e.params.type)}${range}`;
      }
      return `must be of type ${String(e.params.type)}`;
    case "minimum":
    case "maximum":
    case "exclusiveMinimum":
    case "exclusiveMaximum":
      return `must be between ${s.minimum ?? "-inf"} and ${s.maximum ?? "inf"}`;
    case "minItems":
    case "maxItems":
      return `must have ${s.minItems ?? 0} to ${s.maxItems ?? "any number of"} items`;
    case "enum":
      return `must be equal to one of the allowed values (allowed: ${(e.params.allowedValues as unknown[]).map(String).join(", ")})`;
    case "propertyNames":
      return `name '${String(e.params.propertyName)}' is not allowed`;
    case "uniqueItems":
      return `repeats item [${duplicateItems(e).first}]: list each value once`;
    default:
      return e.message ?? e.keyword;
  }
}

/** Every violation of `schema` by `value`, one per attribute, in the order ajv met them. */
export function schemaViolations(schema: object, value: unknown): SchemaViolation[] {
  const validate = validatorFor(schema);
  if (validate(value)) return [];
  const byPointer = new Map<string, { pointer: string; missing: boolean; reasons: string[]; description?: string }>();
  for (const e of validate.errors ?? []) {
    let pointer = e.instancePath;
    if (e.keyword === "required") pointer += `/${String(e.params.missingProperty)}`;
    if (e.keyword === "additionalProperties") pointer += `/${String(e.params.additionalProperty)}`;
    // A repeated item is named by its index, as the other rules on an item are.
    if (e.keyword === "uniqueItems") pointer += `/${duplicateItems(e).repeat}`;
    let entry = byPointer.get(pointer);
    if (!entry) {
      entry = { pointer, missing: e.keyword === "required", reasons: [] };
      byPointer.set(pointer, entry);
    }
    // Under propertyNames, ajv reports the rule a key breaks (with propertyName set) on the
    // object, then "property name must be valid": name the key once, with its rule.
    const reason = e.propertyName !== undefined ? `name '${e.propertyName}' ${explain(e)}` : explain(e);
    if (e.keyword === "propertyNames" && entry.reasons.some((r) => r.startsWith(`name '${String(e.params.propertyName)}' `))) continue;
    // pattern and format often fail together on one value: each rule once.
    if (!entry.reasons.includes(reason)) entry.reasons.push(reason);
    const description = e.keyword === "required" || e.keyword === "additionalProperties" ? undefined : (e.parentSchema as { description?: string } | undefined)?.description;
    if (description && entry.description === undefined) entry.description = description;
  }
  return [...byPointer.values()].map((v) => ({
    pointer: v.pointer,
    field: pointerToField(v.pointer),
    // A key pasted where a file name belongs is never echoed back (model/issue.ts redactValue).
    value: v.missing ? undefined : redactValue(valueAt(value, v.pointer), v.pointer.split("/").pop()?.replace(/~1/g, "/").replace(/~0/g, "~")),
    missing: v.missing,
    reasons: v.reasons,
    description: v.description,
  }));
}
