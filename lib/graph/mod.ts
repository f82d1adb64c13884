/**
 * Fused graphs as datasets: the topology/instance contract, storage and value
 * encodings.
 *
 * @module
 */
export * from "./types.ts";
export * from "./dataset.ts";
export * from "./encode.ts";
export * from "./static.ts";
export * from "./build.ts";
