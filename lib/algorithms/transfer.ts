/**
 * Transfer from branch prediction to algorithm classification (PAPER.md
 * section 4): a program's embedding is the mean graph embedding (mean
 * pooling of the final node states) of its sampled branch instances inside
 * its own code; a softmax regression on standardised embeddings names the
 * class. Used by `experiments/algorithm_classification.ts` and by
 * `deno task classify` (`classify.ts`).
 *
 * Not re-exported from `mod.ts`: it loads TensorFlow.js.
 *
 * @module
 */
import { join, resolve } from "node:path";
import { atomicWriteJson, ensureParentDir, UserError } from "../common/mod.ts";
import { buildDataset, type Dataset, type TraceSource } from "../graph/mod.ts";
import type { NcfModel } from "../model/mod.ts";
import { openTrace } from "../trace/mod.ts";
import { type SoftmaxModel, softmaxProbabilities, trainSoftmax } from "./bag_of_opcodes.ts";
import { type AlgorithmSymbol, inAlgorithm } from "./functions.ts";

/** A traced program to embed. */
export interface ProgramTrace {
  /** Name of the program (becomes the dataset source's workload). */
  name: string;
  input: string;
  /** Trace file. */
  trace: string;
  /** The program's executable (absolute or relative to the working folder). */
  binary: string;
  /** Only sites inside these symbols; absent: every site of the executable itself (no libraries). */
  symbols?: readonly AlgorithmSymbol[];
}

/** Branch site ids of a trace in the program's own code. */
export interface ProgramSites {
  /** Every branch site of the main executable (no libraries). */
  own: number[];
  /** Those inside the algorithm's symbols (equal to `own` when the program has no symbols). */
  algorithm: number[];
}

/**
 * Branch site ids of a trace inside the program's own executable, and among
 * them those inside the algorithm's symbols (when given). Streams the trace
 * once (sites are defined while streaming).
 */
export async function programBranchSites(program: ProgramTrace): Promise<ProgramSites> {
  const trace = await openTrace(program.trace);
  for await (const _chunk of trace.chunks({ chunkSize: 1 << 16 })) { /* define every site */ }
  const binary = await Deno.realPath(resolve(program.binary));
  const objects = await Promise.all(
    trace.meta.objects.map((o) => Deno.realPath(o).catch(() => o)),
  );
  const own = trace.meta.sites.filter((s) => s.kind === "branch" && objects[s.object] === binary);
  const inside = program.symbols
    ? inAlgorithm({ ...trace.meta, objects }, binary, program.symbols)
    : () => true;
  return { own: own.map((s) => s.id), algorithm: own.filter(inside).map((s) => s.id) };
}

/** Options of {@linkcode programDataset}. */
export interface ProgramDatasetOptions {
  /** Instances per site and (time) split. */
  maxPerSite: number;
  seed?: number;
  quiet?: boolean;
  /** Called after each program's sites are known. */
  onProgram?: (done: number, total: number) => void;
}

/** A dataset of programs' own branch instances, and which sites are the algorithm's. */
export interface ProgramDataset {
  /** One source per program, in the order given. */
  dataset: Dataset;
  /** Per source: the trace site ids inside the algorithm's symbols. */
  algorithmSites: number[][];
}

/**
 * Branch instances of each program's own executable's sites, one dataset
 * source per program (in the order given), split by time inside each trace.
 */
