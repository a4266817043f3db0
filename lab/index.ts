/** The built-in lab: a network of real Linux routers made of namespaces on this machine. */
export { labUp, type UpOptions } from "./up";
export { labDown, listLabs, type DownReport } from "./down";
export { labExec, nodeArgv, type ExecOptions } from "./exec";
export { labFail, labHeal, linkStates, type FailOptions, type LinkState } from "./failures";
export { labReboot, type RebootOptions, type RebootReport } from "./reboot";
export { labStatus, allLabStatus, type LabStatus } from "./status";
export { readInventory, readPlan, resolveLabName } from "./state";
export { loadTopology, parseTopology } from "./topology/load";
export { TopologyError, LabCommandError, LabStateError } from "./errors";
export type { Inventory, InventoryRouter, InventoryHost, InventoryLink, InventoryInterface } from "./inventory";
export { labConnections, type LabConnection, type LabConnectionsOptions, INVENTORY_ENV } from "./connections";
