/**
 * Validation of everything that reaches a router command: the resource
 * configs against their ajv schemas (model/schema.ts), the
 * router facts against their own schema, then the cross-resource rules the
 * renderer relies on (references, interfaces present, addresses parse).
 */
import type { JSONSchemaType } from "ajv";
import { routerSchema, protectedLinkSchema, backupPolicySchema, type RouterConfig } from "../../model/schema";
import { schemaViolations } from "../../model/schema-check";
import { isIpv6Address, parseIpv6Prefix } from "../../model/ipv6";
import { DataplaneInputError, DataplaneValidationError } from "./errors";
import type { DataplaneInput, RouterFacts } from "./types";
import type { RouterLayout } from "./router-layout";

const factsSchema: JSONSchemaType<RouterFacts> = {
  $id: "srv6_router_facts",
  type: "object",
  description: "What the renderer needs to know about the router itself.",
  additionalProperties: false,
  required: ["ifindex", "systemd"],
  properties: {
    ifindex: {
      type: "object",
      description: "Interface index by interface name, for every interface a protected link uses.",
      required: [],
      patternProperties: { "^[A-Za-z0-9][A-Za-z0-9_.-]{0,14}$": { type: "integer", minimum: 1, maximum: 2147483647 } },
      additionalProperties: false,
    },
    systemd: { type: "boolean", description: "systemd is PID 1: run the probe sender as a transient unit and install the boot hook as a unit (else in /etc/local.d)." },
    seg6localCounters: { type: "boolean", nullable: true, description: "seg6local `count` is supported (Linux 5.14+). Default true." },
    sidDevice: { type: "string", nullable: true, pattern: "^[A-Za-z0-9][A-Za-z0-9_.-]{0,14}$", description: "Device of the node and decap SID routes (not lo: Linux rejects those)." },
  },
};

function schemaErrors(resource: string, schema: object, value: unknown): DataplaneInputError[] {
  return schemaViolations(schema, value).map((v) => new DataplaneInputError(resource, v.field || "(root)", v.value, v.reasons.join(" and ")));
}

/**
 * The desired state's part (schemas, references, addresses): throws
 * DataplaneValidationError listing every problem; returns the router being rendered.
 */
export function validateResources(input: Omit<DataplaneInput, "facts">): RouterConfig {
  const errors: DataplaneInputError[] = [];
  const name = (x: { name?: unknown }) => (typeof x?.name === "string" ? x.name : "?");
  for (const r of input.routers) errors.push(...schemaErrors(`srv6_router.${name(r)}`, routerSchema, r));
  for (const l of input.links) errors.push(...schemaErrors(`srv6_protected_link.${name(l)}`, protectedLinkSchema, l));
  for (const p of input.policies) errors.push(...schemaErrors(`srv6_backup_policy.${name(p)}`, backupPolicySchema, p));
  if (errors.length) throw new DataplaneValidationError(input.router, errors);

  const routers = new Map(input.routers.map((r) => [r.name, r]));
  const links = new Map(input.links.map((l) => [l.name, l]));
  const me = routers.get(input.router);
  if (!me) throw new DataplaneValidationError(input.router, [new DataplaneInputError("input", "router", input.router, `no srv6_router with this name (have: ${[...routers.keys()].join(", ") || "none"})`)]);
  const addr = (resource: string, field: string, value: string) => {
    if (!isIpv6Address(value)) errors.push(new DataplaneInputError(resource, field, value, "not an IPv6 address"));
  };
  const prefix = (resource: string, field: string, value: string) => {
    try { parseIpv6Prefix(value); } catch (e) { errors.push(new DataplaneInputError(resource, field, value, (e as Error).message)); }
  };
  for (const r of input.routers) {
    const res = `srv6_router.${r.name}`;
    prefix(res, "locator", r.locator);
    addr(res, "node_sid", r.node_sid);
    addr(res, "decap_sid", r.decap_sid);
    if (r.source_address) addr(res, "source_address", r.source_address);
    (r.adjacency_sids ?? []).forEach((a, i) => {
      addr(res, `adjacency_sids.${i}.sid`, a.sid);
      addr(res, `adjacency_sids.${i}.nexthop`, a.nexthop);
    });
  }
  for (const l of input.links) {
    const res = `srv6_protected_link.${l.name}`;
    for (const end of ["a", "b"] as const) {
      const router = l[`router_${end}`];
      if (!routers.has(router)) errors.push(new DataplaneInputError(res, `router_${end}`, router, "no srv6_router with this name"));
      for (const f of [`peer_address_${end}`, `monitor_sid_${end}`, `return_sid_${end}`] as const) addr(res, f, l[f]);
    }
    if (l.router_a === l.router_b) errors.push(new DataplaneInputError(res, "router_b", l.router_b, "a link needs two different routers"));
  }
  for (const p of input.policies) {
    const res = `srv6_backup_policy.${p.name}`;
    if (!routers.has(p.router)) errors.push(new DataplaneInputError(res, "router", p.router, "no srv6_router with this name"));
    const link = links.get(p.link);
    if (!link) errors.push(new DataplaneInputError(res, "link", p.link, "no srv6_protected_link with this name"));
    else if (link.router_a !== p.router && link.router_b !== p.router) {
      errors.push(new DataplaneInputError(res, "router", p.router, `not an end of link ${p.link} (${link.router_a}, ${link.router_b})`));
    }
    p.prefixes.forEach((text, i) => prefix(res, `prefixes[${i}]`, text));
    p.segments.forEach((s, i) => addr(res, `segments.${i}`, s));
  }
  if (errors.length) throw new DataplaneValidationError(input.router, errors);
  return me;
}

/** The router's facts against what the layout needs: every interface it names exists. */
export function validateFacts(layout: RouterLayout, facts: RouterFacts): void {
  const me = layout.router;
  const errors = schemaErrors(`facts.${me.name}`, factsSchema, facts);
  if (errors.length) throw new DataplaneValidationError(me.name, errors);
  const missing = (ifname: string) => facts.ifindex[ifname] === undefined;
  const known = () => `router ${me.name} has no such interface (facts list: ${Object.keys(facts.ifindex).join(", ") || "none"})`;
  (me.adjacency_sids ?? []).forEach((a, i) => {
    if (missing(a.interface)) errors.push(new DataplaneInputError(`srv6_router.${me.name}`, `adjacency_sids.${i}.interface`, a.interface, known()));
  });
  for (const e of layout.ends) {
    if (missing(e.ifname)) errors.push(new DataplaneInputError(`srv6_protected_link.${e.link.name}`, `interface_${e.side}`, e.ifname, known()));
  }
  const sidDev = facts.sidDevice;
  if (sidDev !== undefined && (sidDev === "lo" || missing(sidDev))) {
    errors.push(new DataplaneInputError(`facts.${me.name}`, "sidDevice", sidDev, sidDev === "lo" ? "Linux turns routes over lo into reject routes; name a real interface" : "no such interface on the router"));
  }
  if (errors.length) throw new DataplaneValidationError(me.name, errors);
}
