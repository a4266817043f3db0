/**
 * ProtectedNetwork: the construct most users write. Declare routers, links
 * and the prefixes behind each router, then protect links. At synth time it
 * computes every backup path (TI-LFA style, see lib/ti-lfa.ts), allocates
 * SIDs from each router's locator (lib/sid-layout.ts) and emits the
 * srv6_router, srv6_protected_link and srv6_backup_policy resources.
 *
 *   const net = new ProtectedNetwork(stack, "net");
 *   const r1 = net.addRouter("r1", { host: "198.18.0.11", locator: "fc00:0:1::/48", prefixes: ["2001:db8:1::/64"] });
 *   ...
 *   const l12 = net.addLink("r1-r2", { routerA: r1, interfaceA: "eth1", addressA: "fd00:0:0:1::1", routerB: r2, ... });
 *   net.protect(l12);
 *
 * Resources are emitted once, when synthesis starts (a cdktf aspect), so
 * routers, links and prefixes may be declared in any order. Whole-topology
 * problems (bridge links, overlaps, SID collisions, reused interfaces,
 * unreachable prefixes) are reported together through node.addValidation.
 */
import { Aspects, TerraformLocal, TerraformStack, Token, type IAspect } from "cdktf";
import { Construct, type IConstruct } from "constructs";
import { ConstructConfigError } from "./errors";
import { Link, type ILink, type LinkProps } from "./link";
import { Router, type IRouter, type RouterProps } from "./router";
import { resolveProtection, type ProtectionOptions, type ResolvedProtection } from "./protection";
import { graphOf, planNetwork, type NetworkPlan, type NetworkSpec } from "./lib/plan";
import { coverageOf } from "./lib/coverage";
import { coverageLocalName, type LinkCoverage } from "../model/coverage";
import { shortestGraphPath } from "../model/spf";
import { checkSemantics } from "../model/network-rules";
import { formatIssue } from "../model/issue";
import { tryParseIpv6 } from "../model/ipv6";
import { Srv6BackupPolicy } from "./resources/srv6-backup-policy";
import { Srv6ProtectedLink } from "./resources/srv6-protected-link";
import { Srv6Router } from "./resources/srv6-router";
import { Srv6Provider } from "./resources/srv6-provider";

export interface ProtectedNetworkProps extends ProtectionOptions {
  /**
   * The srv6 provider the resources use.
   * @default the stack's unaliased srv6 provider if there is one, else a new one with default settings as this construct's child "Provider"
   */
  readonly provider?: Srv6Provider;
}

export interface ProtectAllOptions extends ProtectionOptions {
  /**
   * Leave out links that are the only connection between their ends (bridges), which cannot be protected.
   * @default false: a bridge is a synth error naming the link
   */
  readonly skipBridges?: boolean;
}

export class ProtectedNetwork extends Construct {
  readonly provider: Srv6Provider;
  private readonly defaults: ProtectionOptions;
  private readonly routerList: Router[] = [];
  private readonly linkList: Link[] = [];
  private readonly protections = new Map<Link, ResolvedProtection>();
  private protectAllOptions?: ProtectAllOptions;
  private emitted?: NetworkPlan;

  constructor(scope: Construct, id: string, props: ProtectedNetworkProps = {}) {
    super(scope, id);
    const { provider, ...defaults } = props;
    resolveProtection(`network ${this.node.path}`, defaults); // range check now, not at synth
    this.defaults = defaults;
    this.provider = provider ?? defaultProvider(this) ?? new Srv6Provider(this, "Provider");
    Aspects.of(this).add(new EmitResources(this));
    this.node.addValidation({ validate: () => this.validatePlan() });
  }

  /** Declares a router. The id is the router's name. */
  addRouter(id: string, props: RouterProps): Router {
    this.checkConstructId("router", id);
    return new Router(this, id, props);
  }

  /** Declares a link between two routers of this network. The id is the link's name. */
  addLink(id: string, props: LinkProps): Link {
    this.checkConstructId("link", id);
    return new Link(this, id, props);
  }

