/**
 * Sysctls of lab namespaces, set before any interface exists so that every
 * interface inherits the `default` values.
 */
export const ROUTER_SYSCTLS: readonly string[] = [
  "net.ipv6.conf.all.forwarding=1",
  "net.ipv6.conf.default.forwarding=1",
  "net.ipv6.conf.all.seg6_enabled=1",
  "net.ipv6.conf.default.seg6_enabled=1",
  // Addresses must be usable at once: no duplicate address detection delay.
  "net.ipv6.conf.all.accept_dad=0",
  "net.ipv6.conf.default.accept_dad=0",
  // A link failure with carrier loss must not remove the link's addresses.
  "net.ipv6.conf.all.keep_addr_on_down=1",
  "net.ipv6.conf.default.keep_addr_on_down=1",
];

export const HOST_SYSCTLS: readonly string[] = [
  "net.ipv6.conf.all.accept_dad=0",
  "net.ipv6.conf.default.accept_dad=0",
  "net.ipv6.conf.all.keep_addr_on_down=1",
  "net.ipv6.conf.default.keep_addr_on_down=1",
];
