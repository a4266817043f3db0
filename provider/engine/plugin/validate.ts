/**
 * Checks of one resource beyond its JSON Schema (the server already ran
 * that): the whole-document semantic rules of provider/state that a single
 * resource can answer (SIDs inside the locator, a link's two routers differ,
 * a policy's prefixes have no host bits...). Rules that need other resources
 * (does the router exist, is the last segment a decap SID) are left to the
 * apply, where the routers' records are known.
 */
import type { BackupPolicyConfig, ProtectedLinkConfig, ResourceType, RouterConfig } from "../../../model/schema";
import { checkSemantics, type Entity } from "../../state";
import { formatIssue, type SchemaIssue } from "../../errors";
import type { AttributePath, Diagnostic } from "../../plugin/diagnostics";
import { containsUnknown, type TfObject } from "../../plugin/values";
import { plainConfig } from "./convert";

/** `adjacency_sids[0].sid` -> attribute steps. */
export function pathOfField(field: string): AttributePath {
  const path: AttributePath = [];
  for (const m of field.matchAll(/([A-Za-z0-9_]+)|\[(\d+)\]/g)) {
    if (m[1] !== undefined) path.push({ attribute: m[1] });
    else path.push({ index: Number(m[2]) });
  }
  return path;
}

export function issueDiagnostic(issue: SchemaIssue): Diagnostic {
  const where = issue.field ? `${issue.resource}.${issue.field}` : issue.resource;
  return {
    severity: "error",
    summary: `Invalid ${where}`,
    detail: formatIssue(issue),
    ...(issue.field ? { path: pathOfField(issue.field) } : {}),
  };
}

/** Rules that need resources other than this one: answered at apply. */
const NEEDS_OTHERS = [/^unknown router/, /^unknown link/, /^the last segment must be/, /^is router .* own decap SID/, /^must be an end of link/, /^is not a SID of any router/];

export function validateOne(type: ResourceType, obj: TfObject): Diagnostic[] {
  if (containsUnknown(obj)) return [];
  const config = plainConfig(obj);
  const name = (config as { name: string }).name;
  const entity = { label: `${type}.${name}`, config };
  const input = {
    routers: type === "srv6_router" ? [entity as Entity<RouterConfig>] : [],
    links: type === "srv6_protected_link" ? [entity as Entity<ProtectedLinkConfig>] : [],
    policies: type === "srv6_backup_policy" ? [entity as Entity<BackupPolicyConfig>] : [],
    invalidRouterNames: new Set<string>(),
    invalidLinkNames: new Set<string>(),
    invalidRouterDecapSids: [],
  };
  return checkSemantics(input).filter((i) => !NEEDS_OTHERS.some((re) => re.test(i.message))).map(issueDiagnostic);
}
