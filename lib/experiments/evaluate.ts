/**
 * Scores trained GNNs per workload on a dataset's test instances: branch
 * misprediction rate and next-address accuracy, per trace and pooled
 * (workload `all`), for the tasks each model was trained on.
 *
 * @module
 */
import { TASK_ADDRESS, TASK_BRANCH } from "../graph/mod.ts";
import { taskKinds } from "../model/mod.ts";
import type { ResultRow } from "../report/mod.ts";
import type { CachedDataset } from "./datasets.ts";
import { indicesOf } from "./datasets.ts";
import type { SeedModel } from "./study.ts";
import { sourceOf } from "./suite.ts";

/** Pseudo-workload of the pooled instances of every workload. */
export const ALL_WORKLOADS = "all";

/** The metric columns {@linkcode gnnRows} writes. */
export const GNN_METRICS = [
  "branch_misprediction_rate",
  "address_line_accuracy",
  "address_exact_accuracy",
  "branch_instances",
  "address_instances",
];

/**
 * One row per trace x model (workload = the trace's workload) and one
 * pooled row per model, on the test instances of `dataset`.
 */
export function gnnRows(
  dataset: CachedDataset,
  traces: { workload: string; input: string }[],
  models: SeedModel[],
): ResultRow[] {
  const ds = dataset.dataset;
  const rows: ResultRow[] = [];
  for (const m of models) {
    const kinds = taskKinds(m.model.config.task);
    const pooled = { bn: 0, bmiss: 0, an: 0, line: 0, exact: 0 };
    for (const t of traces) {
      const source = sourceOf(dataset, t);
      const metrics: Record<string, number> = {};
      if (kinds.includes(TASK_BRANCH)) {
        const idx = indicesOf(ds, { split: "test", task: TASK_BRANCH, source });
        if (idx.length > 0) {
          const c = m.model.predict(ds, idx).correct;
          const miss = c.length - c.reduce((a, b) => a + b, 0);
          metrics.branch_misprediction_rate = miss / c.length;
          metrics.branch_instances = c.length;
          pooled.bn += c.length;
          pooled.bmiss += miss;
        }
      }
      if (kinds.includes(TASK_ADDRESS)) {
        const idx = indicesOf(ds, { split: "test", task: TASK_ADDRESS, source });
        if (idx.length > 0) {
          const p = m.model.predict(ds, idx);
          const line = p.lineCorrect.reduce((a, b) => a + b, 0);
          const exact = p.correct.reduce((a, b) => a + b, 0);
          metrics.address_line_accuracy = line / idx.length;
          metrics.address_exact_accuracy = exact / idx.length;
          metrics.address_instances = idx.length;
          pooled.an += idx.length;
          pooled.line += line;
          pooled.exact += exact;
        }
      }
      rows.push({ workload: t.workload, method: m.method, seed: m.seed, metrics });
    }
    const metrics: Record<string, number> = {};
    if (pooled.bn > 0) {
      metrics.branch_misprediction_rate = pooled.bmiss / pooled.bn;
      metrics.branch_instances = pooled.bn;
    }
    if (pooled.an > 0) {
      metrics.address_line_accuracy = pooled.line / pooled.an;
      metrics.address_exact_accuracy = pooled.exact / pooled.an;
      metrics.address_instances = pooled.an;
    }
    rows.push({ workload: ALL_WORKLOADS, method: m.method, seed: m.seed, metrics });
  }
  return rows;
}
