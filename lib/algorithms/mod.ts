/**
 * The algorithm-classification corpus: C implementations of known algorithms
 * (`data/algorithms/`) in several input styles, compiled by two compilers at
 * several levels and traced on seeded inputs; the foreign programs and the
 * programs written outside the corpus; train/test splits that hold out whole
 * implementations or a compiler; the bag-of-opcodes baseline; execution
 * weighting of a program's instances and the out-of-distribution detector
 * (the TensorFlow.js parts, `transfer.ts`, `end_to_end.ts` and `classify.ts`,
 * are imported directly).
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
export * from "./standalone.ts";
export * from "./foreign.ts";
export * from "./outside.ts";
export * from "./weighting.ts";
export * from "./ood.ts";
