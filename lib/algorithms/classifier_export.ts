/**
 * The classifier `deno task classify` uses, exported from the algorithm-classification study's
 * pre-trained model (`deno task classifier`): the frozen seed-1 NCF of the held-out-implementation
 * split, softmax regression on execution-weighted whole-executable embeddings of one run of every
 * corpus program, a temperature and the out-of-distribution detector (`ood.ts`, taught on the
 * corpus and the outside programs against the foreign ones), with the rates of its warning measured
 * on programs it has not seen.
 *
 * Not re-exported from `mod.ts`: it loads TensorFlow.js.
 *
 * @module
 */
import { join } from "node:path";
import type { Dataset } from "../graph/mod.ts";
import { copyModel, type NcfModel } from "../model/mod.ts";
import { buildForeignPrograms } from "./foreign.ts";
import { FALSE_ALARM } from "./ood.ts";
import { buildOutsidePrograms } from "./outside.ts";
import type { StandaloneProgram } from "./standalone.ts";
import type { ClassificationSplit, CorpusProgram, ProgramsData } from "./study_data.ts";
import {
  calibrateClassifier,
  CLASSIFIER_BUNDLE_VERSION,
  programDataset,
  programSummaries,
  saveClassifierBundle,
  type WarningRates,
} from "./transfer.ts";
import { sampleByExecution, type WeightedSample } from "./weighting.ts";

/** What {@linkcode exportClassifier} is given. */
export interface ClassifierExport {
  /** The pre-trained NCF (the study's seed-1 held-out-implementation model) and its folder. */
  model: { model: NcfModel; dir: string };
  /** The split it was pre-trained on: its held-out programs measure the calibration. */
  split: ClassificationSplit;
  programs: readonly CorpusProgram[];
  data: ProgramsData;
  maxPerSite: number;
  /** Branch instances embedded per program, and as many load instances. */
  perProgram: number;
  /** The study's accuracies of the frozen NCF, in words. */
  measuredAccuracy: string;
  /** The bundle's folder. */
  out: string;
  quiet: boolean;
}

/** How `classify` samples a run: `perProgram` of each kind, picked by execution, every function. */
const sampling = (o: ClassifierExport) => ({ perSource: o.perProgram, coverage: 1 });

/** Execution-weighted embeddings of the programs' samples; a progress bar labelled `label`. */
function embedWeighted(
  model: NcfModel,
  dataset: Dataset,
  samples: WeightedSample[],
  label: string | undefined,
) {
  return programSummaries(model, dataset, samples.map((s) => s.indices), {
    weights: samples.map((s) => s.weights),
    label,
  });
}

/** Execution-weighted embeddings of standalone programs (one trace each). */
async function embedStandalone(built: StandaloneProgram[], what: string, o: ClassifierExport) {
  const data = await programDataset(
    built.map((f) => ({
      name: `${f.name}@${f.compiler}-${f.opt}`,
      input: "run",
      trace: f.trace,
      binary: f.binary,
    })),
    { maxPerSite: o.maxPerSite, quiet: true },
  );
  const samples = sampleByExecution(data.dataset, data.profiles, sampling(o));
  return embedWeighted(
    o.model.model,
    data.dataset,
    samples,
    o.quiet ? undefined : `embed, ${what}`,
  );
}

/**
 * Fits, calibrates and writes the classifier bundle into `o.out` (the model copied beside it):
 * the temperature and the warning rates come from `calibrateClassifier` (the softmax and the
 * detector fitted without the split's held-out implementations; each outside and foreign program
 * scored by a detector fitted without it).
 */
export async function exportClassifier(
  o: ClassifierExport,
): Promise<{ temperature: number; warningRates: WarningRates }> {
  const { dataset } = o.data.dataset;
  // One run per binary (its first input), as `classify` sees a program: a summary of `perProgram`
  // picks of each kind from one trace differs from one of half as many from each of two.
  const bySource = sampleByExecution(dataset, o.data.profiles, sampling(o));
  const whole = o.data.sourcesOf.map(([first]) => bySource[first]);
  const levels = [...new Set(o.programs.map((p) => p.opt))].sort();
  const foreign = await buildForeignPrograms({ opts: levels, quiet: o.quiet });
  const outside = await buildOutsidePrograms({ opts: levels, quiet: o.quiet });
  const { classifier, rates, folds } = calibrateClassifier({
    features: embedWeighted(o.model.model, dataset, whole, o.quiet ? undefined : "embed, corpus"),
    labels: o.programs.map((p) => p.class),
    implementations: o.programs.map((p) => `${p.class}-${p.implementation}`),
    trainIdx: o.split.trainIdx,
    testIdx: o.split.testIdx,
    foreign: {
      features: await embedStandalone(foreign, "foreign programs", o),
      groups: foreign.map((p) => p.name),
    },
    outside: {
      features: await embedStandalone(outside, "outside programs", o),
      groups: outside.map((p) => p.name),
      labels: outside.map((p) => p.class),
    },
  });
  const names = (list: StandaloneProgram[]) => [...new Set(list.map((f) => f.name))].join(", ");
  const warningRates: WarningRates = {
    ...rates,
    measuredOn: `the same pipeline with the softmax and the detector fitted without the held-out ` +
      `implementations of seed ${o.split.seed}, and each foreign or outside program scored by a ` +
      `detector fitted without it (${folds} folds; warning: P(foreign) above the score that ` +
      `${100 * FALSE_ALARM}% of the held-out implementations exceed, each of them measured ` +
      `against the others'; classify uses the folds' mean, ` +
      `${classifier.detector!.threshold.toPrecision(2)}); foreign programs: ` +
      `${names(foreign)} (data/algorithms/foreign/); programs written outside the corpus: ` +
      `${names(outside)} (data/algorithms/outside/); gcc-12 and clang at ${levels.join("/")}`,
  };
  const temperature = classifier.temperature!;
  const classes = [...new Set(o.programs.map((p) => p.class))].sort();
  await copyModel(o.model.dir, join(o.out, "model"));
  await saveClassifierBundle(o.out, {
    format: "ncf-algorithm-classifier",
    version: CLASSIFIER_BUNDLE_VERSION,
    model: "model",
    classifier,
    maxPerSite: o.maxPerSite,
    sampling: sampling(o),
    warningRates,
    measuredAccuracy: o.measuredAccuracy,
    trainedOn:
      `NCF pre-trained on branch prediction over the corpus binaries except the held-out ` +
      `implementations of seed ${o.split.seed} (${o.split.description}); softmax regression on ` +
      `the embeddings of the branch and load instances of the whole executable, weighted by how ` +
      `often their code ran, of one run (the first input) of each of the ${o.programs.length} ` +
      `corpus binaries (${classes.length} classes: ` +
      `${classes.join(", ")}; gcc-12 and clang at ${levels.join("/")}), temperature ` +
      `${temperature.toFixed(2)} fitted on seed ${o.split.seed}'s held-out implementations`,
  });
  return { temperature, warningRates };
}
