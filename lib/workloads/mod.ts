/**
 * The workload suite: SPEC CPU2006-integer analogs from Debian, our own C
 * kernels and driver, their seeded inputs, and tracing the whole suite.
 *
 * @example
 * ```ts
 * import { listWorkloads, resolveWorkload } from "./mod.ts";
 * const run = await resolveWorkload("bzip2", { input: "text", scale: "small" });
 * // run.program, run.args, run.stdin, run.cwd, run.env, run.skip, run.window
 * ```
 *
 * @module
 */
export { findWorkload, listWorkloads, MANIFEST_PATH, parseManifest, SCALES } from "./manifest.ts";
export type {
  InputSpec,
  ParamValue,
  Scale,
  TraceWindow,
  WorkloadKind,
  WorkloadSpec,
} from "./manifest.ts";
export { findInput, resolveWorkload } from "./resolve.ts";
export type { ResolvedRun, ResolveOptions } from "./resolve.ts";
export { ensureInput, inputDir, INPUTS_DIR } from "./inputs.ts";
export type { InputFiles } from "./inputs.ts";
export { binaryPath, buildProgram, WORKLOADS_BUILD_DIR } from "./build.ts";
export { GENERATORS } from "./generators/mod.ts";
export type { GeneratorContext, InputGenerator } from "./generators/mod.ts";
export { runNative } from "./native.ts";
export {
  formatSummary,
  MIN_USABLE_SHARE,
  SUITE_SNAPSHOTS,
  tracePath,
  traceProblem,
  tracesDir,
  traceSuite,
  unusableRuns,
  usableWorkloads,
} from "./suite.ts";
export type { SuiteRow, SuiteSummary, TraceSuiteOptions, UnusableTrace } from "./suite.ts";
export type { NativeResult, NativeRunOptions } from "./native.ts";
