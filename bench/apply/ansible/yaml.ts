/**
 * A small YAML writer for the generated inventory and playbook: block style
 * for maps and lists (readable, like a hand-written playbook) and every
 * string double-quoted with JSON escapes, which YAML reads back verbatim, so
 * no value can turn into a number, a boolean or YAML syntax.
 */
export type YamlValue = string | number | boolean | null | readonly YamlValue[] | { readonly [key: string]: YamlValue | undefined };

function scalar(v: string | number | boolean | null): string {
  return typeof v === "string" ? JSON.stringify(v) : String(v);
}

function isBlock(v: YamlValue): boolean {
  return v !== null && typeof v === "object" && (Array.isArray(v) ? v.length > 0 : Object.keys(v).length > 0);
}

function key(k: string): string {
  return /^[A-Za-z_][A-Za-z0-9_.-]*$/.test(k) ? k : JSON.stringify(k);
}

function lines(v: YamlValue, indent: string): string[] {
  if (Array.isArray(v)) {
    return (v as readonly YamlValue[]).flatMap((item) => {
      if (!isBlock(item)) return [`${indent}- ${inline(item)}`];
      const inner = lines(item, `${indent}  `);
      // The first line of the item goes after the dash.
      return [`${indent}- ${inner[0]!.trimStart()}`, ...inner.slice(1)];
    });
  }
  const obj = v as { readonly [key: string]: YamlValue | undefined };
  return Object.entries(obj).filter(([, x]) => x !== undefined).flatMap(([k, x]) => {
    if (!isBlock(x!)) return [`${indent}${key(k)}: ${inline(x!)}`];
    return [`${indent}${key(k)}:`, ...lines(x!, `${indent}  `)];
  });
}

function inline(v: YamlValue): string {
  if (Array.isArray(v)) return "[]";
  if (v !== null && typeof v === "object") return "{}";
  return scalar(v as string | number | boolean | null);
}

/** One YAML document. */
export function toYaml(v: YamlValue): string {
  if (!isBlock(v)) return `---\n${inline(v)}\n`;
  return `---\n${lines(v, "").join("\n")}\n`;
}
