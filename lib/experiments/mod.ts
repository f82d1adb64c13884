/**
 * What the experiments (`experiments/*.ts`) share: the per-scale plan and
 * command line, site selection, cached datasets, cached models trained by a
 * pool of worker processes, baselines recorded at the GNN's test instances,
 * and the metrics and verdicts computed from them.
 *
 * @module
 */
export * from "./config.ts";
export * from "./cache.ts";
export * from "./sites.ts";
export * from "./datasets.ts";
export * from "./models.ts";
export * from "./baselines.ts";
export * from "./suite.ts";
export * from "./metrics.ts";
export * from "./study.ts";
export * from "./programs.ts";
export * from "./evaluate.ts";
