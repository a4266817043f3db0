/** Low-level bindings: one class per Terraform type of the srv6 provider. */
export { Srv6Provider, type Srv6ProviderProps } from "./srv6-provider";
export { Srv6Router, type Srv6RouterProps } from "./srv6-router";
export { Srv6ProtectedLink, type Srv6ProtectedLinkProps } from "./srv6-protected-link";
export { Srv6BackupPolicy, type Srv6BackupPolicyProps } from "./srv6-backup-policy";
