/**
 * The three resource types on the engine. Each handler says which routers a
 * resource touches and how it changes their recorded bundles; RouterStates
 * makes that one transaction per router, and observes for Read.
 *
 *   srv6_router          -> that router (and, on update, the link peers that
 *                           keep a copy of its settings in their bundle)
 *   srv6_protected_link  -> both end routers
 *   srv6_backup_policy   -> its router (taking its prefixes from any other
 *                           policy there: policy-claim.ts; schema version 1,
 *                           per destination: policy-upgrade.ts)
 *
 * Drift: Read returns the recorded attributes (the user's spelling where the
 * router agrees) and, when the router's dataplane differs from its record
 * for this resource, an `id` of the form `NAME (drift: ...)`. Plan always
 * plans `id = NAME`, so a drifted resource shows as an in-place update and
 * apply re-installs it; right after an apply, Read finds no drift and plan
 * is empty.
 */
import type { BackupPolicyConfig, ProtectedLinkConfig, ResourceType, RouterConfig } from "../../../model/schema";
import { BackendError, UNKNOWN, isUnknown, type AttributePath, type PlanResult, type ResourceHandler, type TfObject } from "../../plugin/backend";
import { containsUnknown } from "../../plugin/values";
import { resourceBlock } from "../../plugin/schema";
import { Srv6Error } from "../../errors";
import type { Change } from "../diff";
import { stableJson, type StateLike } from "../bundle";
import { linkFromTf, mergeObserved, normalize, policyFromTf, routerFromTf, tfFromConfig, type AnyConfig } from "./convert";
import type { RouterDirectory } from "./connections";
import { selfConfig, type BundleEdit, type RecordRead, type RouterObservation, type RouterStates } from "./routers";
import type { NetworkView } from "./network-view";
import { validateOne } from "./validate";
import { withClaimedPrefixes } from "./policy-claim";
import { POLICY_SCHEMA_VERSION, upgradePolicyState } from "./policy-upgrade";

export interface HandlerContext {
  readonly states: RouterStates;
  readonly directory: RouterDirectory;
  readonly network: NetworkView;
}

/** Plans one resource: the whole network's rules first (nothing planned if they fail), then replace-or-update. */
function planChecked(ctx: HandlerContext, type: ResourceType, prior: TfObject | null, proposed: TfObject): PlanResult {
  const problems = ctx.network.plan(type, prior, proposed);
  return { ...planWithReplace(type, prior, proposed), ...(problems.length ? { diagnostics: problems } : {}) };
}

/** At apply, the records just read join what the view knows, and the resource is checked again. */
function checkedEdit(ctx: HandlerContext, type: ResourceType, name: string, edit: BundleEdit): BundleEdit {
  return (router, cur, reads) => {
    for (const r of reads.values()) ctx.network.addRecord(r.record);
    ctx.network.assertValid(type, name);
    return edit(router, cur, reads);
  };
}

/** Attributes whose change cannot be made in place. */
export const REPLACE_ON: Record<ResourceType, string[]> = {
  // A new host is another machine; everything else is re-rendered in place by the engine.
  srv6_router: ["name", "host"],
  srv6_protected_link: ["name", "router_a", "router_b", "interface_a", "interface_b"],
  srv6_backup_policy: ["name", "router"],
};

function resourceRef(type: ResourceType, name: string): string {
  return `${type}.${name}`;
}

/** `NAME`, or `NAME (drift: ...)` when the routers differ from what was applied. */
export function idWithDrift(name: string, drift: readonly string[]): string {
  if (drift.length === 0) return name;
  return `${name} (drift: ${drift[0]}${drift.length > 1 ? `; and ${drift.length - 1} more` : ""})`;
}

function changesOf(obs: RouterObservation, ref: string): string[] {
  const mine = (c: Change) => (c.resource ?? `srv6_router.${obs.router}`) === ref;
  return (obs.plan?.changes ?? []).filter(mine).map((c) => `${obs.router}: ${c.summary}`);
}

