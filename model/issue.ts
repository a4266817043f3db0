/** One problem in a desired state, as every check (schema or whole-network) reports it. */
export interface SchemaIssue {
  /** `type.name`, e.g. `srv6_router.r1` (or the Terraform logical id when the name is unusable). */
  resource: string;
  /** Attribute path, e.g. `adjacency_sids[0].sid`; empty for the resource as a whole. */
  field: string;
  /** The bad value as found in the document. */
  value: unknown;
  /** What is wrong and what is allowed. */
  message: string;
}

export function formatIssue(issue: SchemaIssue): string {
  const where = issue.field ? `${issue.resource}.${issue.field}` : issue.resource;
  let value: string;
  try {
    value = issue.value === undefined ? "(missing)" : JSON.stringify(issue.value);
  } catch {
    value = String(issue.value);
  }
  if (value.length > 120) value = `${value.slice(0, 117)}...`;
  return `${where} = ${value}: ${issue.message}`;
}
