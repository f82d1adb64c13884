/**
 * Builds the traced corpus: generates the inputs, compiles every program with
 * every compiler and level, finds the algorithm's functions in each binary,
 * traces each binary on each input (checking its output against the
 * reference) and writes the index `data/cache/algorithms/index.json`.
 *
 * Every step skips work that is up to date: a binary newer than its source
 * with the same command, a trace whose stamp (`<trace>.json`) records the same
 * run and which is newer than the binary, the input and the tracer.
 *
 * @module
 */
import { basename, dirname, join } from "node:path";
import {
  atomicWriteJson,
  CACHE_DIR,
  isUpToDate,
  Progress,
  ROOT,
  UserError,
} from "../common/mod.ts";
import { loadObject } from "../disasm/mod.ts";
import { SANDBOX_VERSION, traceProgram, TRACER_BINARY } from "../trace/mod.ts";
import {
  ALGORITHMS_BUILD_DIR,
  compileProgram,
  COMPILER_NAMES,
  type CompilerName,
  configName,
  type OptLevel,
} from "./build.ts";
import { type AlgorithmSymbol, algorithmSymbols } from "./functions.ts";
import {
  formatInput,
  generateInput,
  type InputData,
  inputName,
  inputPath,
  INPUTS_DIR,
  inputSeed,
  type InputStyle,
  seedArguments,
  seededInput,
  writeIfChanged,
} from "./inputs.ts";
import {
  type AlgorithmManifest,
  type AlgorithmProgram,
  loadManifest,
  programId,
  type Scale,
  selectPrograms,
} from "./manifest.ts";
import { referenceChecksum } from "./reference.ts";

/** Generated data of the corpus: inputs, traces, the index. */
export const ALGORITHMS_CACHE_DIR: string = join(CACHE_DIR, "algorithms");

/** The index of the last corpus run. */
export const INDEX_PATH: string = join(ALGORITHMS_CACHE_DIR, "index.json");

/** Where traces go: `<dir>/<compiler>-<opt>/<class>-<impl>/<input>.trace`. */
export const TRACES_DIR: string = join(ALGORITHMS_CACHE_DIR, "traces");

/** Snapshots recorded by default: at branches and loads, thinned per site. */
export const DEFAULT_SNAPSHOTS = "branches,loads,max-per-site=32";

/** Format version of the index (bump when a field changes meaning). */
export const INDEX_VERSION = 2;

/** A compiled program: one binary of the corpus. */
export interface CorpusBinary {
  class: string;
  implementation: string;
  compiler: CompilerName;
  opt: OptLevel;
  /** Binary path, relative to the repository. */
  binary: string;
  /** How the program gets its input (manifest `io`). */
  io: InputStyle;
  /** The manifest's algorithm functions. */
  functions: string[];
  /** Where they are in the binary (helpers the compiler inlined are absent). */
  symbols: AlgorithmSymbol[];
}

/** One traced run: a binary on one input. */
export interface CorpusEntry extends CorpusBinary {
  /** Input name, e.g. `input0`. */
  input: string;
  /** Input kind (manifest `inputs` key). */
  input_kind: string;
  /** The input's data file, relative to the repository (`file` and `stdin` styles). */
  input_path?: string;
  /** The program's arguments as traced (paths relative to the repository). */
  args: string[];
  /** The file fed to standard input (`stdin` style), relative to the repository. */
  stdin?: string;
  /** Trace file, relative to the repository. */
  trace: string;
  /** The checksum the program printed (equal to the reference). */
  checksum: string;
  /** Instructions of the whole run (start-up included). */
  instructions: number;
  branches: number;
  loads: number;
  snapshots: number;
  bytes: number;
}

/** The index file. */
export interface CorpusIndex {
  version: number;
  scale: Scale;
  /** Classes the run was limited to (empty: all). */
  only: string[];
  snapshots: string;
  compilers: CompilerName[];
  opts: OptLevel[];
  /** Every binary built (static baseline input). */
  binaries: CorpusBinary[];
  /** Every trace made (one per binary and input). */
  entries: CorpusEntry[];
}

