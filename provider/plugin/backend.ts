/**
 * The contract between the plugin server (protocol side) and whatever makes
 * resources real (the engine, or a fake in tests).
 *
 * Values are Terraform values: objects with every schema attribute present,
 * null for "not set", and UNKNOWN (see values.ts) for "known only after
 * apply" (only ever in `validate` and `plan` input). The server has already
 * checked configurations against the shared JSON Schemas before calling
 * `validate` or `plan`, and shapes whatever the backend returns to the schema.
 *
 * The host holds the backend to two consistency rules, and reports a
 * breach as "Provider produced inconsistent result":
 * - `create`/`update` return the planned values unchanged for every
 *   non-computed attribute (do not canonicalize an address the user wrote);
 * - `read` returns the declared spelling whenever the router matches it, or
 *   every plan shows a perpetual diff. Return a different value only when
 *   the router really differs (that is drift, and plan shows it).
 *
 * Methods may throw. The server turns every exception into diagnostics
 * (see diagnostics.ts): throw a BackendError to choose them, or an engine
 * error carrying router/command/exitCode/stderr/cause to have them reported.
 */
import { Srv6ProtectError } from "../../model/errors";
import type { ProviderConfig, ResourceType } from "../../model/schema";
import type { AttributePath, Diagnostic } from "./diagnostics";
import type { TfObject } from "./values";

export type { AttributePath, Diagnostic, PathStep } from "./diagnostics";
export type { TfObject, TfValue } from "./values";
export { UNKNOWN, isUnknown, containsUnknown } from "./values";

export interface PlanResult {
  /**
   * The state the resource will have after apply. Non-computed attributes
   * must equal the proposed values. Computed attributes left null are filled
   * by the server: UNKNOWN on create, the prior value on update.
   */
  planned: TfObject;
  /** Attributes whose change cannot be made in place: the resource is replaced. */
  requiresReplace?: AttributePath[];
  /** Warnings (or errors, which stop the plan). */
  diagnostics?: Diagnostic[];
}

/** One resource type's lifecycle, made real by the backend. */
export interface ResourceHandler {
  /**
   * Version of the stored-state shape; bump it when the shape changes and
   * teach `upgradeState` the previous shape.
   */
  readonly schemaVersion: number;

  /** Checks beyond the JSON Schema (SIDs inside the locator, ...). Values may be UNKNOWN. */
  validate(config: TfObject): Promise<Diagnostic[]>;

  /** The planned new state of a create (prior null) or update. Values may be UNKNOWN. */
  plan(prior: TfObject | null, proposed: TfObject): Promise<PlanResult>;

  /** Terraform plans to destroy the resource: nothing to decide, but whole-network rules must stop counting it. */
  planDestroy?(prior: TfObject): void;

  /** Makes the resource exist on its routers; all or nothing. Returns the new state. */
  create(planned: TfObject): Promise<TfObject>;

  /** Changes the resource in place; all or nothing. Returns the new state. */
  update(prior: TfObject, planned: TfObject): Promise<TfObject>;

  /** Removes the resource from its routers. */
  delete(prior: TfObject): Promise<void>;

  /**
   * Observes the routers and returns what is really there (so that a plan
   * shows drift), or null when the resource is gone. Never repairs.
   */
  read(state: TfObject): Promise<TfObject | null>;

  /** The state of an existing resource named by `id`, or null when there is none. */
  importState(id: string): Promise<TfObject | null>;

  /**
   * Converts state stored at `fromVersion` (< schemaVersion) to the current
   * shape. `raw` is the stored JSON object.
   */
  upgradeState(fromVersion: number, raw: Record<string, unknown>): Promise<Record<string, unknown>>;
}

export interface ResourceBackend {
  /** Called once before any plan/apply/read with the provider block's values. */
  configure(config: ProviderConfig): Promise<Diagnostic[]>;
  /** The handler of each resource type. */
  readonly resources: Readonly<Record<ResourceType, ResourceHandler>>;
  /** Asked to stop in-flight work quickly (the user pressed Ctrl-C). */
  stop(): Promise<void>;
}

/**
 * What a backend module exports: `export function createBackend()`. The
 * server loads it lazily, after the handshake, so start-up stays short.
 */
export type BackendFactory = () => ResourceBackend | Promise<ResourceBackend>;

/** An error whose diagnostics the backend chose (e.g. one per bad attribute). */
export class BackendError extends Srv6ProtectError {
  override readonly name = "BackendError";
  override readonly kind = "backend";
  readonly diagnostics: Diagnostic[];
  constructor(diagnostics: Diagnostic[], options?: { cause?: unknown }) {
    super(diagnostics.map((d) => d.summary).join("; "), options);
    this.diagnostics = diagnostics;
  }
}
