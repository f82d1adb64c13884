/**
 * Scoring of the algorithm-classification study (`experiments/algorithm_classification.ts`):
 * per split and seed, the test programs' predicted classes by each method (softmax on frozen
 * embeddings, the GNN trained end to end, the bag of opcodes), the accuracy rows and the
 * confusion tallies.
 *
 * Not re-exported from `mod.ts`: it loads TensorFlow.js.
 *
 * @module
 */
import { basename } from "node:path";
import { cachedJson, hashOf } from "../experiments/cache.ts";
import { label } from "../experiments/methods.ts";
import type { ModelRequest, SeedModel } from "../experiments/models.ts";
import type { MetricColumn } from "../experiments/pooling.ts";
import type { ScoringPart } from "../experiments/study.ts";
import { loadModel, NcfModel } from "../model/mod.ts";
import { heatmap, type ResultRow } from "../report/mod.ts";
import { evaluateSplit } from "./baseline.ts";
import { disposeEndToEnd, endToEndProbabilities, trainEndToEnd } from "./end_to_end.ts";
import {
  type ClassificationSplit,
  type CorpusProgram,
  type CurveMethod,
  inputStyle,
  type ProgramsData,
  SPLITS,
  type StudyData,
  type StudySizes,
} from "./study_data.ts";
import {
  type CurvePoint,
  type CurveScore,
  type CurveSizes,
  learningCurve,
} from "./learning_curve.ts";
import { classifyEmbedding, fitEmbeddingClassifier, programSummaries } from "./transfer.ts";

/** The results' columns: test accuracy (%), and the training and test programs. */
export const CLASSIFICATION_COLUMNS: MetricColumn[] = [
  { name: "accuracy" },
  { name: "train", report: false },
  { name: "test", report: false },
];

/** What scoring a split needs besides the split. */
export interface SplitScoring {
  programs: readonly CorpusProgram[];
  data: ProgramsData;
  /** Per program, the instances embedded (its algorithm's, `algorithmSamples`). */
  samples: number[][];
  /** The hash of `samples`, the caches' key for them (hashed once per study). */
  samplesKey: string;
  endToEnd: StudySizes["endToEnd"];
  quiet: boolean;
}

/** The test programs' predicted classes per method id. */
export type Predictions = Record<string, string[]>;

/** Where a frozen model's weights come from: a pre-trained model's folder, or a fresh seed. */
type FrozenWeights = { dir: string } | { fresh: number };

/**
 * Every program's summary (`programSummaries`) by `model`, cached by the weights' origin (and, for
 * fresh weights, the model's configuration, vocabulary included) so that a rerun resumes after it.
 */
async function frozenSummaries(
  model: NcfModel,
  weights: FrozenWeights,
  label: string | undefined,
  s: SplitScoring,
): Promise<Float64Array[]> {
  const key = {
    version: 1,
    dataset: s.data.dataset.key,
    samples: s.samplesKey,
    weights: "dir" in weights ? basename(weights.dir) : { ...weights, config: model.config },
  };
  const rows = await cachedJson("algorithm_classification/summaries", key, () =>
    Promise.resolve(
      programSummaries(model, s.data.dataset.dataset, s.samples, { label }).map((f) => [...f]),
    ));
  return rows.map((r) => Float64Array.from(r));
}

/** Softmax regression on standardised embeddings of `model`, fitted on the training programs. */
async function frozenPredictions(
  model: NcfModel,
  weights: FrozenWeights,
  what: string,
  split: ClassificationSplit,
  s: SplitScoring,
): Promise<string[]> {
  const label = s.quiet ? undefined : `embed, ${what} (${split.name}, seed ${split.seed})`;
  const features = await frozenSummaries(model, weights, label, s);
  return namedByEmbedding(features, split.trainIdx, split, s.programs);
}

/** The test programs' classes by softmax regression on `features`, fitted on the programs `trainIdx`. */
function namedByEmbedding(
  features: readonly Float64Array[],
  trainIdx: readonly number[],
  split: ClassificationSplit,
  programs: readonly CorpusProgram[],
): string[] {
  const clf = fitEmbeddingClassifier(
    trainIdx.map((i) => features[i]),
    trainIdx.map((i) => programs[i].class),
    split.seed,
  );
  return split.testIdx.map((i) => classifyEmbedding(clf, features[i]).predicted);
}

/**
 * NCF frozen's and the bag of opcodes' learning curves on a held-out-implementations split
 * (`learning_curve.ts`): both fitted again on fewer training implementations per class.
 */
