/**
 * The tfplugin6.Provider RPCs, on top of a ResourceBackend. Every handler
 * returns a response (never throws): problems are diagnostics.
 */
import { Srv6ProtectError } from "../../model/errors";
import { providerConfigSchema, RESOURCE_TYPES, type ProviderConfig, type ResourceType } from "../../model/schema";
import type { ResourceBackend, ResourceHandler } from "./backend";
import { diagnosticsFromError, errorDiagnostic, hasErrors } from "./diagnostics";
import { conformObject, isResourceType, providerBlock, RESOURCE_TYPE_NAMES, resourceBlock, type BlockSchema } from "./schema";
import { shortValue, validateAgainstSchema } from "./validation";
import { containsUnknown, decodeDynamicValue, decodeJson, encodeDynamicValue, isUnknown, UNKNOWN, type DynamicValueMessage, type TfObject, type TfValue } from "./values";
import { toWireDiagnostics, toWirePath, toWireSchema } from "./wire";

type Req = Record<string, unknown>;
type Res = Record<string, unknown>;

/** A request names a resource type srv6 does not have. */
/**
 * plan_destroy: the host plans destroys with us too (PlanResourceChange with
 * no proposed state), so the whole-network view knows what a walk removes
 * (provider/engine/plugin/network-view.ts).
 */
const SERVER_CAPABILITIES = { plan_destroy: true, get_provider_schema_optional: false } as const;

export class UnknownTypeError extends Srv6ProtectError {
  override readonly name = "UnknownTypeError";
  override readonly kind = "unknown-type";
}

function asObject(v: TfValue, what: string): TfObject | null {
  if (v === null) return null;
  if (typeof v !== "object" || Array.isArray(v) || isUnknown(v)) throw new Error(`${what} is not an object`);
  return v;
}

function resourceName(obj: TfObject | null | undefined): string {
  return obj && typeof obj.name === "string" ? ` ${shortValue(obj.name, 64)}` : "";
}

/** Fills computed attributes the backend left null: UNKNOWN on create/replace, else the prior value. */
function fillComputed(planned: TfObject, prior: TfObject | null, replacing: boolean, block: BlockSchema): void {
  for (const a of block.attributes) {
    if (!a.computed || planned[a.name] !== null) continue;
    planned[a.name] = prior && !replacing ? prior[a.name] : UNKNOWN;
  }
}

export class ProviderService {
  constructor(
    private readonly backend: () => Promise<ResourceBackend>,
    /** The backend only if already loaded (StopProvider must not load it just to stop it). */
    private readonly loadedBackend: () => Promise<ResourceBackend> | undefined = () => undefined,
  ) {}

  private async handler(type: string): Promise<{ type: ResourceType; handler: ResourceHandler; block: BlockSchema }> {
    if (!isResourceType(type)) throw new UnknownTypeError(`srv6 has no resource type ${type}; known: ${RESOURCE_TYPE_NAMES.join(", ")}`);
    const backend = await this.backend();
    return { type, handler: backend.resources[type], block: resourceBlock(type) };
  }

  async GetMetadata(): Promise<Res> {
    return {
      server_capabilities: SERVER_CAPABILITIES,
      diagnostics: [],
      data_sources: [],
      resources: RESOURCE_TYPE_NAMES.map((t) => ({ type_name: t })),
    };
  }

  async GetProviderSchema(): Promise<Res> {
    try {
      const backend = await this.backend();
      const resource_schemas: Record<string, unknown> = {};
      for (const t of RESOURCE_TYPE_NAMES) resource_schemas[t] = toWireSchema(resourceBlock(t), backend.resources[t].schemaVersion);
      return {
        provider: toWireSchema(providerBlock(), 0),
        resource_schemas,
        data_source_schemas: {},
        diagnostics: [],
        server_capabilities: SERVER_CAPABILITIES,
      };
    } catch (err) {
      return { diagnostics: toWireDiagnostics(diagnosticsFromError(err, "Loading the srv6 provider schema")) };
    }
  }

  async ValidateProviderConfig(req: Req): Promise<Res> {
    try {
      const config = asObject(decodeDynamicValue(req.config as DynamicValueMessage), "provider configuration") ?? {};
      return { diagnostics: toWireDiagnostics(validateAgainstSchema("provider srv6", providerConfigSchema, config)) };
    } catch (err) {
      return { diagnostics: toWireDiagnostics(diagnosticsFromError(err, "Validating the srv6 provider configuration")) };
    }
  }