/** Options of {@linkcode buildCorpus}. */
export interface BuildCorpusOptions {
  /** Inputs per program (manifest `inputsPerScale`); default `small`. */
  scale?: Scale;
  /** Only these classes (default: all). */
  only?: string[];
  /** Snapshot spec (default {@linkcode DEFAULT_SNAPSHOTS}). */
  snapshots?: string;
  /** Compilers (default both). */
  compilers?: readonly CompilerName[];
  /** Optimisation levels (default: the manifest's `levelsPerScale` of the scale). */
  opts?: readonly OptLevel[];
  /** Compile and trace again even when up to date. */
  force?: boolean;
  /** Skip tracing: compile and index the binaries only. */
  noTrace?: boolean;
  /** Manifest (default: read from data/algorithms/manifest.json). */
  manifest?: AlgorithmManifest;
  /** Folders (defaults: build/algorithms, data/cache/algorithms/{inputs,traces}, the index path). */
  buildDir?: string;
  inputsDir?: string;
  tracesDir?: string;
  indexPath?: string;
  /** Disassembly cache folder (default build/disasm). */
  disasmCacheDir?: string;
  /** Compilations and traces run at a time (default {@linkcode DEFAULT_JOBS}). */
  jobs?: number;
  /** No progress output. */
  quiet?: boolean;
}

/** Compilations and traces at a time by default: the machine's two cores. */
export const DEFAULT_JOBS = 2;

/**
 * `fn` on every item, at most `jobs` at a time; the results in the items'
 * order. After a failure no new item starts, and the first error is thrown
 * once the running ones have finished.
 */
export async function mapConcurrently<T, R>(
  items: readonly T[],
  jobs: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  let failure: { error: unknown } | undefined;
  const worker = async () => {
    while (next < items.length && !failure) {
      const i = next++;
      try {
        out[i] = await fn(items[i], i);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(jobs, items.length)) }, worker));
  if (failure) throw failure.error;
  return out;
}

/** A path relative to the repository when it is inside it. */
function relative(path: string): string {
  return path.startsWith(ROOT + "/") ? path.slice(ROOT.length + 1) : path;
}

/** An absolute path from an index path (relative to the repository, or absolute). */
export function resolveIndexPath(path: string): string {
  return path.startsWith("/") ? path : join(ROOT, path);
}

/** One run of a program on one input: how to start it and what it must print. */
interface PreparedRun {
  kind: string;
  /** `input<i>`. */
  name: string;
  /** Absolute paths. */
  args: string[];
  stdin?: string;
  /** The data file (file and stdin styles). */
  path?: string;
  checksum: bigint;
}

/**
 * Generates the inputs of the selected programs (writes only files that changed)
 * and returns each program's runs, by program id.
 */
async function prepareRuns(
  manifest: AlgorithmManifest,
  programs: AlgorithmProgram[],
  count: number,
  dir: string,
): Promise<Map<string, PreparedRun[]>> {
  const data = new Map<string, InputData>();
  const once = (key: string, make: () => InputData) => {
    if (!data.has(key)) data.set(key, make());
    return data.get(key)!;
  };
  const checksums = new Map<string, bigint>();
  const checksum = (cls: string, key: string) => {
    if (!checksums.has(`${cls}/${key}`)) {
      checksums.set(`${cls}/${key}`, referenceChecksum(cls, data.get(key)!));
    }
    return checksums.get(`${cls}/${key}`)!;
  };
  const written = new Set<string>();
  const runs = new Map<string, PreparedRun[]>();
  for (const p of programs) {
    const spec = manifest.inputs[p.input];
    const list: PreparedRun[] = [];
    for (let index = 0; index < count; index++) {
      const name = inputName(index);
      if (p.io === "seed") {
        const seed = inputSeed(manifest.seed, p.input, index);
        const key = `seed/${p.input}/${index}`;
        once(key, () => seededInput({ generator: spec.generator, seed, params: spec.params }));
        list.push({
          kind: p.input,
          name,
          args: seedArguments(spec.generator, seed, spec.params),
          checksum: checksum(p.class, key),
        });
        continue;
      }
      const path = inputPath(p.input, index, dir);
      const key = `file/${p.input}/${index}`;
      const input = once(key, () =>
        generateInput({
          seed: manifest.seed,
          kind: p.input,
          generator: spec.generator,
          index,
          params: spec.params,
        }));
      if (!written.has(path)) {
        await writeIfChanged(path, formatInput(input));
        written.add(path);
      }
      list.push({
        kind: p.input,
        name,
        path,
        args: p.io === "file" ? [path] : [],
        stdin: p.io === "stdin" ? path : undefined,
        checksum: checksum(p.class, key),
      });
    }
    runs.set(programId(p), list);
  }
  return runs;
}

