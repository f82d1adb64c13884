/**
 * Fused graphs as datasets: the topology/instance contract, storage and value
 * encodings.
 *
 * - `types.ts`: topologies, the columnar instance table (labels, current address, previous outcome)
 * - `static.ts`: a site's static graph and node tokens (`instructionToken`)
 * - `build.ts`: the dataset builder over traces; `sampling.ts`: uniform sampling over executions
 * - `dataset.ts`: building, checking, saving and loading datasets; `encode.ts`: value encodings
 *
 * @module
 */
export * from "./types.ts";
export * from "./dataset.ts";
export * from "./encode.ts";
export * from "./static.ts";
export * from "./build.ts";
export * from "./sampling.ts";
