/**
 * The algorithm-classification corpus manifest (`data/algorithms/manifest.json`):
 * every implementation (class, source, the functions that implement the
 * algorithm, input kind) and the input kinds with their generator parameters.
 *
 * @module
 */
import { join } from "node:path";
import { ROOT, UserError } from "../common/mod.ts";
import { GENERATOR_NAMES, type GeneratorName, INPUT_STYLES, type InputStyle } from "./inputs.ts";
import { REFERENCES } from "./reference.ts";
import type { OptLevel } from "./build.ts";

/** The corpus folder: one sub-folder of C sources per class, `common.h`, the manifest. */
export const ALGORITHMS_DIR: string = join(ROOT, "data", "algorithms");

/** Where the manifest lives. */
export const MANIFEST_PATH: string = join(ALGORITHMS_DIR, "manifest.json");

/** The header every implementation includes (input reading, checksum). */
export const COMMON_HEADER: string = join(ALGORITHMS_DIR, "common.h");

/** Corpus scales: how many inputs per program are traced, at which optimisation levels. */
export type Scale = "small" | "full";

/** The scales, in order. */
export const SCALES: readonly Scale[] = ["small", "full"];

/** An input kind: a generator and its parameters, shared by every program that reads it. */
export interface InputKindSpec {
  /** Key in the manifest's `inputs`, e.g. `array_small`. */
  name: string;
  /** Generator in `inputs.ts`. */
  generator: GeneratorName;
  /** Generator parameters (checked against the generator's defaults). */
  params: Record<string, number>;
  /** One line on what the input is. */
  description: string;
}

/** One implementation of one algorithm class. */
export interface AlgorithmProgram {
  /** Algorithm class (the label to predict), e.g. `quick_sort`. */
  class: string;
  /** Implementation name, unique within its class, e.g. `hoare`. */
  implementation: string;
  /** C source, relative to {@linkcode ALGORITHMS_DIR}. */
  source: string;
  /**
   * Functions that implement the algorithm, entry point first. The entry point is
   * never inlined (`ALGORITHM` in common.h); helpers may be inlined or cloned
   * (`name.constprop.0`) by the compiler.
   */
  functions: string[];
  /** Input kind (key of {@linkcode AlgorithmManifest.inputs}). */
  input: string;
  /** How the program gets its input (default `file`; see {@linkcode InputStyle}). */
  io: InputStyle;
}

/** The whole manifest, checked. */
export interface AlgorithmManifest {
  /** Seed of every generated input (with the kind and the input's number). */
  seed: string;
  /** Inputs per program at each scale. */
  inputsPerScale: Record<Scale, number>;
  /** Optimisation levels compiled and traced at each scale (`O0`..`O3`). */
  levelsPerScale: Record<Scale, OptLevel[]>;
  /** Input kinds by name. */
  inputs: Record<string, InputKindSpec>;
  /** Every implementation, grouped by class in file order. */
  programs: AlgorithmProgram[];
}

const NAME_RE = /^[a-z][a-z0-9_]*$/;
const C_NAME_RE = /^[A-Za-z_][A-Za-z0-9_]*$/;

