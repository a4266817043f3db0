/** One problem in a desired state, as every check (schema or whole-network) reports it. */
export interface SchemaIssue {
  /** `type.name`, e.g. `srv6_router.r1` (or the Terraform logical id when the name is unusable). */
  resource: string;
  /** Attribute path, e.g. `adjacency_sids[0].sid`; empty for the resource as a whole. */
  field: string;
  /** The bad value as found in the document (key material replaced by KEY_MATERIAL_NOT_SHOWN). */
  value: unknown;
  /** What is wrong and what is allowed. */
  message: string;
}

/** What a message and an issue show instead of a private key pasted where a file name belongs. */
export const KEY_MATERIAL_NOT_SHOWN = "(key material, not shown)";

/** Attributes that name a private key file: a value there that is not one line may be the key itself. */
const KEY_FILE_ATTRIBUTES = new Set(["private_key_file", "privateKeyFile"]);

/** A PEM or OpenSSH private key (or a piece of one). */
export function looksLikeKeyMaterial(text: string): boolean {
  // "b3BlbnNzaC1rZXktdjE" is base64 for "openssh-key-v1", the first bytes of every OpenSSH private key.
  return /-----BEGIN |PRIVATE KEY|b3BlbnNzaC1rZXktdjE/.test(text);
}

/**
 * The value as an issue may carry it: any string that looks like key
 * material, and any value of a key file attribute (`attribute`, or a key
 * inside an object) that is not a single line, is replaced by
 * KEY_MATERIAL_NOT_SHOWN, so that a key pasted into the wrong place never
 * reaches a message, a log or `--json` output. Other values are returned as given.
 */
export function redactValue(value: unknown, attribute?: string): unknown {
  if (typeof value === "string") {
    if (looksLikeKeyMaterial(value)) return KEY_MATERIAL_NOT_SHOWN;
    // eslint-disable-next-line no-control-regex
    if (attribute !== undefined && KEY_FILE_ATTRIBUTES.has(attribute) && /[\x00-\x1f\x7f]/.test(value)) return KEY_MATERIAL_NOT_SHOWN;
    return value;
  }
  if (Array.isArray(value)) {
    const out = value.map((v) => redactValue(v, attribute));
    return out.every((v, i) => v === value[i]) ? value : out;
  }
  if (value !== null && typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype) {
    const entries = Object.entries(value);
    const out = entries.map(([k, v]) => [k, redactValue(v, k)] as const);
    return out.every(([, v], i) => v === entries[i]![1]) ? value : Object.fromEntries(out);
  }
  return value;
}

const NON_FINITE = "\u0000srv6-non-finite:";

/**
 * A value as messages show it: JSON, except that a number JSON cannot write
 * (Infinity, -Infinity, NaN: `1e400` in a JSON file parses to Infinity)
 * is shown as such instead of JSON's `null`, a bigint as its digits, and key
 * material not at all.
 */
export function formatValue(value: unknown): string {
  if (value === undefined) return "(missing)";
  const shown = redactValue(value);
  try {
    const text = JSON.stringify(shown, (_key, v: unknown) => {
      if (typeof v === "number" && !Number.isFinite(v)) return `${NON_FINITE}${String(v)}`;
      if (typeof v === "bigint") return `${NON_FINITE}${v.toString()}`;
      return v;
    });
    if (text === undefined) return String(shown);
    return text.replace(/"\\u0000srv6-non-finite:([^"]*)"/g, "$1");
  } catch {
    return String(shown);
  }
}

/** A value that JSON (`--json`, Terraform diagnostics) can carry: non-finite numbers as their text, key material redacted. */
export function jsonSafeValue(value: unknown): unknown {
  const shown = redactValue(value);
  if (typeof shown === "number" && !Number.isFinite(shown)) return String(shown);
  if (typeof shown === "bigint") return shown.toString();
  return shown;
}

export function formatIssue(issue: SchemaIssue): string {
  const where = issue.field ? `${issue.resource}.${issue.field}` : issue.resource;
  let value = formatValue(issue.field ? redactValue(issue.value, /[^.[\]]+$/.exec(issue.field)?.[0]) : issue.value);
  if (value.length > 120) value = `${value.slice(0, 117)}...`;
  return `${where} = ${value}: ${issue.message}`;
}
