/**
 * Structural validation of each resource against the shared JSON Schemas
 * (model/schema.ts, the single source of truth). ajv runs with
 * allErrors so the user sees every problem at once. The `ipv6` format is
 * checked with node's own parser, since ajv-formats is not a dependency.
 */
import type { SchemaIssue } from "../errors";
import { RESOURCE_TYPES, providerConfigSchema, type ResourceType } from "../../model/schema";
import { schemaViolations, type SchemaViolation } from "../../model/schema-check";


function toIssues(resource: string, violations: readonly SchemaViolation[]): SchemaIssue[] {
  // The schema's description of the field says what is allowed: appended once.
  return violations.map((v) => ({
    resource,
    field: v.field,
    value: v.value,
    message: `${v.reasons.join("; ")}${v.description ? ` (${v.description})` : ""}`,
  }));
}

export function checkResourceSchema(type: ResourceType, resource: string, config: unknown): SchemaIssue[] {
  return toIssues(resource, schemaViolations(RESOURCE_TYPES[type], config));
}

export function checkProviderSchema(config: unknown): SchemaIssue[] {
  return toIssues("provider.srv6", schemaViolations(providerConfigSchema, config));
}
