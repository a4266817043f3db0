/** Pure parsers of router output (no I/O): routes, links, sysctls, tunsrc, file hashes. */
export * from "./routes";
export * from "./links";
export * from "./sysctl";
export * from "./tunsrc";
export * from "./sha256sum";
