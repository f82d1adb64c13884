/**
 * The algorithm-classification corpus: C implementations of known algorithms
 * (`data/algorithms/`), compiled by two compilers at four levels and traced on
 * seeded inputs; train/test splits that hold out whole implementations or a
 * compiler; and the bag-of-opcodes baseline.
 *
 * ```ts
 * const index = await loadIndex(); // after `deno task corpus`
 * const { train, test } = splitByImplementation(index.entries, { seed: 1 });
 * const model = trainBagOfOpcodes(samples); // [{ counts, label }]
 * ```
 *
 * @module
 */
export * from "./manifest.ts";
export * from "./inputs.ts";
export * from "./reference.ts";
export * from "./build.ts";
export * from "./functions.ts";
export * from "./corpus.ts";
export * from "./splits.ts";
export * from "./bag_of_opcodes.ts";
export * from "./baseline.ts";
export * from "./foreign.ts";
