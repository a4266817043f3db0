/**
 * A point-to-point link between two routers of a ProtectedNetwork. When
 * protected, it wraps its `srv6_protected_link` resource as the child
 * "Resource" and its `srv6_backup_policy` resources as children named after
 * the policies.
 */
import { Construct, type IConstruct } from "constructs";
import { IFNAME_PATTERN, IFNAME_RULE, NAME_PATTERN } from "../model/schema";
import { formatIpv6, parseIpv6 } from "../model/ipv6";
import { ConstructConfigError } from "./errors";
import type { IRouter } from "./router";
import type { Srv6ProtectedLink } from "./resources/srv6-protected-link";
import type { ProtectedNetwork } from "./protected-network";

export const DEFAULT_METRIC = 10;
export const MAX_METRIC = 16_777_215; // IS-IS wide metric range; keeps sums exact

export interface ILink extends IConstruct {
  /** Link name (the construct id): names the srv6_protected_link. */
  readonly linkName: string;
  /** 1-based declaration order in the network; numbers the link's SIDs. */
  readonly number: number;
  readonly routerA: IRouter;
  readonly interfaceA: string;
  /** Router a's address on the link, canonical, without prefix length. */
  readonly addressA: string;
  readonly routerB: IRouter;
  readonly interfaceB: string;
  readonly addressB: string;
  readonly metric: number;
  readonly srlgs: readonly string[];
}

export interface LinkProps {
  /** Router at end a. */
  readonly routerA: IRouter;
  /** Interface of the link on router a (e.g. `eth1`). */
  readonly interfaceA: string;
  /** Router a's IPv6 address on the link, with or without `/64`. Router b's End.X SID and probes use it as next hop. */
  readonly addressA: string;
  /** Router at end b. */
  readonly routerB: IRouter;
  /** Interface of the link on router b. */
  readonly interfaceB: string;
  /** Router b's IPv6 address on the link, with or without `/64`. */
  readonly addressB: string;
  /**
   * IGP metric, the same in both directions; must match the routers' real routing.
   * @default 10
   */
  readonly metric?: number;
  /**
   * Shared risk link groups: links that fail together (one fibre duct, one
   * line card). Backups of a link protected with `protection: "srlg"` avoid
   * every link sharing a group with it.
   * @default []
   */
  readonly srlgs?: readonly string[];
}

/** A risk group's name: letters, digits, '.', '_' and '-', at most 63 characters. */
const SRLG_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;

export class Link extends Construct implements ILink {
  readonly linkName: string;
  readonly number: number;
  readonly routerA: IRouter;
  readonly interfaceA: string;
  readonly addressA: string;
  readonly routerB: IRouter;
  readonly interfaceB: string;
  readonly addressB: string;
  readonly metric: number;
  readonly srlgs: readonly string[];
  private resourceInstance?: Srv6ProtectedLink;

  /** Use `ProtectedNetwork.addLink`. */
  constructor(network: ProtectedNetwork, id: string, props: LinkProps) {
    super(network, id);
    try {
      const subject = `link "${id}" (${this.node.path})`;
      if (!new RegExp(NAME_PATTERN).test(id)) {
        throw new ConstructConfigError(subject, "id", id, "a link id is its name: lower-case letters, digits, '-' and '_', starting with a letter, at most 63 characters");
      }
      this.linkName = id;
      for (const [field, router] of [["routerA", props.routerA], ["routerB", props.routerB]] as const) {
        if (!network.hasRouter(router)) {
          throw new ConstructConfigError(subject, field, router?.node?.path ?? router, `is not a router of network ${network.node.path}; create it with network.addRouter()`);
        }
      }
      if (props.routerA === props.routerB) {
        throw new ConstructConfigError(subject, "routerB", props.routerB.routerName, "a link joins two different routers");
      }
      for (const [field, value] of [["interfaceA", props.interfaceA], ["interfaceB", props.interfaceB]] as const) {
        if (!new RegExp(IFNAME_PATTERN).test(value) || value === "lo") {
          throw new ConstructConfigError(subject, field, value, `must be ${IFNAME_RULE}; not lo`);
        }
      }
      const metric = props.metric ?? DEFAULT_METRIC;
      if (!Number.isInteger(metric) || metric < 1 || metric > MAX_METRIC) {
        throw new ConstructConfigError(subject, "metric", metric, `must be an integer from 1 to ${MAX_METRIC}`);
      }
      this.routerA = props.routerA;
      this.routerB = props.routerB;
      this.interfaceA = props.interfaceA;
      this.interfaceB = props.interfaceB;
      this.addressA = parseAddress(subject, "addressA", props.addressA);
      this.addressB = parseAddress(subject, "addressB", props.addressB);
      if (this.addressA === this.addressB) throw new ConstructConfigError(subject, "addressB", props.addressB, "both ends have the same address");
      this.metric = metric;
      const srlgs = props.srlgs ?? [];
      if (!Array.isArray(srlgs)) throw new ConstructConfigError(subject, "srlgs", srlgs, "must be a list of risk group names");
      for (const [i, g] of srlgs.entries()) {
        if (typeof g !== "string" || !SRLG_PATTERN.test(g)) {
          throw new ConstructConfigError(subject, `srlgs[${i}]`, g, "a risk group name is letters, digits, '.', '_' and '-', starting with a letter or digit, at most 63 characters");
        }
      }
      this.srlgs = [...new Set(srlgs)];
      this.number = network.registerLink(this);
    } catch (err) {
      // A rejected declaration leaves nothing behind: the id can be used again.
      network.node.tryRemoveChild(id);
      throw err;
    }
  }

  /** The srv6_protected_link resource; exists once the stack has been synthesized, if the link is protected. */
  get resource(): Srv6ProtectedLink | undefined {
    return this.resourceInstance;
  }

  /** @internal Called by ProtectedNetwork when it emits resources. */
  attachResource(resource: Srv6ProtectedLink): void {
    this.resourceInstance = resource;
  }
}

function parseAddress(subject: string, field: string, value: string): string {
  const m = /^([^/]+)(?:\/(\d{1,3}))?$/.exec(value);
  try {
    if (m === null) throw new RangeError("not ADDRESS or ADDRESS/LENGTH");
    if (m[2] !== undefined && Number(m[2]) > 128) throw new RangeError(`prefix length ${m[2]} is over 128`);
    return formatIpv6(parseIpv6(m[1]!));
  } catch (err) {
    throw new ConstructConfigError(subject, field, value, `${(err as Error).message}; expected an IPv6 address such as fd00:0:0:1::1 (optionally /64)`);
  }
}
