/**
 * The NCF model: a multi-task gated graph neural network over fused graphs,
 * in TensorFlow.js on its wasm backend, with training, evaluation,
 * per-instance predictions and graph embeddings.
 *
 * - `ggnn.ts`: the network (embed, message, aggregate, update, heads, readout, losses)
 * - `heads.ts`: what each head outputs: branch, address `delta-class` / `delta-bits` / `absolute`
 * - `batch.ts`: grouping instances by topology and planning batches (row layout, sparse maps)
 * - `kernels.ts`: the custom wasm kernels and gradients
 * - `model.ts`: `NcfModel`: config, weights per task, predictions, metrics, embeddings
 * - `train.ts`: training with per-task model selection, checkpoints and resume
 * - `store.ts`, `weights.ts`: model folders and weight files (tf.io weights manifest)
 * - `synthetic.ts`: synthetic datasets for tests; `cli.ts`: `deno task train` / `evaluate`
 *
 * Defaults ({@linkcode DEFAULT_SPEC}): tokens on, address head `delta-class`,
 * H = 64, T = 4, binary values; `{ tokens: false }` is the "no tokens"
 * ablation, `addressHead: "absolute"` the paper's 64-bit head.
 *
 * ```ts
 * await initBackend();
 * const result = await train(dataset, { ...DEFAULT_SPEC, task: "multi" }, DEFAULT_TRAIN_OPTIONS, outDir);
 * result.bestEpochs; // { branch: 7, address: 11 }: each task's weights come from its own best epoch
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
