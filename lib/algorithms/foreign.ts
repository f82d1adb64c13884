/**
 * Foreign programs (`data/algorithms/foreign/`): small, self-contained C
 * programs that implement none of the corpus's 12 classes (a sieve, Collatz
 * trajectories, a bit-serial CRC-32, the game of life, N-queens, a bytecode
 * interpreter). The algorithm-classification experiment traces them to measure
 * how often `deno task classify` warns on a program outside its classes.
 *
 * They are compiled like the corpus ({@linkcode compileProgram}: same flags,
 * warnings are errors) and each binary is traced once, whole run with its
 * default size, with the corpus's snapshots ({@linkcode DEFAULT_SNAPSHOTS}).
 *
 * ```ts
 * const programs = await buildForeignPrograms({ compilers: ["gcc"], opts: ["O2"] });
 * // [{ name: "collatz", compiler: "gcc", opt: "O2", binary: "/…/foreign-collatz", trace: "/…" }, …]
 * ```
 *
 * @module
 */
import { basename, join } from "node:path";
import { atomicWriteJson, isUpToDate, Progress, ROOT, UserError } from "../common/mod.ts";
import { traceProgram } from "../trace/mod.ts";
import {
  ALGORITHMS_BUILD_DIR,
  compileProgram,
  COMPILER_NAMES,
  type CompilerName,
  COMPILERS,
  configName,
  OPT_LEVELS,
  type OptLevel,
} from "./build.ts";
import { ALGORITHMS_CACHE_DIR, DEFAULT_SNAPSHOTS, TRACER_BINARY } from "./corpus.ts";
import type { AlgorithmProgram } from "./manifest.ts";

/** The folder of the foreign programs' sources: `data/algorithms/foreign/`. */
export const FOREIGN_DIR: string = join(ROOT, "data", "algorithms", "foreign");

/** Their shared header: the SIZE argument and the fixed-seed generator. */
const FOREIGN_HEADER = join(FOREIGN_DIR, "foreign.h");

/** Where {@linkcode buildForeignPrograms} compiles by default: `build/algorithms/foreign/`. */
export const FOREIGN_BUILD_DIR: string = join(ALGORITHMS_BUILD_DIR, "foreign");

/** Where {@linkcode buildForeignPrograms} traces by default: `data/cache/algorithms/foreign/`. */
export const FOREIGN_TRACES_DIR: string = join(ALGORITHMS_CACHE_DIR, "foreign");

/** The optimisation levels {@linkcode buildForeignPrograms} uses by default. */
export const FOREIGN_DEFAULT_OPTS: readonly OptLevel[] = ["O0", "O2"];

/** A foreign program's source. */
export interface ForeignSource {
  /** File name without `.c`, e.g. `sieve`. */
  name: string;
  /** Absolute path of the C source. */
  source: string;
}

/** The foreign programs (the `.c` files of {@linkcode FOREIGN_DIR}), sorted by name. */
export async function listForeignPrograms(): Promise<ForeignSource[]> {
  const out: ForeignSource[] = [];
  try {
    for await (const e of Deno.readDir(FOREIGN_DIR)) {
      if (e.isFile && e.name.endsWith(".c")) {
        out.push({ name: basename(e.name, ".c"), source: join(FOREIGN_DIR, e.name) });
      }
    }
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) {
      throw new UserError(
        `the foreign programs' folder ${FOREIGN_DIR} does not exist`,
        "restore data/algorithms/foreign/ from the repository",
      );
    }
    throw err;
  }
  return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** Options of {@linkcode buildForeignPrograms}. */
export interface BuildForeignOptions {
  /** Compilers (default both, `gcc` and `clang`). */
  compilers?: readonly CompilerName[];
  /** Optimisation levels, `O0`..`O3` (default {@linkcode FOREIGN_DEFAULT_OPTS}). */
  opts?: readonly string[];
  /** Binaries go to `<buildDir>/<compiler>-<opt>/` (default {@linkcode FOREIGN_BUILD_DIR}). */
  buildDir?: string;
  /**
   * Traces go to `<tracesDir>/<compiler>-<opt>/<name>.trace` (default
   * {@linkcode FOREIGN_TRACES_DIR}).
   */
  tracesDir?: string;
  /** No progress on standard error. */
  quiet?: boolean;
}

/** A built and traced foreign program (absolute paths). */
export interface ForeignProgram {
  name: string;
  compiler: CompilerName;
  opt: OptLevel;
  binary: string;
  trace: string;
}

