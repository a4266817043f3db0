/** Synthesis helpers shared by the construct tests. */
import { Testing, TerraformStack } from "cdktf";
import Ajv from "ajv";
import { isIpv6Address } from "../../../model/ipv6";
import { RESOURCE_TYPES, providerConfigSchema } from "../../../model/schema";

export interface SynthesizedStack {
  provider?: { srv6?: Record<string, unknown>[] };
  resource?: Record<string, Record<string, Record<string, unknown>>>;
  terraform?: { required_providers?: Record<string, { source: string; version: string }> };
}

/** Testing.synth with validations on, parsed. */
export function synthJson(stack: TerraformStack): SynthesizedStack {
  return JSON.parse(Testing.synth(stack, true)) as SynthesizedStack;
}

export function resourcesOf(json: SynthesizedStack, type: string): Record<string, Record<string, unknown>> {
  return json.resource?.[type] ?? {};
}

/** Terraform meta-arguments the engine ignores when it reads a resource's attributes. */
const META = new Set(["//", "provider", "depends_on", "count", "for_each", "lifecycle"]);

const ajv = new Ajv({ allErrors: true, strict: true });
ajv.addFormat("ipv6", isIpv6Address);

/** Every resource's attributes (meta-arguments removed) checked against the shared schemas; returns the problems. */
export function schemaProblems(json: SynthesizedStack): string[] {
  const problems: string[] = [];
  for (const [type, resources] of Object.entries(json.resource ?? {})) {
    const schema = (RESOURCE_TYPES as Record<string, object>)[type];
    if (schema === undefined) {
      problems.push(`unknown resource type ${type}`);
      continue;
    }
    const validate = ajv.getSchema(type) ?? ajv.compile(schema);
    for (const [name, resource] of Object.entries(resources)) {
      const attributes = Object.fromEntries(Object.entries(resource).filter(([k]) => !META.has(k)));
      // References are strings like ${srv6_router.r1.name}: replace them by the name they resolve to.
      const resolved = JSON.parse(JSON.stringify(attributes).replace(/\$\{srv6_[a-z_]+\.([a-z0-9_-]+)\.name\}/g, "$1")) as unknown;
      if (!validate(resolved)) problems.push(`${type}.${name}: ${ajv.errorsText(validate.errors)}`);
    }
  }
  const validateProvider = ajv.getSchema("srv6_provider") ?? ajv.compile(providerConfigSchema);
  for (const block of json.provider?.srv6 ?? []) {
    const attributes = Object.fromEntries(Object.entries(block).filter(([k]) => k !== "alias"));
    if (!validateProvider(attributes)) problems.push(`provider srv6: ${ajv.errorsText(validateProvider.errors)}`);
  }
  return problems;
}
