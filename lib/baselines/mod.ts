/**
 * History-based baselines: branch predictors and next-address predictors.
 *
 * @module
 */
export * from "./branch/mod.ts";
export * from "./prefetch/mod.ts";
