/**
 * Transfer from branch prediction to algorithm classification (PAPER.md
 * section 4): a program is summarised by the graph embeddings of its sampled
 * branch and load instances inside its own code, weighted by how often their
 * code runs (`weighting.ts`): per kind, their mean, spread and maximum
 * (`programSummaries`, what the frozen classifiers read), or the mean of them
 * all (`programEmbeddings`, what the end-to-end head reads); a softmax
 * regression on standardised summaries names the class, and a detector taught
 * on foreign programs (`ood.ts`) says when a program may implement none of the
 * classes. Used by the algorithm-classification study (`study_data.ts`,
 * `study_scoring.ts`), `deno task classifier` (`classifier_export.ts`) and
 * `deno task classify` (`classify.ts`).
 *
 * Not re-exported from `mod.ts`: it loads TensorFlow.js.
 *
 * @module
 */
import { join, resolve } from "node:path";
import { atomicWriteJson, ensureParentDir, Progress, UserError } from "../common/mod.ts";
import { loadObject } from "../disasm/mod.ts";
import { buildDataset, type Dataset, TASK_NAMES, type TraceSource } from "../graph/mod.ts";
import type { NcfModel } from "../model/mod.ts";
import { openTrace } from "../trace/mod.ts";
import { type SoftmaxModel, softmaxProbabilities, trainSoftmax } from "./bag_of_opcodes.ts";
import { type AlgorithmSymbol, inAlgorithm } from "./functions.ts";
import {
  crossFittedWarnings,
  fitOodDetector,
  type GroupedEmbeddings,
  type OodDetector,
  type OodOptions,
  type OodVerdict,
  oodVerdict,
  standardise,
  standardiser,
} from "./ood.ts";
import type { ExecutionSampling, SiteProfile } from "./weighting.ts";

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

/** Branch and load site ids of a trace in the program's own code. */
export interface ProgramSites {
  /** Every branch and load site of the main executable (no libraries). */
  own: number[];
  /** Those inside the algorithm's symbols (equal to `own` when the program has no symbols). */
  algorithm: number[];
  /** Every own site's executions and function, in the order of `own`. */
  profile: SiteProfile[];
}

/**
 * Branch and load site ids of a trace inside the program's own executable
 * (PLT stubs left out), among them those inside the algorithm's symbols (when
 * given), and each own site's kind, executions in the trace and function in
 * the executable (from its symbols; `?` outside every symbol). Streams the
 * trace once.
 */