  /**
   * The constructs library keeps a construct's children in a plain object and
   * looks ids up there, so an id that names a member of Object.prototype
   * (`constructor` is the only one a resource name can spell) is refused with a
   * confusing "already a Construct" error: say what is wrong instead.
   */
  private checkConstructId(kind: "router" | "link", id: string): void {
    if (typeof id === "string" && Object.hasOwn(Object.prototype, id)) {
      throw new ConstructConfigError(`${kind} "${id}" (${this.node.path}/${id})`, "id", id,
        `'${id}' cannot be a construct id: the constructs library looks children up in a plain object, where Object.prototype already has '${id}'; choose another ${kind} name`);
    }
  }

  /** Protects one link or several; options override the network's defaults for these links. */
  protect(links: ILink | readonly ILink[], options: ProtectionOptions = {}): void {
    this.guardEmitted("protect");
    for (const link of Array.isArray(links) ? (links as readonly ILink[]) : [links as ILink]) {
      const own = this.linkList.find((l) => l === link);
      if (own === undefined) {
        throw new ConstructConfigError(`network ${this.node.path}`, "protect", link?.node?.path ?? link, "is not a link of this network; create it with addLink()");
      }
      this.protections.set(own, resolveProtection(`link "${own.linkName}" (${own.node.path})`, options, this.defaults));
    }
  }

  /** Protects every link of the network, including links declared after this call. */
  protectAll(options: ProtectAllOptions = {}): void {
    this.guardEmitted("protectAll");
    const { skipBridges: _skip, ...timers } = options;
    resolveProtection(`network ${this.node.path}`, timers, this.defaults);
    this.protectAllOptions = options;
  }

  get routers(): readonly IRouter[] {
    return [...this.routerList];
  }

  get links(): readonly ILink[] {
    return [...this.linkList];
  }

  /** @internal */
  hasRouter(router: IRouter): boolean {
    return this.routerList.some((r) => r === router);
  }

  /** @internal Called by Router's constructor. */
  registerRouter(router: Router): void {
    this.guardEmitted("addRouter");
    this.claimName("router", router.routerName, router.node.path);
    this.routerList.push(router);
  }

  /** @internal Called by Link's constructor; returns the link's number. */
  registerLink(link: Link): number {
    this.guardEmitted("addLink");
    this.claimName("link", link.linkName, link.node.path);
    this.linkList.push(link);
    return this.linkList.length;
  }

  /**
   * Router and link names become Terraform logical ids and resource names,
   * so they must be unique in the whole stack, across networks (cdktf would
   * otherwise merge two resources with the same id silently).
   */
  private claimName(kind: "router" | "link", name: string, path: string): void {
    const stack = TerraformStack.of(this);
    let claimed = NAMES_BY_STACK.get(stack);
    if (claimed === undefined) {
      claimed = new Map();
      NAMES_BY_STACK.set(stack, claimed);
    }
    const key = `${kind}:${name}`;
    const holder = claimed.get(key);
    if (holder !== undefined) {
      throw new ConstructConfigError(`${kind} "${name}" (${path})`, "id", name, `${holder} already uses this name in stack ${stack.node.path}; ${kind} names must be unique in a stack`);
    }
    claimed.set(key, path);
  }