  async ConfigureProvider(req: Req): Promise<Res> {
    try {
      const config = asObject(decodeDynamicValue(req.config as DynamicValueMessage), "provider configuration") ?? {};
      const diags = validateAgainstSchema("provider srv6", providerConfigSchema, config);
      if (hasErrors(diags)) return { diagnostics: toWireDiagnostics(diags) };
      // Unset (null) and not-yet-known options take the engine's defaults.
      const options: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(config)) if (v !== null && !isUnknown(v)) options[k] = v;
      const backend = await this.backend();
      return { diagnostics: toWireDiagnostics(await backend.configure(options as ProviderConfig)) };
    } catch (err) {
      return { diagnostics: toWireDiagnostics(diagnosticsFromError(err, "Configuring the srv6 provider")) };
    }
  }

  async ValidateResourceConfig(req: Req): Promise<Res> {
    const type = String(req.type_name);
    try {
      const { handler } = await this.handler(type);
      const config = asObject(decodeDynamicValue(req.config as DynamicValueMessage), "configuration") ?? {};
      const diags = validateAgainstSchema(type, RESOURCE_TYPES[type as ResourceType], config);
      // Semantic checks assume well-formed input: only after the schema passed.
      if (!hasErrors(diags)) diags.push(...(await handler.validate(config)));
      return { diagnostics: toWireDiagnostics(diags) };
    } catch (err) {
      return { diagnostics: toWireDiagnostics(diagnosticsFromError(err, `Validating ${type}`)) };
    }
  }

  async ValidateDataResourceConfig(req: Req): Promise<Res> {
    return { diagnostics: toWireDiagnostics([errorDiagnostic(`srv6 has no data source ${String(req.type_name)}`, "The srv6 provider offers resources only.")]) };
  }

  async ReadDataSource(req: Req): Promise<Res> {
    return { diagnostics: toWireDiagnostics([errorDiagnostic(`srv6 has no data source ${String(req.type_name)}`, "The srv6 provider offers resources only.")]) };
  }

  async PlanResourceChange(req: Req): Promise<Res> {
    const type = String(req.type_name);
    let proposed: TfObject | null = null;
    try {
      const { handler, block } = await this.handler(type);
      const prior = asObject(decodeDynamicValue(req.prior_state as DynamicValueMessage), "prior state");
      proposed = asObject(decodeDynamicValue(req.proposed_new_state as DynamicValueMessage), "proposed state");
      // Destroy: nothing to decide, the planned state is null.
      if (proposed === null) {
        if (prior) handler.planDestroy?.(prior);
        return { planned_state: encodeDynamicValue(null), planned_private: req.prior_private, diagnostics: [] };
      }
      const diags = validateAgainstSchema(type, RESOURCE_TYPES[type as ResourceType], proposed);
      if (hasErrors(diags)) return { diagnostics: toWireDiagnostics(diags) };
      const result = await handler.plan(prior, conformObject(proposed, block) ?? {});
      diags.push(...(result.diagnostics ?? []));
      if (hasErrors(diags)) return { diagnostics: toWireDiagnostics(diags) };
      const planned = conformObject(result.planned, block) ?? {};
      const replace = result.requiresReplace ?? [];
      fillComputed(planned, prior, replace.length > 0, block);
      return {
        planned_state: encodeDynamicValue(planned),
        requires_replace: prior ? replace.map(toWirePath) : [],
        planned_private: req.prior_private,
        diagnostics: toWireDiagnostics(diags),
      };
    } catch (err) {
      return { diagnostics: toWireDiagnostics(diagnosticsFromError(err, `Planning ${type}${resourceName(proposed)}`)) };
    }
  }

  async ApplyResourceChange(req: Req): Promise<Res> {
    const type = String(req.type_name);
    let prior: TfObject | null = null;
    let planned: TfObject | null = null;
    try {
      const { handler, block } = await this.handler(type);
      prior = asObject(decodeDynamicValue(req.prior_state as DynamicValueMessage), "prior state");
      planned = asObject(decodeDynamicValue(req.planned_state as DynamicValueMessage), "planned state");
      if (planned === null) {
        if (prior) await handler.delete(prior);
        return { new_state: encodeDynamicValue(null), diagnostics: [] };
      }
      // Values that were unknown at plan time are known now: check them before touching a router.
      const diags = validateAgainstSchema(type, RESOURCE_TYPES[type as ResourceType], planned);
      if (hasErrors(diags)) return { new_state: encodeDynamicValue(prior), diagnostics: toWireDiagnostics(diags) };
      const input = conformObject(planned, block) ?? {};
      const result = prior ? await handler.update(prior, input) : await handler.create(input);
      const next = conformObject(result, block);
      if (next === null || containsUnknown(next)) {
        throw new Error(`the backend returned ${next === null ? "no state" : "a state with unknown values"} after applying ${type}${resourceName(planned)}`);
      }
      return { new_state: encodeDynamicValue(next), private: req.planned_private, diagnostics: [] };
    } catch (err) {
      // A failed apply was rolled back by the engine: the resource is as before.
      const action = planned === null ? "Destroying" : prior ? "Updating" : "Creating";
      return {
        new_state: encodeDynamicValue(prior),
        diagnostics: toWireDiagnostics(diagnosticsFromError(err, `${action} ${type}${resourceName(planned ?? prior)}`)),
      };
    }
  }

  async ReadResource(req: Req): Promise<Res> {
    const type = String(req.type_name);
    let current: TfObject | null = null;
    try {
      const { handler, block } = await this.handler(type);
      current = asObject(decodeDynamicValue(req.current_state as DynamicValueMessage), "current state");
      if (current === null) return { new_state: encodeDynamicValue(null), diagnostics: [] };
      const observed = await handler.read(current);
      return { new_state: encodeDynamicValue(conformObject(observed, block)), private: req.private, diagnostics: [] };
    } catch (err) {
      return {
        new_state: encodeDynamicValue(current),
        private: req.private,
        diagnostics: toWireDiagnostics(diagnosticsFromError(err, `Reading ${type}${resourceName(current)}`)),
      };
    }
  }

  async ImportResourceState(req: Req): Promise<Res> {
    const type = String(req.type_name);
    const id = String(req.id ?? "");
    try {
      const { handler, block } = await this.handler(type);
      const found = await handler.importState(id);
      if (found === null) {
        return { diagnostics: toWireDiagnostics([errorDiagnostic(`Cannot import ${type} ${shortValue(id, 64)}: not found`, `No ${type} with id ${shortValue(id, 64)} exists on the routers.`)]) };
      }
      return { imported_resources: [{ type_name: type, state: encodeDynamicValue(conformObject(found, block)) }], diagnostics: [] };
    } catch (err) {
      return { diagnostics: toWireDiagnostics(diagnosticsFromError(err, `Importing ${type} ${shortValue(id, 64)}`)) };
    }
  }

  async UpgradeResourceState(req: Req): Promise<Res> {
    const type = String(req.type_name);
    try {
      const { handler, block } = await this.handler(type);
      const version = Number(req.version ?? 0);
      const raw = req.raw_state as { json?: Uint8Array; flatmap?: Record<string, string> } | undefined;
      if (!raw?.json || raw.json.length === 0) {
        throw new Error(`stored state of ${type} has no JSON form (flatmap state was never written by srv6)`);
      }
      if (version > handler.schemaVersion) {
        throw new Error(`stored state of ${type} has schema version ${version}, newer than this provider's ${handler.schemaVersion}: upgrade the srv6 provider`);
      }
      let stored = asObject(decodeJson(raw.json), "stored state") as Record<string, unknown> | null;
      if (stored && version < handler.schemaVersion) stored = await handler.upgradeState(version, stored);
      return { upgraded_state: encodeDynamicValue(conformObject(stored, block)), diagnostics: [] };
    } catch (err) {
      return { diagnostics: toWireDiagnostics(diagnosticsFromError(err, `Upgrading the stored state of ${type}`)) };
    }
  }

  async StopProvider(): Promise<Res> {
    try {
      const loaded = this.loadedBackend();
      if (loaded) await (await loaded).stop();
      return {};
    } catch (err) {
      return { Error: (err as Error).message ?? String(err) };
    }
  }
}

