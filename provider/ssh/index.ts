/** SSH transport: one connection per router, a bounded pool, verified host keys, quoted argv. */
export { RouterConnection, type RunOptions, type CommandResult } from "./connection";
export { ConnectionPool, DEFAULT_PARALLELISM, type PoolOptions, type RouterOutcome } from "./pool";
export { routerConnectionOptions, inventoryConnectionOptions, parseJumpHost, SSH_DEFAULTS, type RouterConnectionOptions, type SshEndpoint, type InventoryRouterEndpoint } from "./options";
export { decideHostKey, defaultKnownHostsFile, type HostKeyPolicy } from "./host-key-policy";
export { parseKnownHosts, checkKnownHosts, sha256Fingerprint, knownHostsName, appendKnownHost } from "./known-hosts";
export { quoteArg, commandLine, commandText, QuoteError } from "./quote";
export { type UploadOptions, type UploadResult } from "./upload";
export { runMany, type BatchOptions } from "./batch";