  /** The plain description the planner works on. */
  spec(): NetworkSpec {
    const links = this.linkList.map((l) => ({
      name: l.linkName, number: l.number,
      routerA: l.routerA.routerName, interfaceA: l.interfaceA, addressA: l.addressA,
      routerB: l.routerB.routerName, interfaceB: l.interfaceB, addressB: l.addressB,
      metric: l.metric, srlgs: l.srlgs,
    }));
    const protections = new Map<string, ResolvedProtection>();
    if (this.protectAllOptions !== undefined) {
      const { skipBridges, ...timers } = this.protectAllOptions;
      const graph = graphOf({ routers: this.routerList.map((r) => ({ name: r.routerName, locator: r.locator, prefixes: [] })), links, protections: [] });
      for (const l of this.linkList) {
        const bridge = shortestGraphPath(graph, l.routerA.routerName, l.routerB.routerName, { excludeLink: l.linkName }) === undefined;
        if (skipBridges && bridge) continue;
        protections.set(l.linkName, resolveProtection(`link "${l.linkName}"`, timers, this.defaults));
      }
    }
    // An explicit protect() wins over protectAll() for its timers.
    for (const [l, p] of this.protections) protections.set(l.linkName, p);
    return {
      routers: this.routerList.map((r) => ({
        name: r.routerName, locator: r.locator, prefixes: r.prefixes, nodeSid: r.nodeSidOverride, decapSid: r.decapSidOverride,
      })),
      links,
      protections: this.linkList.filter((l) => protections.has(l.linkName)).map((l) => ({ link: l.linkName, ...protections.get(l.linkName)! })),
    };
  }

  /** Computes SIDs, protected links, backup policies and problems for the network as declared now. */
  plan(): NetworkPlan {
    return this.emitted ?? planNetwork(this.spec());
  }

  /**
   * Per protected link and protection mode, the share of (link end,
   * destination router) pairs whose traffic over the link has a backup, and
   * why the others have none. Also emitted with the stack as the local
   * `srv6_coverage_<network id>`, which `srv6 graph --coverage` reads.
   */
  coverage(): LinkCoverage[] {
    return coverageOf(this.spec());
  }

  /**
   * The plan's own problems; when there are none, the whole-network rules
   * the CLI and the Terraform provider apply (model/network-rules.ts), on
   * the resources this network emits, so the three can never disagree.
   * Values that are Terraform references are known only at apply: then the
   * provider checks them.
   */
  private validatePlan(): string[] {
    const plan = this.plan();
    if (plan.problems.length) return plan.problems.map((p) => p.message);
    const input = {
      routers: plan.routers.map((r) => ({
        label: `srv6_router.${r.name}`,
        config: { ...this.routerList.find((x) => x.routerName === r.name)!.baseConfig, node_sid: r.nodeSid, decap_sid: r.decapSid, adjacency_sids: r.adjacencySids },
      })),
      links: plan.links.map((l) => ({
        label: `srv6_protected_link.${l.name}`,
        config: {
          name: l.name,
          router_a: l.a.router, interface_a: l.a.interface, peer_address_a: l.a.peerAddress, monitor_sid_a: l.a.monitorSid, return_sid_a: l.a.returnSid,
          router_b: l.b.router, interface_b: l.b.interface, peer_address_b: l.b.peerAddress, monitor_sid_b: l.b.monitorSid, return_sid_b: l.b.returnSid,
          probe_interval_ms: l.probeIntervalMs, multiplier: l.multiplier, hold_down_ms: l.holdDownMs,
          ...(l.backupProbeIntervalMs !== undefined ? { backup_probe_interval_ms: l.backupProbeIntervalMs } : {}),
        },
      })),
      policies: plan.policies.map((p) => ({
        label: `srv6_backup_policy.${p.name}`,
        config: { name: p.name, router: p.router, link: p.link, destination: p.destination, prefixes: p.prefixes, segments: p.segments },
      })),
      invalidRouterNames: new Set<string>(),
      invalidLinkNames: new Set<string>(),
      invalidRouterDecapSids: [],
    };
    if (Token.isUnresolved(JSON.stringify(input.routers.map((r) => r.config)))) return [];
    return checkSemantics(input).map((i) => `network ${this.node.path}: ${formatIssue(i)}`);
  }

