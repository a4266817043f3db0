/**
 * A fake ResourceBackend for the plugin tests: "routers" are a JSON file
 * (SRV6_FAKE_BACKEND_FILE) holding the resources that exist, so that state
 * survives the provider process (the host starts a new one for every
 * command) and a test can tamper with it like an operator on a router.
 * Every call is appended to the file's `calls` log so tests can check that
 * an update was an update and not a replace.
 *
 * Behaviour chosen to exercise the protocol:
 * - `id` is the name and is known only after apply (create);
 * - changing a router's `host`/`name`, a link's `name`/`router_a`/`router_b`,
 *   or a policy's `name`/`router`/`link` requires replacement;
 * - srv6_protected_link has schema version 1: version 0 called
 *   `probe_interval_ms` `interval_ms`;
 * - srv6_backup_policy has schema version 1, with the engine's upgrader
 *   (version 0 had one `prefix`, provider/engine/plugin/policy-upgrade.ts),
 *   and a policy stored in the file by the old provider reads back as
 *   version 1 does, as an old router record does;
 * - with SRV6_FAKE_DELAY_MS, create and update take that long, and the file
 *   records the most applies seen in flight at once (`maxInFlight`);
 * - a router whose user is `unreachable` fails to apply with an engine-like
 *   typed error (router, command, exit code, stderr), changing nothing.
 */
import * as fs from "node:fs";
import type { ResourceType } from "../../model/schema";
import type { AttributePath, Diagnostic, PlanResult, ResourceBackend, ResourceHandler, TfObject, TfValue } from "../../provider/plugin/backend";
import { isUnknown } from "../../provider/plugin/backend";
import { POLICY_SCHEMA_VERSION, upgradePolicyState } from "../../provider/engine/plugin/policy-upgrade";

export const FAKE_FILE_ENV = "SRV6_FAKE_BACKEND_FILE";

export interface FakeWorld {
  resources: Record<string, TfObject>;
  calls: Array<{ op: string; type: string; name: string }>;
  configured?: Record<string, unknown>;
  maxInFlight?: number;
}

export const FAKE_DELAY_ENV = "SRV6_FAKE_DELAY_MS";

/** Applies in progress in this provider process, to show the host runs them in parallel. */
let inFlight = 0;

async function slowly<T>(file: string, fn: () => T): Promise<T> {
  const delayMs = Number(process.env[FAKE_DELAY_ENV] ?? 0);
  inFlight++;
  try {
    const world = readWorld(file);
    world.maxInFlight = Math.max(world.maxInFlight ?? 0, inFlight);
    writeWorld(file, world);
    if (delayMs > 0) await new Promise((r) => setTimeout(r, delayMs));
    return fn();
  } finally {
    inFlight--;
  }
}

export function readWorld(file: string): FakeWorld {
  if (!fs.existsSync(file)) return { resources: {}, calls: [] };
  return JSON.parse(fs.readFileSync(file, "utf8")) as FakeWorld;
}

export function writeWorld(file: string, world: FakeWorld): void {
  const tmp = `${file}.tmp-${process.pid}`;
  fs.writeFileSync(tmp, JSON.stringify(world, null, 2));
  fs.renameSync(tmp, file);
}

/** An error shaped like the engine's typed command errors. */
class FakeCommandError extends Error {
  override readonly name = "FakeCommandError";
  constructor(
    message: string,
    readonly router: string,
    readonly command: string[],
    readonly exitCode: number,
    readonly stderr: string,
  ) {
    super(message);
  }
}

const REPLACE_ON: Record<ResourceType, string[]> = {
  srv6_router: ["name", "host"],
  srv6_protected_link: ["name", "router_a", "router_b"],
  srv6_backup_policy: ["name", "router", "link"],
};

function same(a: TfValue | undefined, b: TfValue | undefined): boolean {
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}

