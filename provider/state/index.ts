/**
 * Desired state: load a synthesized cdktf stack and validate it whole.
 *
 * `validateDocument` is pure (a JSON value in, a DesiredState or a
 * SchemaError out): it takes no connection and reads no file, so an invalid
 * document is rejected before any router can be contacted. This module
 * imports nothing from provider/ssh; test/state checks that structurally.
 */
import { SchemaError, type SchemaIssue } from "../errors";
import { NAME_PATTERN, type BackupPolicyConfig, type ProtectedLinkConfig, type ProviderConfig, type ResourceType, type RouterConfig } from "../../model/schema";
import { extractDocument } from "./extract";
import { resolveReferences } from "./references";
import { checkProviderSchema, checkResourceSchema } from "./schema-check";
import { checkSemantics, type Entity } from "../../model/network-rules";
import { locateStack, readStackDocument, type StackLocation } from "./stack-file";
import {
  withLinkDefaults,
  withPolicyDefaults,
  withProviderDefaults,
  withRouterDefaults,
  type DesiredState,
} from "./desired-state";

export * from "./desired-state";
export { locateStack, listStacks, readStackDocument, type StackLocation, type LocatedStack } from "./stack-file";

const NAME = new RegExp(NAME_PATTERN);

/** The SIDs a resource that failed its schema writes (segments may name them; they are not reported twice). */
function sidsWritten(type: ResourceType, config: Record<string, unknown>): string[] {
  const fields = type === "srv6_router" ? ["node_sid", "decap_sid"] : type === "srv6_protected_link" ? ["return_sid_a", "return_sid_b"] : [];
  const out = fields.map((f) => config[f]);
  if (type === "srv6_router" && Array.isArray(config.adjacency_sids)) out.push(...config.adjacency_sids.map((a) => (a && typeof a === "object" ? (a as { sid?: unknown }).sid : undefined)));
  return out.filter((v): v is string => typeof v === "string");
}

/** Validates a parsed cdk.tf.json document; throws SchemaError listing every problem. */
export function validateDocument(doc: unknown, source?: string): DesiredState {
  const issues: SchemaIssue[] = [];
  const extracted = extractDocument(doc, issues);
  const resources = resolveReferences(extracted.resources, issues);

  // Messages name resources by `type.name` where the name is usable, else by logical id.
  const labelOf = new Map<string, string>();
  for (const r of resources) {
    const name = r.config.name;
    labelOf.set(`${r.type}.${r.logicalId}`, typeof name === "string" && NAME.test(name) ? `${r.type}.${name}` : `${r.type}.${r.logicalId}`);
  }
  const relabel = (list: SchemaIssue[]) => list.map((i) => ({ ...i, resource: labelOf.get(i.resource) ?? i.resource }));
  const referenceIssues = relabel(issues.splice(0));

  issues.push(...checkProviderSchema(extracted.provider));
  const routers: Entity<RouterConfig>[] = [];
  const links: Entity<ProtectedLinkConfig>[] = [];
  const policies: Entity<BackupPolicyConfig>[] = [];
  const invalidRouterNames = new Set<string>();
  const invalidLinkNames = new Set<string>();
  const invalidRouterDecapSids: string[] = [];
  const invalidResourceSids: string[] = [];
  const logicalIds = new Map<Entity<unknown>, string>();
  for (const r of resources) {
    const label = labelOf.get(`${r.type}.${r.logicalId}`)!;
    const found = checkResourceSchema(r.type, label, r.config);
    const name = typeof r.config.name === "string" ? r.config.name : undefined;
    if (found.length) {
      issues.push(...found);
      if (name && r.type === "srv6_router") invalidRouterNames.add(name);
      if (r.type === "srv6_router" && typeof r.config.decap_sid === "string") invalidRouterDecapSids.push(r.config.decap_sid);
      invalidResourceSids.push(...sidsWritten(r.type, r.config));
      if (name && r.type === "srv6_protected_link") invalidLinkNames.add(name);
      continue;
    }
    const entity = { label, config: r.config };
    logicalIds.set(entity, r.logicalId);
    if (r.type === "srv6_router") routers.push(entity as unknown as Entity<RouterConfig>);
    else if (r.type === "srv6_protected_link") links.push(entity as unknown as Entity<ProtectedLinkConfig>);
    else policies.push(entity as unknown as Entity<BackupPolicyConfig>);
  }
  issues.push(...checkSemantics({ routers, links, policies, invalidRouterNames, invalidLinkNames, invalidRouterDecapSids, invalidResourceSids }));
  const all = [...referenceIssues, ...issues];
  if (all.length) throw new SchemaError(all, source);

  const id = (e: Entity<unknown>) => logicalIds.get(e)!;
  const byName = <T extends { name: string }>(a: T, b: T) => a.name.localeCompare(b.name);
  return {
    source,
    provider: withProviderDefaults(extracted.provider as ProviderConfig),
    routers: routers.map((e) => withRouterDefaults(e.config, id(e))).sort(byName),
    links: links.map((e) => withLinkDefaults(e.config, id(e))).sort(byName),
    policies: policies.map((e) => withPolicyDefaults(e.config, id(e))).sort(byName),
  };
}

/** Finds the stack (default: the single stack under ./cdktf.out), reads and validates it. */
export function loadDesiredState(location: StackLocation = {}): DesiredState {
  const stack = locateStack(location);
  return validateDocument(readStackDocument(stack.file), stack.file);
}

/**
 * Schema problems of one resource's configuration, for callers that see one
 * resource at a time (the Terraform plugin's ValidateResourceConfig).
 * Cross-resource rules need the whole document: use validateDocument.
 */
export function validateResource(type: ResourceType, config: unknown): SchemaIssue[] {
  const name = config && typeof config === "object" && typeof (config as { name?: unknown }).name === "string" ? (config as { name: string }).name : "(unnamed)";
  return checkResourceSchema(type, `${type}.${name}`, config);
}

export { checkProviderSchema } from "./schema-check";
export { checkSemantics, type SemanticInput, type Entity } from "../../model/network-rules";