/** A broken or degraded backup path of the policy, as the probes tell it: drift the way tofu shows it. */
function backupHealthOf(obs: RouterObservation, policy: string): string[] {
  const p = obs.plan?.backupPaths?.find((x) => x.policy === policy);
  if (!p || (p.health !== "broken" && p.health !== "degraded")) return [];
  return [`${obs.router}: backup path ${p.health}${p.failingSegment ? ` at segment ${p.failingSegment.index + 1} ${p.failingSegment.sid}` : ""}: ${p.reason}`];
}

function planWithReplace(type: ResourceType, prior: TfObject | null, proposed: TfObject): PlanResult {
  const planned: TfObject = { ...proposed, id: isUnknown(proposed.name) ? UNKNOWN : proposed.name };
  if (!prior) return { planned };
  const requiresReplace: AttributePath[] = REPLACE_ON[type]
    .filter((a) => stableJson(prior[a] ?? null) !== stableJson(proposed[a] ?? null))
    .map((a) => [{ attribute: a }]);
  return { planned, requiresReplace };
}

function without<T extends { name: string }>(list: readonly T[], name: string): T[] {
  return list.filter((x) => x.name !== name);
}

function missingRouter(router: string, attribute: string, what: string): BackendError {
  return new BackendError([{
    severity: "error",
    summary: `Router ${router} has no srv6-protect configuration yet`,
    detail: `${what} needs router ${router} to be applied first: declare srv6_router.${router} and reference it (e.g. \`${attribute} = srv6_router.${router}.name\`) so that it is created before, then apply again.`,
    path: [{ attribute }],
  }]);
}

/** Finds, on every router we can reach, a recorded resource by name (import). */
async function findRecorded<T>(ctx: HandlerContext, pick: (read: RecordRead) => T | undefined): Promise<T | null> {
  const known = ctx.directory.known();
  if (known.length === 0) {
    throw new Srv6Error("no router is known to this working directory yet: run `tofu plan` or `tofu apply` once (it records the routers' SSH settings in .terraform/srv6-protect/routers.json), then import");
  }
  const reads = await Promise.all(known.map((r) => ctx.states.readRecord(r).catch(() => undefined)));
  for (const read of reads) {
    const found = read && pick(read);
    if (found) return found;
  }
  return null;
}

function rememberRouter(ctx: HandlerContext, obj: TfObject): void {
  if (!containsUnknown(obj)) ctx.directory.rememberFromTerraform(routerFromTf(obj));
}

