/**
 * `deno task classifier`: exports the classifier `deno task classify` uses into
 * `<results>/../results/algorithms/classifier/` (the default: `results/algorithms/classifier/`),
 * from the `algorithm_classification` study's seed-1 pre-trained NCF (held-out implementations),
 * reusing the study's cached data and model. Run the study first
 * (`deno task exp algorithm_classification`): the bundle quotes its accuracies. `make experiments`
 * runs it after the studies.
 *
 * @module
 */
import { join } from "node:path";
import { runMain, UserError } from "../lib/common/mod.ts";
import { exportClassifier } from "../lib/algorithms/classifier_export.ts";
import { SPLITS, type StudySizes } from "../lib/algorithms/study_data.ts";
import { pretrainingRequests } from "../lib/algorithms/study_scoring.ts";
import { DEFAULT_CLASSIFIER_DIR } from "../lib/algorithms/transfer.ts";
import {
  jobsOf,
  label,
  parseExperimentArgs,
  pct,
  STUDY_OPTIONS_HELP,
  type StudyContext,
  studyContext,
  trainedModels,
} from "../lib/experiments/mod.ts";
import { readResults } from "../lib/report/mod.ts";
import study from "./algorithm_classification.ts";

const HELP = `usage: deno task classifier [options]

Writes deno task classify's classifier (model, softmax, temperature, out-of-distribution detector
and its warning rates) to DIR/../${DEFAULT_CLASSIFIER_DIR}/ from the ${study.name} study's seed-1
pre-trained NCF; run the study first at the same scale (it quotes the study's accuracies).

${STUDY_OPTIONS_HELP}`;

/** The study's accuracies of NCF frozen, in words, read from its results table. */
async function measuredAccuracy(results: string, classes: number): Promise<string> {
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

async function main(): Promise<void> {
  const { args, positionals, help } = parseExperimentArgs(Deno.args);
  if (help) return console.log(HELP);
  if (positionals.length > 0) throw new UserError(`unexpected "${positionals[0]}"`, "see --help");
  // Seed 1's split only: the classifier's model, and its held-out programs calibrate it.
  const ctx = studyContext(study, { ...args, seeds: [1] }) as StudyContext<StudySizes>;
  const data = await study.data(ctx);
  const split = data.splits.find((s) => s.name === SPLITS.impl)!;
  const accuracy = await measuredAccuracy(args.results, data.classes.length);
  const [request] = pretrainingRequests([split]);
  const [model] = await trainedModels(jobsOf(ctx.plan, [1], [request]), args);
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
  console.log(
    `classifier in ${out} (temperature ${temperature.toFixed(2)}): the warning fired on ` +
      `${share(w.known.warned)} of ${w.known.programs} unseen known-class programs (named right: ` +
      `${share(w.known.accuracy)}), ${share(w.outside!.warned)} of ${w.outside!.programs} ` +
      `programs written outside the corpus (named right: ${share(w.outside!.accuracy)}) and ` +
      `${share(w.foreign.warned)} of ${w.foreign.programs} foreign programs`,
  );
}

if (import.meta.main) await runMain(main);
