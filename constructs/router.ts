/**
 * A router of a ProtectedNetwork: how the controller reaches it over SSH,
 * its SRv6 locator, and the prefixes behind it. At synth time it wraps its
 * `srv6_router` resource as the child "Resource".
 */
import { Construct, type IConstruct } from "constructs";
import { LIMITS, NAME_PATTERN, routerSchema, type RouterConfig } from "../model/schema";
import { formatPrefix, isIpv6Address, parseIpv6Prefix } from "../model/ipv6";
import { ConstructConfigError } from "./errors";
import * as layout from "../model/sid-layout";
import { checkAttributes } from "./resources/schema-check";
import type { Srv6Router } from "./resources/srv6-router";
import type { ProtectedNetwork } from "./protected-network";

export interface IRouter extends IConstruct {
  /** Router name (the construct id): names the srv6_router and appears in every message about it. */
  readonly routerName: string;
  /** Canonical locator prefix. */
  readonly locator: string;
  /** Canonical prefixes behind this router, in declaration order. */
  readonly prefixes: readonly string[];
  /** Declares one more prefix behind this router. */
  addPrefix(prefix: string): void;
}

export interface RouterProps {
  /** Management address or DNS name the controller connects to over SSH. */
  readonly host: string;
  /**
   * SSH port.
   * @default 22
   */
  readonly port?: number;
  /**
   * SSH user.
   * @default "root"
   */
  readonly user?: string;
  /**
   * Run router commands through `sudo -n`.
   * @default true unless user is root
   */
  readonly sudo?: boolean;
  /**
   * Private key file on the controller.
   * @default use ssh-agent
   */
  readonly privateKeyFile?: string;
  /**
   * known_hosts file that verifies the router's host key.
   * @default ~/.ssh/known_hosts
   */
  readonly knownHostsFile?: string;
  /**
   * Pinned host key fingerprint as `ssh-keygen -l` prints it (`SHA256:...`); takes precedence over known_hosts.
   * @default no pin: known_hosts decides
   */
  readonly hostKeySha256?: string;
  /**
   * Bastion as `[user@]host[:port]`.
   * @default direct connection
   */
  readonly jumpHost?: string;
  /** SRv6 locator, length 16 to 64 (e.g. `fc00:0:1::/48`). Every SID of this router is allocated inside it. */
  readonly locator: string;
  /**
   * Outer source address of SRv6 encapsulation (`ip sr tunsrc`).
   * @default the locator's ::1
   */
  readonly sourceAddress?: string;
  /**
   * Prefixes behind this router whose traffic backup policies protect.
   * @default none (add later with addPrefix)
   */
  readonly prefixes?: readonly string[];
  /**
   * Node SID (End) override.
   * @default locator with function 0x0001 (fc00:0:1:1:: for fc00:0:1::/48)
   */
  readonly nodeSid?: string;
  /**
   * Decapsulation SID (End.DT6) override.
   * @default locator with function 0x0002 (fc00:0:1:2:: for fc00:0:1::/48)
   */
  readonly decapSid?: string;
}

/** The schema attribute a RouterProps field turns into, for messages. */
const PROP_OF_ATTRIBUTE: ReadonlyMap<string, string> = new Map([
  ["private_key_file", "privateKeyFile"], ["known_hosts_file", "knownHostsFile"], ["host_key_sha256", "hostKeySha256"],
  ["jump_host", "jumpHost"], ["source_address", "sourceAddress"], ["node_sid", "nodeSid"], ["decap_sid", "decapSid"], ["name", "id"],
]);

export class Router extends Construct implements IRouter {
  readonly routerName: string;
  readonly locator: string;
  readonly nodeSidOverride?: string;
  readonly decapSidOverride?: string;
  /** The connection and node-level attributes of the srv6_router, without adjacency SIDs. */
  readonly baseConfig: Omit<RouterConfig, "adjacency_sids">;
  private readonly prefixList: string[] = [];
  /** The same prefixes, to refuse a repeat in constant time (routers may carry thousands). */
  private readonly prefixSet = new Set<string>();
  private readonly network: ProtectedNetwork;
  private resourceInstance?: Srv6Router;

