/**
 * The static baseline of algorithm classification: a bag of opcodes (the
 * mnemonic histogram of the algorithm's functions, tf-idf weighted) fed to a
 * multinomial logistic regression trained in plain TypeScript.
 *
 * `trainSoftmax` / `softmaxProbabilities` take any feature vectors, so the
 * same classifier can be put on top of learned graph embeddings.
 *
 * @module
 */
import { UserError } from "../common/mod.ts";
import { loadObject, type ObjectCode } from "../disasm/mod.ts";
import { Rng, type Seed } from "../common/random.ts";
import { algorithmFunctions } from "./functions.ts";

/** Mnemonic -> number of instructions. */
export type OpcodeCounts = Map<string, number>;

/**
 * The mnemonic histogram of the algorithm's functions in `object` (see
 * `algorithmFunctions`). `nop`s are left out: they are alignment padding
 * between functions, a matter of layout rather than of the algorithm.
 */
export function opcodeCounts(object: ObjectCode, functions: readonly string[]): OpcodeCounts {
  const found = algorithmFunctions(object, functions);
  if (found.length === 0) {
    throw new UserError(
      `${object.path} has none of the functions ${functions.join(", ")}`,
      "check the function names in data/algorithms/manifest.json",
    );
  }
  const counts: OpcodeCounts = new Map();
  for (const f of found) {
    for (let i = f.start; i < f.end; i++) {
      const mnemonic = object.instruction(i).mnemonic;
      if (mnemonic === "nop") continue;
      counts.set(mnemonic, (counts.get(mnemonic) ?? 0) + 1);
    }
  }
  return counts;
}

/** {@linkcode opcodeCounts} of a binary file (its disassembly is cached in build/disasm). */
export async function binaryOpcodeCounts(
  binary: string,
  functions: readonly string[],
): Promise<OpcodeCounts> {
  return opcodeCounts(await loadObject(binary, { quiet: true }), functions);
}

/** Turns opcode counts into fixed-length vectors: vocabulary and idf fitted on training data. */
export interface OpcodeVectorizer {
  /** Mnemonics seen in training, sorted; one dimension each. Others are ignored. */
  vocabulary: string[];
  /** Inverse document frequency per dimension: `ln((1 + N) / (1 + df)) + 1`. */
  idf: number[];
}

/** Fits the vocabulary and idf on training documents. */
export function fitVectorizer(documents: readonly OpcodeCounts[]): OpcodeVectorizer {
  const df = new Map<string, number>();
  for (const doc of documents) {
    for (const mnemonic of doc.keys()) df.set(mnemonic, (df.get(mnemonic) ?? 0) + 1);
  }
  const vocabulary = [...df.keys()].sort();
  const n = documents.length;
  return { vocabulary, idf: vocabulary.map((m) => Math.log((1 + n) / (1 + df.get(m)!)) + 1) };
}

/** The feature vector of one document: `log(1 + count) * idf`, scaled to unit length. */
export function vectorize(vectorizer: OpcodeVectorizer, counts: OpcodeCounts): Float64Array {
  const x = new Float64Array(vectorizer.vocabulary.length);
  let norm = 0;
  vectorizer.vocabulary.forEach((mnemonic, j) => {
    x[j] = Math.log1p(counts.get(mnemonic) ?? 0) * vectorizer.idf[j];
    norm += x[j] * x[j];
  });
  if (norm > 0) {
    const scale = 1 / Math.sqrt(norm);
    for (let j = 0; j < x.length; j++) x[j] *= scale;
  }
  return x;
}

/** Options of {@linkcode trainSoftmax}. */
export interface SoftmaxOptions {
  /** Full-batch Adam steps (default 1000). */
  epochs?: number;
  /** Adam step size (default 0.05). */
  learningRate?: number;
  /** L2 penalty on the weights, not the biases (default 1e-3). */
  l2?: number;
  /** Seed of the initial weights (default 1). */
  seed?: Seed;
  /** Weight of each sample in the loss (default: equal); normalised to sum to 1. */
  sampleWeights?: readonly number[];
}

/** A multinomial logistic regression. */
export interface SoftmaxModel {
  /** Class names, one output each. */
  classes: string[];
  /** Input dimensions. */
  dims: number;
  /** `[classes x dims]`, row-major. */
  weights: Float64Array;
  /** `[classes]`. */
  bias: Float64Array;
}

function logitsInto(model: SoftmaxModel, x: ArrayLike<number>, out: Float64Array): void {
  const { dims, weights, bias } = model;
  let max = -Infinity;
  for (let c = 0; c < out.length; c++) {
    let z = bias[c];
    for (let j = 0; j < dims; j++) z += weights[c * dims + j] * x[j];
    out[c] = z;
    if (z > max) max = z;
  }
  let sum = 0;
  for (let c = 0; c < out.length; c++) {
    out[c] = Math.exp(out[c] - max);
    sum += out[c];
  }
  for (let c = 0; c < out.length; c++) out[c] /= sum;
}

