/**
 * JSON.parse keeps the last of two equal keys silently; a topology with two
 * nodes of the same name, or an inventory listing a router twice, must be an
 * error instead. This scans the text for keys repeated within one object and
 * returns their JSON paths (`routers.r1`).
 */
export function findDuplicateKeys(text: string): string[] {
  const duplicates: string[] = [];
  // One frame per open object/array: keys seen, the path, and the pending key.
  const stack: { keys?: Set<string>; path: string; index: number; key?: string }[] = [];
  let expectKey = false;
  let i = 0;
  const childPath = (): string => {
    const top = stack[stack.length - 1];
    if (!top) return "";
    return top.keys ? `${top.path}.${top.key ?? ""}` : `${top.path}[${top.index}]`;
  };
  while (i < text.length) {
    const ch = text[i]!;
    if (ch === '"') {
      let j = i + 1;
      while (j < text.length && text[j] !== '"') j += text[j] === "\\" ? 2 : 1;
      const str = JSON.parse(text.slice(i, j + 1)) as string;
      const top = stack[stack.length - 1];
      if (expectKey && top?.keys) {
        if (top.keys.has(str)) duplicates.push(`${top.path}.${str}`);
        top.keys.add(str);
        top.key = str;
        expectKey = false;
      }
      i = j + 1;
      continue;
    }
    if (ch === "{") {
      stack.push({ keys: new Set(), path: childPath(), index: 0 });
      expectKey = true;
    } else if (ch === "[") {
      stack.push({ path: childPath(), index: 0 });
    } else if (ch === "}" || ch === "]") {
      stack.pop();
    } else if (ch === ",") {
      const top = stack[stack.length - 1];
      if (top?.keys) expectKey = true;
      else if (top) top.index++;
    }
    i++;
  }
  return duplicates.map((p) => p.replace(/^\./, ""));
}
