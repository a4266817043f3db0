/**
 * The lab inventory: what the rest of the product (engine, tests, demo)
 * needs to reach and address the lab's routers and hosts.
 * Written by `srv6 lab up` to `<stateDir>/inventory.json`, printed by
 * `srv6 lab inventory`.
 */
export interface Inventory {
  /** Lab name; every namespace and root-namespace link is named `s6-<lab>-...`. */
  readonly lab: string;
  /** Where the lab keeps keys, configs, pid files: `/run/srv6-lab/<lab>`. */
  readonly stateDir: string;
  /** Client private key accepted by every router's sshd. */
  readonly privateKeyFile: string;
  /** known_hosts with every router's host key (management address, port 22). */
  readonly knownHostsFile: string;
  readonly routers: Readonly<Record<string, InventoryRouter>>;
  readonly hosts: Readonly<Record<string, InventoryHost>>;
  readonly links: readonly InventoryLink[];
}

export interface InventoryRouter {
  /** Management IPv4 address, reachable from the root namespace. */
  readonly host: string;
  readonly port: number;
  /** `root`, or a user with password-less sudo (`sudo: true`). */
  readonly user: string;
  readonly sudo: boolean;
  readonly privateKeyFile: string;
  readonly knownHostsFile: string;
  /** `SHA256:...` fingerprint of the router's host key. */
  readonly hostKeySha256: string;
  /** Network namespace name. */
  readonly netns: string;
  /** PID of the router's sshd: `nsenter -t PID -n -m -u` enters the router with its own bpffs. */
  readonly pid: number;
  /** The router's SRv6 locator, e.g. fc00:0:1::/48. */
  readonly locator: string;
  /** Loopback address (locator ::1), also the `ip sr tunsrc`. */
  readonly loopback: string;
  /** Data-plane interfaces by name. */
  readonly interfaces: Readonly<Record<string, InventoryInterface>>;
}

export interface InventoryInterface {
  /** This end's address with prefix length, e.g. fd00:0:0:1::1/64. */
  readonly address: string;
  /** The node at the other end. */
  readonly peer: string;
  readonly peerInterface: string;
  /** The other end's address without prefix length (a next hop). */
  readonly peerAddress: string;
  readonly metric: number;
}

export interface InventoryHost {
  readonly netns: string;
  /** The host's address, e.g. 2001:db8:1::2. */
  readonly address: string;
  /** The host's prefix, routed by the lab's base routing. */
  readonly prefix: string;
  readonly router: string;
  readonly interface: string;
}

export interface InventoryLink {
  /** `a:ifa` and `b:ifb`, as in the topology file. */
  readonly endpoints: readonly [string, string];
  readonly metric: number;
  /** The link's /64. */
  readonly subnet: string;
}
