/**
 * The dataplane as the engine sees it: lay a router out, render its typed
 * operations, decode what its maps say. See bpf/README.md for the kernel side.
 */
export { renderDataplane, renderLayout, sourceAddress } from "./render";
export { layoutRouter, routeDestinations, type RouterLayout, type LinkEnd } from "./router-layout";
export { type Operation, type OperationKind, type DesiredRoute, type RouteEncap, type BpfProgram, type MapContents } from "./operations";
export { decodeStatus, statusArgv, summarizeLinkEnds, StatusDecodeError, type DataplaneStatus, type LinkStatus, type LinkEndSummary, type MapDump } from "./status";
export { DataplaneInputError, DataplaneValidationError } from "./errors";
export { REASONS, reasonName, type ReasonInfo } from "./reasons";
export * from "./constants";
export * from "./map-layout";
export type * from "./types";
