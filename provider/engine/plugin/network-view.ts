/**
 * The whole network as this provider sees it, so that Terraform's plan and
 * apply enforce the same whole-network rules (model/network-rules.ts) as
 * `srv6 plan` and the constructs. It unites
 *   - the configurations Terraform planned in this walk (OpenTofu starts one
 *     provider process per walk and plans a resource after the ones it
 *     references),
 *   - at apply, what the walk before planned in this working directory (each
 *     walk replaces .terraform/srv6-protect/planned.json with its plans; the
 *     apply walk of `tofu apply` reads those of its plan walk), so it knows
 *     resources it has not planned yet,
 *   - what the routers' applied records say (resources applied earlier, by
 *     this workspace, another one or the `srv6` CLI).
 *
 * A rule about two resources is reported on the one planned second, so a
 * conflict fails the plan whatever the order. Rules that need every router
 * (a segment must be some router's SID) are decided at apply, before any
 * router changes: while resources are planned one by one, the router may
 * still come. Existence (an unknown router or link) is decided at apply too.
 *
 * Destroys: the provider asks to plan them (plan_destroy), and what a walk
 * plans to destroy is kept with its plans, so the apply walk does not count
 * it either. A policy that only a record names (not planned in this walk)
 * is left out of the plan's rules: it may be one this walk is about to
 * destroy, whose prefixes a new policy takes over (a state upgraded from
 * per-prefix policies). The apply decides, over every record it reads: a
 * policy still kept there, by another workspace or the CLI, fails it before
 * any router changes.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { BackupPolicyConfig, ProtectedLinkConfig, ResourceType, RouterConfig } from "../../../model/schema";
import { checkSemantics, type Entity } from "../../../model/network-rules";
import { canonicalIpv6 } from "../../../model/ipv6";
import { segmentSteps, type Step } from "../../dataplane/probe-return";
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

/** Rules that need to know every resource that exists: decided at apply. */
const EXISTENCE = [/^unknown router/, /^unknown link/];
/**
 * Rules that ask for a router not named by reference (a segment is some
 * router's SID): while resources are planned one by one it may still come;
 * decided at apply, over everything the plan walks saw.
 */
const NEEDS_ALL_ROUTERS = [/^the last segment must be/, /^is not a SID of any router/];

const label = (type: ResourceType, name: string) => `${type}.${name}`;

export type Phase = "plan" | "apply";

export class NetworkView {
  /**
   * This walk's plans by `type.name`. Terraform does not tell a provider a
   * resource's address and plans each resource once per walk: a second,
   * different configuration under the same name is another resource, a
   * duplicate the rules must see.
   */
  private readonly planned = new Map<string, Known[]>();
  /** What the walk before this one planned in this working directory, from `file`, which each walk replaces. */
  private seen: { planned: Map<string, Known>; going: Set<string> } | undefined;
  private readonly recorded = new Map<string, Known>();
  /** Planned to be destroyed: records and earlier walks still name them, the rules must not. */
  private readonly going = new Set<string>();