export function routerHandler(ctx: HandlerContext): ResourceHandler {
  const type = "srv6_router";
  const attributes = resourceBlock(type).attributes.map((a) => a.name);
  const withSelf = (cur: StateLike, me: RouterConfig): StateLike => ({ ...cur, routers: [...without(cur.routers, me.name), me] });
  return {
    schemaVersion: 0,
    async validate(config) {
      return validateOne(type, config);
    },
    async plan(prior, proposed) {
      rememberRouter(ctx, proposed);
      return planChecked(ctx, type, prior, proposed);
    },
    async create(planned) {
      await ctx.states.useSettings(routerFromTf(planned));
      const me = normalize(type, routerFromTf(planned)) as RouterConfig;
      await ctx.states.edit([me.name], checkedEdit(ctx, type, me.name, (_r, cur) => withSelf(cur, me)), resourceRef(type, me.name));
      return { ...planned, id: me.name };
    },
    async update(_prior, planned) {
      await ctx.states.useSettings(routerFromTf(planned));
      const me = normalize(type, routerFromTf(planned)) as RouterConfig;
      // Link peers keep a copy of this router's settings in their bundles: keep them in step.
      const own = await ctx.states.readRecord(me.name);
      const peers = new Set<string>();
      for (const l of own.record?.bundle.links ?? []) peers.add(l.router_a === me.name ? l.router_b : l.router_a);
      await ctx.states.edit([me.name, ...peers], checkedEdit(ctx, type, me.name, (router, cur) => {
        if (router === me.name) return withSelf(cur, me);
        return cur.routers.some((r) => r.name === me.name) ? withSelf(cur, me) : undefined;
      }), resourceRef(type, me.name));
      return { ...planned, id: me.name };
    },
    planDestroy(prior) {
      ctx.network.plan(type, prior, null);
    },
    async delete(prior) {
      await ctx.states.useSettings(routerFromTf(prior));
      await ctx.states.destroy(String(prior.name));
    },
    async read(state) {
      rememberRouter(ctx, state);
      const name = String(state.name);
      const obs = await ctx.states.observe(name);
      ctx.network.addRecord(obs.record);
      const recorded = selfConfig(obs);
      if (!obs.plan || !recorded) return null;
      const out = mergeObserved(type, state, recorded);
      out.id = idWithDrift(name, changesOf(obs, resourceRef(type, name)));
      return out;
    },
    async importState(id) {
      const found = await findRecorded(ctx, (read) => (read.router === id ? selfConfig(read) : undefined));
      return found ? { ...tfFromConfig(found, attributes), id: found.name } : null;
    },
    async upgradeState(fromVersion) {
      throw new Error(`srv6_router has no schema version ${fromVersion} to upgrade from`);
    },
  };
}

export function linkHandler(ctx: HandlerContext): ResourceHandler {
  const type = "srv6_protected_link";
  const attributes = resourceBlock(type).attributes.map((a) => a.name);
  const put = async (planned: TfObject): Promise<TfObject> => {
    const link = normalize(type, linkFromTf(planned)) as ProtectedLinkConfig;
    const ends = [link.router_a, link.router_b];
    await ctx.states.edit(ends, checkedEdit(ctx, type, link.name, (router, cur, reads) => {
      const side = router === link.router_a ? "a" : "b";
      if (!cur.routers.some((r) => r.name === router)) throw missingRouter(router, `router_${side}`, `srv6_protected_link.${link.name}`);
      const peerName = side === "a" ? link.router_b : link.router_a;
      const peer = selfConfig(reads.get(peerName)!);
      if (!peer) throw missingRouter(peerName, `router_${side === "a" ? "b" : "a"}`, `srv6_protected_link.${link.name}`);
      return { ...cur, routers: [...without(cur.routers, peerName), peer], links: [...without(cur.links, link.name), link] };
    }), resourceRef(type, link.name));
    return { ...planned, id: link.name };
  };
  return {
    schemaVersion: 0,
    async validate(config) {
      return validateOne(type, config);
    },
    async plan(prior, proposed) {
      return planChecked(ctx, type, prior, proposed);
    },
    create: put,
    async update(_prior, planned) {
      return put(planned);
    },
    planDestroy(prior) {
      ctx.network.plan(type, prior, null);
    },
    async delete(prior) {
      const link = linkFromTf(prior);
      await ctx.states.edit([link.router_a, link.router_b], (router, cur) => {
        if (!cur.routers.some((r) => r.name === router)) return undefined;
        // Policies of this link cannot stay without it (a replaced link's policies are re-created by the next apply).
        return { ...cur, links: without(cur.links, link.name), policies: cur.policies.filter((p) => p.link !== link.name) };
      });
    },
    async read(state) {
      const link = linkFromTf(state);
      const [a, b] = await Promise.all([ctx.states.observe(link.router_a), ctx.states.observe(link.router_b)]);
      ctx.network.addRecord(a.record);
      ctx.network.addRecord(b.record);
      const recA = a.record?.bundle.links.find((l) => l.name === link.name);
      const recB = b.record?.bundle.links.find((l) => l.name === link.name);
      const recorded = recA ?? recB;
      if (!recorded) return null;
      const ref = resourceRef(type, link.name);
      const drift = [...changesOf(a, ref), ...changesOf(b, ref)];
      if (!recA) drift.unshift(`${link.router_a}: link ${link.name} is not applied there`);
      if (!recB) drift.unshift(`${link.router_b}: link ${link.name} is not applied there`);
      if (recA && recB && stableJson(recA) !== stableJson(recB)) drift.unshift(`the two ends recorded different settings for ${link.name}`);
      const out = mergeObserved(type, state, recorded as AnyConfig);
      out.id = idWithDrift(link.name, drift);
      return out;
    },
    async importState(id) {
      const found = await findRecorded(ctx, (read) => read.record?.bundle.links.find((l) => l.name === id));
      return found ? { ...tfFromConfig(found, attributes), id: found.name } : null;
    },
    async upgradeState(fromVersion) {
      throw new Error(`srv6_protected_link has no schema version ${fromVersion} to upgrade from`);
    },
  };
}

