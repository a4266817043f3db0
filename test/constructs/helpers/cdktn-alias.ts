/**
 * Preloaded with `node --require` to run cdktf code under cdktn (the
 * maintained fork of cdktf, same API): resolves `cdktf` to `cdktn` and
 * `constructs` to the copy cdktn peers with, both from CDKTN_MODULES (the
 * repository's node_modules unless env CDKTN_MODULES names another).
 */
import Module from "node:module";
import { join } from "node:path";
import { CDKTN_MODULES } from "./cdktn";

const ALIASES: Record<string, string> = { cdktf: join(CDKTN_MODULES, "cdktn"), constructs: join(CDKTN_MODULES, "constructs") };
type Resolve = (request: string, ...rest: unknown[]) => string;
const moduleWithResolver = Module as unknown as { _resolveFilename: Resolve };
const original = moduleWithResolver._resolveFilename;
moduleWithResolver._resolveFilename = function (this: unknown, request: string, ...rest: unknown[]): string {
  const [head, ...sub] = request.split("/");
  const target = head !== undefined ? ALIASES[head] : undefined;
  return original.call(this, target === undefined ? request : [target, ...sub].join("/"), ...rest);
} as Resolve;
