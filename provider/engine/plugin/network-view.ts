/**
 * The whole network as this provider process sees it, so that Terraform's
 * plan and apply enforce the same whole-network rules (model/network-rules.ts)
 * as `srv6 plan` and the constructs: the configurations Terraform planned in
 * this walk (OpenTofu starts one provider process per walk and plans every
 * resource in it, a resource after the ones it references), united with what
 * the routers' applied records say (resources applied earlier, by this
 * workspace, another one or the `srv6` CLI).
 *
 * A rule about two resources is reported on the one planned second (the one
 * being checked is put last), so a conflict fails the plan whatever the order.
 * Existence (an unknown router or link) is left to apply, which knows for
 * sure and says which resource to create first; a resource planned later may
 * still provide it.
 */
import type { BackupPolicyConfig, ProtectedLinkConfig, ResourceType, RouterConfig } from "../../../model/schema";
import { checkSemantics, type Entity } from "../../../model/network-rules";
import type { SchemaIssue } from "../../../model/issue";
import { BackendError, type Diagnostic, type TfObject } from "../../plugin/backend";
import { containsUnknown } from "../../plugin/values";
import type { AnyAppliedRecord } from "../record";
import { plainConfig, stableJson } from "./convert";
import { issueDiagnostic } from "./validate";

interface Known {
  readonly type: ResourceType;
  readonly config: RouterConfig | ProtectedLinkConfig | BackupPolicyConfig;
}

/** Rules that need to know every resource that exists: answered at apply. */
const EXISTENCE = [/^unknown router/, /^unknown link/];
const LAST_SEGMENT = /^the last segment must be/;

const label = (type: ResourceType, name: string) => `${type}.${name}`;

export class NetworkView {
  /**
   * By `type.name`. Terraform does not tell a provider a resource's address,
   * and plans each resource once per walk: a second configuration under the
   * same name is another resource, a duplicate the rules must see.
   */
  private readonly planned = new Map<string, Known[]>();
  private readonly recorded = new Map<string, Known>();
  /** Planned to be destroyed: records still name them, the rules must not. */
  private readonly going = new Set<string>();

  /** Adds what a router's record says (never overrides what Terraform planned). */
  addRecord(record: AnyAppliedRecord | null): void {
    if (!record) return;
    const add = (type: ResourceType, config: Known["config"]) => this.recorded.set(label(type, config.name), { type, config });
    for (const r of record.bundle.routers) add("srv6_router", r);
    for (const l of record.bundle.links) add("srv6_protected_link", l);
    for (const p of record.bundle.policies) add("srv6_backup_policy", p);
  }

  /**
   * Records the planned configuration of one resource (null: it goes) and
   * returns the whole-network problems it has with everything seen so far.
   */
  plan(type: ResourceType, prior: TfObject | null, proposed: TfObject | null): Diagnostic[] {
    if (prior && typeof prior.name === "string" && (!proposed || proposed.name !== prior.name)) {
      this.planned.delete(label(type, prior.name));
      this.going.add(label(type, prior.name));
    }
    if (!proposed) return [];
    // `id` is computed: unknown until the resource is created, and no rule reads it.
    const { id: _computed, ...attributes } = proposed;
    if (containsUnknown(attributes)) return [];
    const config = plainConfig(attributes) as Known["config"];
    const me = label(type, config.name);
    // The same configuration again is the same resource planned again (each walk's apply re-plans).
    const others = (this.planned.get(me) ?? []).filter((k) => stableJson(k.config) !== stableJson(config));
    this.planned.set(me, [...others, { type, config }]);
    this.going.delete(me);
    return this.problems(me).map(issueDiagnostic);
  }

  /** Fails with the resource's whole-network problems, if it has any (apply: after the touched routers' records were added). */
  assertValid(type: ResourceType, name: string): void {
    const diagnostics = this.problems(label(type, name)).map(issueDiagnostic);
    if (diagnostics.length) throw new BackendError(diagnostics);
  }

  /** The rule book's issues of resource `me`, over everything known, `me` last. */
  problems(me: string): SchemaIssue[] {
    const all = new Map<string, Known[]>([...this.recorded].filter(([k]) => !this.going.has(k)).map(([k, v]) => [k, [v]]));
    for (const [k, v] of this.planned) all.set(k, v);
    const mine = all.get(me);
    if (!mine) return [];
    all.delete(me);
    all.set(me, mine);
    const entries = [...all].flatMap(([l, ks]) => ks.map((k) => [l, k] as const));
    const of = <T>(type: ResourceType) => entries.filter(([, k]) => k.type === type).map(([l, k]): Entity<T> => ({ label: l, config: k.config as T }));
    const issues = checkSemantics({
      routers: of<RouterConfig>("srv6_router"),
      links: of<ProtectedLinkConfig>("srv6_protected_link"),
      policies: of<BackupPolicyConfig>("srv6_backup_policy"),
      invalidRouterNames: new Set(),
      invalidLinkNames: new Set(),
      invalidRouterDecapSids: [],
    });
    return issues
      .filter((i) => i.resource === me && !EXISTENCE.some((re) => re.test(i.message)))
      .map((i) => (LAST_SEGMENT.test(i.message)
        ? { ...i, message: `${i.message}; if it is the decap_sid of a router declared elsewhere in this configuration, reference it (srv6_router.NAME.decap_sid) or add depends_on, so that the router is planned first` }
        : i));
  }
}