export function policyHandler(ctx: HandlerContext): ResourceHandler {
  const type = "srv6_backup_policy";
  const attributes = resourceBlock(type).attributes.map((a) => a.name);
  const put = async (planned: TfObject): Promise<TfObject> => {
    const policy = normalize(type, policyFromTf(planned)) as BackupPolicyConfig;
    await ctx.states.edit([policy.router], checkedEdit(ctx, type, policy.name, (router, cur) => {
      if (!cur.routers.some((r) => r.name === router)) throw missingRouter(router, "router", `srv6_backup_policy.${policy.name}`);
      if (!cur.links.some((l) => l.name === policy.link)) {
        throw new BackendError([{
          severity: "error",
          summary: `srv6_backup_policy.${policy.name}: link ${policy.link} is not applied on router ${router}`,
          detail: `srv6_backup_policy.${policy.name}.link = ${JSON.stringify(policy.link)}: router ${router} has no protected link of that name (it has: ${cur.links.map((l) => l.name).join(", ") || "none"}). Reference the link (link = srv6_protected_link.NAME.name) so that it is created first.`,
          path: [{ attribute: "link" }],
        }]);
      }
      // The segments' routers are not in this router's bundle: their steps come from the whole network.
      return { ...cur, policies: withClaimedPrefixes(cur.policies, policy), segment_steps: [...(cur.segment_steps ?? []), ...ctx.network.segmentSteps(policy.segments)] };
    }), resourceRef(type, policy.name));
    return { ...planned, id: policy.name };
  };
  return {
    schemaVersion: POLICY_SCHEMA_VERSION,
    async validate(config) {
      return validateOne(type, config);
    },
    async plan(prior, proposed) {
      return planChecked(ctx, type, prior, proposed);
    },
    create: put,
    async update(_prior, planned) {
      return put(planned);
    },
    planDestroy(prior) {
      ctx.network.plan(type, prior, null);
    },
    async delete(prior) {
      const policy = policyFromTf(prior);
      await ctx.states.edit([policy.router], (router, cur) =>
        cur.routers.some((r) => r.name === router) ? { ...cur, policies: without(cur.policies, policy.name) } : undefined);
    },
    async read(state) {
      const policy = policyFromTf(state);
      const obs = await ctx.states.observe(policy.router);
      ctx.network.addRecord(obs.record);
      const recorded = obs.record?.bundle.policies.find((p) => p.name === policy.name);
      if (!recorded) return null;
      const out = mergeObserved(type, state, recorded);
      out.id = idWithDrift(policy.name, [...changesOf(obs, resourceRef(type, policy.name)), ...backupHealthOf(obs, policy.name)]);
      return out;
    },
    async importState(id) {
      const found = await findRecorded(ctx, (read) => read.record?.bundle.policies.find((p) => p.name === id));
      return found ? { ...tfFromConfig(found, attributes), id: found.name } : null;
    },
    async upgradeState(fromVersion, raw) {
      return upgradePolicyState(fromVersion, raw);
    },
  };
}
