/**
 * Evaluates the bag-of-opcodes baseline on the corpus's binaries under both
 * splits (held-out implementations; train gcc / test clang).
 *
 * @module
 */
import { UserError } from "../common/mod.ts";
import {
  accuracy,
  binaryOpcodeCounts,
  type OpcodeCounts,
  predict,
  type SoftmaxOptions,
  trainBagOfOpcodes,
} from "./bag_of_opcodes.ts";
import { type CorpusBinary, type CorpusIndex, resolveIndexPath } from "./corpus.ts";
import { type Split, splitByCompiler, splitByImplementation } from "./splits.ts";

/** A binary with its opcode counts. */
export interface BinaryFeatures {
  binary: CorpusBinary;
  counts: OpcodeCounts;
}

/** The opcode counts of every binary of the index, restricted to the algorithm's functions. */
export async function corpusOpcodeCounts(index: CorpusIndex): Promise<BinaryFeatures[]> {
  const out: BinaryFeatures[] = [];
  for (const binary of index.binaries) {
    out.push({
      binary,
      counts: await binaryOpcodeCounts(resolveIndexPath(binary.binary), binary.functions),
    });
  }
  return out;
}

/** The result of one split. */
export interface SplitResult {
  split: string;
  description: string;
  train: number;
  test: number;
  /** Test accuracy over binaries. */
  accuracy: number;
  /** Test accuracy per class. */
  perClass: Record<string, number>;
  /** Test accuracy per optimisation level. */
  perOpt: Record<string, number>;
  /** `confusion[actual][predicted]` counts on the test set. */
  confusion: Record<string, Record<string, number>>;
}

function accuracyBy(
  items: { key: string; predicted: string; actual: string }[],
): Record<string, number> {
  const out: Record<string, number> = {};
  for (const key of [...new Set(items.map((i) => i.key))].sort()) {
    const group = items.filter((i) => i.key === key);
    out[key] = accuracy(group.map((g) => g.predicted), group.map((g) => g.actual));
  }
  return out;
}

/** Trains on a split's training binaries and scores its test binaries. */
export function evaluateSplit(
  split: Split<BinaryFeatures & { class: string }>,
  options: SoftmaxOptions = {},
): SplitResult {
  if (split.train.length === 0 || split.test.length === 0) {
    throw new UserError(
      `the ${split.name} split (${split.description}) has ${split.train.length} training and ` +
        `${split.test.length} test binaries`,
      "build the corpus with both compilers and every class (deno task corpus without --only)",
    );
  }
  const model = trainBagOfOpcodes(
    split.train.map((s) => ({ counts: s.counts, label: s.class })),
    options,
  );
  const scored = split.test.map((s) => ({
    binary: s.binary,
    predicted: predict(model, s.counts),
    actual: s.class,
  }));
  const confusion: Record<string, Record<string, number>> = {};
  for (const s of scored) {
    confusion[s.actual] ??= {};
    confusion[s.actual][s.predicted] = (confusion[s.actual][s.predicted] ?? 0) + 1;
  }
  return {
    split: split.name,
    description: split.description,
    train: split.train.length,
    test: split.test.length,
    accuracy: accuracy(scored.map((s) => s.predicted), scored.map((s) => s.actual)),
    perClass: accuracyBy(scored.map((s) => ({ ...s, key: s.actual }))),
    perOpt: accuracyBy(scored.map((s) => ({ ...s, key: s.binary.opt }))),
    confusion,
  };
}

/** Options of {@linkcode evaluateBagOfOpcodes}. */
export interface BaselineOptions extends SoftmaxOptions {
  /** Seeds of the held-out implementation choice (default [1, 2, 3]). */
  splitSeeds?: number[];
}

/** Results of the baseline: one implementation split per seed, and the compiler split. */
export interface BaselineResults {
  binaries: number;
  classes: number;
  implementation: SplitResult[];
  compiler: SplitResult;
}

/** Evaluates the bag-of-opcodes classifier on the index's binaries under both splits. */
export async function evaluateBagOfOpcodes(
  index: CorpusIndex,
  options: BaselineOptions = {},
): Promise<BaselineResults> {
  const features = (await corpusOpcodeCounts(index)).map((f) => ({
    ...f,
    class: f.binary.class,
    implementation: f.binary.implementation,
    compiler: f.binary.compiler,
  }));
  const { splitSeeds = [1, 2, 3], ...softmax } = options;
  return {
    binaries: features.length,
    classes: new Set(features.map((f) => f.class)).size,
    implementation: splitSeeds.map((seed) =>
      evaluateSplit(splitByImplementation(features, { seed }), { ...softmax, seed })
    ),
    compiler: evaluateSplit(splitByCompiler(features), softmax),
  };
}