async function splitCurves(
  split: ClassificationSplit,
  models: readonly SeedModel[],
  s: SplitScoring,
  sizes: CurveSizes,
): Promise<Record<CurveMethod, CurvePoint[]>> {
  const { frozen } = splitModels(models, split);
  const features = await frozenSummaries(frozen.model, frozen, undefined, s);
  const ncf: CurveScore = (keep) => {
    const trainIdx = split.trainIdx.filter((i) => keep(s.programs[i]));
    const named = namedByEmbedding(features, trainIdx, split, s.programs);
    return accuracyRow(split, "ncf-frozen", named, s.programs).metrics.accuracy;
  };
  const bag: CurveScore = (keep) =>
    100 * evaluateSplit({ ...split.bag, train: split.bag.train.filter(keep) }, { seed: split.seed })
      .accuracy;
  const train = split.trainIdx.map((i) => s.programs[i]);
  return {
    "ncf-frozen": learningCurve(train, sizes, split.seed, ncf),
    "bag-of-opcodes": learningCurve(split.bag.train, sizes, split.seed, bag),
  };
}

/**
 * The test programs' classes by a GNN trained end to end on the labels from `start` (the
 * pre-trained model's folder, or `"fresh"` random weights); cached, so a rerun resumes after it.
 */
async function endToEndPredictions(
  start: { dir: string } | "fresh",
  frozen: SeedModel,
  split: ClassificationSplit,
  s: SplitScoring,
): Promise<string[]> {
  const key = {
    version: 4,
    dataset: s.data.dataset.key,
    samples: s.samplesKey,
    trainIdx: split.trainIdx,
    testIdx: split.testIdx,
    seed: split.seed,
    endToEnd: s.endToEnd,
    start: start === "fresh" ? { fresh: frozen.model.config } : basename(start.dir),
  };
  const result = await cachedJson("algorithm_classification/end_to_end", key, async () => {
    const model = start === "fresh"
      ? NcfModel.create(frozen.model.config, split.seed)
      : await loadModel(start.dir);
    const what = start === "fresh" ? "from scratch" : "fine-tune";
    const trained = trainEndToEnd(
      model,
      s.data.dataset.dataset,
      split.trainIdx.map((i) => s.samples[i]),
      split.trainIdx.map((i) => s.programs[i].class),
      {
        ...s.endToEnd,
        seed: split.seed,
        label: s.quiet ? undefined : `${what} (${split.name}, seed ${split.seed})`,
      },
    );
    const probs = endToEndProbabilities(
      trained,
      s.data.dataset.dataset,
      split.testIdx.map((i) => s.samples[i]),
    );
    const out = {
      classes: trained.classes,
      probs: probs.map((p) => [...p]),
      losses: trained.losses,
    };
    disposeEndToEnd(trained);
    return out;
  });
  return result.probs.map((p) => result.classes[p.indexOf(Math.max(...p))]);
}

/** The pre-trained NCF and static-only GNN of `split` among the study's `models`. */
function splitModels(models: readonly SeedModel[], split: ClassificationSplit) {
  const of = (method: string) =>
    models.find((m) =>
      m.method === method && m.seed === split.seed && m.dataset.key === split.pretraining.key
    )!;
  return { frozen: of("ncf-frozen"), staticOnly: of("static-only-frozen") };
}

/** Each GNN method's prediction of one split, by method id, in scoring order; each is cached. */
function splitMethods(
  split: ClassificationSplit,
  { frozen, staticOnly }: ReturnType<typeof splitModels>,
  s: SplitScoring,
): Record<string, () => Promise<string[]>> {
  return {
    "ncf-frozen": () => frozenPredictions(frozen.model, frozen, "NCF frozen", split, s),
    "ncf-finetuned": () => endToEndPredictions(frozen, frozen, split, s),
    "untrained": async () => {
      const random = NcfModel.create(frozen.model.config, split.seed);
      try {
        return await frozenPredictions(random, { fresh: split.seed }, "untrained", split, s);
      } finally {
        random.dispose();
      }
    },
    "scratch": () => endToEndPredictions("fresh", frozen, split, s),
    "static-only-frozen": () =>
      frozenPredictions(staticOnly.model, staticOnly, "static-only", split, s),
  };
}

/** Every GNN method's predictions on one split. */
async function splitPredictions(
  split: ClassificationSplit,
  models: readonly SeedModel[],
  s: SplitScoring,
): Promise<Predictions> {
  const predictions: Predictions = {};
  for (const [id, predict] of Object.entries(splitMethods(split, splitModels(models, split), s))) {
    predictions[id] = await predict();
  }
  return predictions;
}

/** What scoring the splits of `study` needs besides each split. */
async function splitScoring(study: StudyData, sizes: StudySizes, quiet: boolean) {
  return { ...study, samplesKey: await hashOf(study.samples), endToEnd: sizes.endToEnd, quiet };
}

/**
 * Every split's GNN methods as parts of the scoring that cache their predictions (`Study.parts`),
 * to share among processes; quiet, since they run side by side.
 */
