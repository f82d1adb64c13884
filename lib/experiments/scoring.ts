/**
 * Result rows from predictions on a study's sampled test instances, the same
 * way for every method: per trace (workload) x method x seed, with the
 * weights the runner pools them by (`pooling.ts`).
 *
 * @module
 */
import { TASK_ADDRESS, TASK_BRANCH } from "../graph/mod.ts";
import { taskKinds } from "../model/mod.ts";
import {
  BRANCH_REFERENCES,
  type BranchBaselines,
  type TraceAddressBaselines,
} from "./baselines.ts";
import type { CachedDataset } from "./datasets.ts";
import { indicesOf } from "./datasets.ts";
import { label } from "./methods.ts";
import { addressMetrics, branchMetrics, hybridMpki } from "./metrics.ts";
import type { SeedModel } from "./models.ts";
import type { MetricColumn, PoolableRow } from "./pooling.ts";
import { sourceOf, type TraceTests } from "./suite.ts";

/** The columns of {@linkcode branchRows}. */
export const BRANCH_COLUMNS: MetricColumn[] = [
  { name: "misprediction_rate", pool: { weight: "instances" } },
  { name: "accuracy", pool: { weight: "instances" }, report: false },
  { name: "mpki_est", pool: { weight: "test_instructions" } },
  { name: "hard_misprediction_rate", pool: { weight: "hard_instances" } },
  { name: "instances", pool: "sum", report: false },
  { name: "hard_instances", pool: "sum", report: false },
  { name: "trace_misprediction_rate" },
  { name: "trace_mpki", pool: { weight: "test_instructions" } },
  { name: "trace_hard_misprediction_rate", report: false },
];

/** The hybrid's reference: the predictor that predicts every branch NCF was not trained on. */
export const HYBRID_REFERENCE = "tage-sc-l-64kb";

/**
 * Branch rows on the test instances of each trace, the baselines recorded at exactly these:
 * every baseline and reference (repeated per seed: they are deterministic), the per-site majority
 * outcome of the train part, every model, and for each NCF model the hybrid's whole-test-part MPKI
 * (NCF on its sites, {@linkcode HYBRID_REFERENCE} elsewhere).
 */
export function branchRows(
  dataset: CachedDataset,
  tests: readonly TraceTests[],
  baselines: readonly BranchBaselines[],
  options: { baselines: readonly string[]; models: readonly SeedModel[]; seeds: number[] },
): PoolableRow[] {
  const ds = dataset.dataset;
  const rows: PoolableRow[] = [];
  tests.forEach((test, t) => {
    const b = baselines[t];
    const taken = Array.from(test.idx, (i) => Number(ds.instances.label[i]));
    if (taken.some((l, k) => l !== b.taken[k])) {
      throw new Error(`${test.trace.workload}: baseline outcomes differ from the dataset's labels`);
    }
    const hardSites = new Set(b.hardSites);
    const ctx = {
      site: test.at.site,
      siteExecutions: b.siteExecutions,
      hardSites,
      testInstructions: b.testInstructions,
    };
    const weights = { test_instructions: b.testInstructions };
    const hardInstances = test.at.site.filter((s) => hardSites.has(s)).length;
    const add = (method: string, seed: number, metrics: Record<string, number>) =>
      rows.push({ workload: test.trace.workload, method: label(method), seed, metrics, weights });
    const scored = (correct: ArrayLike<number>, extra = {}) => ({
      ...branchMetrics(correct, ctx),
      ...extra,
      instances: correct.length,
      hard_instances: hardInstances,
    });
    for (const name of [...options.baselines, ...BRANCH_REFERENCES]) {
      const correct = b.predictions[name].map((p, k) => Number(p === taken[k]));
      const tr = b.trace[name];
      const extra = {
        trace_misprediction_rate: tr.mispredictionRate,
        trace_mpki: tr.mpki,
        trace_hard_misprediction_rate: tr.hardMispredictionRate,
      };
      for (const seed of options.seeds) add(name, seed, scored(correct, extra));
    }
    const majority = test.at.site.map((s, k) =>
      Number((2 * b.trainTaken[s] >= b.trainExecutions[s] ? 1 : 0) === taken[k])
    );
    for (const seed of options.seeds) add("per-site-majority", seed, scored(majority));
    for (const m of options.models) {
      const correct = m.model.predict(ds, test.idx).correct;
      add(m.method, m.seed, scored(correct));
      if (m.method === "ncf") add("hybrid", m.seed, { trace_mpki: hybridOf(b, test, correct) });
    }
  });
  return rows;
}

/**
 * The whole-test-part MPKI of NCF on its sites (`correct` at `test`'s instances) with
 * {@linkcode HYBRID_REFERENCE} predicting every other branch of the trace.
 */
export function hybridOf(
  b: BranchBaselines,
  test: TraceTests,
  correct: ArrayLike<number>,
): number {
  return hybridMpki({
    referenceMisses: b.trace[HYBRID_REFERENCE].mpki * b.testInstructions / 1000,
    referenceSiteMisses: b.siteMispredictions[HYBRID_REFERENCE],
    siteExecutions: b.siteExecutions,
    testInstructions: b.testInstructions,
    site: test.at.site,
    correct,
  });
}

/**
 * Gives the rows of `models` (one per trace, as {@linkcode gnnRows} makes them) their hybrid's
 * whole-test-part MPKI (`trace_mpki`) on `tests`, and with `withReference` adds a row per trace
 * and seed of {@linkcode HYBRID_REFERENCE}'s own MPKI.
 */
