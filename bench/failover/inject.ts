/**
 * Failures, made by the lab's wire exactly as `srv6 lab fail` and
 * `srv6 lab fail-node` make them (lab/failures.ts):
 * - silent (the default): one map write cuts both directions of the
 *   protected link in the same instant, carrier stays up, nothing changes
 *   inside either router. The skew between the two directions is zero by
 *   construction; the benchmark still measures it with a stream each way and
 *   reports it (`injectSkewMs`);
 * - carrier: both ends of the protected link lose carrier at once;
 * - node: a router crashes with its links up (through a switch): every link
 *   of it is cut silently, both ways, by one write of the wire's group word;
 *   healed with the lab's heal-group. The failed router is the protected
 *   link's far end unless named, so the link still detects the failure.
 */
import type { BenchLab } from "../lab";
import type { ProtectedLink } from "./system";

export async function failSilently(lab: BenchLab, link: ProtectedLink): Promise<void> {
  await lab.fail(link.a, link.b);
}

/** How a failure is made: the protected link silently (carrier up), or by carrier loss at both ends at once; or every link of a router at once. */
export type FailureKind = "silent" | "carrier" | "node";

export async function injectFailure(lab: BenchLab, link: ProtectedLink, kind: FailureKind, node: string = link.b): Promise<void> {
  if (kind === "node") await lab.failNode(node);
  else if (kind === "carrier") await lab.fail(link.a, link.b, { carrier: true });
  else await failSilently(lab, link);
}

/** Removes the failure (idempotent). A silent heal touches no route, so FRR's stay as they are. */
export async function healSilent(lab: BenchLab, link: ProtectedLink): Promise<void> {
  await lab.heal(link.a, link.b);
}

/** Removes a failure of this kind: a node's links all at once (heal-group), else the protected link (also after a carrier loss). */
export async function healFailure(lab: BenchLab, link: ProtectedLink, kind: FailureKind): Promise<void> {
  if (kind === "node") await lab.healGroup();
  else await healSilent(lab, link);
}

/** What a run's rows say it measured: "link r1-r2", "carrier r1-r2" or "node r2". */
export function failureLabel(kind: FailureKind, link: Pick<ProtectedLink, "a" | "b">, node: string = link.b): string {
  switch (kind) {
    case "node":
      return `node ${node}`;
    case "carrier":
      return `carrier ${link.a}-${link.b}`;
    case "silent":
      return `link ${link.a}-${link.b}`;
  }
}
