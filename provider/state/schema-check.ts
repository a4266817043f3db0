/**
 * Structural validation of each resource against the shared JSON Schemas
 * (model/schema.ts, the single source of truth). ajv runs with
 * allErrors so the user sees every problem at once. The `ipv6` format is
 * checked with node's own parser, since ajv-formats is not a dependency.
 */
import Ajv, { type ErrorObject, type ValidateFunction } from "ajv";
import type { SchemaIssue } from "../errors";
import { RESOURCE_TYPES, providerConfigSchema, type ResourceType } from "../../model/schema";
import { isIpv6Address } from "./ipv6";

let compiled: { byType: Record<ResourceType, ValidateFunction>; provider: ValidateFunction } | undefined;

function validators() {
  if (compiled) return compiled;
  const ajv = new Ajv({ allErrors: true, verbose: true, strict: true });
  ajv.addFormat("ipv6", { type: "string", validate: isIpv6Address });
  compiled = {
    byType: {
      srv6_router: ajv.compile(RESOURCE_TYPES.srv6_router),
      srv6_protected_link: ajv.compile(RESOURCE_TYPES.srv6_protected_link),
      srv6_backup_policy: ajv.compile(RESOURCE_TYPES.srv6_backup_policy),
    },
    provider: ajv.compile(providerConfigSchema),
  };
  return compiled;
}

/** `/adjacency_sids/0/sid` -> `adjacency_sids[0].sid` */
export function instancePathToField(instancePath: string): string {
  return instancePath
    .split("/")
    .slice(1)
    .map((p) => p.replace(/~1/g, "/").replace(/~0/g, "~"))
    .map((p, i) => (/^[0-9]+$/.test(p) ? `[${p}]` : i === 0 ? p : `.${p}`))
    .join("");
}

function joinField(base: string, name: string): string {
  return base ? `${base}.${name}` : name;
}

/** What the schema allows, in words, for one failed keyword. */
function explain(e: ErrorObject): string {
  switch (e.keyword) {
    case "required":
      return `required attribute is missing`;
    case "additionalProperties":
      return "unknown attribute: not part of the schema";
    case "format":
      return e.params.format === "ipv6" ? `must be an IPv6 address` : `must be a valid ${e.params.format}`;
    case "pattern":
      return `must match ${e.params.pattern}`;
    case "type":
      return `must be of type ${e.params.type}`;
    case "minimum":
    case "maximum":
    case "exclusiveMinimum":
    case "exclusiveMaximum": {
      const s = e.parentSchema as { minimum?: number; maximum?: number };
      return `must be between ${s.minimum ?? "-inf"} and ${s.maximum ?? "inf"}`;
    }
    case "minItems":
    case "maxItems": {
      const s = e.parentSchema as { minItems?: number; maxItems?: number };
      return `must have ${s.minItems ?? 0} to ${s.maxItems ?? "any number of"} items`;
    }
    default:
      return `${e.message ?? e.keyword}`;
  }
}

function toIssues(resource: string, errors: readonly ErrorObject[] | null | undefined): SchemaIssue[] {
  const byField = new Map<string, SchemaIssue>();
  const descriptions = new Map<string, string>();
  for (const e of errors ?? []) {
    let field = instancePathToField(e.instancePath);
    let value: unknown = e.data;
    if (e.keyword === "required") {
      field = joinField(field, e.params.missingProperty);
      value = undefined;
    } else if (e.keyword === "additionalProperties") {
      field = joinField(field, e.params.additionalProperty);
      value = (e.data as Record<string, unknown>)[e.params.additionalProperty];
    }
    const message = explain(e);
    const seen = byField.get(field);
    // pattern and format often fail together on one value: report it once.
    if (seen) {
      if (!seen.message.includes(message)) seen.message = `${seen.message}; ${message}`;
    } else byField.set(field, { resource, field, value, message });
    const description = e.keyword === "required" || e.keyword === "additionalProperties" ? undefined : (e.parentSchema as { description?: string } | undefined)?.description;
    if (description) descriptions.set(field, description);
  }
  // The schema's description of the field says what is allowed: append it once.
  return [...byField.values()].map((i) => (descriptions.has(i.field) ? { ...i, message: `${i.message} (${descriptions.get(i.field)})` } : i));
}

export function checkResourceSchema(type: ResourceType, resource: string, config: unknown): SchemaIssue[] {
  const validate = validators().byType[type];
  return validate(config) ? [] : toIssues(resource, validate.errors);
}

export function checkProviderSchema(config: unknown): SchemaIssue[] {
  const validate = validators().provider;
  return validate(config) ? [] : toIssues("provider.srv6", validate.errors);
}