export async function programDataset(
  programs: readonly ProgramTrace[],
  options: ProgramDatasetOptions,
): Promise<ProgramDataset> {
  const traces: TraceSource[] = [];
  const algorithmSites: number[][] = [];
  for (const [k, p] of programs.entries()) {
    const sites = await programBranchSites(p);
    if (sites.algorithm.length === 0) {
      throw new UserError(
        `${p.name}: no conditional branch of its own code was traced (${p.trace})`,
        "check that the program ran its algorithm and was traced with branch snapshots",
      );
    }
    traces.push({ path: p.trace, workload: p.name, input: p.input, sites: sites.own });
    algorithmSites.push(sites.algorithm);
    options.onProgram?.(k + 1, programs.length);
  }
  const dataset = await buildDataset({
    traces,
    tasks: ["branch"],
    maxPerSite: options.maxPerSite,
    seed: options.seed ?? 1,
    quiet: options.quiet ?? true,
  });
  const names = dataset.sources.map((s) => `${s.workload}/${s.input}`);
  const missing = programs.filter((p) => !names.includes(`${p.name}/${p.input}`));
  if (missing.length > 0 || names.length !== programs.length) {
    throw new UserError(
      `no instances for ${missing.map((p) => p.name).join(", ") || "some programs"}`,
      "trace with branch snapshots (e.g. --snapshots branches,max-per-site=32)",
    );
  }
  return { dataset, algorithmSites };
}

/**
 * Up to `perProgram` instance indices of each source, evenly spread over its
 * instances; with `sites`, only instances of those site ids (per source).
 */
export function sampleBySource(
  dataset: Dataset,
  perProgram: number,
  sites?: readonly (readonly number[])[],
): number[][] {
  const bySource: number[][] = dataset.sources.map(() => []);
  const t = dataset.instances;
  const allowed = sites?.map((s) => new Set(s));
  for (let i = 0; i < t.count; i++) {
    if (!allowed || allowed[t.source[i]].has(t.site[i])) bySource[t.source[i]].push(i);
  }
  return bySource.map((all) => thinEvenly(all, perProgram));
}

/** At most `n` items of `list`, evenly spread over it (all of it when it is no longer). */
export function thinEvenly<T>(list: readonly T[], n: number): T[] {
  if (list.length <= n) return [...list];
  return Array.from({ length: n }, (_, k) => list[Math.floor(k * list.length / n)]);
}

/** One embedding per source: the mean of the mean-pooled graph embeddings of its sampled instances. */
export function programEmbeddings(
  model: NcfModel,
  dataset: Dataset,
  samples: readonly number[][],
): Float64Array[] {
  const flat = samples.flat();
  const H = model.config.hidden;
  const emb = model.embed(dataset, flat, { pooling: "mean" });
  const out: Float64Array[] = [];
  let k = 0;
  for (const s of samples) {
    const v = new Float64Array(H);
    for (let j = 0; j < s.length; j++, k++) {
      for (let h = 0; h < H; h++) v[h] += emb[k * H + h];
    }
    for (let h = 0; h < H; h++) v[h] /= Math.max(1, s.length);
    out.push(v);
  }
  return out;
}

/** A softmax regression on standardised program embeddings, with what is needed to doubt it. */
export interface EmbeddingClassifier {
  softmax: SoftmaxModel;
  /** Per-dimension mean and std of the training embeddings (standardisation). */
  mean: number[];
  std: number[];
  /** Per class: the centroid of its training programs (standardised). */
  centroids: Record<string, number[]>;
  /**
   * Distances (standardised, divided by sqrt(dims)) of training programs to
   * their own class centroid: the largest and the 95th percentile.
   */
  trainDistance: { max: number; p95: number };
  /** Per class: the largest distance of one of its training programs to its centroid. */
  classMaxDistance: Record<string, number>;
  /**
   * Softmax temperature (1: none): probabilities are `softmax(logits / T)`,
   * with T fitted on programs the classifier did not see ({@linkcode fitTemperature}).
   */
  temperature?: number;
}

function standardise(c: { mean: number[]; std: number[] }, x: ArrayLike<number>): Float64Array {
  return Float64Array.from(c.mean, (m, j) => (x[j] - m) / c.std[j]);
}

function distance(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let j = 0; j < a.length; j++) s += (a[j] - b[j]) ** 2;
  return Math.sqrt(s / a.length);
}

