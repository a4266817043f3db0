/**
 * A router's bundle that the renderer refuses (an interface the router does
 * not have, ...) becomes diagnostics: one per problem, each naming the
 * resource, the field and the value, with the attribute path when the
 * problem is in the resource being applied (tofu then points at its line).
 * Nothing reached the router: the renderer runs before any transaction.
 */
import { DataplaneValidationError } from "../../dataplane/errors";
import { BackendError, type Diagnostic } from "../../plugin/backend";
import { pathOfField } from "./validate";

function renderFailure(err: unknown): DataplaneValidationError | undefined {
  for (let cur = err, depth = 0; cur && depth < 4; cur = (cur as Error).cause, depth++) {
    if (cur instanceof DataplaneValidationError) return cur;
  }
  return undefined;
}

/** `err` as per-field diagnostics if the renderer refused the bundle, else `err` itself. */
export function withRenderDiagnostics(err: unknown, resource: string | undefined): unknown {
  const failure = renderFailure(err);
  if (!failure) return err;
  const diagnostics: Diagnostic[] = failure.errors.map((e) => ({
    severity: "error",
    summary: `Invalid ${e.resource}.${e.field} on router ${failure.router}`,
    detail: `${e.message}\nNothing was changed on any router.`,
    // The renderer spells list indexes `adjacency_sids.0.interface`.
    ...(e.resource === resource ? { path: pathOfField(e.field.replace(/\.(\d+)(?=\.|$)/g, "[$1]")) } : {}),
  }));
  return new BackendError(diagnostics, { cause: err });
}