function handlerFor(type: ResourceType, file: string): ResourceHandler {
  const key = (name: unknown) => `${type}/${String(name)}`;
  const mutate = <T>(op: string, name: unknown, fn: (w: FakeWorld) => T): T => {
    const world = readWorld(file);
    const out = fn(world);
    world.calls.push({ op, type, name: String(name) });
    writeWorld(file, world);
    return out;
  };
  const failIfAsked = (obj: TfObject): void => {
    if (type === "srv6_router" && obj.user === "unreachable") {
      throw new FakeCommandError("ip -6 route replace exited 2", String(obj.name), ["ip", "-6", "route", "replace", "fc00::/64"], 2, "RTNETLINK answers: No route to host");
    }
  };
  /** A resource as the file holds it, policies written before version 1 in today's shape. */
  const stored = (name: unknown): TfObject | null => {
    const obj = readWorld(file).resources[key(name)] ?? null;
    return obj && type === "srv6_backup_policy" && "prefix" in obj ? (upgradePolicyState(0, obj) as TfObject) : obj;
  };
  return {
    schemaVersion: type === "srv6_protected_link" ? 1 : type === "srv6_backup_policy" ? POLICY_SCHEMA_VERSION : 0,
    async validate(config: TfObject): Promise<Diagnostic[]> {
      if (type === "srv6_router" && !isUnknown(config.node_sid) && config.node_sid !== null && config.node_sid === config.decap_sid) {
        return [{ severity: "error", summary: `Invalid srv6_router "${String(config.name)}": decap_sid`, detail: `decap_sid ${String(config.decap_sid)} is also the node_sid`, path: [{ attribute: "decap_sid" }] }];
      }
      return [];
    },
    async plan(prior: TfObject | null, proposed: TfObject): Promise<PlanResult> {
      if (!prior) return { planned: { ...proposed, id: null } };
      const requiresReplace: AttributePath[] = REPLACE_ON[type].filter((a) => !same(prior[a], proposed[a])).map((a) => [{ attribute: a }]);
      return { planned: { ...proposed, id: prior.id }, requiresReplace };
    },
    async create(planned: TfObject): Promise<TfObject> {
      failIfAsked(planned);
      return slowly(file, () => mutate("create", planned.name, (w) => {
        if (w.resources[key(planned.name)]) throw new Error(`${type} ${String(planned.name)} already exists`);
        const obj = { ...planned, id: String(planned.name) };
        w.resources[key(planned.name)] = obj;
        return obj;
      }));
    },
    async update(prior: TfObject, planned: TfObject): Promise<TfObject> {
      failIfAsked(planned);
      return slowly(file, () => mutate("update", planned.name, (w) => {
        const obj = { ...planned, id: prior.id };
        w.resources[key(planned.name)] = obj;
        return obj;
      }));
    },
    async delete(prior: TfObject): Promise<void> {
      mutate("delete", prior.name, (w) => {
        delete w.resources[key(prior.name)];
      });
    },
    async read(state: TfObject): Promise<TfObject | null> {
      return stored(state.name);
    },
    async importState(id: string): Promise<TfObject | null> {
      return stored(id);
    },
    async upgradeState(fromVersion: number, raw: Record<string, unknown>): Promise<Record<string, unknown>> {
      if (type === "srv6_backup_policy") return upgradePolicyState(fromVersion, raw);
      if (type !== "srv6_protected_link" || fromVersion !== 0) throw new Error(`no upgrade of ${type} from version ${fromVersion}`);
      const { interval_ms, ...rest } = raw;
      return { ...rest, probe_interval_ms: interval_ms ?? null };
    },
  };
}

export function createBackend(): ResourceBackend {
  const file = process.env[FAKE_FILE_ENV];
  if (!file) throw new Error(`${FAKE_FILE_ENV} is not set: the fake backend needs a file to keep its resources in`);
  return {
    async configure(config) {
      const world = readWorld(file);
      world.configured = { ...config };
      writeWorld(file, world);
      return [];
    },
    resources: {
      srv6_router: handlerFor("srv6_router", file),
      srv6_protected_link: handlerFor("srv6_protected_link", file),
      srv6_backup_policy: handlerFor("srv6_backup_policy", file),
    },
    async stop() {},
  };
}