  /** @param file where the plans of every walk are kept (OpenTofu starts one provider process per walk) */
  constructor(private readonly file?: string) {}

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
      const gone = label(type, prior.name);
      this.planned.delete(gone);
      this.going.add(gone);
      this.save();
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
    this.save();
    return this.diagnostics(me, "plan");
  }

  /** Fails with the resource's whole-network problems, if it has any (apply: after the touched routers' records were added). */
  assertValid(type: ResourceType, name: string): void {
    const diagnostics = this.diagnostics(label(type, name), "apply");
    if (diagnostics.length) throw new BackendError(diagnostics);
  }

  /**
   * The problems resource `me` has or brings: the rule book's issues on `me`
   * (with its attribute path), and those on other resources that exist only
   * because of `me` (a router's SID that a link planned after it uses as a
   * peer address is reported on the link, naming the router's field).
   */
  diagnostics(me: string, phase: Phase): Diagnostic[] {
    const all = this.everything(phase);
    if (!all.has(me)) return [];
    const wanted = (i: SchemaIssue) => phase === "apply" || ![...EXISTENCE, ...NEEDS_ALL_ROUTERS].some((re) => re.test(i.message));
    const withMe = this.issues(all, me).filter(wanted);
    const mine = withMe.filter((i) => i.resource === me).map(issueDiagnostic);
    const onOthers = withMe.filter((i) => i.resource !== me);
    // Only then is the rule book run again without `me`, to keep the issues `me` brought.
    if (!onOthers.length) return mine;
    const key = (i: SchemaIssue) => `${i.resource} ${i.field} ${i.message}`;
    const without = new Set(this.issues(new Map([...all].filter(([l]) => l !== me)), undefined).map(key));
    return [
      ...mine,
      ...onOthers.filter((i) => !without.has(key(i))).map((i) => ({ ...issueDiagnostic(i), summary: `${issueDiagnostic(i).summary} (because of ${me})`, path: undefined })),
    ];
  }

  /** This walk's plans over earlier walks' (at apply) over the records; `me` last, so pairs are reported on it. */
  /** What each of `segments` does, over every router and link known at apply (for the way home of backup probes). */
  segmentSteps(segments: readonly string[]): Step[] {
    const known = [...this.everything("apply").values()].map((ks) => ks[ks.length - 1]!);
    const configs = <T>(type: ResourceType) => known.filter((k) => k.type === type).map((k) => k.config as T);
    const steps = segmentSteps(configs<RouterConfig>("srv6_router"), configs<ProtectedLinkConfig>("srv6_protected_link"));
    return segments.map(canonicalIpv6).flatMap((sid) => (steps.has(sid) ? [steps.get(sid)!] : []));
  }

  private everything(phase: Phase): Map<string, Known[]> {
    const earlier = this.earlier();
    const gone = (k: string) => this.going.has(k) || (phase === "apply" && earlier.going.has(k) && !this.planned.has(k));
    // At plan, a policy only a record names may be going in this walk (see the top of this file).
    const counted = ([k, v]: [string, Known]) => !gone(k) && (phase === "apply" || v.type !== "srv6_backup_policy");
    const all = new Map<string, Known[]>([...this.recorded].filter(counted).map(([k, v]) => [k, [v]]));
    if (phase === "apply") for (const [k, v] of earlier.planned) if (!gone(k)) all.set(k, [v]);
    for (const [k, v] of this.planned) all.set(k, v);
    return all;
  }

  private issues(all: Map<string, Known[]>, me: string | undefined): SchemaIssue[] {
    const ordered = [...all].filter(([l]) => l !== me).concat(me !== undefined && all.has(me) ? [[me, all.get(me)!]] : []);
    const entries = ordered.flatMap(([l, ks]) => ks.map((k) => [l, k] as const));
    const of = <T>(type: ResourceType) => entries.filter(([, k]) => k.type === type).map(([l, k]): Entity<T> => ({ label: l, config: k.config as T }));
    return checkSemantics({
      routers: of<RouterConfig>("srv6_router"),
      links: of<ProtectedLinkConfig>("srv6_protected_link"),
      policies: of<BackupPolicyConfig>("srv6_backup_policy"),
      invalidRouterNames: new Set(),
      invalidLinkNames: new Set(),
      invalidRouterDecapSids: [],
    });
  }

  /** What the walk before this process planned and planned to destroy (read once: this walk then replaces the file with its own). */
  private earlier(): { planned: Map<string, Known>; going: Set<string> } {
    if (!this.seen) {
      this.seen = { planned: new Map(), going: new Set() };
      try {
        const doc = JSON.parse(fs.readFileSync(this.file ?? "", "utf8")) as { resources?: Record<string, Known[]>; going?: unknown };
        for (const [k, v] of Object.entries(doc.resources ?? {})) if (Array.isArray(v) && v[0] && typeof v[0].type === "string") this.seen.planned.set(k, v[0]);
        if (Array.isArray(doc.going)) for (const k of doc.going) if (typeof k === "string") this.seen.going.add(k);
      } catch {
        // Nothing planned here before (or no file): this walk's plans are all there is.
      }
    }
    return this.seen;
  }

  private save(): void {
    if (!this.file) return;
    this.earlier(); // read the walk before before replacing its file
    try {
      fs.mkdirSync(path.dirname(this.file), { recursive: true });
      const tmp = `${this.file}.tmp-${process.pid}`;
      fs.writeFileSync(tmp, `${JSON.stringify({ version: 1, resources: Object.fromEntries(this.planned), going: [...this.going] })}\n`, { mode: 0o600 });
      fs.renameSync(tmp, this.file);
    } catch {
      // A read-only working directory only loses what apply knows of the plan walk.
    }
  }
}
