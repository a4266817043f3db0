/** Low-level bindings: one class per Terraform type of the srv6 provider. */
export { Srv6Provider, type Srv6ProviderProps } from "./srv6-provider";
export { Router, type RouterResourceProps } from "./router";
export { ProtectedLink, type ProtectedLinkResourceProps } from "./protected-link";
export { BackupPolicy, type BackupPolicyResourceProps } from "./backup-policy";
