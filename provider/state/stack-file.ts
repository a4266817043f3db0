/**
 * Finds and reads a synthesized cdktf stack (`cdktf.out/stacks/<name>/cdk.tf.json`).
 * Only the file system is touched here: no router, no network.
 */
import { existsSync, readFileSync, readdirSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { StackLoadError } from "../errors";

export interface StackLocation {
  /** Path of a cdk.tf.json file, or of a cdktf output directory. Default ./cdktf.out. */
  path?: string;
  /** Stack name; required when the output directory holds several stacks. */
  stack?: string;
}

export interface LocatedStack {
  name: string;
  file: string;
}

/** The stacks listed in a cdktf output directory (manifest.json, else stacks/*). */
export function listStacks(outDir: string): LocatedStack[] {
  const manifestFile = join(outDir, "manifest.json");
  if (existsSync(manifestFile)) {
    let manifest: { stacks?: Record<string, { synthesizedStackPath?: string }> };
    try {
      manifest = JSON.parse(readFileSync(manifestFile, "utf8"));
    } catch (cause) {
      throw new StackLoadError(`cannot parse ${manifestFile}: ${(cause as Error).message}`, { cause });
    }
    return Object.entries(manifest.stacks ?? {})
      .map(([name, s]) => ({ name, file: join(outDir, s.synthesizedStackPath ?? join("stacks", name, "cdk.tf.json")) }))
      .sort((a, b) => a.name.localeCompare(b.name));
  }
  const stacksDir = join(outDir, "stacks");
  if (!existsSync(stacksDir)) return [];
  return readdirSync(stacksDir)
    .filter((name) => existsSync(join(stacksDir, name, "cdk.tf.json")))
    .sort()
    .map((name) => ({ name, file: join(stacksDir, name, "cdk.tf.json") }));
}

/** Resolves which cdk.tf.json to read; errors list the available stacks. */
export function locateStack(location: StackLocation = {}): LocatedStack {
  const path = resolve(location.path ?? "cdktf.out");
  if (!existsSync(path)) {
    throw new StackLoadError(`${path} does not exist: run \`cdktf synth\` first, or pass the path of a cdk.tf.json or a cdktf output directory`);
  }
  if (statSync(path).isFile()) {
    return { name: location.stack ?? "(file)", file: path };
  }
  const stacks = listStacks(path);
  if (stacks.length === 0) throw new StackLoadError(`no synthesized stack under ${path} (expected stacks/<name>/cdk.tf.json): run \`cdktf synth\``);
  if (location.stack !== undefined) {
    const found = stacks.find((s) => s.name === location.stack);
    if (!found) throw new StackLoadError(`stack '${location.stack}' not found under ${path}; stacks: ${stacks.map((s) => s.name).join(", ")}`);
    return found;
  }
  if (stacks.length > 1) {
    throw new StackLoadError(`${path} holds ${stacks.length} stacks (${stacks.map((s) => s.name).join(", ")}): choose one with --stack NAME`);
  }
  return stacks[0];
}

/** Reads and parses the stack's JSON. */
export function readStackDocument(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (cause) {
    throw new StackLoadError(`cannot read ${file}: ${(cause as Error).message}`, { cause });
  }
  try {
    return JSON.parse(text);
  } catch (cause) {
    throw new StackLoadError(`${file} is not valid JSON: ${(cause as Error).message}`, { cause });
  }
}