/** Fits the standardisation, the softmax regression and the class centroids. */
export function fitEmbeddingClassifier(
  features: readonly ArrayLike<number>[],
  labels: readonly string[],
  seed = 1,
): EmbeddingClassifier {
  const dims = features[0].length;
  const mean = Array.from(
    { length: dims },
    (_, j) => features.reduce((s, f) => s + f[j], 0) / features.length,
  );
  const std = mean.map((m, j) => {
    const v = features.reduce((s, f) => s + (f[j] - m) ** 2, 0) / features.length;
    return Math.sqrt(v) + 1e-6;
  });
  const z = features.map((f) => standardise({ mean, std }, f));
  const softmax = trainSoftmax(z, labels, { seed });
  const centroids: Record<string, number[]> = {};
  for (const cls of softmax.classes) {
    const rows = z.filter((_, i) => labels[i] === cls);
    centroids[cls] = Array.from(
      { length: dims },
      (_, j) => rows.reduce((s, r) => s + r[j], 0) / rows.length,
    );
  }
  const own = z.map((r, i) => distance(r, centroids[labels[i]]));
  const classMaxDistance: Record<string, number> = {};
  own.forEach((d, i) => {
    classMaxDistance[labels[i]] = Math.max(classMaxDistance[labels[i]] ?? 0, d);
  });
  const d = [...own].sort((a, b) => a - b);
  return {
    softmax,
    mean,
    std,
    centroids,
    classMaxDistance,
    trainDistance: {
      max: d[d.length - 1],
      p95: d[Math.min(d.length - 1, Math.floor(0.95 * d.length))],
    },
  };
}

/** A classification with how much to trust it. */
export interface Classification {
  predicted: string;
  /** Class -> probability, most probable first. */
  probabilities: [string, number][];
  /** Distance to the nearest class centroid (same units as `trainDistance`). */
  nearestDistance: number;
  nearestClass: string;
  /** Distance to the predicted class's centroid. */
  predictedDistance: number;
}

/** `softmax(logits / T)` from `softmax(logits)`: `p^(1/T)`, renormalised. */
function withTemperature(p: ArrayLike<number>, temperature: number): Float64Array {
  const q = Float64Array.from(p, (x) => Math.max(x, 1e-300) ** (1 / temperature));
  const total = q.reduce((a, b) => a + b, 0);
  return q.map((x) => x / total);
}

/**
 * The temperature T that minimises the negative log-likelihood of `actual`
 * under `softmax(logits / T)` (Guo et al. 2017, temperature scaling), given
 * each held-out program's untempered probabilities (`probabilities[k][c]`)
 * and the index of its true class. Grid search over T in [0.1, 100].
 */
export function fitTemperature(
  probabilities: readonly ArrayLike<number>[],
  actual: readonly number[],
): number {
  let best = 1, bestNll = Infinity;
  for (let k = -40; k <= 80; k++) {
    const t = 10 ** (k / 40);
    const nll = probabilities.reduce(
      (s, p, i) => s - Math.log(Math.max(withTemperature(p, t)[actual[i]], 1e-300)),
      0,
    );
    if (nll < bestNll) [best, bestNll] = [t, nll];
  }
  return best;
}

/** Classifies one program embedding. */
export function classifyEmbedding(c: EmbeddingClassifier, x: ArrayLike<number>): Classification {
  const z = standardise(c, x);
  const p = withTemperature(softmaxProbabilities(c.softmax, z), c.temperature ?? 1);
  const probabilities = c.softmax.classes.map((cls, k) => [cls, p[k]] as [string, number])
    .sort((a, b) => b[1] - a[1]);
  let nearestClass = "", nearestDistance = Infinity;
  for (const [cls, centroid] of Object.entries(c.centroids)) {
    const d = distance(z, centroid);
    if (d < nearestDistance) [nearestClass, nearestDistance] = [cls, d];
  }
  const predicted = probabilities[0][0];
  const predictedDistance = distance(z, c.centroids[predicted]);
  return { predicted, probabilities, nearestDistance, nearestClass, predictedDistance };
}

/**
 * Why a classification should not be trusted, in words (empty: no warning):
 * top probability below `minConfidence`, an embedding farther from every
 * class centroid than the training programs are from theirs, or the
 * predicted class not being the nearest one.
 */
