/**
 * Foreign programs (`data/algorithms/foreign/`): small, self-contained C
 * programs that implement none of the corpus's 12 classes (arithmetic loops,
 * bit twiddling, coding and compression, cellular automata, backtracking,
 * parsers and interpreters, hashing, simulations, linked structures; the
 * list is in `lib/algorithms/README.md`). `deno task classifier` teaches the
 * out-of-distribution detector on them and measures how often `deno task
 * classify` warns on a program outside its classes.
 *
 * They are built and traced by {@linkcode buildStandalone}: compiled like the
 * corpus, each binary traced once, whole run with no arguments (the program's
 * default size), with the corpus's snapshots.
 *
 * ```ts
 * const programs = await buildForeignPrograms({ compilers: ["gcc"], opts: ["O2"] });
 * // [{ name: "base64", compiler: "gcc", opt: "O2", binary: "/…/foreign-base64", trace: "/…" }, …]
 * ```
 *
 * @module
 */
import { basename, join } from "node:path";
import { ROOT, UserError } from "../common/mod.ts";
import { ALGORITHMS_BUILD_DIR, type OptLevel } from "./build.ts";
import { ALGORITHMS_CACHE_DIR } from "./corpus.ts";
import {
  buildStandalone,
  type StandaloneProgram,
  type StandaloneSetOptions,
} from "./standalone.ts";

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

/** Options of {@linkcode buildForeignPrograms} (default levels {@linkcode FOREIGN_DEFAULT_OPTS}). */
export type BuildForeignOptions = StandaloneSetOptions;

/** A built and traced foreign program (absolute paths). */
export type ForeignProgram = StandaloneProgram;

/**
 * Compiles every foreign program with each compiler at each level and traces
 * each binary once (no arguments: the program's default size), skipping work
 * that is up to date (see {@linkcode buildStandalone}). A program that does not
 * compile cleanly, or that does not exit 0 under the tracer, is a
 * {@linkcode UserError} naming it.
 *
 * @returns One entry per program, compiler and level (compiler, then level, then name).
 */
export async function buildForeignPrograms(
  options: BuildForeignOptions = {},
): Promise<ForeignProgram[]> {
  const sources = await listForeignPrograms();
  return await buildStandalone(
    "foreign",
    sources.map(({ name, source }) => ({
      name,
      source,
      headers: [FOREIGN_HEADER],
      args: [],
      inputs: [],
    })),
    {
      compilers: options.compilers,
      opts: options.opts ?? FOREIGN_DEFAULT_OPTS,
      buildDir: options.buildDir ?? FOREIGN_BUILD_DIR,
      tracesDir: options.tracesDir ?? FOREIGN_TRACES_DIR,
      jobs: options.jobs,
      quiet: options.quiet,
    },
  );
}
