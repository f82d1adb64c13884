/**
 * The suite's traces as the experiments use them: which traces (workloads x
 * inputs), their site counts and selected sites, and the time-split dataset
 * built from them.
 *
 * @module
 */
import { join } from "node:path";
import { UserError } from "../common/mod.ts";
import type { TaskName } from "../graph/mod.ts";
import { listWorkloads, type Scale, tracePath, tracesDir } from "../workloads/mod.ts";
import type { Plan } from "./config.ts";
import { type CachedDataset, cachedDataset } from "./datasets.ts";
import { selectSites, type SiteStats, siteStats, testCoverage } from "./sites.ts";

/** One trace with its site counts and the sites the experiments learn and score. */
export interface SuiteTrace {
  workload: string;
  input: string;
  path: string;
  stats: SiteStats;
  /** Selected site ids (branch and load). */
  sites: number[];
}

/** Options of {@linkcode suiteTraces}. */
export interface SuiteTracesOptions {
  scale: Scale;
  plan: Plan;
  /** Workload names (default: every workload of the manifest). */
  workloads?: string[];
  /** Which inputs (default: the plan's). */
  inputs?: "first" | "all" | "second";
  /** Folder of the traces (default: the suite's folder of the scale). */
  dir?: string;
  /** Site kinds to select (default both). */
  tasks?: ("branch" | "load")[];
}

/** The selected traces with their site counts and site selections; missing traces are a UserError. */
export async function suiteTraces(options: SuiteTracesOptions): Promise<SuiteTrace[]> {
  const { plan, scale } = options;
  const specs = listWorkloads().filter((w) =>
    !options.workloads || options.workloads.includes(w.name)
  );
  const inputs = options.inputs ?? plan.inputs;
  const out: SuiteTrace[] = [];
  for (const spec of specs) {
    const chosen = inputs === "first"
      ? spec.inputs.slice(0, 1)
      : inputs === "second"
      ? spec.inputs.slice(1, 2)
      : spec.inputs;
    for (const input of chosen) {
      const path = tracePath(scale, spec.name, input.name, options.dir ?? tracesDir(scale));
      try {
        await Deno.stat(path);
      } catch {
        throw new UserError(
          `trace ${path} is missing`,
          `trace the suite first: make traces SCALE=${scale}`,
        );
      }
      const stats = await siteStats(path);
      const sites = selectSites(stats, {
        perTask: plan.sitesPerTask,
        minSnapshots: plan.minSnapshots,
        tasks: options.tasks,
      });
      out.push({ workload: spec.name, input: input.name, path, stats, sites });
    }
  }
  return out;
}

/** The time-split dataset of `traces` (their selected sites), cached. */
export async function suiteDataset(
  traces: SuiteTrace[],
  plan: Plan,
  options: { tasks?: TaskName[]; quiet?: boolean } = {},
): Promise<CachedDataset> {
  return await cachedDataset({
    traces: traces.map((t) => ({
      path: t.path,
      workload: t.workload,
      input: t.input,
      sites: t.sites,
    })),
    options: {
      tasks: options.tasks ?? ["branch", "address"],
      split: { kind: "time" },
      maxPerSite: plan.maxPerSite,
      seed: 1,
    },
  }, { quiet: options.quiet });
}

/** The source id of a trace in a dataset built from it. */
export function sourceOf(
  dataset: CachedDataset,
  trace: { workload: string; input: string },
): number {
  const id = dataset.dataset.sources.findIndex((s) =>
    s.workload === trace.workload && s.input === trace.input
  );
  if (id < 0) throw new Error(`dataset has no source ${trace.workload}/${trace.input}`);
  return id;
}

/** One line per trace for the experiment settings: window, sites kept and the executions they cover. */
export function describeTraces(traces: SuiteTrace[]): Record<string, unknown>[] {
  return traces.map((t) => {
    const branchSites = t.sites.filter((s) => t.stats.kind[s] === "b").length;
    return {
      workload: t.workload,
      input: t.input,
      trace: join("data", t.path.split("/data/").at(-1) ?? t.path),
      instructions: t.stats.instructions,
      testFrom: t.stats.testFrom,
      branchSites,
      loadSites: t.sites.length - branchSites,
      testBranchCoverage: Number(testCoverage(t.stats, t.sites, "branch").toFixed(4)),
      testLoadCoverage: Number(testCoverage(t.stats, t.sites, "load").toFixed(4)),
    };
  });
}
