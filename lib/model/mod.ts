/**
 * The NCF model: a multi-task gated graph neural network over fused graphs,
 * in TensorFlow.js on its wasm backend, with training, evaluation,
 * per-instance predictions and graph embeddings.
 *
 * ```ts
 * await initBackend();
 * const result = await train(dataset, { ...DEFAULT_SPEC, task: "branch" }, DEFAULT_TRAIN_OPTIONS, outDir);
 * const predictions = result.model.predict(dataset, splitIndices(dataset, "test"));
 * ```
 *
 * @module
 */
export { initBackend, tf } from "./backend.ts";
export * from "./batch.ts";
export * from "./ggnn.ts";
export * from "./heads.ts";
export * from "./kernels.ts";
export * from "./model.ts";
export * from "./store.ts";
export * from "./synthetic.ts";
export * from "./train.ts";
export * from "./weights.ts";