interface TraceStamp {
  run: { binary: string; args: string[]; stdin?: string; snapshots: string; sandbox: number };
  checksum: string;
  instructions: number;
  branches: number;
  loads: number;
  snapshots: number;
  bytes: number;
}

/** The trace of one binary on one input. */
export function corpusTracePath(
  binary: CorpusBinary,
  input: string,
  dir: string = TRACES_DIR,
): string {
  return join(
    dir,
    configName(binary.compiler, binary.opt),
    programId(binary),
    `${input}.trace`,
  );
}

async function traceOne(
  binaryAbs: string,
  input: PreparedRun,
  trace: string,
  snapshots: string,
  force: boolean,
): Promise<TraceStamp> {
  const run = {
    binary: binaryAbs,
    args: input.args,
    stdin: input.stdin,
    snapshots,
    sandbox: SANDBOX_VERSION,
  };
  if (!force) {
    const stamp: TraceStamp | undefined = await Deno.readTextFile(`${trace}.json`)
      .then((t) => JSON.parse(t)).catch(() => undefined);
    if (
      stamp && JSON.stringify(stamp.run) === JSON.stringify(run) &&
      stamp.checksum === String(input.checksum) &&
      await isUpToDate(trace, [binaryAbs, ...(input.path ? [input.path] : []), TRACER_BINARY])
    ) {
      return stamp;
    }
  }
  const stdoutPath = `${trace}.stdout`;
  // Reproducible: the same program and input give the same trace wherever the corpus is.
  const result = await traceProgram({
    program: binaryAbs,
    // A data file argument is named inside the copy of its folder the program runs in.
    args: input.args.map((a) => (a === input.path ? `./${basename(a)}` : a)),
    stdin: input.stdin,
    out: trace,
    snapshots,
    stdout: stdoutPath,
    reproducible: input.path && !input.stdin ? { inputs: dirname(input.path) } : {},
    quiet: true,
  });
  const printed = (await Deno.readTextFile(stdoutPath)).trim();
  await Deno.remove(stdoutPath).catch(() => {});
  const how = result.end.how === "exit" ? `exit ${result.end.code}` : result.end.how;
  if (how !== "exit 0" || printed !== String(input.checksum)) {
    // A wrong run is not part of the corpus: drop its trace so it is redone after a fix.
    await Deno.remove(trace).catch(() => {});
    const on = input.stdin
      ? `< ${relative(input.stdin)}`
      : input.args.map((a) => relative(a)).join(" ");
    throw new Error(
      `${relative(binaryAbs)} ${on}: ${how}, printed "${printed}", expected ${input.checksum}`,
    );
  }
  const stamp: TraceStamp = {
    run,
    checksum: printed,
    instructions: result.instructions,
    branches: result.branches,
    loads: result.loads,
    snapshots: result.snapshots,
    bytes: result.bytes,
  };
  await atomicWriteJson(`${trace}.json`, stamp);
  return stamp;
}

/**
 * Builds (or brings up to date) the corpus at one scale and writes its index.
 * A program that prints a wrong checksum is reported after the whole run as a
 * {@linkcode UserError} (the index then lists the good runs only).
 */
