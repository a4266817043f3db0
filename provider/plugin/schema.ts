/**
 * The Terraform schema of the provider, derived from the shared JSON Schemas
 * in model/schema.ts (the single source of truth), plus the
 * computed `id` every resource carries.
 */
import { Srv6ProtectError } from "../../model/errors";
import { providerConfigSchema, RESOURCE_TYPES, type ResourceType } from "../../model/schema";
import { isUnknown, type TfObject, type TfValue } from "./values";

/** A cty type as the protocol spells it in JSON: "string", ["list","string"], ["object",{...}]. */
export type TfType = "string" | "number" | "bool" | ["list", TfType] | ["object", Record<string, TfType>];

export interface AttributeSchema {
  name: string;
  type: TfType;
  description: string;
  required: boolean;
  optional: boolean;
  computed: boolean;
}

export interface BlockSchema {
  description: string;
  attributes: AttributeSchema[];
}

/** The subset of JSON Schema our resource schemas use. */
interface JsonSchemaNode {
  type?: string;
  description?: string;
  properties?: Record<string, JsonSchemaNode>;
  required?: readonly string[];
  items?: JsonSchemaNode;
}

export class SchemaDerivationError extends Srv6ProtectError {
  override readonly name = "SchemaDerivationError";
  override readonly kind = "schema-derivation";
}

function tfTypeOf(node: JsonSchemaNode, where: string): TfType {
  switch (node.type) {
    case "string":
      return "string";
    case "integer":
    case "number":
      return "number";
    case "boolean":
      return "bool";
    case "array":
      if (!node.items) throw new SchemaDerivationError(`${where}: array without items`);
      return ["list", tfTypeOf(node.items, `${where}[]`)];
    case "object": {
      const attrs: Record<string, TfType> = {};
      for (const [name, child] of Object.entries(node.properties ?? {})) attrs[name] = tfTypeOf(child, `${where}.${name}`);
      return ["object", attrs];
    }
    default:
      throw new SchemaDerivationError(`${where}: JSON Schema type ${String(node.type)} has no Terraform equivalent`);
  }
}

/** The computed attribute added to every resource: its identity in state and for import. */
export const ID_ATTRIBUTE = "id";

export function blockFromJsonSchema(schema: object, opts: { withId: boolean; idDescription?: string }): BlockSchema {
  const root = schema as JsonSchemaNode;
  const required = new Set(root.required ?? []);
  const attributes: AttributeSchema[] = Object.entries(root.properties ?? {}).map(([name, node]) => ({
    name,
    type: tfTypeOf(node, name),
    description: node.description ?? "",
    required: required.has(name),
    optional: !required.has(name),
    computed: false,
  }));
  if (opts.withId) {
    attributes.push({
      name: ID_ATTRIBUTE,
      type: "string",
      description: opts.idDescription ?? "Identifier of the resource (its name); also the argument of `tofu import`.",
      required: false,
      optional: false,
      computed: true,
    });
  }
  return { description: root.description ?? "", attributes };
}

let resourceBlocks: Map<ResourceType, BlockSchema> | undefined;

export function resourceBlock(type: ResourceType): BlockSchema {
  resourceBlocks ??= new Map(
    (Object.keys(RESOURCE_TYPES) as ResourceType[]).map((t) => [t, blockFromJsonSchema(RESOURCE_TYPES[t], { withId: true })]),
  );
  const block = resourceBlocks.get(type);
  if (!block) throw new SchemaDerivationError(`no schema for resource type ${type}`);
  return block;
}

export function providerBlock(): BlockSchema {
  return blockFromJsonSchema(providerConfigSchema, { withId: false });
}

export function isResourceType(name: string): name is ResourceType {
  return Object.prototype.hasOwnProperty.call(RESOURCE_TYPES, name);
}

export const RESOURCE_TYPE_NAMES = Object.keys(RESOURCE_TYPES) as ResourceType[];

/**
 * Shapes a value to a type: every object attribute present (null when
 * missing), attributes the type does not know dropped. The host rejects
 * objects whose attribute set differs from the schema.
 */
export function conformValue(value: unknown, type: TfType): TfValue {
  if (value === null || value === undefined) return null;
  if (isUnknown(value)) return value;
  if (Array.isArray(type)) {
    if (type[0] === "list") return Array.isArray(value) ? value.map((v) => conformValue(v, type[1])) : null;
    const attrs = type[1];
    if (typeof value !== "object" || Array.isArray(value)) return null;
    const src = value as Record<string, unknown>;
    const out: TfObject = {};
    for (const [name, t] of Object.entries(attrs)) out[name] = conformValue(src[name], t);
    return out;
  }
  return value as TfValue;
}

export function objectTypeOf(block: BlockSchema): TfType {
  return ["object", Object.fromEntries(block.attributes.map((a) => [a.name, a.type]))];
}

/** Shapes an object to a block: see conformValue. */
export function conformObject(value: unknown, block: BlockSchema): TfObject | null {
  return conformValue(value, objectTypeOf(block)) as TfObject | null;
}
