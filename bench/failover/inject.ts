/**
 * Silent failure of the protected link, made by the lab's wire exactly as
 * `srv6 lab fail` makes it (lab/failures.ts): one map write cuts both
 * directions in the same instant, carrier stays up, nothing changes inside
 * either router. The skew between the two directions is zero by
 * construction; the benchmark still measures it with a stream each way and
 * reports it (`injectSkewMs`).
 */
import type { BenchLab } from "../lab";
import type { ProtectedLink } from "./system";

export async function failSilently(lab: BenchLab, link: ProtectedLink): Promise<void> {
  await lab.fail(link.a, link.b);
}

/** How a failure is made: silently (carrier up), or by carrier loss at both ends at once. */
export type FailureKind = "silent" | "carrier";

export async function injectFailure(lab: BenchLab, link: ProtectedLink, kind: FailureKind): Promise<void> {
  if (kind === "carrier") await lab.fail(link.a, link.b, { carrier: true });
  else await failSilently(lab, link);
}

/** Removes the failure (idempotent). A silent heal touches no route, so FRR's stay as they are. */
export async function healSilent(lab: BenchLab, link: ProtectedLink): Promise<void> {
  await lab.heal(link.a, link.b);
}
