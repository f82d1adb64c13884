/**
 * The classifier export as a step after the `algorithm_classification` study (`deno task
 * classifier`): rebuilds the study's seed-1 data and model from their caches, quotes the study's
 * measured accuracies and writes the bundle with {@linkcode exportClassifier}.
 *
 * Not re-exported from `mod.ts`: it loads TensorFlow.js.
 *
 * @module
 */
import { join } from "node:path";
import { DEFAULT_CLASSIFIER_DIR, UserError } from "../common/mod.ts";
import type { ExperimentArgs } from "../experiments/config.ts";
import { label } from "../experiments/methods.ts";
import { jobsOf, trainedModels } from "../experiments/models.ts";
import { studyContext } from "../experiments/runner.ts";
import type { Study, StudyContext } from "../experiments/study.ts";
import { pct } from "../experiments/verdicts.ts";
import { readResults, type ResultRow } from "../report/mod.ts";
import { exportClassifier } from "./classifier_export.ts";
import { SPLITS, type StudyData, type StudySizes } from "./study_data.ts";
import { pretrainingRequests } from "./study_scoring.ts";

/** The algorithm-classification study, as the export reads it. */
export type ClassificationStudy = Study<StudySizes, StudyData, ResultRow[]>;

/** The study's accuracies of NCF frozen, in words, read from its results table. */
async function measuredAccuracy(study: ClassificationStudy, results: string, classes: number) {
  const table = await readResults(study.name, { dir: results }).catch(() => {
    throw new UserError(
      `no ${study.name} results in ${results}`,
      `run the study first: deno task exp ${study.name} (same --scale and --results)`,
    );
  });
  const frozen = (split: string) =>
    pct(
      table.runs.filter((r) => r.workload === split && r.method === label("ncf-frozen"))
        .map((r) => r.metrics.accuracy / 100),
    );
  const seeds = new Set(table.runs.map((r) => r.seed)).size;
  return `NCF frozen ${frozen(SPLITS.impl)} on held-out implementations (${seeds} seed(s)), ` +
    `${frozen(SPLITS.compiler)} on the held-out compiler; chance ${(100 / classes).toFixed(1)}%`;
}

/**
 * Exports `deno task classify`'s classifier from `study`'s seed-1 pre-trained NCF into
 * `<results>/../results/algorithms/classifier/`; returns a summary of the bundle and its measured
 * warning rates.
 */
export async function exportStudyClassifier(
  study: ClassificationStudy,
  args: ExperimentArgs,
): Promise<string> {
  // Seed 1's split only: the classifier's model, and its held-out programs calibrate it.
  const ctx = studyContext(study, { ...args, seeds: [1] }) as StudyContext<StudySizes>;
  const data = await study.data(ctx);
  const split = data.splits.find((s) => s.name === SPLITS.impl)!;
  const accuracy = await measuredAccuracy(study, args.results, data.classes.length);
  const [ncf] = pretrainingRequests([split]);
  const [model] = await trainedModels(jobsOf(ctx.plan, [1], [ncf]), args);
  const out = join(args.results, "..", DEFAULT_CLASSIFIER_DIR);
  const { temperature, warningRates: w } = await exportClassifier({
    model,
    split,
    programs: data.programs,
    data: data.data,
    maxPerSite: ctx.plan.maxPerSite,
    perProgram: ctx.sizes.perProgram,
    measuredAccuracy: accuracy,
    out,
    quiet: args.quiet,
  });
  model.model.dispose();
  const share = (x: number) => `${(100 * x).toFixed(0)}%`;
  return `classifier in ${out} (temperature ${temperature.toFixed(2)}): the warning fired on ` +
    `${share(w.known.warned)} of ${w.known.programs} unseen known-class programs (named right: ` +
    `${share(w.known.accuracy)}), ${share(w.outside!.warned)} of ${w.outside!.programs} ` +
    `programs written outside the corpus (named right: ${share(w.outside!.accuracy)}) and ` +
    `${share(w.foreign.warned)} of ${w.foreign.programs} foreign programs`;
}
