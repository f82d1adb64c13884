/**
 * Model jobs as the experiments define them: the plan's GNN with a task,
 * an encoding and static-only or fused values, one job per seed, and the
 * main study (every workload's time split) that branch prediction and
 * prefetching share.
 *
 * @module
 */
import { type EncodingName, TASK_ADDRESS, TASK_BRANCH } from "../graph/mod.ts";
import type { NcfModel, TrainOptions, TrainSpec } from "../model/mod.ts";
import type { ExperimentArgs, Plan } from "./config.ts";
import {
  type AddressBaselines,
  addressBaselines,
  type BranchBaselines,
  branchBaselines,
  type RecordPoints,
} from "./baselines.ts";
import { type CachedDataset, indicesOf } from "./datasets.ts";
import { type ModelJob, type ModelRecord, trainedModels } from "./models.ts";
import { sourceOf, suiteDataset, type SuiteTrace, suiteTraces } from "./suite.ts";

/** A model variant: what differs from the plan's default fused multi-task binary GNN. */
export interface Variant {
  /** Method name in the results, e.g. `"NCF"`. */
  method: string;
  task?: TrainSpec["task"];
  staticOnly?: boolean;
  encoding?: EncodingName;
  /** Train on this dataset instead of the study's (e.g. one with edge types dropped). */
  dataset?: CachedDataset;
}

/** The spec of a variant under `plan`. */
export function specOf(plan: Plan, variant: Variant): TrainSpec {
  return {
    ...plan.model,
    task: variant.task ?? "multi",
    staticOnly: variant.staticOnly ?? false,
    encoding: variant.encoding ?? "binary",
  };
}

/** One job per seed of `variant` on `dataset` (training options: the plan's unless given). */
export function variantJobs(
  args: ExperimentArgs,
  dataset: CachedDataset,
  variant: Variant,
  training: Omit<TrainOptions, "seed"> = args.plan.training,
): ModelJob[] {
  return args.seeds.map((seed) => ({
    label: `${variant.method} seed ${seed}`,
    dataset: variant.dataset ?? dataset,
    spec: specOf(args.plan, variant),
    options: { ...training, seed },
  }));
}

/** A trained model of one variant and seed. */
export interface SeedModel {
  method: string;
  seed: number;
  model: NcfModel;
  record: ModelRecord;
}

/**
 * Trains (or loads) every variant for every seed on `dataset`, `args.jobs`
 * at a time; while they train, `meanwhile` runs in this process (e.g. the
 * baselines).
 */
export async function trainVariants<T>(
  args: ExperimentArgs,
  dataset: CachedDataset,
  variants: Variant[],
  meanwhile: () => Promise<T>,
  training?: Omit<TrainOptions, "seed">,
): Promise<{ models: SeedModel[]; other: T }> {
  const jobs = variants.flatMap((v) => variantJobs(args, dataset, v, training));
  const [loaded, other] = await Promise.all([
    trainedModels(jobs, { jobs: args.jobs, quiet: args.quiet }),
    meanwhile(),
  ]);
  const models = loaded.map((m, k) => ({
    method: variants[Math.floor(k / args.seeds.length)].method,
    seed: args.seeds[k % args.seeds.length],
    model: m.model,
    record: m.record,
  }));
  return { models, other };
}

/** The main study: every workload (the plan's inputs), time split, selected sites. */
export interface MainStudy {
  traces: SuiteTrace[];
  dataset: CachedDataset;
}

/** The main study's traces and dataset (cached). */
export async function mainStudy(args: ExperimentArgs): Promise<MainStudy> {
  const traces = await suiteTraces({ scale: args.scale, plan: args.plan });
  const dataset = await suiteDataset(traces, args.plan, { quiet: args.quiet });
  return { traces, dataset };
}

/** The main study's GNNs: NCF (fused, multi-task) and the static-only GNN. */
export const MAIN_VARIANTS: Variant[] = [
  { method: "NCF" },
  { method: "static-only GNN", staticOnly: true },
];

/** The test instances of one task of a main-study trace, and the same as record points. */
export interface StudyTest {
  trace: SuiteTrace;
  idx: Uint32Array;
  at: RecordPoints;
}

/** Per trace of `study`, its test instances of `task` (TASK_BRANCH or TASK_ADDRESS). */
export function studyTests(study: MainStudy, task: number): StudyTest[] {
  const ds = study.dataset.dataset;
  return study.traces.map((trace) => {
    const idx = indicesOf(ds, { split: "test", task, source: sourceOf(study.dataset, trace) });
    return {
      trace,
      idx,
      at: {
        site: Array.from(idx, (i) => ds.instances.site[i]),
        icount: Array.from(idx, (i) => ds.instances.icount[i]),
      },
    };
  });
}

/** Every baseline of the main study, per trace in study order. */
export interface MainBaselines {
  branch: BranchBaselines[];
  /** Online address predictors, and the LSTM per seed (in `args.seeds` order). */
  address: { online: AddressBaselines; lstm: AddressBaselines[] }[];
  /** Wall seconds of this call (near 0 when everything was cached). */
  seconds: number;
}

/**
 * Runs (or loads) every baseline of the main study, branch and address, at
 * its test instances. `branch_prediction` and `prefetching` both call it
 * while their models train, so whichever runs first fills the cache and
 * the LSTM uses the core the training leaves free.
 */
export async function mainBaselines(
  args: ExperimentArgs,
  study: MainStudy,
): Promise<MainBaselines> {
  const started = performance.now();
  const branchTests = studyTests(study, TASK_BRANCH);
  const addressTests = studyTests(study, TASK_ADDRESS);
  const branch: BranchBaselines[] = [];
  for (const t of branchTests) {
    branch.push(
      await branchBaselines(t.trace.path, t.trace.stats.testFrom, t.at, { quiet: args.quiet }),
    );
  }
  const address: MainBaselines["address"] = [];
  for (const t of addressTests) {
    const testFrom = t.trace.stats.testFrom;
    const loadSites = t.trace.sites.filter((s) => t.trace.stats.kind[s] === "l");
    const online = await addressBaselines(t.trace.path, testFrom, t.at, { quiet: args.quiet });
    const lstm: AddressBaselines[] = [];
    for (const seed of args.seeds) {
      lstm.push(
        await addressBaselines(t.trace.path, testFrom, t.at, {
          lstm: { options: args.plan.lstm, seed, sites: loadSites },
          quiet: args.quiet,
        }),
      );
    }
    address.push({ online, lstm });
  }
  return { branch, address, seconds: (performance.now() - started) / 1000 };
}
