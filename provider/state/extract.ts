/**
 * Pulls our resources and the `srv6` provider block out of a cdk.tf.json
 * document. Terraform meta-arguments that only steer Terraform
 * (`depends_on`, `lifecycle`, `provider`, cdktf's `//` metadata) are dropped;
 * ones that would multiply a resource (`count`, `for_each`) are refused, since
 * the engine reads the document literally.
 */
import type { SchemaIssue } from "../errors";
import type { ResourceType } from "../../model/schema";

export const OUR_TYPES: readonly ResourceType[] = ["srv6_router", "srv6_protected_link", "srv6_backup_policy"];

/** A resource as found in the document, before references are resolved. */
export interface RawResource {
  type: ResourceType;
  /** The Terraform logical id (the key under `resource.<type>`). */
  logicalId: string;
  /** cdktf's construct path, when present (for messages). */
  constructPath?: string;
  config: Record<string, unknown>;
}

export interface ExtractedDocument {
  provider: Record<string, unknown>;
  resources: RawResource[];
}

const DROPPED_META = new Set(["//", "depends_on", "lifecycle", "provider", "connection", "provisioner"]);
const REFUSED_META = new Set(["count", "for_each"]);

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

export function extractDocument(doc: unknown, issues: SchemaIssue[]): ExtractedDocument {
  const out: ExtractedDocument = { provider: {}, resources: [] };
  if (!isObject(doc)) {
    issues.push({ resource: "(document)", field: "", value: typeof doc, message: "a cdk.tf.json document must be a JSON object" });
    return out;
  }
  const providers = isObject(doc.provider) ? doc.provider : {};
  const srv6 = providers.srv6;
  // cdktf writes provider blocks as arrays (one entry per alias).
  const blocks = Array.isArray(srv6) ? srv6 : srv6 === undefined ? [] : [srv6];
  const unaliased = blocks.filter((b) => isObject(b) && b.alias === undefined);
  if (blocks.length > 1) {
    issues.push({ resource: "provider.srv6", field: "alias", value: blocks.length, message: "provider aliases are not supported: declare exactly one srv6 provider block" });
  }
  if (unaliased[0]) {
    out.provider = Object.fromEntries(Object.entries(unaliased[0] as Record<string, unknown>).filter(([k, v]) => k !== "//" && v !== null));
  }

  const resources = isObject(doc.resource) ? doc.resource : {};
  for (const type of OUR_TYPES) {
    const byId = resources[type];
    if (byId === undefined) continue;
    if (!isObject(byId)) {
      issues.push({ resource: type, field: "", value: byId, message: "expected an object of resources keyed by logical id" });
      continue;
    }
    for (const [logicalId, body] of Object.entries(byId).sort(([a], [b]) => a.localeCompare(b))) {
      if (!isObject(body)) {
        issues.push({ resource: `${type}.${logicalId}`, field: "", value: body, message: "a resource must be a JSON object" });
        continue;
      }
      const meta = isObject(body["//"]) && isObject(body["//"].metadata) ? body["//"].metadata : undefined;
      const kept: [string, unknown][] = [];
      for (const [key, value] of Object.entries(body)) {
        if (DROPPED_META.has(key)) continue;
        if (REFUSED_META.has(key)) {
          issues.push({ resource: `${type}.${logicalId}`, field: key, value, message: `the Terraform meta-argument '${key}' is not supported by the srv6 engine: declare each resource explicitly` });
          continue;
        }
        // Terraform treats null as "not set".
        if (value === null) continue;
        kept.push([key, value]);
      }
      // Own properties only (Object.fromEntries): an attribute named `__proto__` stays an (unknown) attribute
      // instead of becoming the config's prototype, whose attributes the checks would not see.
      const config: Record<string, unknown> = Object.fromEntries(kept);
      out.resources.push({ type, logicalId, constructPath: typeof meta?.path === "string" ? meta.path : undefined, config });
    }
  }
  return out;
}
