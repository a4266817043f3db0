/** Environment variable naming the topology file the scale app synthesizes from (kept apart so tools need not load cdktf). */
export const TOPOLOGY_ENV = "SRV6_SCALE_TOPOLOGY";