export async function programSites(
  program: ProgramTrace,
  options: { disasmCacheDir?: string } = {},
): Promise<ProgramSites> {
  const trace = await openTrace(program.trace);
  const executions: number[] = [];
  for await (const chunk of trace.chunks({ chunkSize: 1 << 16 })) {
    for (let i = 0; i < chunk.length; i++) {
      executions[chunk.site[i]] = (executions[chunk.site[i]] ?? 0) + 1;
    }
  }
  const binary = await Deno.realPath(resolve(program.binary));
  const objects = await Promise.all(
    trace.meta.objects.map((o) => Deno.realPath(o).catch(() => o)),
  );
  const own = trace.meta.sites.filter((s) => objects[s.object] === binary);
  const inside = program.symbols
    ? inAlgorithm({ ...trace.meta, objects }, binary, program.symbols)
    : () => true;
  const code = await loadObject(binary, { quiet: true, cacheDir: options.disasmCacheDir });
  const named = own.map((s) => {
    const index = code.indexAt(s.offset);
    return { site: s, function: index < 0 ? "?" : code.functionOf(index).name };
  });
  // A PLT stub's load is the linker's jump into a library, not the program's code.
  const mine = named.filter((n) => !n.function.endsWith("@plt"));
  const profile = mine.map(({ site, function: fn }) => ({
    site: site.id,
    kind: site.kind,
    executions: executions[site.id] ?? 0,
    function: fn,
  }));
  return {
    own: profile.map((p) => p.site),
    algorithm: mine.filter((n) => inside(n.site)).map((n) => n.site.id),
    profile,
  };
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

/** Programs' own branch and load instances, which sites are the algorithm's, how hot each is. */
export interface ProgramDataset {
  /** One source per program, in the order given. */
  dataset: Dataset;
  /** Per source: the trace site ids inside the algorithm's symbols. */
  algorithmSites: number[][];
  /** Per source: its own sites' kinds, executions and functions (for `sampleByExecution`). */
  profiles: SiteProfile[][];
}

/**
 * Branch and load (next-address) instances of each program's own executable's
 * sites, one dataset source per program (in the order given), split by time
 * inside each trace.
 */
export async function programDataset(
  programs: readonly ProgramTrace[],
  options: ProgramDatasetOptions,
): Promise<ProgramDataset> {
  const traces: TraceSource[] = [];
  const algorithmSites: number[][] = [];
  const profiles: SiteProfile[][] = [];
  for (const [k, p] of programs.entries()) {
    const sites = await programSites(p);
    const branches = new Set(sites.profile.filter((s) => s.kind === "branch").map((s) => s.site));
    if (!sites.algorithm.some((s) => branches.has(s))) {
      throw new UserError(
        `${p.name}: no conditional branch of its own code was traced (${p.trace})`,
        "check that the program ran its algorithm and was traced with branch snapshots",
      );
    }
    traces.push({ path: p.trace, workload: p.name, input: p.input, sites: sites.own });
    algorithmSites.push(sites.algorithm);
    profiles.push(sites.profile);
    options.onProgram?.(k + 1, programs.length);
  }
  const dataset = await buildDataset({
    traces,
    tasks: ["branch", "address"],
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
  return { dataset, algorithmSites, profiles };
}

/**
 * Up to `perProgram` instance indices of each task per source, evenly spread over its
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
  return bySource.map((all) => thinEachTask(dataset, all, perProgram));
}

/** At most `n` of `instances` of each task, evenly spread over them: branches, then addresses. */
export function thinEachTask(dataset: Dataset, instances: readonly number[], n: number): number[] {
  return TASK_NAMES.flatMap((_, task) =>
    thinEvenly(instances.filter((i) => dataset.instances.task[i] === task), n)
  );
}

/** At most `n` items of `list`, evenly spread over it (all of it when it is no longer). */
export function thinEvenly<T>(list: readonly T[], n: number): T[] {
  if (list.length <= n) return [...list];
  return Array.from({ length: n }, (_, k) => list[Math.floor(k * list.length / n)]);
}

/** Options of {@linkcode programEmbeddings} and {@linkcode programSummaries}. */
export interface EmbeddingOptions {
  /** Per program, its instances' weights (summing to 1); absent: equal weights. */
  weights?: readonly (readonly number[])[];
  /** Progress bar label; no bar when absent. */
  label?: string;
}

/**
 * Embeds every sampled instance by `pooling` and returns, per program, its instances'
 * embeddings (`[H]` rows, in sample order) and weights (equal when `weights` is absent).
 */
function programRows(
  model: NcfModel,
  dataset: Dataset,
  samples: readonly (readonly number[])[],
  pooling: "mean" | "gated",
  { weights, label }: EmbeddingOptions,
): { rows: Float32Array[]; w: number[] }[] {
  const flat = samples.flat();
  const H = model.config.hidden;
  const progress = label === undefined
    ? undefined
    : new Progress({ label, total: flat.length, unit: "graphs" });
  const emb = model.embed(dataset, flat, { pooling, onBatch: (n) => progress?.tick(n) });
  progress?.finish();
  let k = 0;
  return samples.map((s, p) => ({
    rows: s.map(() => emb.subarray(H * k, H * ++k)),
    w: s.map((_, j) => weights ? weights[p][j] : 1 / s.length),
  }));
}

/** The weighted mean of `rows`. */
function weightedMean(rows: readonly Float32Array[], w: readonly number[]) {
  const v = new Float64Array(rows[0].length);
  rows.forEach((r, j) => r.forEach((x, h) => v[h] += w[j] * x));
  return v;
}

/**
 * One embedding `[H]` per program: the mean (or, with `weights`, the weighted mean)
 * of the mean-pooled graph embeddings of its sampled instances (what the end-to-end head reads).
 */
export function programEmbeddings(
  model: NcfModel,
  dataset: Dataset,
  samples: readonly (readonly number[])[],
  options: EmbeddingOptions = {},
): Float64Array[] {
  return programRows(model, dataset, samples, "mean", options)
    .map(({ rows, w }) => weightedMean(rows, w));
}

/**
 * One summary `[2 x 3H]` per program of its instances' graph embeddings (the model's gated
 * readout, what its heads read): for its branch instances, then for its load instances, their
 * (weighted) mean, (weighted) standard deviation and maximum (zeros for a kind it has none of).
 * The frozen classifiers read it. A mean alone hides how a program's branches differ from each
 * other, and the spread and extremes raised held-out accuracy on an inner validation split; so
 * did the loads' summary beside the branches' (how the program walks its memory).
 */
export function programSummaries(
  model: NcfModel,
  dataset: Dataset,
  samples: readonly (readonly number[])[],
  options: EmbeddingOptions = {},
): Float64Array[] {
  const H = model.config.hidden;
  const task = dataset.instances.task;
  return programRows(model, dataset, samples, "gated", options).map(({ rows, w }, p) =>
    Float64Array.from(TASK_NAMES.flatMap((_, kind) => {
      const of = samples[p].flatMap((i, j) => task[i] === kind ? [j] : []);
      return summary(of.map((j) => rows[j]), of.map((j) => w[j]), H);
    }))
  );
}

/** Weighted mean, standard deviation and maximum `[3H]` of `rows` (weights renormalised). */
function summary(rows: readonly Float32Array[], weights: readonly number[], H: number): number[] {
  if (rows.length === 0) return new Array(3 * H).fill(0);
  const total = weights.reduce((a, b) => a + b, 0);
  const w = weights.map((x) => x / total);
  const mean = weightedMean(rows, w);
  const spread = new Float64Array(H), max = new Float64Array(H).fill(-Infinity);
  rows.forEach((r, j) =>
    r.forEach((x, h) => {
      spread[h] += w[j] * (x - mean[h]) ** 2;
      max[h] = Math.max(max[h], x);
    })
  );
  return [...mean, ...spread.map(Math.sqrt), ...max];
}

/** A softmax regression on standardised program embeddings, with what is needed to doubt it. */
export interface EmbeddingClassifier {
  softmax: SoftmaxModel;
  /** Per-dimension mean and std of the training embeddings (standardisation). */
  mean: number[];
  std: number[];
  /**
   * Softmax temperature (1: none): probabilities are `softmax(logits / T)`,
   * with T fitted on programs the classifier did not see ({@linkcode fitTemperature}).
   */
  temperature?: number;
  /** Out-of-distribution test on the same embeddings (`ood.ts`). */
  detector?: OodDetector;
}

/** Fits the standardisation and the softmax regression. */
export function fitEmbeddingClassifier(
  features: readonly ArrayLike<number>[],
  labels: readonly string[],
  seed = 1,
): EmbeddingClassifier {
  const scale = standardiser(features);
  const z = features.map((f) => standardise(scale, f));
  return { softmax: trainSoftmax(z, labels, { seed }), ...scale };
}

/** A classification with how much to trust it. */
export interface Classification {
  predicted: string;
  /** Class -> probability, most probable first. */
  probabilities: [string, number][];
  /** The out-of-distribution test's verdict (when the classifier has a detector). */
  ood?: OodVerdict;
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

/** Classifies one program embedding (and tests it for being out of distribution). */
export function classifyEmbedding(c: EmbeddingClassifier, x: ArrayLike<number>): Classification {
  const z = standardise(c, x);
  const p = withTemperature(softmaxProbabilities(c.softmax, z), c.temperature ?? 1);
  const probabilities = c.softmax.classes.map((cls, k) => [cls, p[k]] as [string, number])
    .sort((a, b) => b[1] - a[1]);
  return {
    predicted: probabilities[0][0],
    probabilities,
    ...(c.detector ? { ood: oodVerdict(c.detector, x) } : {}),
  };
}

/**
 * Why a classification should not be trusted, in words (empty: no warning):
 * the out-of-distribution detector finds the program more likely foreign than known.
 */
export function classificationWarnings(c: Classification): string[] {
  if (!c.ood?.outside) return [];
  const { score, threshold } = c.ood;
  return [
    `out of distribution: the detector taught on programs of no known class gives ` +
    `P(foreign) = ${score.toPrecision(2)}, above ${threshold.toPrecision(2)}; it may implement ` +
    `none of the known classes`,
  ];
}

/** How often {@linkcode classificationWarnings} fired on programs the classifier never saw. */
export interface WarningRates {
  /** Held-out implementations of the known classes: share warned, and how many there were. */
  known: { warned: number; programs: number; accuracy: number };
  /** Programs implementing none of the classes (`data/algorithms/foreign/`). */
  foreign: { warned: number; programs: number };
  /** Programs of known classes written outside the corpus (`data/algorithms/outside/`). */
  outside?: { warned: number; programs: number; accuracy: number };
  /** How these were measured, in words. */
  measuredOn: string;
}

/** What {@linkcode calibrateClassifier} fits and measures on. */
export interface CalibrationData {
  /** Embeddings of the corpus programs, their classes and implementations (`bfs-csr_queue`). */
  features: readonly ArrayLike<number>[];
  labels: readonly string[];
  implementations: readonly string[];
  /** One split by implementation: the programs to fit on and the held-out ones to measure on. */
  trainIdx: readonly number[];
  testIdx: readonly number[];
  /** Programs implementing none of the classes, grouped by program. */
  foreign: GroupedEmbeddings;
  /** Programs of known classes written outside the corpus, grouped by program. */
  outside?: GroupedEmbeddings & { labels: readonly string[] };
  /** Seed of the softmax regressions (default 1). */
  seed?: number;
  /** Detector options. */
  ood?: OodOptions;
}

const share = (flags: readonly boolean[]) =>
  flags.filter(Boolean).length / Math.max(1, flags.length);

/**
 * The classifier `classify` uses and how far to trust it, by a rule fixed here.
 * A softmax fitted on one split's training programs gives the temperature
 * (fitted on the held-out programs' probabilities) and the share named right
 * (held-out and outside programs). The detector's warning rates are
 * cross-fitted (`crossFittedWarnings`): the held-out implementations never
 * take part in a detector's fit but fit its threshold, each outside or foreign
 * program is scored by a detector and threshold fitted without its program,
 * and each held-out implementation against the threshold of the others. The
 * returned classifier is refitted on every program: the softmax on the
 * corpus, with that temperature, and the detector on the corpus and the
 * outside programs against the foreign ones, with the folds' mean threshold
 * (a new program is as unseen to it as the held-out ones were to the folds'
 * detectors).
 */
export function calibrateClassifier(
  data: CalibrationData,
): {
  classifier: EmbeddingClassifier;
  rates: Omit<WarningRates, "measuredOn">;
  /** Folds of the cross-fitted warning rates. */
  folds: number;
} {
  const seed = data.seed ?? 1;
  const pick = <T>(list: readonly T[], idx: readonly number[]) => idx.map((i) => list[i]);
  const heldOut = fitEmbeddingClassifier(
    pick(data.features, data.trainIdx),
    pick(data.labels, data.trainIdx),
    seed,
  );
  const byClass = (c: Classification) => {
    const p = Object.fromEntries(c.probabilities);
    return heldOut.softmax.classes.map((cls) => p[cls]);
  };
  heldOut.temperature = fitTemperature(
    data.testIdx.map((i) => byClass(classifyEmbedding(heldOut, data.features[i]))),
    data.testIdx.map((i) => heldOut.softmax.classes.indexOf(data.labels[i])),
  );
  const namedRight = (features: readonly ArrayLike<number>[], labels: readonly string[]) =>
    share(features.map((f, k) => classifyEmbedding(heldOut, f).predicted === labels[k]));
  const outside = data.outside ?? { features: [], groups: [], labels: [] };
  const warned = crossFittedWarnings({
    known: pick(data.features, data.trainIdx),
    labels: pick(data.labels, data.trainIdx),
    otherKnown: outside,
    foreign: data.foreign,
    heldOut: {
      features: pick(data.features, data.testIdx),
      groups: pick(data.implementations, data.testIdx),
    },
  }, data.ood);
  const testLabels = pick(data.labels, data.testIdx);
  const classifier: EmbeddingClassifier = {
    ...fitEmbeddingClassifier(data.features, data.labels, seed),
    temperature: heldOut.temperature,
    detector: {
      ...fitOodDetector({
        known: [...data.features, ...outside.features],
        labels: [...data.labels, ...outside.labels],
        foreign: data.foreign.features,
      }, data.ood),
      threshold: warned.threshold,
    },
  };
  return {
    classifier,
    folds: warned.folds,
    rates: {
      known: {
        warned: warned.heldOut,
        programs: data.testIdx.length,
        accuracy: namedRight(pick(data.features, data.testIdx), testLabels),
      },
      foreign: { warned: share(warned.foreign), programs: data.foreign.features.length },
      ...(data.outside
        ? {
          outside: {
            warned: share(warned.otherKnown),
            programs: outside.features.length,
            accuracy: namedRight(outside.features, outside.labels),
          },
        }
        : {}),
    },
  };
}

/** Version of {@linkcode ClassifierBundle} this code reads. */
export const CLASSIFIER_BUNDLE_VERSION = 5;

/** What `deno task classify` loads: the pre-trained model's folder and the classifier on its embeddings. */
export interface ClassifierBundle {
  format: "ncf-algorithm-classifier";
  /** {@linkcode CLASSIFIER_BUNDLE_VERSION}. */
  version: number;
  /** Folder of the pre-trained NCF model (relative to the bundle's folder, or absolute). */
  model: string;
  /** The softmax, its temperature and the out-of-distribution detector. */
  classifier: EmbeddingClassifier;
  /** Dataset settings the embeddings were made with (classify uses the same). */
  maxPerSite: number;
  /** How instances were sampled and weighted (`weighting.ts`); classify uses the same. */
  sampling: ExecutionSampling;
  /** How often the warnings fired on unseen known-class, outside and foreign programs. */
  warningRates?: WarningRates;
  /** What the model and the classifier were trained on, in words. */
  trainedOn: string;
  /** The experiment's test accuracies of this method, in words (what to expect of a prediction). */
  measuredAccuracy: string;
}

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
      "run `deno task exp algorithm_classification`, then `deno task classifier`, or pass --model DIR",
    );
  }
  if (bundle.format !== "ncf-algorithm-classifier") {
    throw new UserError(
      `${path} is not an algorithm classifier`,
      "pass the folder the experiment wrote",
    );
  }
  if (bundle.version !== CLASSIFIER_BUNDLE_VERSION || !bundle.classifier.detector) {
    throw new UserError(
      `${path} was written by an older version (its classifier reads other embeddings)`,
      "run `deno task classifier` again",
    );
  }
  return { ...bundle, model: resolve(dir, bundle.model) };
}
