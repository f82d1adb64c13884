/**
 * Builds and traces standalone C programs that are not part of the corpus's
 * manifest: the foreign programs (`foreign.ts`, implementing none of the
 * classes) and the programs written outside the corpus (`outside.ts`, one or
 * more per class, never used for training or model selection).
 *
 * Each program is compiled like the corpus ({@linkcode compileProgram}: same
 * flags, warnings are errors) into `<buildDir>/<compiler>-<opt>/<set>-<name>`
 * and each binary is traced once, whole run with its arguments and standard
 * input, with the corpus's snapshots ({@linkcode DEFAULT_SNAPSHOTS}), into
 * `<tracesDir>/<compiler>-<opt>/<name>.trace`. The stamp `<trace>.json` keeps
 * the run, its output and counts; a trace is reused while its stamp records
 * the same run and it is newer than its binary, its input files and the tracer.
 *
 * @module
 */
import { basename, dirname, join, relative } from "node:path";
import { atomicWriteJson, isUpToDate, Progress, UserError } from "../common/mod.ts";
import { SANDBOX_VERSION, traceProgram, TRACER_BINARY } from "../trace/mod.ts";
import {
  compileProgram,
  COMPILER_NAMES,
  type CompilerName,
  COMPILERS,
  configName,
  OPT_LEVELS,
  type OptLevel,
} from "./build.ts";
import { DEFAULT_JOBS, DEFAULT_SNAPSHOTS, mapConcurrently } from "./corpus.ts";
import { type AlgorithmProgram, ALGORITHMS_DIR } from "./manifest.ts";

/** One standalone program and how to run it. */
export interface StandaloneSpec {
  /** File name without `.c`, unique within its set. */
  name: string;
  /** Absolute path of the C source (inside `data/algorithms/`). */
  source: string;
  /** Headers it includes (a newer header rebuilds it). */
  headers: readonly string[];
  /** Its arguments (absolute paths for files). */
  args: readonly string[];
  /** File fed to its standard input. */
  stdin?: string;
  /** Files the run reads (a newer one retraces it). */
  inputs: readonly string[];
  /** What it must print (trimmed); absent: any output, but it must exit 0. */
  expected?: string;
}

/** Options of a set's builder (`buildForeignPrograms`, `buildOutsidePrograms`). */
export interface StandaloneSetOptions {
  /** Compilers (default both, `gcc` and `clang`). */
  compilers?: readonly CompilerName[];
  /** Optimisation levels, `O0`..`O3` (default `O0` and `O2`). */
  opts?: readonly string[];
  /** Binaries go to `<buildDir>/<compiler>-<opt>/` (default `build/algorithms/<set>/`). */
  buildDir?: string;
  /**
   * Traces go to `<tracesDir>/<compiler>-<opt>/<name>.trace` (default
   * `data/cache/algorithms/<set>/`).
   */
  tracesDir?: string;
  /** Compilations and traces at a time (default 2). */
  jobs?: number;
  /** No progress on standard error. */
  quiet?: boolean;
}

/** Options of {@linkcode buildStandalone}. */
export interface BuildStandaloneOptions {
  /** Compilers (default both, `gcc` and `clang`). */
  compilers?: readonly CompilerName[];
  /** Optimisation levels, `O0`..`O3`. */
  opts: readonly string[];
  /** Binaries go to `<buildDir>/<compiler>-<opt>/<set>-<name>`. */
  buildDir: string;
  /** Traces go to `<tracesDir>/<compiler>-<opt>/<name>.trace`. */
  tracesDir: string;
  /** Compilations and traces at a time (default {@linkcode DEFAULT_JOBS}). */
  jobs?: number;
  /** No progress on standard error. */
  quiet?: boolean;
}

/** A built and traced standalone program (absolute paths). */
export interface StandaloneProgram {
  name: string;
  compiler: CompilerName;
  opt: OptLevel;
  binary: string;
  trace: string;
}

/** `<trace>.json`: what was run, and what it printed and executed. */
interface StandaloneStamp {
  run: { binary: string; args: string[]; stdin?: string; snapshots: string; sandbox: number };
  output: string;
  instructions: number;
  branches: number;
}

function checkLevels(set: string, compilers: readonly string[], opts: readonly string[]): void {
  for (const c of compilers) {
    if (!Object.hasOwn(COMPILERS, c)) {
      throw new UserError(
        `unknown compiler ${c} for the ${set} programs`,
        `use ${COMPILER_NAMES.join(" or ")}`,
      );
    }
  }
  for (const o of opts) {
    if (!(OPT_LEVELS as readonly string[]).includes(o)) {
      throw new UserError(
        `unknown optimisation level ${o} for the ${set} programs`,
        `use ${OPT_LEVELS.join(", ")}`,
      );
    }
  }
}

