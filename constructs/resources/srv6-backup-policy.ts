/**
 * `srv6_backup_policy`. Low-level binding: attributes are exactly
 * `BackupPolicyConfig` of model/schema.ts. `router` and `link`
 * should be references (`Srv6Router.nameRef`, `Srv6ProtectedLink.nameRef`).
 */
import type { TerraformMetaArguments } from "cdktf";
import type { Construct } from "constructs";
import { backupPolicySchema, type BackupPolicyConfig } from "../../model/schema";
import { Srv6Resource } from "./srv6-resource";

export interface Srv6BackupPolicyProps extends BackupPolicyConfig, TerraformMetaArguments {}

export class Srv6BackupPolicy extends Srv6Resource<BackupPolicyConfig> {
  static readonly TYPE = "srv6_backup_policy";

  constructor(scope: Construct, id: string, props: Srv6BackupPolicyProps) {
    super(scope, id, Srv6BackupPolicy.TYPE, backupPolicySchema, props);
  }
}