/** Class probabilities of one feature vector. */
export function softmaxProbabilities(model: SoftmaxModel, x: ArrayLike<number>): Float64Array {
  if (x.length !== model.dims) {
    throw new Error(`feature vector has ${x.length} dimensions, the model ${model.dims}`);
  }
  const p = new Float64Array(model.classes.length);
  logitsInto(model, x, p);
  return p;
}

/** The most probable class of one feature vector. */
export function predictSoftmax(model: SoftmaxModel, x: ArrayLike<number>): string {
  const p = softmaxProbabilities(model, x);
  let best = 0;
  for (let c = 1; c < p.length; c++) if (p[c] > p[best]) best = c;
  return model.classes[best];
}

/**
 * Trains a multinomial logistic regression: softmax cross-entropy (mean over
 * samples, or weighted by `sampleWeights`) plus `l2/2 * |W|^2`, minimised by full-batch Adam from small seeded
 * random weights. Deterministic for a given seed.
 */
export function trainSoftmax(
  features: readonly ArrayLike<number>[],
  labels: readonly string[],
  options: SoftmaxOptions = {},
): SoftmaxModel {
  const { epochs = 1000, learningRate = 0.05, l2 = 1e-3, seed = 1 } = options;
  if (features.length === 0 || features.length !== labels.length) {
    throw new UserError(
      `training needs as many labels as feature vectors (got ${features.length} and ` +
        `${labels.length}), and at least one`,
      "check the training split",
    );
  }
  const classes = [...new Set(labels)].sort();
  const dims = features[0].length;
  const k = classes.length;
  const y = labels.map((l) => classes.indexOf(l));
  const rng = new Rng(seed);
  const weights = Float64Array.from({ length: k * dims }, () => 0.01 * rng.normal());
  const model: SoftmaxModel = { classes, dims, weights, bias: new Float64Array(k) };
  const params = [model.weights, model.bias];
  const grads = params.map((p) => new Float64Array(p.length));
  const m1 = params.map((p) => new Float64Array(p.length));
  const m2 = params.map((p) => new Float64Array(p.length));
  const beta1 = 0.9, beta2 = 0.999, eps = 1e-8;
  const p = new Float64Array(k);
  const n = features.length;
  // Sample i's loss is divided by this: n, or the weights' sum over its weight.
  const sampleWeights = options.sampleWeights;
  const total = sampleWeights?.reduce((a, b) => a + b, 0) ?? n;
  const divisor = (i: number) => sampleWeights ? total / sampleWeights[i] : n;
  for (let step = 1; step <= epochs; step++) {
    const [gw, gb] = grads;
    for (let j = 0; j < gw.length; j++) gw[j] = l2 * weights[j];
    gb.fill(0);
    for (let i = 0; i < n; i++) {
      const x = features[i];
      logitsInto(model, x, p);
      p[y[i]] -= 1;
      const d = divisor(i);
      for (let c = 0; c < k; c++) {
        const g = p[c] / d;
        gb[c] += g;
        for (let j = 0; j < dims; j++) gw[c * dims + j] += g * x[j];
      }
    }
    const correction1 = 1 - beta1 ** step, correction2 = 1 - beta2 ** step;
    params.forEach((param, t) => {
      for (let j = 0; j < param.length; j++) {
        const g = grads[t][j];
        m1[t][j] = beta1 * m1[t][j] + (1 - beta1) * g;
        m2[t][j] = beta2 * m2[t][j] + (1 - beta2) * g * g;
        param[j] -= learningRate * (m1[t][j] / correction1) /
          (Math.sqrt(m2[t][j] / correction2) + eps);
      }
    });
  }
  return model;
}

/** One training or test document: a binary's opcode counts and its class. */
export interface LabeledCounts {
  counts: OpcodeCounts;
  label: string;
}

/** The bag-of-opcodes classifier: vectorizer and logistic regression. */
export interface BagOfOpcodesModel {
  vectorizer: OpcodeVectorizer;
  softmax: SoftmaxModel;
}

/** Fits the vectorizer on the training documents and trains the regression on their vectors. */
export function trainBagOfOpcodes(
  samples: readonly LabeledCounts[],
  options: SoftmaxOptions = {},
): BagOfOpcodesModel {
  const vectorizer = fitVectorizer(samples.map((s) => s.counts));
  const softmax = trainSoftmax(
    samples.map((s) => vectorize(vectorizer, s.counts)),
    samples.map((s) => s.label),
    options,
  );
  return { vectorizer, softmax };
}

/** The predicted class of one binary's opcode counts. */
export function predict(model: BagOfOpcodesModel, counts: OpcodeCounts): string {
  return predictSoftmax(model.softmax, vectorize(model.vectorizer, counts));
}

/** Fraction of positions where `predicted` equals `actual`. */
export function accuracy(predicted: readonly string[], actual: readonly string[]): number {
  if (predicted.length !== actual.length || actual.length === 0) {
    throw new Error(`accuracy of ${predicted.length} predictions against ${actual.length} labels`);
  }
  return predicted.filter((p, i) => p === actual[i]).length / actual.length;
}
