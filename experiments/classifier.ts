/**
 * `deno task classifier`: exports the classifier `deno task classify` uses into
 * `<results>/../results/algorithms/classifier/` (the default: `results/algorithms/classifier/`),
 * from the `algorithm_classification` study's seed-1 pre-trained NCF, reusing the study's cached
 * data and model (`lib/algorithms/classifier_step.ts`). Run the study first; `make experiments`
 * runs this after the studies.
 *
 * @module
 */
import { DEFAULT_CLASSIFIER_DIR, runMain, UserError } from "../lib/common/mod.ts";
import { exportStudyClassifier } from "../lib/algorithms/classifier_step.ts";
import { parseExperimentArgs, STUDY_OPTIONS_HELP } from "../lib/experiments/mod.ts";
import study from "./algorithm_classification.ts";

const HELP = `usage: deno task classifier [options]

Writes deno task classify's classifier (model, softmax, temperature, out-of-distribution detector
and its warning rates) to DIR/../${DEFAULT_CLASSIFIER_DIR}/ from the ${study.name} study's seed-1
pre-trained NCF; run the study first at the same scale (it quotes the study's accuracies).

${STUDY_OPTIONS_HELP}`;

async function main(): Promise<void> {
  const { args, positionals, help } = parseExperimentArgs(Deno.args);
  if (help) return console.log(HELP);
  if (positionals.length > 0) throw new UserError(`unexpected "${positionals[0]}"`, "see --help");
  console.log(await exportStudyClassifier(study, args));
}

if (import.meta.main) await runMain(main);