export async function scoringParts(o: {
  study: StudyData;
  models: readonly SeedModel[];
  sizes: StudySizes;
}): Promise<ScoringPart[]> {
  const s = await splitScoring(o.study, o.sizes, true);
  return o.study.splits.flatMap((split) =>
    Object.values(splitMethods(split, splitModels(o.models, split), s)).map((predict) => () =>
      predict().then(() => {})
    )
  );
}

/** The accuracy row (in %) of method `id`'s predictions on `split`. */
export function accuracyRow(
  split: ClassificationSplit,
  id: string,
  predicted: readonly string[],
  programs: readonly CorpusProgram[],
): ResultRow {
  const right = split.testIdx.filter((i, k) => predicted[k] === programs[i].class).length;
  return {
    workload: split.name,
    method: label(id),
    seed: split.seed,
    metrics: {
      accuracy: 100 * right / split.testIdx.length,
      train: split.trainIdx.length,
      test: split.testIdx.length,
    },
  };
}

/** The bag-of-opcodes baseline's row on `split`. */
export function bagOfOpcodesRow(split: ClassificationSplit): ResultRow {
  const bag = evaluateSplit(split.bag, { seed: split.seed });
  return {
    workload: split.name,
    method: label("bag-of-opcodes"),
    seed: split.seed,
    metrics: { accuracy: 100 * bag.accuracy, train: bag.train, test: bag.test },
  };
}

/** Adds `predicted` to the confusion counts `matrix` (rows: true class, columns: predicted). */
export function tallyConfusion(
  matrix: number[][],
  classes: readonly string[],
  truth: readonly string[],
  predicted: readonly string[],
): void {
  truth.forEach((t, k) => matrix[classes.indexOf(t)][classes.indexOf(predicted[k])]++);
}

/** `matrix` with each row divided by its sum (NaN for an empty row). */
export function rowNormalised(matrix: readonly number[][]): number[][] {
  return matrix.map((r) => {
    const sum = r.reduce((a, b) => a + b, 0);
    return r.map((v) => (sum > 0 ? v / sum : NaN));
  });
}

/**
 * Branch pre-training of NCF and of the static-only GNN on each split's training programs, each
 * at its split's seed only (the held-out programs differ per seed).
 */
export function pretrainingRequests(splits: readonly ClassificationSplit[]): ModelRequest[] {
  return splits.flatMap((s) =>
    [false, true].map((staticOnly) => ({
      method: staticOnly ? "static-only-frozen" : "ncf-frozen",
      dataset: s.pretraining,
      spec: { task: "branch" as const, staticOnly },
      seeds: [s.seed],
    }))
  );
}

/**
 * Every method's accuracy row per split and seed (`bagRows[k]`: the bag of opcodes' on split k),
 * tallying the held-out implementations' confusion of NCF frozen and fine-tuned, how many of
 * each input style they named right, and the learning curves, into `study`.
 */
export async function scoreSplits(o: {
  study: StudyData;
  models: readonly SeedModel[];
  bagRows: readonly ResultRow[];
  sizes: StudySizes;
  quiet: boolean;
}): Promise<ResultRow[]> {
  const { study } = o;
  const rows: ResultRow[] = [];
  const s = await splitScoring(study, o.sizes, o.quiet);
  for (const [k, split] of study.splits.entries()) {
    const predicted = await splitPredictions(split, o.models, s);
    for (const [id, p] of Object.entries(predicted)) {
      rows.push(accuracyRow(split, id, p, study.programs));
    }
    rows.push(o.bagRows[k]);
    if (split.name !== SPLITS.impl) continue;
    const curves = await splitCurves(split, o.models, s, o.sizes.curve);
    for (const [id, points] of Object.entries(curves)) study.curves[id as CurveMethod].push(points);
    const tested = split.testIdx.map((i) => study.programs[i]);
    const truth = tested.map((p) => p.class);
    for (const [id, matrix] of Object.entries(study.confusion)) {
      tallyConfusion(matrix, study.classes, truth, predicted[id]);
    }
    for (const [id, tallies] of Object.entries(study.byStyle)) {
      tested.forEach((p, k) => {
        const t = tallies[inputStyle(p)] ??= { right: 0, total: 0 };
        t.total++;
        if (predicted[id][k] === p.class) t.right++;
      });
    }
  }
  return rows;
}

/** Draws the row-normalised confusion of method `id` over the classes into `out`. */
export async function drawConfusion(
  study: StudyData,
  id: keyof StudyData["confusion"],
  out: string,
) {
  await heatmap({
    title: `${label(id)}, held-out implementations (all seeds): row-normalised`,
    out,
    rows: study.classes,
    cols: study.classes,
    values: rowNormalised(study.confusion[id]),
    width: 900,
    height: 800,
  });
}
