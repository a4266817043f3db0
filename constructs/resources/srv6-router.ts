/**
 * `srv6_router`. Low-level binding: attributes are exactly `RouterConfig` of
 * model/schema.ts (snake_case, as Terraform spells them).
 */
import { TerraformResource, type TerraformMetaArguments } from "cdktf";
import type { Construct } from "constructs";
import { routerSchema, type RouterConfig } from "../../model/schema";
import { checkAttributes } from "./schema-check";

export interface Srv6RouterProps extends RouterConfig, TerraformMetaArguments {}

export class Srv6Router extends TerraformResource {
  static readonly TYPE = "srv6_router";
  readonly config: RouterConfig;

  constructor(scope: Construct, id: string, props: Srv6RouterProps) {
    const { dependsOn, count, provider, lifecycle, forEach, provisioners, connection, ...config } = props;
    super(scope, id, {
      terraformResourceType: Srv6Router.TYPE,
      dependsOn, count, provider, lifecycle, forEach, provisioners, connection,
    });
    checkAttributes(`${Srv6Router.TYPE} "${config.name}" (${this.node.path})`, routerSchema, { ...config });
    this.config = config;
  }

  /** A Terraform reference to this router's name: use it where another resource names the router. */
  get nameRef(): string {
    return this.getStringAttribute("name");
  }

  protected override synthesizeAttributes(): Record<string, unknown> {
    return { ...this.config };
  }

  protected override synthesizeHclAttributes(): Record<string, unknown> {
    return this.synthesizeAttributes();
  }
}
