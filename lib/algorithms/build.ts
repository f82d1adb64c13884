/**
 * Compiles the corpus: every implementation with gcc-12 and clang (14) at
 * -O0..-O3 (with -g) into `build/algorithms/<compiler>-<opt>/<class>-<impl>`,
 * skipping binaries that are up to date.
 *
 * @module
 */
import { join } from "node:path";
import { atomicWriteFile, BUILD_DIR, isUpToDate, UserError } from "../common/mod.ts";
import { type AlgorithmProgram, ALGORITHMS_DIR, COMMON_HEADER, programId } from "./manifest.ts";

/** Compilers of the corpus, by the name used in paths and splits. */
export const COMPILERS = { gcc: "gcc-12", clang: "clang" } as const;

/** A compiler's short name: `gcc` (gcc-12) or `clang` (Debian's clang 14). */
export type CompilerName = keyof typeof COMPILERS;

/** The compilers, in order. */
export const COMPILER_NAMES: readonly CompilerName[] = ["gcc", "clang"];

/** Optimisation levels. */
export type OptLevel = "O0" | "O1" | "O2" | "O3";

/** The optimisation levels, in order. */
export const OPT_LEVELS: readonly OptLevel[] = ["O0", "O1", "O2", "O3"];

/** Where the compiled corpus goes. */
export const ALGORITHMS_BUILD_DIR: string = join(BUILD_DIR, "algorithms");

const WARNINGS = ["-Wall", "-Wextra"];

/** One compilation: which program, with which compiler and level. */
export interface CompileTarget {
  program: AlgorithmProgram;
  compiler: CompilerName;
  opt: OptLevel;
}

/** The folder of one compiler and level, e.g. `build/algorithms/gcc-O2`. */
export function configName(compiler: CompilerName, opt: OptLevel): string {
  return `${compiler}-${opt}`;
}

/** The binary of a target (in `dir`, default {@linkcode ALGORITHMS_BUILD_DIR}). */
export function binaryPath(target: CompileTarget, dir: string = ALGORITHMS_BUILD_DIR): string {
  return join(dir, configName(target.compiler, target.opt), programId(target.program));
}

function compileArgs(target: CompileTarget, out: string): string[] {
  return [
    `-${target.opt}`,
    "-g",
    "-std=gnu11",
    ...WARNINGS,
    "-o",
    out,
    join(ALGORITHMS_DIR, target.program.source),
  ];
}

/** What {@linkcode compileProgram} did. */
export interface CompileResult {
  binary: string;
  /** False when an up-to-date binary was kept. */
  compiled: boolean;
}

/**
 * Compiles one target unless its binary is newer than the source and
 * its headers (default common.h) and was built with the same command. Compiler warnings are
 * errors of the corpus (a program must compile cleanly with both compilers).
 */
export async function compileProgram(
  target: CompileTarget,
  options: { dir?: string; force?: boolean; headers?: readonly string[] } = {},
): Promise<CompileResult> {
  const binary = binaryPath(target, options.dir);
  const source = join(ALGORITHMS_DIR, target.program.source);
  const stamp = `${binary}.cmd`;
  const compiler = COMPILERS[target.compiler];
  const command = [compiler, ...compileArgs(target, binary)].join(" ");
  const previous = await Deno.readTextFile(stamp).catch(() => "");
  if (
    !options.force && previous === command &&
    await isUpToDate(binary, [source, ...(options.headers ?? [COMMON_HEADER])])
  ) {
    return { binary, compiled: false };
  }
  try {
    await Deno.stat(source);
  } catch {
    throw new UserError(
      `source ${source} of ${programId(target.program)} does not exist`,
      "fix the source path in data/algorithms/manifest.json",
    );
  }
  const tmp = `${binary}.tmp-${Deno.pid}-${crypto.randomUUID().slice(0, 8)}`;
  await Deno.mkdir(join(binary, ".."), { recursive: true });
  let result: Deno.CommandOutput;
  try {
    result = await new Deno.Command(compiler, {
      args: compileArgs(target, tmp),
      stdout: "piped",
      stderr: "piped",
    }).output();
  } catch (err) {
    throw new UserError(
      `cannot run ${compiler}: ${(err as Error).message}`,
      "install it: make apt",
    );
  }
  const log = new TextDecoder().decode(result.stderr).trim();
  if (!result.success || log !== "") {
    await Deno.remove(tmp).catch(() => {});
    throw new UserError(
      `${compiler} -${target.opt} on ${target.program.source} ` +
        `${result.success ? "warned" : "failed"}:\n${log}`,
      "fix the source so that it compiles without warnings with gcc-12 and clang",
    );
  }
  await Deno.rename(tmp, binary);
  await atomicWriteFile(stamp, command);
  return { binary, compiled: true };
}