function bad(where: string, problem: string): never {
  throw new UserError(
    `${MANIFEST_PATH}: ${where}: ${problem}`,
    "fix the entry (lib/algorithms/README.md describes every field)",
  );
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function name(where: string, v: unknown): string {
  if (typeof v !== "string" || !NAME_RE.test(v)) {
    bad(where, "must be a lower-case name (letters, digits, _)");
  }
  return v;
}

function parseInputKind(key: string, v: unknown): InputKindSpec {
  const where = `inputs.${key}`;
  name(where, key);
  if (!isRecord(v)) bad(where, "must be an object");
  const generator = v.generator;
  if (typeof generator !== "string" || !GENERATOR_NAMES.includes(generator as GeneratorName)) {
    bad(`${where}.generator`, `must be one of ${GENERATOR_NAMES.join(", ")}`);
  }
  const params: Record<string, number> = {};
  if (!isRecord(v.params)) bad(`${where}.params`, "must be an object of numbers");
  for (const [k, p] of Object.entries(v.params)) {
    if (typeof p !== "number" || !Number.isSafeInteger(p) || p < 0) {
      bad(`${where}.params.${k}`, "must be an integer >= 0");
    }
    params[k] = p;
  }
  return {
    name: key,
    generator: generator as GeneratorName,
    params,
    description: typeof v.description === "string" ? v.description : "",
  };
}

function parseProgram(i: number, v: unknown, inputs: Record<string, InputKindSpec>) {
  const where = `programs[${i}]`;
  if (!isRecord(v)) bad(where, "must be an object");
  const cls = name(`${where}.class`, v.class);
  const implementation = name(`${where}.implementation`, v.implementation);
  if (typeof v.source !== "string" || !v.source.endsWith(".c") || v.source.startsWith("/")) {
    bad(`${where}.source`, "must be a .c path relative to data/algorithms");
  }
  if (
    !Array.isArray(v.functions) || v.functions.length === 0 ||
    v.functions.some((f) => typeof f !== "string" || !C_NAME_RE.test(f))
  ) {
    bad(`${where}.functions`, "must be a non-empty list of C function names, entry point first");
  }
  const io = v.io ?? "file";
  if (typeof io !== "string" || !INPUT_STYLES.includes(io as InputStyle)) {
    bad(`${where}.io`, `must be one of ${INPUT_STYLES.join(", ")} (default file)`);
  }
  if (typeof v.input !== "string" || !(v.input in inputs)) {
    bad(`${where}.input`, `must be one of the input kinds: ${Object.keys(inputs).join(", ")}`);
  }
  const reference = REFERENCES[cls];
  if (!reference) {
    bad(
      `${where}.class`,
      `class ${cls} has no reference checksum; add one to lib/algorithms/reference.ts`,
    );
  }
  if (inputs[v.input].generator !== reference.generator) {
    bad(
      `${where}.input`,
      `class ${cls} reads ${reference.generator} inputs, but ${v.input} is a ` +
        `${inputs[v.input].generator} input`,
    );
  }
  return {
    class: cls,
    implementation,
    source: v.source,
    functions: v.functions as string[],
    input: v.input,
    io: io as InputStyle,
  };
}

/** Checks a parsed manifest and types it; any mistake is a {@linkcode UserError} naming the entry. */
export function parseManifest(json: unknown): AlgorithmManifest {
  if (!isRecord(json)) bad("top level", "must be an object");
  if (typeof json.seed !== "string" || json.seed === "") bad("seed", "must be a non-empty string");
  if (!isRecord(json.inputsPerScale)) bad("inputsPerScale", "must be an object");
  const inputsPerScale = {} as Record<Scale, number>;
  for (const scale of SCALES) {
    const count = json.inputsPerScale[scale];
    if (typeof count !== "number" || !Number.isSafeInteger(count) || count < 1) {
      bad(`inputsPerScale.${scale}`, "must be an integer >= 1");
    }
    inputsPerScale[scale] = count;
  }
  if (!isRecord(json.levelsPerScale)) bad("levelsPerScale", "must be an object");
  const levelsPerScale = {} as Record<Scale, OptLevel[]>;
  for (const scale of SCALES) {
    const levels = json.levelsPerScale[scale];
    if (
      !Array.isArray(levels) || levels.length === 0 ||
      levels.some((l) => !["O0", "O1", "O2", "O3"].includes(l))
    ) {
      bad(`levelsPerScale.${scale}`, "must be a non-empty list of O0, O1, O2, O3");
    }
    levelsPerScale[scale] = levels as OptLevel[];
  }
  if (!isRecord(json.inputs)) bad("inputs", "must be an object of input kinds");
  const inputs: Record<string, InputKindSpec> = {};
  for (const [key, v] of Object.entries(json.inputs)) inputs[key] = parseInputKind(key, v);
  if (!Array.isArray(json.programs)) bad("programs", "must be a list");
  const programs = json.programs.map((p, i) => parseProgram(i, p, inputs));
  const seen = new Set<string>();
  for (const p of programs) {
    const id = programId(p);
    if (seen.has(id)) bad("programs", `${p.class}/${p.implementation} appears twice`);
    seen.add(id);
  }
  for (const cls of new Set(programs.map((p) => p.class))) {
    const kinds = new Set(programs.filter((p) => p.class === cls).map((p) => p.input));
    if (kinds.size > 1) {
      bad("programs", `implementations of ${cls} read different input kinds: ${[...kinds]}`);
    }
  }
  return { seed: json.seed, inputsPerScale, levelsPerScale, inputs, programs };
}

/** Reads and checks the manifest. */
export async function loadManifest(path: string = MANIFEST_PATH): Promise<AlgorithmManifest> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (err) {
    throw new UserError(`cannot read ${path}: ${(err as Error).message}`, "restore the manifest");
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new UserError(`${path} is not valid JSON: ${(err as Error).message}`, "fix the JSON");
  }
  return parseManifest(json);
}

/** A program's unique id, `<class>-<implementation>`, used in file names. */
export function programId(program: { class: string; implementation: string }): string {
  return `${program.class}-${program.implementation}`;
}

/** The classes of the manifest, in file order. */
export function classesOf(manifest: AlgorithmManifest): string[] {
  return [...new Set(manifest.programs.map((p) => p.class))];
}

/** The programs of the given classes (all when `only` is empty); an unknown class is a UserError. */
export function selectPrograms(
  manifest: AlgorithmManifest,
  only: readonly string[] = [],
): AlgorithmProgram[] {
  const classes = classesOf(manifest);
  for (const cls of only) {
    if (!classes.includes(cls)) {
      throw new UserError(`unknown class "${cls}" in --only`, `use classes from: ${classes}`);
    }
  }
  return only.length === 0
    ? manifest.programs
    : manifest.programs.filter((p) => only.includes(p.class));
}
