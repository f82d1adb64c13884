/**
 * Every study, in the order the report shows them and `make` runs them. Adding a study: write
 * `experiments/<name>.ts` (a {@linkcode Study}, see lib/experiments/study.ts) and add one line here;
 * the Makefile, `deno task exp`, `results/setup.json`, the report and the README table follow.
 *
 * @module
 */
import type { AnyStudy } from "../lib/experiments/mod.ts";
import ablations from "./ablations.ts";
import algorithmClassification from "./algorithm_classification.ts";
import branchPrediction from "./branch_prediction.ts";
import dataScaling from "./data_scaling.ts";
import encodings from "./encodings.ts";
import generalization from "./generalization.ts";
import historyFailure from "./history_failure.ts";
import lead from "./lead.ts";
import prefetching from "./prefetching.ts";

/** The studies, in report order. */
export const STUDIES: readonly AnyStudy[] = [
  branchPrediction,
  dataScaling,
  prefetching,
  encodings,
  ablations,
  lead,
  generalization,
  historyFailure,
  algorithmClassification,
];
