/**
 * `srv6_protected_link`. Low-level binding: attributes are exactly
 * `ProtectedLinkConfig` of model/schema.ts. `router_a` and
 * `router_b` should be references (`Srv6Router.nameRef`) so Terraform creates
 * the routers first.
 */
import type { TerraformMetaArguments } from "cdktf";
import type { Construct } from "constructs";
import { protectedLinkSchema, type ProtectedLinkConfig } from "../../model/schema";
import { Srv6Resource } from "./srv6-resource";

export interface Srv6ProtectedLinkProps extends ProtectedLinkConfig, TerraformMetaArguments {}

export class Srv6ProtectedLink extends Srv6Resource<ProtectedLinkConfig> {
  static readonly TYPE = "srv6_protected_link";

  constructor(scope: Construct, id: string, props: Srv6ProtectedLinkProps) {
    super(scope, id, Srv6ProtectedLink.TYPE, protectedLinkSchema, props);
  }
}