/**
 * Compiles every program of a set with each compiler at each level and traces
 * each binary once, skipping what is up to date. A program that does not
 * compile cleanly, does not exit 0 under the tracer, or prints something else
 * than its `expected` output is a {@linkcode UserError} naming it.
 *
 * @param set Name of the set (`foreign`, `outside`): the binaries' prefix and the messages' word.
 * @returns One entry per program, compiler and level (compiler, then level, then the specs' order).
 */
export async function buildStandalone(
  set: string,
  specs: readonly StandaloneSpec[],
  options: BuildStandaloneOptions,
): Promise<StandaloneProgram[]> {
  const compilers = [...(options.compilers ?? COMPILER_NAMES)];
  checkLevels(set, compilers, options.opts);
  const progress = new Progress({
    label: `${set} programs`,
    total: specs.length * compilers.length * options.opts.length,
    unit: "binaries",
    quiet: options.quiet ?? false,
  });
  const targets = compilers.flatMap((compiler) =>
    (options.opts as OptLevel[]).flatMap((opt) => specs.map((spec) => ({ compiler, opt, spec })))
  );
  const jobs = options.jobs ?? DEFAULT_JOBS;
  const out = await mapConcurrently(targets, jobs, async (t): Promise<StandaloneProgram> => {
    const { compiler, opt, spec } = t;
    // compileProgram takes a corpus program: this one is class `set` (binary `<set>-<name>`).
    const program: AlgorithmProgram = {
      class: set,
      implementation: spec.name,
      source: relative(ALGORITHMS_DIR, spec.source),
      functions: [],
      input: "",
      io: "file",
    };
    const { binary } = await compileProgram(
      { program, compiler, opt },
      { dir: options.buildDir, headers: spec.headers },
    );
    const binaryAbs = await Deno.realPath(binary);
    const trace = join(options.tracesDir, configName(compiler, opt), `${spec.name}.trace`);
    await traceStandalone(
      binaryAbs,
      trace,
      spec,
      `${set} program ${spec.name} (${COMPILERS[compiler]} -${opt})`,
    );
    progress.tick();
    return { name: spec.name, compiler, opt, binary: binaryAbs, trace: await Deno.realPath(trace) };
  });
  progress.finish(`${set} programs: traces in ${options.tracesDir}`);
  return out;
}

/** Traces one binary unless its trace is up to date; a failed or wrong run is a UserError. */
async function traceStandalone(
  binary: string,
  trace: string,
  spec: StandaloneSpec,
  label: string,
): Promise<void> {
  const run = {
    binary,
    args: [...spec.args],
    stdin: spec.stdin,
    snapshots: DEFAULT_SNAPSHOTS,
    sandbox: SANDBOX_VERSION,
  };
  const stampPath = `${trace}.json`;
  const stamp: StandaloneStamp | undefined = await Deno.readTextFile(stampPath)
    .then((t) => JSON.parse(t)).catch(() => undefined);
  if (
    stamp && JSON.stringify(stamp.run) === JSON.stringify(run) &&
    (spec.expected === undefined || stamp.output === spec.expected) &&
    await isUpToDate(trace, [binary, ...spec.inputs, TRACER_BINARY])
  ) {
    return;
  }
  const stdoutPath = `${trace}.stdout`;
  // Reproducible: the program runs in a copy of its inputs' folder, which its arguments name.
  const folder = spec.inputs.length > 0 ? dirname(spec.inputs[0]) : undefined;
  const result = await traceProgram({
    program: binary,
    args: run.args.map((a) => (spec.inputs.includes(a) ? `./${basename(a)}` : a)),
    stdin: run.stdin,
    out: trace,
    snapshots: run.snapshots,
    stdout: stdoutPath,
    reproducible: folder ? { inputs: folder } : {},
    quiet: true,
  });
  const output = (await Deno.readTextFile(stdoutPath).catch(() => "")).trim();
  await Deno.remove(stdoutPath).catch(() => {});
  const exited = result.end.how === "exit" && result.end.code === 0;
  if (!exited || (spec.expected !== undefined && output !== spec.expected)) {
    // A failed run is not kept, so that it is redone after a fix.
    await Deno.remove(trace).catch(() => {});
    await Deno.remove(stampPath).catch(() => {});
    const how = !exited
      ? (result.end.how === "exit"
        ? `exited with code ${result.end.code}`
        : `ended by ${result.end.how}${"signal" in result.end ? ` ${result.end.signal}` : ""}`)
      : `printed "${output}", expected "${spec.expected}"`;
    throw new UserError(
      `${label} ${how} under the tracer`,
      `run ${binary} ${run.args.join(" ")}${
        run.stdin ? ` < ${run.stdin}` : ""
      } directly to see why, then fix ${spec.source}`,
    );
  }
  const written: StandaloneStamp = {
    run,
    output,
    instructions: result.instructions,
    branches: result.branches,
  };
  await atomicWriteJson(stampPath, written);
}