export function addHybridMpki(
  rows: PoolableRow[],
  o: {
    tests: readonly TraceTests[];
    baselines: readonly BranchBaselines[];
    models: readonly SeedModel[];
    withReference: boolean;
  },
): void {
  o.tests.forEach((test, t) => {
    const b = o.baselines[t];
    const weights = { test_instructions: b.testInstructions };
    const of = (method: string, seed: number) =>
      rows.find((r) =>
        r.workload === test.trace.workload && r.method === label(method) && r.seed === seed
      );
    for (const m of o.models) {
      const row = of(m.method, m.seed)!;
      const correct = m.model.predict(m.dataset.dataset, test.idx).correct;
      Object.assign(row, {
        weights,
        metrics: { ...row.metrics, trace_mpki: hybridOf(b, test, correct) },
      });
    }
    if (!o.withReference) return;
    for (const seed of new Set(o.models.map((m) => m.seed))) {
      const metrics = { trace_mpki: b.trace[HYBRID_REFERENCE].mpki };
      rows.push({
        workload: test.trace.workload,
        method: label(HYBRID_REFERENCE),
        seed,
        metrics,
        weights,
      });
    }
  });
}

/** The columns of {@linkcode addressRows}. */
export const ADDRESS_COLUMNS: MetricColumn[] = [
  { name: "line_accuracy", pool: { weight: "instances" } },
  { name: "exact_accuracy", pool: { weight: "instances" } },
  { name: "coverage", pool: { weight: "instances" } },
  { name: "prediction_accuracy", pool: { weight: "predictions" } },
  { name: "instances", pool: "sum", report: false },
  { name: "trace_line_accuracy" },
  { name: "trace_coverage", report: false },
];

/** Address rows of every baseline and model on the test load instances of each trace. */
export function addressRows(
  dataset: CachedDataset,
  tests: readonly TraceTests[],
  baselines: readonly TraceAddressBaselines[],
  options: {
    online: readonly string[];
    lstm: string;
    models: readonly SeedModel[];
    seeds: number[];
  },
): PoolableRow[] {
  const ds = dataset.dataset;
  const rows: PoolableRow[] = [];
  tests.forEach((test, t) => {
    const { online, lstm } = baselines[t];
    const actual = Array.from(test.idx, (i) => Number(ds.instances.label[i]));
    if (actual.some((a, k) => a !== online.nextAddr[k])) {
      throw new Error(
        `${test.trace.workload}: baseline next addresses differ from the dataset's labels`,
      );
    }
    const n = actual.length;
    const add = (method: string, seed: number, metrics: Record<string, number>) =>
      rows.push({
        workload: test.trace.workload,
        method: label(method),
        seed,
        metrics: {
          ...metrics,
          // Accuracy over the predictions made, as prefetchers are judged beside their coverage.
          ...(metrics.coverage > 0
            ? { prediction_accuracy: metrics.line_accuracy / metrics.coverage }
            : {}),
          instances: n,
        },
        weights: { predictions: n * metrics.coverage },
      });
    const baseline = (run: typeof online, name: string, seed: number) =>
      add(name, seed, {
        ...addressMetrics(run.predictions[name], actual),
        trace_line_accuracy: run.trace[name].accuracyLine,
        trace_coverage: run.trace[name].coverage,
      });
    for (const name of options.online) {
      for (const seed of options.seeds) baseline(online, name, seed);
    }
    options.seeds.forEach((seed, k) => baseline(lstm[k], options.lstm, seed));
    for (const m of options.models) {
      const p = m.model.predict(ds, test.idx);
      add(m.method, m.seed, {
        line_accuracy: sum(p.lineCorrect) / n,
        exact_accuracy: sum(p.correct) / n,
        coverage: sum(p.predicted) / n,
      });
    }
  });
  return rows;
}

function sum(values: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < values.length; i++) s += values[i];
  return s;
}

/** The columns of {@linkcode gnnRows}. */
export const GNN_COLUMNS: MetricColumn[] = [
  { name: "branch_misprediction_rate", pool: { weight: "branch_instances" } },
  { name: "address_line_accuracy", pool: { weight: "address_instances" } },
  { name: "address_exact_accuracy", pool: { weight: "address_instances" } },
  { name: "branch_instances", pool: "sum", report: false },
  { name: "address_instances", pool: "sum", report: false },
];

/**
 * One row per trace x model on the test instances of the model's dataset: branch misprediction
 * rate and next-address accuracy, for the tasks each model was trained on.
 */
export function gnnRows(
  traces: readonly { workload: string; input: string }[],
  models: readonly SeedModel[],
): PoolableRow[] {
  const rows: PoolableRow[] = [];
  for (const m of models) {
    const ds = m.dataset.dataset;
    const kinds = taskKinds(m.model.config.task);
    for (const t of traces) {
      const source = sourceOf(m.dataset, t);
      const metrics: Record<string, number> = {};
      const test = (task: number) => indicesOf(ds, { split: "test", task, source });
      const branch = kinds.includes(TASK_BRANCH) ? test(TASK_BRANCH) : [];
      if (branch.length > 0) {
        const c = m.model.predict(ds, branch).correct;
        metrics.branch_misprediction_rate = 1 - sum(c) / c.length;
        metrics.branch_instances = c.length;
      }
      const address = kinds.includes(TASK_ADDRESS) ? test(TASK_ADDRESS) : [];
      if (address.length > 0) {
        const p = m.model.predict(ds, address);
        metrics.address_line_accuracy = sum(p.lineCorrect) / address.length;
        metrics.address_exact_accuracy = sum(p.correct) / address.length;
        metrics.address_instances = address.length;
      }
      rows.push({ workload: t.workload, method: label(m.method), seed: m.seed, metrics });
    }
  }
  return rows;
}
