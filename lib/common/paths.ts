/**
 * Where things live in the repository, resolved from this file so that every
 * command works from any current folder.
 *
 * @module
 */
import { isAbsolute, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** The repository's top folder. */
export const ROOT: string = fileURLToPath(new URL("../../", import.meta.url)).replace(/\/$/, "");

/** Build products (tracer binary, compiled kernels, caches); never committed. */
export const BUILD_DIR: string = join(ROOT, "build");

/** Generated data: workload inputs, traces, datasets; never committed. */
export const CACHE_DIR: string = join(ROOT, "data", "cache");

/** Experiment outputs: CSV tables, charts, the report. */
export const RESULTS_DIR: string = join(ROOT, "results");

/** `deno task classify`'s classifier, relative to the repository (written by `deno task classifier`). */
export const DEFAULT_CLASSIFIER_DIR = "results/algorithms/classifier";

/** `path` relative to the repository when it is inside it (for reports and settings), else as is. */
export function repoPath(path: string): string {
  const rel = relative(ROOT, resolve(path));
  return rel.startsWith("..") || isAbsolute(rel) ? path : rel;
}
