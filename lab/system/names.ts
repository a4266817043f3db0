/**
 * Every object the lab creates on this machine carries the prefix `s6-<lab>-`
 * (namespaces, root-namespace links) or lives under /run/srv6-lab/<lab>, so
 * `down` can find all of it without any other record, also after a crash.
 */
export const NAME_PREFIX = "s6-";
export const STATE_ROOT = "/run/srv6-lab";

export function netnsName(lab: string, node: string): string {
  return `${NAME_PREFIX}${lab}-${node}`;
}

/**
 * The namespace every lab link runs through (lab/wire/). The double hyphen
 * keeps it apart from node namespaces: node names start with a letter.
 */
export function wireNetnsName(lab: string): string {
  return `${NAME_PREFIX}${lab}--wire`;
}

/** The management bridge in the root namespace (at most 11 bytes). */
export function bridgeName(lab: string): string {
  return `${NAME_PREFIX}${lab}`;
}

/** Root-namespace end of a router's management veth (at most 15 bytes). */
export function mgmtVethName(lab: string, routerIndex: number): string {
  return `${NAME_PREFIX}${lab}-${routerIndex}`;
}

export function stateDir(lab: string): string {
  return `${STATE_ROOT}/${lab}`;
}

/** The lab a namespace belongs to, if it is a lab namespace. */
export function labOfNetns(netns: string): string | undefined {
  return /^s6-([a-z][a-z0-9]{0,7})-(?:[a-z][a-z0-9]*|-wire)$/.exec(netns)?.[1];
}
