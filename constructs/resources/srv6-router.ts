/**
 * `srv6_router`. Low-level binding: attributes are exactly `RouterConfig` of
 * model/schema.ts (snake_case, as Terraform spells them).
 */
import type { TerraformMetaArguments } from "cdktf";
import type { Construct } from "constructs";
import { routerSchema, type RouterConfig } from "../../model/schema";
import { Srv6Resource } from "./srv6-resource";

export interface Srv6RouterProps extends RouterConfig, TerraformMetaArguments {}

export class Srv6Router extends Srv6Resource<RouterConfig> {
  static readonly TYPE = "srv6_router";

  constructor(scope: Construct, id: string, props: Srv6RouterProps) {
    super(scope, id, Srv6Router.TYPE, routerSchema, props);
  }
}
