/**
 * What the studies (`experiments/*.ts`) are made of: the study description
 * and its runner, the per-scale plan and command line, the method registry,
 * site selection, cached datasets, cached models trained by a pool of worker
 * processes, baselines recorded at the GNN's test instances, scoring,
 * pooling, and the verdict rules.
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
export * from "./methods.ts";
export * from "./pooling.ts";
export * from "./scoring.ts";
export * from "./study.ts";
export * from "./runner.ts";
export * from "./verdicts.ts";
export * from "./programs.ts";
export * from "./setup.ts";
export * from "./charts.ts";
