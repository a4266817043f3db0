import { readFileSync } from "node:fs";
import { schemaViolations } from "../../model/schema-check";
import { topologySchema, type TopologyFile } from "./schema";
import { findDuplicateKeys } from "./json-duplicates";
import { TopologyError, type TopologyProblem } from "../errors";
import { parseIpv6Prefix, prefixesOverlap, type Ipv6Prefix } from "../../model/ipv6";

const RESERVED_INTERFACES = new Set(["lo", "mgmt0"]);
const MAX_ROUTERS = 240;

/** Reads, parses and validates a topology file; throws TopologyError listing every problem. */
export function loadTopology(file: string): TopologyFile {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    throw new TopologyError(file, [{ field: "(file)", value: file, message: `cannot read: ${(err as Error).message}` }]);
  }
  return parseTopology(text, file);
}

export function parseTopology(text: string, file = "(topology)"): TopologyFile {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new TopologyError(file, [{ field: "(file)", value: null, message: `not valid JSON: ${(err as Error).message}` }]);
  }
  const problems: TopologyProblem[] = findDuplicateKeys(text).map((field) => ({
    field, value: field.split(".").pop(), message: "duplicate name: each key may appear only once",
  }));
  // The project's one schema check (model/schema-check.ts): field, value and every rule broken, in words.
  const violations = schemaViolations(topologySchema, doc);
  if (violations.length > 0) {
    for (const v of violations) problems.push({ field: v.field || "(root)", value: v.value, message: v.reasons.join(" and ") });
    throw new TopologyError(file, problems);
  }
  const topo = doc as TopologyFile;
  problems.push(...semanticProblems(topo));
  if (problems.length > 0) throw new TopologyError(file, problems);
  return topo;
}

function semanticProblems(topo: TopologyFile): TopologyProblem[] {
  const problems: TopologyProblem[] = [];
  const add = (field: string, value: unknown, message: string): void => { problems.push({ field, value, message }); };
  const prefixes: { owner: string; prefix: Ipv6Prefix }[] = [];
  const routers = Object.entries(topo.nodes).filter(([, n]) => n.kind === "router");
  if (routers.length > MAX_ROUTERS) add("nodes", routers.length, `at most ${MAX_ROUTERS} routers fit in the management /24`);

  for (const [name, node] of Object.entries(topo.nodes)) {
    const field = `nodes.${name}`;
    if (node.kind === "router") {
      if (node.prefix !== undefined) add(`${field}.prefix`, node.prefix, "a router has no prefix; give it a locator");
      if (node.locator === undefined) { add(`${field}.locator`, undefined, "a router needs a locator, e.g. fc00:0:1::/48"); continue; }
      try {
        const p = parseIpv6Prefix(node.locator);
        if (p.length < 16 || p.length > 64) add(`${field}.locator`, node.locator, "locator length must be 16 to 64");
        else prefixes.push({ owner: `${field}.locator`, prefix: p });
      } catch (err) {
        add(`${field}.locator`, node.locator, `bad prefix: ${(err as Error).message}`);
      }
    } else {
      if (node.locator !== undefined) add(`${field}.locator`, node.locator, "a host has no locator; give it a prefix");
      if (node.user !== undefined) add(`${field}.user`, node.user, "hosts have no SSH login");
      if (node.prefix === undefined) { add(`${field}.prefix`, undefined, "a host needs a /64 prefix, e.g. 2001:db8:1::/64"); continue; }
      try {
        prefixes.push({ owner: `${field}.prefix`, prefix: parseIpv6Prefix(node.prefix) });
      } catch (err) {
        add(`${field}.prefix`, node.prefix, `bad prefix: ${(err as Error).message}`);
      }
    }
  }
  for (let i = 0; i < prefixes.length; i++) {
    for (let j = i + 1; j < prefixes.length; j++) {
      if (prefixesOverlap(prefixes[i]!.prefix, prefixes[j]!.prefix)) {
        add(prefixes[j]!.owner, undefined, `overlaps ${prefixes[i]!.owner}`);
      }
    }
  }

  const used = new Map<string, string>();
  const hostLinks = new Map<string, number>();
  const adjacency = new Map<string, Set<string>>(routers.map(([n]) => [n, new Set<string>()]));
  topo.links.forEach((link, i) => {
    const ends = link.endpoints.map((ep, k) => {
      const [node, ifname] = ep.split(":") as [string, string];
      const field = `links[${i}].endpoints[${k}]`;
      const spec = Object.hasOwn(topo.nodes, node) ? topo.nodes[node] : undefined;
      if (!spec) { add(field, ep, `unknown node '${node}' (known: ${Object.keys(topo.nodes).join(", ")})`); return undefined; }
      if (RESERVED_INTERFACES.has(ifname)) add(field, ep, `interface name '${ifname}' is reserved by the lab`);
      const prior = used.get(ep);
      if (prior) add(field, ep, `interface already used by ${prior}`);
      used.set(ep, field);
      return { node, spec };
    });
    const [a, b] = ends;
    if (!a || !b) return;
    if (a.node === b.node) add(`links[${i}].endpoints`, link.endpoints, "a link must join two different nodes");
    if (a.spec.kind === "host" && b.spec.kind === "host") add(`links[${i}].endpoints`, link.endpoints, "a host must connect to a router, not to another host");
    for (const e of [a, b]) if (e.spec.kind === "host") hostLinks.set(e.node, (hostLinks.get(e.node) ?? 0) + 1);
    if (a.spec.kind === "router" && b.spec.kind === "router") {
      adjacency.get(a.node)?.add(b.node);
      adjacency.get(b.node)?.add(a.node);
    }
  });
  for (const [name, node] of Object.entries(topo.nodes)) {
    if (node.kind === "host" && hostLinks.get(name) !== 1) add(`nodes.${name}`, hostLinks.get(name) ?? 0, "a host needs exactly one link, to a router");
  }
  // A partitioned lab cannot route every prefix everywhere.
  const first = routers[0]?.[0];
  if (first) {
    const seen = new Set([first]);
    const queue = [first];
    while (queue.length) for (const n of adjacency.get(queue.shift()!) ?? []) if (!seen.has(n)) { seen.add(n); queue.push(n); }
    for (const [name] of routers) if (!seen.has(name)) add(`nodes.${name}`, name, `router is not connected to ${first}: every router must be reachable`);
  }
  return problems;
}
