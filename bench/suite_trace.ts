/**
 * The real data the benchmarks run on by default, from the workload suite at
 * the small scale (traced on first use, then reused): bzip2 compressing its
 * `text` input for the baselines, and a branch dataset from a few workloads'
 * traces for the model.
 *
 * @module
 */
import { buildDataset } from "../lib/graph/build.ts";
import type { Dataset } from "../lib/graph/types.ts";
import { findWorkload, tracePath, traceSuite } from "../lib/workloads/mod.ts";

/** Workload and input of the default benchmark trace. */
export const BENCH_WORKLOAD = { workload: "bzip2", input: "text", scale: "small" } as const;

/** Workloads whose first input's traces make the model benchmark's dataset. */
export const BENCH_DATASET_WORKLOADS = ["bzip2", "perl", "cc1", "gnugo"];

/** Path of the default benchmark trace, tracing it if it is not on disk yet. */
export async function benchTrace(): Promise<string> {
  const { workload, input, scale } = BENCH_WORKLOAD;
  await traceSuite({ scale, workloads: [findWorkload(workload)], inputs: "first" });
  return tracePath(scale, workload, input);
}

/** A branch dataset (time split) from {@linkcode BENCH_DATASET_WORKLOADS}, tracing them if needed. */
export async function benchDataset(): Promise<Dataset> {
  const specs = BENCH_DATASET_WORKLOADS.map(findWorkload);
  await traceSuite({ scale: "small", workloads: specs, inputs: "first" });
  return buildDataset({
    traces: specs.map((spec) => ({
      path: tracePath("small", spec.name, spec.inputs[0].name),
      workload: spec.name,
      input: spec.inputs[0].name,
    })),
    tasks: ["branch"],
    quiet: true,
  });
}
