/** Conversions between our types and the tfplugin6 message shapes (proto-loader, keepCase). */
import type { AttributePath, Diagnostic } from "./diagnostics";
import type { AttributeSchema, BlockSchema } from "./schema";

export interface WireDiagnostic {
  severity: number;
  summary: string;
  detail: string;
  attribute?: WireAttributePath;
}
export interface WireAttributePath {
  steps: Array<{ attribute_name: string } | { element_key_int: number } | { element_key_string: string }>;
}

const SEVERITY = { error: 1, warning: 2 } as const;

export function toWirePath(path: AttributePath): WireAttributePath {
  return {
    steps: path.map((s) => ("attribute" in s ? { attribute_name: s.attribute } : "index" in s ? { element_key_int: s.index } : { element_key_string: s.key })),
  };
}

export function fromWirePath(wire: WireAttributePath | undefined): AttributePath {
  return (wire?.steps ?? []).map((s) => {
    const step = s as Partial<{ attribute_name: string; element_key_int: number | string; element_key_string: string }>;
    if (step.attribute_name !== undefined) return { attribute: step.attribute_name };
    if (step.element_key_int !== undefined) return { index: Number(step.element_key_int) };
    return { key: step.element_key_string ?? "" };
  });
}

export function toWireDiagnostic(d: Diagnostic): WireDiagnostic {
  const out: WireDiagnostic = { severity: SEVERITY[d.severity], summary: d.summary, detail: d.detail };
  if (d.path && d.path.length > 0) out.attribute = toWirePath(d.path);
  return out;
}

export function toWireDiagnostics(ds: readonly Diagnostic[]): WireDiagnostic[] {
  return ds.map(toWireDiagnostic);
}

function toWireAttribute(a: AttributeSchema): Record<string, unknown> {
  return {
    name: a.name,
    type: Buffer.from(JSON.stringify(a.type)),
    description: a.description,
    description_kind: 0,
    required: a.required,
    optional: a.optional,
    computed: a.computed,
    sensitive: false,
  };
}

export function toWireSchema(block: BlockSchema, version: number): Record<string, unknown> {
  return {
    version,
    block: {
      version,
      description: block.description,
      description_kind: 0,
      attributes: block.attributes.map(toWireAttribute),
      block_types: [],
    },
  };
}