export async function buildCorpus(options: BuildCorpusOptions = {}): Promise<CorpusIndex> {
  const scale = options.scale ?? "small";
  const manifest = options.manifest ?? await loadManifest();
  const only = options.only ?? [];
  const programs = selectPrograms(manifest, only);
  const compilers = [...(options.compilers ?? COMPILER_NAMES)];
  const opts = [...(options.opts ?? manifest.levelsPerScale[scale])];
  const snapshots = options.snapshots ?? DEFAULT_SNAPSHOTS;
  const buildDir = options.buildDir ?? ALGORITHMS_BUILD_DIR;
  const tracesDir = options.tracesDir ?? TRACES_DIR;
  const indexPath = options.indexPath ?? INDEX_PATH;
  const force = options.force ?? false;
  const quiet = options.quiet ?? false;

  const runsOf = await prepareRuns(
    manifest,
    programs,
    manifest.inputsPerScale[scale],
    options.inputsDir ?? INPUTS_DIR,
  );

  const targets = programs.flatMap((program) =>
    compilers.flatMap((compiler) => opts.map((opt) => ({ program, compiler, opt })))
  );
  const compileBar = new Progress({
    label: "compile",
    total: targets.length,
    unit: "binaries",
    quiet,
  });
  const jobs = options.jobs ?? DEFAULT_JOBS;
  let compiled = 0;
  const binaries = await mapConcurrently(targets, jobs, async (target): Promise<CorpusBinary> => {
    const result = await compileProgram(target, { dir: buildDir, force });
    if (result.compiled) compiled++;
    const object = await loadObject(result.binary, {
      quiet: true,
      cacheDir: options.disasmCacheDir,
    });
    const symbols = algorithmSymbols(object, target.program.functions);
    const entry = target.program.functions[0];
    if (!symbols.some((s) => s.function === entry)) {
      throw new UserError(
        `${relative(result.binary)} has no function ${entry} (the manifest's entry point)`,
        `mark ${entry} with ALGORITHM in ${target.program.source} or fix its name in the manifest`,
      );
    }
    compileBar.tick();
    return {
      class: target.program.class,
      implementation: target.program.implementation,
      compiler: target.compiler,
      opt: target.opt,
      binary: relative(result.binary),
      io: target.program.io,
      functions: target.program.functions,
      symbols,
    };
  });
  compileBar.finish(
    `${binaries.length} binaries in ${relative(buildDir)}/ (${compiled} compiled, ` +
      `${binaries.length - compiled} up to date)`,
  );

  const entries: CorpusEntry[] = [];
  const failures: string[] = [];
  if (!options.noTrace) {
    const runs = binaries.flatMap((b) => runsOf.get(programId(b))!.map((input) => ({ b, input })));
    const traceBar = new Progress({ label: "trace", total: runs.length, unit: "traces", quiet });
    const traced = await mapConcurrently(runs, jobs, async ({ b, input }) => {
      const trace = corpusTracePath(b, input.name, tracesDir);
      try {
        const stamp = await traceOne(resolveIndexPath(b.binary), input, trace, snapshots, force);
        return {
          ...b,
          input: input.name,
          input_kind: input.kind,
          ...(input.path ? { input_path: relative(input.path) } : {}),
          args: input.args.map(relative),
          ...(input.stdin ? { stdin: relative(input.stdin) } : {}),
          trace: relative(trace),
          checksum: stamp.checksum,
          instructions: stamp.instructions,
          branches: stamp.branches,
          loads: stamp.loads,
          snapshots: stamp.snapshots,
          bytes: stamp.bytes,
        };
      } catch (err) {
        if (err instanceof UserError) throw err;
        failures.push((err as Error).message);
        return undefined;
      } finally {
        traceBar.tick();
      }
    });
    entries.push(...traced.filter((e): e is CorpusEntry => e !== undefined));
    traceBar.finish(`${entries.length} traces in ${relative(tracesDir)}/`);
  }

  const index: CorpusIndex = {
    version: INDEX_VERSION,
    scale,
    only,
    snapshots,
    compilers,
    opts,
    binaries,
    entries,
  };
  await atomicWriteJson(indexPath, index);
  if (!quiet) console.error(`index: ${relative(indexPath)}`);
  if (failures.length > 0) {
    throw new UserError(
      `${failures.length} run(s) failed or printed a wrong checksum:\n  ${failures.join("\n  ")}`,
      "fix those implementations in data/algorithms/ (the reference is lib/algorithms/reference.ts)",
      1,
    );
  }
  return index;
}

/** Reads the index written by {@linkcode buildCorpus}. */
export async function loadIndex(path: string = INDEX_PATH): Promise<CorpusIndex> {
  let index: CorpusIndex;
  try {
    index = JSON.parse(await Deno.readTextFile(path));
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) {
      throw new UserError(`the corpus index ${path} does not exist`, "run `deno task corpus`");
    }
    throw new UserError(`cannot read ${path}: ${(err as Error).message}`, "run `deno task corpus`");
  }
  if (index.version !== INDEX_VERSION) {
    throw new UserError(
      `${path} has index version ${index.version}, expected ${INDEX_VERSION}`,
      "run `deno task corpus` again",
    );
  }
  return index;
}
