/**
 * Train/test splits of the corpus. Both hold out something the classifier
 * never saw: whole implementations (so the test set never shares source code
 * with training), or a whole compiler.
 *
 * @module
 */
import { UserError } from "../common/mod.ts";
import { Rng } from "../common/random.ts";

/** What a split needs to know about an item (a binary, a trace, a graph...). */
export interface CorpusItem {
  class: string;
  implementation: string;
  compiler: string;
}

/** A train/test split. */
export interface Split<T> {
  /** Short name, e.g. `implementation` or `compiler`. */
  name: string;
  train: T[];
  test: T[];
  /** What is held out, in words. */
  description: string;
}

/** Implementations held out per class by default: two, so a seed tests 24 of the 12-class corpus's implementations. */
export const HELD_OUT_PER_CLASS = 2;

/** Options of {@linkcode splitByImplementation}. */
export interface ImplementationSplitOptions {
  /** Which fold is held out: a positive integer (default 1). */
  seed?: number;
  /** Implementations held out per class (default {@linkcode HELD_OUT_PER_CLASS}). */
  testPerClass?: number;
}

/**
 * The held-out implementations of each class: fold `seed` of a fixed shuffle of
 * the class's implementation names (sorted first, so the choice does not depend
 * on the items' order). Fold k is the k-th run of `testPerClass` names, so seeds
 * 1, 2, ... hold out disjoint implementations until the class runs out of folds,
 * then start over: every seed tests code the others did not.
 */
export function heldOutImplementations(
  items: readonly CorpusItem[],
  options: ImplementationSplitOptions = {},
): Record<string, string[]> {
  const seed = options.seed ?? 1;
  const testPerClass = options.testPerClass ?? HELD_OUT_PER_CLASS;
  if (!Number.isSafeInteger(seed) || seed < 1) {
    throw new RangeError(
      `the split's seed names a fold and must be a positive integer, got ${seed}`,
    );
  }
  const byClass = new Map<string, Set<string>>();
  for (const item of items) {
    if (!byClass.has(item.class)) byClass.set(item.class, new Set());
    byClass.get(item.class)!.add(item.implementation);
  }
  const heldOut: Record<string, string[]> = {};
  for (const cls of [...byClass.keys()].sort()) {
    const implementations = [...byClass.get(cls)!].sort();
    if (implementations.length <= testPerClass) {
      throw new UserError(
        `class ${cls} has ${implementations.length} implementation(s); holding out ` +
          `${testPerClass} would leave none to train on`,
        "add implementations to the class or hold out fewer (testPerClass)",
      );
    }
    const folds = Math.floor(implementations.length / testPerClass);
    const start = ((seed - 1) % folds) * testPerClass;
    const shuffled = new Rng(`held-out/${cls}`).shuffle(implementations);
    heldOut[cls] = shuffled.slice(start, start + testPerClass).sort();
  }
  return heldOut;
}

/**
 * Holds out whole implementations: for each class, `testPerClass` implementations
 * (all their compilers, levels and inputs) test, the others train.
 */
export function splitByImplementation<T extends CorpusItem>(
  items: readonly T[],
  options: ImplementationSplitOptions = {},
): Split<T> & { heldOut: Record<string, string[]> } {
  const heldOut = heldOutImplementations(items, options);
  const isTest = (item: T) => heldOut[item.class].includes(item.implementation);
  return {
    name: "implementation",
    train: items.filter((item) => !isTest(item)),
    test: items.filter(isTest),
    description:
      `held-out implementations (${options.testPerClass ?? HELD_OUT_PER_CLASS} per class, fold ${
        options.seed ?? 1
      }): ` +
      Object.entries(heldOut).map(([cls, impls]) => `${cls}/${impls.join("+")}`).join(", "),
    heldOut,
  };
}

/** Trains on one compiler's binaries and tests on another's (default: train gcc, test clang). */
export function splitByCompiler<T extends CorpusItem>(
  items: readonly T[],
  options: { train?: string; test?: string } = {},
): Split<T> {
  const train = options.train ?? "gcc";
  const test = options.test ?? "clang";
  if (train === test) {
    throw new UserError(
      `a compiler split needs two compilers, got ${train} twice`,
      "train on gcc and test on clang",
    );
  }
  return {
    name: "compiler",
    train: items.filter((item) => item.compiler === train),
    test: items.filter((item) => item.compiler === test),
    description: `train ${train}, test ${test}`,
  };
}
