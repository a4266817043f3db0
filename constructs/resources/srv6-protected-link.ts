/**
 * `srv6_protected_link`. Low-level binding: attributes are exactly
 * `ProtectedLinkConfig` of model/schema.ts. `router_a` and
 * `router_b` should be references (`Srv6Router.nameRef`) so Terraform creates
 * the routers first.
 */
import { TerraformResource, type TerraformMetaArguments } from "cdktf";
import type { Construct } from "constructs";
import { protectedLinkSchema, type ProtectedLinkConfig } from "../../model/schema";
import { checkAttributes } from "./schema-check";

export interface Srv6ProtectedLinkProps extends ProtectedLinkConfig, TerraformMetaArguments {}

export class Srv6ProtectedLink extends TerraformResource {
  static readonly TYPE = "srv6_protected_link";
  readonly config: ProtectedLinkConfig;

  constructor(scope: Construct, id: string, props: Srv6ProtectedLinkProps) {
    const { dependsOn, count, provider, lifecycle, forEach, provisioners, connection, ...config } = props;
    super(scope, id, {
      terraformResourceType: Srv6ProtectedLink.TYPE,
      dependsOn, count, provider, lifecycle, forEach, provisioners, connection,
    });
    checkAttributes(`${Srv6ProtectedLink.TYPE} "${config.name}" (${this.node.path})`, protectedLinkSchema, { ...config });
    this.config = config;
  }

  /** A Terraform reference to this link's name. */
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
