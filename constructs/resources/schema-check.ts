/**
 * Checks a low-level resource's literal attributes against the shared JSON
 * Schemas of model/schema.ts at declaration time, so a bad value
 * fails `cdktf synth` with its resource and field instead of failing later
 * on a router. Attributes that are Terraform references (tokens) are only
 * known at apply time and are left to the provider.
 */
import { Token } from "cdktf";
import { schemaViolations } from "../../model/schema-check";
import { ConstructConfigError } from "../errors";

/**
 * Throws ConstructConfigError on the first bad literal attribute.
 * `fieldName` renames a schema attribute in the message (e.g. to the
 * camelCase prop the user wrote).
 */
export function checkAttributes(
  subject: string,
  schema: object,
  attributes: Record<string, unknown>,
  fieldName: (attribute: string) => string = (a) => a,
): void {
  const kept: [string, unknown][] = [];
  const deferred = new Set<string>();
  for (const [key, value] of Object.entries(attributes)) {
    if (value === undefined) continue;
    if (Token.isUnresolved(value)) deferred.add(key);
    else kept.push([key, value]);
  }
  // Own properties only: an attribute named `__proto__` is checked as an attribute, not made a prototype.
  const literal: Record<string, unknown> = Object.fromEntries(kept);
  for (const v of schemaViolations(schema, literal)) {
    const head = /^[^.[]*/.exec(v.field)![0];
    if (v.missing && deferred.has(head)) continue;
    const field = v.field === "" ? "(resource)" : fieldName(head) + v.field.slice(head.length);
    throw new ConstructConfigError(subject, field, v.value, v.reasons.join(" and "));
  }
}
