/**
 * A protection system under test, as the failover benchmark drives it: our
 * eBPF dataplane or the FRR baseline, installed on the same lab with the
 * same protected link.
 */
export type SystemName = "srv6-protect" | "frr-bfd";

export interface ProtectedLink {
  /** Upstream end: the metered stream leaves this router over `aIf`. */
  readonly a: string;
  readonly aIf: string;
  readonly b: string;
  readonly bIf: string;
}

export interface Setting {
  readonly system: SystemName;
  readonly intervalMs: number;
  readonly multiplier: number;
}

export interface FailoverSystem {
  readonly setting: Setting;
  /**
   * How long the stream must run without loss after a heal before the next
   * failure: longer than any delayed after-effect of the heal (FRR: the
   * OSPF dead interval).
   */
  readonly settleMs: number;
  /** Installs the system with the setting's timers; resolves once it carries traffic on the primary path. */
  install(progress: (line: string) => void): Promise<void>;
  /** Resolves when the protected link is declared alive and traffic uses it again; rejects after timeoutMs. */
  waitHealthy(timeoutMs: number): Promise<void>;
  /**
   * When the upstream end (link.a) declared the link down, as a monotonic
   * ns time, for the first declaration at or after sinceNs; undefined if none.
   */
  detectedAt(sinceNs: number): Promise<number | undefined>;
  /** Down declarations on the protected link so far, both ends (false-failover counting). */
  downCount(): Promise<number>;
  /** Removes everything install() made. Never throws; returns the problems it met. */
  uninstall(): Promise<string[]>;
}
