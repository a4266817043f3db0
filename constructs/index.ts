/**
 * srv6-protect constructs.
 * - Intent level: ProtectedNetwork with its routers and links.
 * - Low level (`resources`): one class per Terraform resource type.
 * - `spf`: the shared shortest-path rules (the lab routes with them).
 */
export { ProtectedNetwork, type ProtectedNetworkProps, type ProtectAllOptions } from "./protected-network";
export { Router, type IRouter, type RouterProps } from "./router";
export { Link, type ILink, type LinkProps, DEFAULT_METRIC } from "./link";
export { type ProtectionOptions, type ProtectionMode } from "./protection";
export { type LinkCoverage, type UncoveredPair } from "../model/coverage";
export { ConstructConfigError, type TopologyProblem, type TopologyProblemKind } from "./errors";
export { type NetworkPlan, type BackupPolicyPlan, type ProtectedLinkPlan, type RouterPlan } from "./lib/plan";
export * as resources from "./resources";
export * as spf from "../model/spf";
export * as sidLayout from "../model/sid-layout";