/**
 * Compiles every foreign program with each compiler at each level and traces
 * each binary once (no arguments: the program's default size), skipping work
 * that is up to date: a binary newer than its source and built with the same
 * command ({@linkcode compileProgram}); a trace whose stamp (`<trace>.json`)
 * records the same run and which is newer than its binary and the tracer.
 *
 * A program that does not compile cleanly, or that does not exit 0 under the
 * tracer, is a {@linkcode UserError} naming it.
 *
 * @returns One entry per program, compiler and level (compiler, then level, then name).
 */
export async function buildForeignPrograms(
  options: BuildForeignOptions = {},
): Promise<ForeignProgram[]> {
  const compilers = [...(options.compilers ?? COMPILER_NAMES)];
  for (const c of compilers) {
    if (!Object.hasOwn(COMPILERS, c)) {
      throw new UserError(
        `unknown compiler ${c} for the foreign programs`,
        `use ${COMPILER_NAMES.join(" or ")}`,
      );
    }
  }
  const opts = [...(options.opts ?? FOREIGN_DEFAULT_OPTS)];
  for (const o of opts) {
    if (!(OPT_LEVELS as readonly string[]).includes(o)) {
      throw new UserError(
        `unknown optimisation level ${o} for the foreign programs`,
        `use ${OPT_LEVELS.join(", ")}`,
      );
    }
  }
  const buildDir = options.buildDir ?? FOREIGN_BUILD_DIR;
  const tracesDir = options.tracesDir ?? FOREIGN_TRACES_DIR;
  const sources = await listForeignPrograms();
  const progress = new Progress({
    label: "foreign programs",
    total: sources.length * compilers.length * opts.length,
    unit: "binaries",
    quiet: options.quiet ?? false,
  });
  const out: ForeignProgram[] = [];
  for (const compiler of compilers) {
    for (const opt of opts as OptLevel[]) {
      for (const { name, source } of sources) {
        // compileProgram takes a corpus program; a foreign one is class "foreign" (binary
        // `foreign-<name>`), its source relative to data/algorithms/, and foreign.h as its header.
        const program: AlgorithmProgram = {
          class: "foreign",
          implementation: name,
          source: join("foreign", basename(source)),
          functions: [],
          input: "",
        };
        const { binary } = await compileProgram(
          { program, compiler, opt },
          { dir: buildDir, headers: [FOREIGN_HEADER] },
        );
        const binaryAbs = await Deno.realPath(binary);
        const trace = join(tracesDir, configName(compiler, opt), `${name}.trace`);
        await traceForeign(binaryAbs, trace, `${name} (${COMPILERS[compiler]} -${opt})`, source);
        out.push({ name, compiler, opt, binary: binaryAbs, trace: await Deno.realPath(trace) });
        progress.tick();
      }
    }
  }
  progress.finish(`foreign programs: traces in ${tracesDir}`);
  return out;
}

/** `<trace>.json`: what was run, and what it printed and executed. */
interface ForeignTraceStamp {
  run: { binary: string; args: string[]; snapshots: string };
  output: string;
  instructions: number;
  branches: number;
}

/** Traces one foreign binary unless its trace is up to date; a failed run is a UserError. */
async function traceForeign(
  binary: string,
  trace: string,
  label: string,
  source: string,
): Promise<void> {
  const run = { binary, args: [] as string[], snapshots: DEFAULT_SNAPSHOTS };
  const stampPath = `${trace}.json`;
  const stamp: ForeignTraceStamp | undefined = await Deno.readTextFile(stampPath)
    .then((t) => JSON.parse(t)).catch(() => undefined);
  if (
    stamp && JSON.stringify(stamp.run) === JSON.stringify(run) &&
    await isUpToDate(trace, [binary, TRACER_BINARY])
  ) {
    return;
  }
  const stdoutPath = `${trace}.stdout`;
  const result = await traceProgram({
    program: binary,
    args: run.args,
    out: trace,
    snapshots: run.snapshots,
    stdout: stdoutPath,
    reproducible: {},
    quiet: true,
  });
  const output = (await Deno.readTextFile(stdoutPath).catch(() => "")).trim();
  await Deno.remove(stdoutPath).catch(() => {});
  if (result.end.how !== "exit" || result.end.code !== 0) {
    // A failed run is not kept, so that it is redone after a fix.
    await Deno.remove(trace).catch(() => {});
    await Deno.remove(stampPath).catch(() => {});
    const how = result.end.how === "exit"
      ? `exited with code ${result.end.code}`
      : `ended by ${result.end.how}${"signal" in result.end ? ` ${result.end.signal}` : ""}`;
    throw new UserError(
      `foreign program ${label} ${how} under the tracer`,
      `run ${binary} directly to see why, then fix ${source} (it must exit 0 with no arguments)`,
    );
  }
  const written: ForeignTraceStamp = {
    run,
    output,
    instructions: result.instructions,
    branches: result.branches,
  };
  await atomicWriteJson(stampPath, written);
}
