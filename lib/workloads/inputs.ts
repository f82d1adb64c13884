/**
 * Generated inputs on disk: `data/cache/inputs/<workload>/<input>/`, made by
 * the workload's generator into a temporary folder and renamed into place,
 * so a folder that exists is always whole. A stamp (`input.json`) records
 * what made it (the recipe) and the SHA-256 of every file made; a folder whose
 * recipe differs, or is older than the generators' code, is made again.
 *
 * @module
 */
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { CACHE_DIR, isUpToDate, sha256File } from "../common/mod.ts";
import { GENERATORS } from "./generators/mod.ts";
import type { InputSpec, ParamValue, WorkloadSpec } from "./manifest.ts";
import { Rng } from "../common/random.ts";

/** Name of the stamp file inside each input folder. */
export const INPUT_STAMP = "input.json";

/** Where generated inputs live. */
export const INPUTS_DIR: string = join(CACHE_DIR, "inputs");

/** The folder of one input of one workload. */
export function inputDir(workload: string, input: string): string {
  return join(INPUTS_DIR, workload, input);
}

/** The generator parameters of `input`: the generator's defaults overridden by the manifest. */
export function inputParams(spec: WorkloadSpec, input: InputSpec): Record<string, ParamValue> {
  return { ...GENERATORS[spec.generator].defaults, ...input.params };
}

/** What an input's stamp says. */
interface InputStamp {
  recipe: ReturnType<typeof recipeOf>;
  /** SHA-256 of each file made, by name. */
  files: Record<string, string>;
}

function recipeOf(spec: WorkloadSpec, input: InputSpec) {
  return {
    workload: spec.name,
    input: input.name,
    generator: spec.generator,
    seed: input.seed,
    params: inputParams(spec, input),
  };
}

/** The generators' source files: editing any of them makes inputs stale. */
async function generatorSources(): Promise<string[]> {
  const here = dirname(fileURLToPath(import.meta.url));
  const files = [join(here, "..", "common", "random.ts")];
  for await (const entry of Deno.readDir(join(here, "generators"))) {
    if (entry.isFile && entry.name.endsWith(".ts")) {
      files.push(join(here, "generators", entry.name));
    }
  }
  return files;
}

async function readStamp(dir: string): Promise<InputStamp | undefined> {
  try {
    return JSON.parse(await Deno.readTextFile(join(dir, INPUT_STAMP)));
  } catch {
    return undefined;
  }
}

async function isFresh(dir: string, recipe: InputStamp["recipe"]): Promise<boolean> {
  const stamp = await readStamp(dir);
  if (!stamp || JSON.stringify(stamp.recipe) !== JSON.stringify(recipe)) return false;
  return await isUpToDate(join(dir, INPUT_STAMP), await generatorSources());
}

async function digestFiles(dir: string): Promise<Record<string, string>> {
  const names: string[] = [];
  for await (const entry of Deno.readDir(dir)) if (entry.isFile) names.push(entry.name);
  const files: Record<string, string> = {};
  for (const name of names.sort()) files[name] = await sha256File(join(dir, name));
  return files;
}

/** A made input: its folder and the SHA-256 of each of its files. */
export interface InputFiles {
  dir: string;
  /** SHA-256 by file name: identifies the input's content. */
  digests: Record<string, string>;
}

/**
 * Makes sure the input's files exist and are current. Generation is skipped
 * when a current copy exists.
 */
export async function ensureInput(spec: WorkloadSpec, input: InputSpec): Promise<InputFiles> {
  const dir = inputDir(spec.name, input.name);
  const expected = recipeOf(spec, input);
  const current = async (): Promise<InputFiles | undefined> =>
    await isFresh(dir, expected) ? { dir, digests: (await readStamp(dir))!.files } : undefined;
  const existing = await current();
  if (existing) return existing;

  const tmp = `${dir}.tmp-${Deno.pid}-${crypto.randomUUID().slice(0, 8)}`;
  await Deno.mkdir(tmp, { recursive: true });
  try {
    await GENERATORS[spec.generator].generate({
      dir: tmp,
      params: expected.params,
      rng: new Rng(input.seed),
      seed: input.seed,
    });
    const stamp: InputStamp = { recipe: expected, files: await digestFiles(tmp) };
    await Deno.writeTextFile(join(tmp, INPUT_STAMP), JSON.stringify(stamp, null, 2) + "\n");
    await Deno.remove(dir, { recursive: true }).catch(() => {});
    await Deno.rename(tmp, dir);
  } catch (err) {
    await Deno.remove(tmp, { recursive: true }).catch(() => {});
    // Another process may have finished the same input first.
    const theirs = await current();
    if (theirs) return theirs;
    throw err;
  }
  return (await current())!;
}