  /** Use `ProtectedNetwork.addRouter`. */
  constructor(network: ProtectedNetwork, id: string, props: RouterProps) {
    super(network, id);
    this.network = network;
    try {
      const subject = `router "${id}" (${this.node.path})`;
      if (!new RegExp(NAME_PATTERN).test(id)) {
        throw new ConstructConfigError(subject, "id", id, "a router id is its name: lower-case letters, digits, '-' and '_', starting with a letter, at most 63 characters");
      }
      this.routerName = id;
      const locator = parsePrefixProp(subject, "locator", props.locator);
      if (locator.length < layout.MIN_LOCATOR_LENGTH || locator.length > layout.MAX_LOCATOR_LENGTH) {
        throw new ConstructConfigError(subject, "locator", props.locator, `locator length must be ${layout.MIN_LOCATOR_LENGTH} to ${layout.MAX_LOCATOR_LENGTH} (e.g. fc00:0:1::/48)`);
      }
      this.locator = formatPrefix(locator);
      for (const [field, value] of [["nodeSid", props.nodeSid], ["decapSid", props.decapSid], ["sourceAddress", props.sourceAddress]] as const) {
        if (value !== undefined && !isIpv6Address(value)) throw new ConstructConfigError(subject, field, value, "must be an IPv6 address");
      }
      this.nodeSidOverride = props.nodeSid;
      this.decapSidOverride = props.decapSid;
      this.baseConfig = dropUndefined({
        name: id,
        host: props.host,
        port: props.port,
        user: props.user,
        private_key_file: props.privateKeyFile,
        known_hosts_file: props.knownHostsFile,
        host_key_sha256: props.hostKeySha256,
        jump_host: props.jumpHost,
        sudo: props.sudo,
        locator: this.locator,
        source_address: props.sourceAddress,
        node_sid: props.nodeSid ?? layout.nodeSid(locator),
        decap_sid: props.decapSid ?? layout.decapSid(locator),
      });
      checkAttributes(subject, routerSchema, { ...this.baseConfig }, (a) => PROP_OF_ATTRIBUTE.get(a) ?? a);
      for (const prefix of props.prefixes ?? []) this.addPrefix(prefix);
      network.registerRouter(this);
    } catch (err) {
      // A rejected declaration leaves nothing behind: the id can be used again.
      network.node.tryRemoveChild(id);
      throw err;
    }
  }

  get prefixes(): readonly string[] {
    return [...this.prefixList];
  }

  addPrefix(prefix: string): void {
    this.network.guardEmitted("addPrefix");
    const canonical = formatPrefix(parsePrefixProp(`router "${this.routerName}" (${this.node.path})`, "prefixes", prefix));
    if (this.prefixSet.has(canonical)) {
      throw new ConstructConfigError(`router "${this.routerName}"`, "prefixes", prefix, "is declared twice on this router");
    }
    if (this.prefixList.length >= LIMITS.prefixes.maxItems) {
      throw new ConstructConfigError(`router "${this.routerName}"`, "prefixes", prefix, `is prefix number ${this.prefixList.length + 1}: a router's prefixes form one backup policy per protected link end, which holds at most ${LIMITS.prefixes.maxItems}`);
    }
    this.prefixSet.add(canonical);
    this.prefixList.push(canonical);
  }

  /** The srv6_router resource; exists once the stack has been synthesized. */
  get resource(): Srv6Router | undefined {
    return this.resourceInstance;
  }

  /** @internal Called by ProtectedNetwork when it emits resources. */
  attachResource(resource: Srv6Router): void {
    this.resourceInstance = resource;
  }
}

function parsePrefixProp(subject: string, field: string, value: string): ReturnType<typeof parseIpv6Prefix> {
  try {
    return parseIpv6Prefix(value);
  } catch (err) {
    throw new ConstructConfigError(subject, field, value, `${(err as Error).message}; expected an IPv6 prefix such as fc00:0:1::/48`);
  }
}

function dropUndefined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}
