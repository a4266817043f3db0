/**
 * The dataplane as the engine sees it: render a router's commands, decode
 * what its maps say. See bpf/README.md for the kernel side.
 */
export { renderDataplane, sourceAddress } from "./render";
export { decodeStatus, statusArgv, summarizeLinkEnds, StatusDecodeError, type DataplaneStatus, type LinkStatus, type LinkEndSummary, type MapDump } from "./status";
export { DataplaneInputError, DataplaneValidationError } from "./errors";
export { REASONS, reasonName, type ReasonInfo } from "./reasons";
export * from "./constants";
export * from "./layout";
export type * from "./types";