export function classificationWarnings(
  classifier: EmbeddingClassifier,
  c: Classification,
  minConfidence: number,
): string[] {
  const warnings: string[] = [];
  const top = c.probabilities[0][1];
  if (top < minConfidence) {
    warnings.push(
      `low confidence: the top probability ${(100 * top).toFixed(1)}% is below ` +
        `${(100 * minConfidence).toFixed(0)}%`,
    );
  }
  const { max, p95 } = classifier.trainDistance;
  const classMax = classifier.classMaxDistance[c.predicted];
  if (c.nearestDistance > max) {
    warnings.push(
      `out of distribution: the program's embedding is ${c.nearestDistance.toFixed(2)} from the ` +
        `nearest class centroid (${c.nearestClass}), farther than any training program from its ` +
        `own class (max ${max.toFixed(2)}); it may implement none of the known classes`,
    );
  } else if (c.nearestDistance > p95) {
    warnings.push(
      `unusual: the distance to the nearest class centroid (${c.nearestDistance.toFixed(2)}, ` +
        `${c.nearestClass}) exceeds that of 95% of the training programs (${p95.toFixed(2)})`,
    );
  }
  if (c.predictedDistance > classMax) {
    warnings.push(
      `the program is farther from the ${c.predicted} centroid (${
        c.predictedDistance.toFixed(2)
      }) than every ${c.predicted} training program (max ${classMax.toFixed(2)}): the ` +
        `probability is an extrapolation of the softmax, not evidence that it implements ` +
        c.predicted,
    );
  }
  if (c.nearestClass !== c.predicted) {
    warnings.push(`the nearest class centroid (${c.nearestClass}) is not the predicted class`);
  }
  return warnings;
}

/** How often {@linkcode classificationWarnings} fired on programs the classifier never saw. */
export interface WarningRates {
  /** Held-out implementations of the known classes: share warned, and how many there were. */
  known: { warned: number; programs: number; accuracy: number };
  /** Programs implementing none of the classes (`data/algorithms/foreign/`). */
  foreign: { warned: number; programs: number };
  /** How these were measured, in words. */
  measuredOn: string;
}

/** What `deno task classify` loads: the pre-trained model's folder and the classifier on its embeddings. */
export interface ClassifierBundle {
  format: "ncf-algorithm-classifier";
  /** Folder of the pre-trained NCF model (relative to the bundle's folder, or absolute). */
  model: string;
  classifier: EmbeddingClassifier;
  /** Dataset settings the embeddings were made with (classify uses the same). */
  maxPerSite: number;
  instancesPerProgram: number;
  /** Below this top (temperature-scaled) probability, classify warns. */
  minConfidence: number;
  /** How often the warnings fired on unseen known-class and foreign programs. */
  warningRates?: WarningRates;
  /** What the model and the classifier were trained on, in words. */
  trainedOn: string;
  /** The experiment's test accuracies of this method, in words (what to expect of a prediction). */
  measuredAccuracy: string;
}

/** The default classifier folder, written by the experiment. */
export const DEFAULT_CLASSIFIER_DIR = "results/algorithms/classifier";

/** Writes `classifier.json` into `dir`. */
export async function saveClassifierBundle(dir: string, bundle: ClassifierBundle): Promise<string> {
  const path = join(dir, "classifier.json");
  await ensureParentDir(path);
  await atomicWriteJson(path, bundle);
  return path;
}

/** Reads `classifier.json` from `dir`; the model path comes back absolute. */
export async function loadClassifierBundle(dir: string): Promise<ClassifierBundle> {
  const path = join(dir, "classifier.json");
  let bundle: ClassifierBundle;
  try {
    bundle = JSON.parse(await Deno.readTextFile(path));
  } catch (err) {
    throw new UserError(
      `no classifier in ${dir} (${(err as Error).message.split("\n")[0]})`,
      "run `deno run -A experiments/algorithm_classification.ts` first, or pass --model DIR",
    );
  }
  if (bundle.format !== "ncf-algorithm-classifier") {
    throw new UserError(
      `${path} is not an algorithm classifier`,
      "pass the folder the experiment wrote",
    );
  }
  return { ...bundle, model: resolve(dir, bundle.model) };
}
