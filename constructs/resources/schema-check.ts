/**
 * Checks a low-level resource's literal attributes against the shared JSON
 * Schemas of model/schema.ts at declaration time, so a bad value
 * fails `cdktf synth` with its resource and field instead of failing later
 * on a router. Attributes that are Terraform references (tokens) are only
 * known at apply time and are left to the provider.
 */
import Ajv, { type ValidateFunction } from "ajv";
import { Token } from "cdktf";
import { isIpv6Address } from "../../model/ipv6";
import { ConstructConfigError } from "../errors";

const ajv = new Ajv({ allErrors: true, strict: true });
ajv.addFormat("ipv6", isIpv6Address);
const compiled = new Map<object, ValidateFunction>();

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
  let validate = compiled.get(schema);
  if (validate === undefined) {
    validate = ajv.compile(schema);
    compiled.set(schema, validate);
  }
  const literal: Record<string, unknown> = {};
  const deferred = new Set<string>();
  for (const [key, value] of Object.entries(attributes)) {
    if (value === undefined) continue;
    if (Token.isUnresolved(value)) deferred.add(key);
    else literal[key] = value;
  }
  if (validate(literal)) return;
  for (const error of validate.errors ?? []) {
    const missing = (error.params as { missingProperty?: string }).missingProperty;
    if (error.keyword === "required" && missing !== undefined && deferred.has(missing)) continue;
    const path = error.instancePath === "" ? (missing ?? "(resource)") : error.instancePath.slice(1).replace(/\//g, ".");
    const [head, ...rest] = path.split(".");
    const field = [fieldName(head!), ...rest].join(".");
    const value = error.instancePath.split("/").slice(1).reduce<unknown>((v, k) => (v as Record<string, unknown> | undefined)?.[k], literal);
    const allowed =
      error.keyword === "additionalProperties" ? ` ('${(error.params as { additionalProperty: string }).additionalProperty}' is not an attribute)` : "";
    throw new ConstructConfigError(subject, field, value, `${error.message ?? "invalid"}${allowed}`);
  }
}
