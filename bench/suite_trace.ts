/**
 * The real trace the baseline benchmarks run on by default: bzip2 compressing
 * its `text` input at the small scale, from the workload suite (traced on
 * first use, then reused).
 *
 * @module
 */
import { findWorkload, tracePath, traceSuite } from "../lib/workloads/mod.ts";

/** Workload and input of the default benchmark trace. */
export const BENCH_WORKLOAD = { workload: "bzip2", input: "text", scale: "small" } as const;

/** Path of the default benchmark trace, tracing it if it is not on disk yet. */
export async function benchTrace(): Promise<string> {
  const { workload, input, scale } = BENCH_WORKLOAD;
  await traceSuite({ scale, workloads: [findWorkload(workload)], inputs: "first" });
  return tracePath(scale, workload, input);
}
