/**
 * What every low-level binding of the srv6 provider does alike: split
 * Terraform's meta-arguments from the attributes, check the attributes
 * against the resource's schema (model/schema.ts) at construction, and
 * synthesize them as given (snake_case, as Terraform spells them).
 */
import { TerraformResource, type TerraformMetaArguments } from "cdktf";
import type { Construct } from "constructs";
import { checkAttributes } from "./schema-check";

export abstract class Srv6Resource<Config extends { readonly name: string }> extends TerraformResource {
  readonly config: Config;

  protected constructor(scope: Construct, id: string, type: string, schema: object, props: Config & TerraformMetaArguments) {
    const { dependsOn, count, provider, lifecycle, forEach, provisioners, connection, ...config } = props;
    super(scope, id, { terraformResourceType: type, dependsOn, count, provider, lifecycle, forEach, provisioners, connection });
    checkAttributes(`${type} "${config.name}" (${this.node.path})`, schema, { ...config });
    this.config = config as unknown as Config;
  }

  /** A Terraform reference to this resource's name: use it where another resource names it. */
  get nameRef(): string {
    return this.getStringAttribute("name");
  }

  protected override synthesizeAttributes(): Record<string, unknown> {
    // Arrays are copied so that later changes to the props do not reach the synthesized document.
    return Object.fromEntries(Object.entries(this.config).map(([k, v]) => [k, Array.isArray(v) ? [...v] : v]));
  }

  protected override synthesizeHclAttributes(): Record<string, unknown> {
    return this.synthesizeAttributes();
  }
}
