/**
 * `srv6_backup_policy`. Low-level binding: attributes are exactly
 * `BackupPolicyConfig` of model/schema.ts. `router` and `link`
 * should be references (`Srv6Router.nameRef`, `Srv6ProtectedLink.nameRef`).
 */
import { TerraformResource, type TerraformMetaArguments } from "cdktf";
import type { Construct } from "constructs";
import { backupPolicySchema, type BackupPolicyConfig } from "../../model/schema";
import { checkAttributes } from "./schema-check";

export interface Srv6BackupPolicyProps extends BackupPolicyConfig, TerraformMetaArguments {}

export class Srv6BackupPolicy extends TerraformResource {
  static readonly TYPE = "srv6_backup_policy";
  readonly config: BackupPolicyConfig;

  constructor(scope: Construct, id: string, props: Srv6BackupPolicyProps) {
    const { dependsOn, count, provider, lifecycle, forEach, provisioners, connection, ...config } = props;
    super(scope, id, {
      terraformResourceType: Srv6BackupPolicy.TYPE,
      dependsOn, count, provider, lifecycle, forEach, provisioners, connection,
    });
    checkAttributes(`${Srv6BackupPolicy.TYPE} "${config.name}" (${this.node.path})`, backupPolicySchema, { ...config });
    this.config = config;
  }

  protected override synthesizeAttributes(): Record<string, unknown> {
    return { ...this.config, segments: [...this.config.segments] };
  }

  protected override synthesizeHclAttributes(): Record<string, unknown> {
    return this.synthesizeAttributes();
  }
}