  /** @internal Emits the low-level resources; runs once, when synthesis starts. */
  emitResources(): void {
    if (this.emitted !== undefined) return;
    const spec = this.spec();
    const plan = planNetwork(spec);
    this.emitted = plan;
    // Name the provider on resources only when it is an aliased one; the default needs no reference.
    const provider = this.provider.alias !== undefined ? this.provider : undefined;
    const routerResources = new Map<string, Srv6Router>();
    for (const r of plan.routers) {
      const construct = this.routerList.find((x) => x.routerName === r.name)!;
      const resource = new Srv6Router(construct, "Resource", {
        ...construct.baseConfig,
        node_sid: r.nodeSid,
        decap_sid: r.decapSid,
        adjacency_sids: r.adjacencySids,
        provider,
      });
      resource.overrideLogicalId(r.name);
      construct.attachResource(resource);
      routerResources.set(r.name, resource);
    }
    const linkResources = new Map<string, Srv6ProtectedLink>();
    for (const l of plan.links) {
      const construct = this.linkList.find((x) => x.linkName === l.name)!;
      const resource = new Srv6ProtectedLink(construct, "Resource", {
        name: l.name,
        router_a: routerResources.get(l.a.router)!.nameRef,
        interface_a: l.a.interface,
        peer_address_a: l.a.peerAddress,
        monitor_sid_a: l.a.monitorSid,
        return_sid_a: l.a.returnSid,
        router_b: routerResources.get(l.b.router)!.nameRef,
        interface_b: l.b.interface,
        peer_address_b: l.b.peerAddress,
        monitor_sid_b: l.b.monitorSid,
        return_sid_b: l.b.returnSid,
        probe_interval_ms: l.probeIntervalMs,
        multiplier: l.multiplier,
        hold_down_ms: l.holdDownMs,
        ...(l.backupProbeIntervalMs !== undefined ? { backup_probe_interval_ms: l.backupProbeIntervalMs } : {}),
        provider,
      });
      resource.overrideLogicalId(l.name);
      construct.attachResource(resource);
      linkResources.set(l.name, resource);
    }
    // The routers that own a policy's segments are created (and planned) before it, so the
    // provider knows their SIDs when it checks the segments (see provider/engine/plugin/network-view.ts).
    const sidOwner = new Map<bigint, Srv6Router>();
    for (const r of plan.routers) {
      for (const sid of [r.nodeSid, r.decapSid, ...r.adjacencySids.map((a) => a.sid)]) {
        const v = tryParseIpv6(sid);
        if (v !== undefined) sidOwner.set(v, routerResources.get(r.name)!);
      }
    }
    for (const p of plan.policies) {
      const construct = this.linkList.find((x) => x.linkName === p.link)!;
      const owners = [...new Set(p.segments.map((s) => sidOwner.get(tryParseIpv6(s) ?? -1n)).filter((r): r is Srv6Router => r !== undefined))];
      const resource = new Srv6BackupPolicy(construct, p.name, {
        name: p.name,
        router: routerResources.get(p.router)!.nameRef,
        link: linkResources.get(p.link)!.nameRef,
        destination: routerResources.get(p.destination)!.nameRef,
        prefixes: p.prefixes,
        segments: p.segments,
        provider,
        ...(owners.length ? { dependsOn: owners } : {}),
      });
      resource.overrideLogicalId(p.name);
    }
    // A local, not a resource: nothing is applied, the report travels with the stack.
    new TerraformLocal(this, "Coverage", { network: this.node.path, links: coverageOf(spec) }).overrideLogicalId(coverageLocalName(this.node.id));
  }

  /** @internal Throws when resources were already emitted (declarations would be ignored). */
  guardEmitted(what: string): void {
    if (this.emitted !== undefined) {
      throw new ConstructConfigError(`network ${this.node.path}`, what, undefined, "resources were already emitted (synthesis started); declare everything before synth");
    }
  }
}

const NAMES_BY_STACK = new WeakMap<TerraformStack, Map<string, string>>();

/** The stack's existing unaliased srv6 provider: one provider block serves every network of a stack. */
function defaultProvider(scope: Construct): Srv6Provider | undefined {
  return TerraformStack.of(scope).node.findAll().find((c): c is Srv6Provider => c instanceof Srv6Provider && c.alias === undefined);
}

/** Runs emitResources when cdktf invokes aspects at the start of synthesis. */
class EmitResources implements IAspect {
  constructor(private readonly network: ProtectedNetwork) {}

  visit(node: IConstruct): void {
    if (node === this.network) this.network.emitResources();
  }
}
