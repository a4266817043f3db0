/**
 * The Python programs the engine runs on routers (router/*.py), passed as
 * `python3 -c SCRIPT ...` so nothing has to be installed first.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";

export const PACKAGE_ROOT = join(__dirname, "../../..");

const cache = new Map<string, string>();

export function routerScript(name: "srv6p-apply.py" | "srv6p-observe.py"): string {
  let text = cache.get(name);
  if (text === undefined) {
    text = readFileSync(join(PACKAGE_ROOT, "router", name), "utf8");
    cache.set(name, text);
  }
  return text;
}

export function pythonArgv(name: "srv6p-apply.py" | "srv6p-observe.py", args: readonly string[]): string[] {
  return ["python3", "-c", routerScript(name), ...args];
}
