/**
 * Preloaded with `node --require` to run the construct tests under cdktn
 * (the maintained fork of cdktf, same API): resolves `cdktf` to `cdktn` and
 * `constructs` to the copy cdktn peers with, both from the node_modules
 * directory named by env CDKTN_MODULES (installed outside the repository).
 */
import Module from "node:module";
import { join } from "node:path";

const modules = process.env.CDKTN_MODULES;
if (modules === undefined || modules === "") throw new Error("CDKTN_MODULES must name a node_modules directory holding cdktn and constructs");

const ALIASES: Record<string, string> = { cdktf: join(modules, "cdktn"), constructs: join(modules, "constructs") };
type Resolve = (request: string, ...rest: unknown[]) => string;
const moduleWithResolver = Module as unknown as { _resolveFilename: Resolve };
const original = moduleWithResolver._resolveFilename;
moduleWithResolver._resolveFilename = function (this: unknown, request: string, ...rest: unknown[]): string {
  const [head, ...sub] = request.split("/");
  const target = head !== undefined ? ALIASES[head] : undefined;
  return original.call(this, target === undefined ? request : [target, ...sub].join("/"), ...rest);
} as Resolve;
