/**
 * The suite's traces as the studies use them: which traces (workloads x
 * inputs; runs that did not trace usably are left out), their site counts and
 * selected sites, and the time-split dataset built from them.
 *
 * @module
 */
import { join } from "node:path";
import { repoPath, UserError } from "../common/mod.ts";
import { SPLIT_NAMES, TASK_NAMES, type TaskName } from "../graph/mod.ts";
import {
  listWorkloads,
  SUITE_SNAPSHOTS,
  type SuiteSummary,
  tracePath,
  tracesDir,
  traceSuite,
  unusableRuns,
  type UnusableTrace,
  usableWorkloads,
} from "../workloads/mod.ts";
import { readCachedJson } from "./cache.ts";
import { type ExperimentArgs, EXPERIMENTS_CACHE, type Plan } from "./config.ts";
import type { RecordPoints } from "./baselines.ts";
import type { ModelRequest } from "./models.ts";
import { type CachedDataset, cachedDataset, cachedDerived, indicesOf } from "./datasets.ts";
import {
  selectSites,
  type SiteStats,
  siteStats,
  testCoverage,
  trainMispredictions,
} from "./sites.ts";

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
  args: Pick<ExperimentArgs, "scale" | "traces" | "quiet">;
  plan: Plan;
  /** Workload names (default: every workload of the manifest). */
  workloads?: readonly string[];
  /** Which inputs (default: the plan's). */
  inputs?: "first" | "all" | "second";
  /** Folder of the traces (default: `args.traces`, else the suite's folder of the scale). */
  dir?: string;
  /** Site kinds to select (default both). */
  tasks?: ("branch" | "load")[];
}

/** The folder of the suite's traces a run reads. */
export function suiteDir(args: Pick<ExperimentArgs, "scale" | "traces">): string {
  return args.traces ?? tracesDir(args.scale);
}

/** The summary `traceSuite` wrote into `dir`; a UserError when the suite has not been traced. */
export async function suiteSummary(dir: string, scale: string): Promise<SuiteSummary> {
  const summary = await readCachedJson<SuiteSummary>(join(dir, "summary.json"));
  if (!summary) {
    throw new UserError(
      `no traces in ${dir} (no summary.json)`,
      `trace the suite first: make traces SCALE=${scale}`,
    );
  }
  // Summaries written before `unusable` existed: derive it the way traceSuite does.
  const unusable = summary.unusable ?? unusableRuns(summary.rows, summary.failures);
  return { ...summary, unusable };
}

const warned = new Set<string>();

/**
 * The selected traces with their site counts and site selections: every asked-for workload that
 * traced usably (see `traceProblem` in lib/workloads); the others are left out with a warning. A
 * UserError when none is left.
 */
export async function suiteTraces(options: SuiteTracesOptions): Promise<SuiteTrace[]> {
  const { plan, args } = options;
  const dir = options.dir ?? suiteDir(args);
  const summary = await suiteSummary(dir, args.scale);
  const traced = new Set(summary.rows.map((r) => r.workload));
  const usable = new Set(usableWorkloads(summary));
  const asked = listWorkloads().filter((w) =>
    !options.workloads || options.workloads.includes(w.name)
  );
  for (const w of asked.filter((w) => traced.has(w.name) && !usable.has(w.name))) {
    if (warned.has(`${dir}/${w.name}`) || args.quiet) continue;
    warned.add(`${dir}/${w.name}`);
    const reasons = summary.unusable.filter((u) => u.workload === w.name).map((u) => u.reason);
    console.error(`warning: ${w.name} is left out: ${reasons.join("; ")}`);
  }
  const specs = asked.filter((w) => usable.has(w.name));
  if (specs.length === 0) {
    throw new UserError(
      `none of the workloads ${asked.map((w) => w.name).join(", ")} has usable traces in ${dir}`,
      `trace them: make traces SCALE=${args.scale} (the summary there says why a trace is unusable)`,
    );
  }
  const inputs = options.inputs ?? plan.inputs;
  const out: SuiteTrace[] = [];
  for (const spec of specs) {
    const chosen = inputs === "first"
      ? spec.inputs.slice(0, 1)
      : inputs === "second"
      ? spec.inputs.slice(1, 2)
      : spec.inputs;
    for (const input of chosen) {
      const path = tracePath(args.scale, spec.name, input.name, dir);
      const stats = await siteStats(path);
      const sites = selectSites(stats, {
        perTask: plan.sitesPerTask,
        minSnapshots: plan.minSnapshots,
        tasks: options.tasks,
        branchRank: await trainMispredictions(path),
      });
      out.push({ workload: spec.name, input: input.name, path, stats, sites });
    }
  }
  return out;
}

/** The workload runs of the suite a run reads that every study leaves out, with the reasons. */
export async function leftOutRuns(
  args: Pick<ExperimentArgs, "scale" | "traces">,
): Promise<UnusableTrace[]> {
  const dir = suiteDir(args);
  const exists = await readCachedJson<SuiteSummary>(join(dir, "summary.json"));
  return exists ? (await suiteSummary(dir, args.scale)).unusable : [];
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
      trace: repoPath(t.path),
      instructions: t.stats.instructions,
      testFrom: t.stats.testFrom,
      branchSites,
      loadSites: t.sites.length - branchSites,
      testBranchCoverage: Number(testCoverage(t.stats, t.sites, "branch").toFixed(4)),
      testLoadCoverage: Number(testCoverage(t.stats, t.sites, "load").toFixed(4)),
    };
  });
}

/** Traces and their time-split dataset of the selected sites. */
export interface SuiteData {
  traces: SuiteTrace[];
  dataset: CachedDataset;
}

/**
 * The traces of `workloads` (default: all) at the plan's inputs, and their dataset (cached): of
 * one task's sites when `task` is given, else of both.
 */
export async function suiteData(
  ctx: { args: ExperimentArgs; plan: Plan },
  workloads?: readonly string[],
  task?: TaskName,
): Promise<SuiteData> {
  const tasks = task ? [task === "branch" ? "branch" as const : "load" as const] : undefined;
  const traces = await suiteTraces({ args: ctx.args, plan: ctx.plan, workloads, tasks });
  const dataset = await suiteDataset(traces, ctx.plan, {
    tasks: task ? [task] : undefined,
    quiet: ctx.args.quiet,
  });
  return { traces, dataset };
}

/** The test instances of one task of a trace, and the same as record points for the baselines. */
export interface TraceTests {
  trace: SuiteTrace;
  idx: Uint32Array;
  at: RecordPoints;
}

/** Per trace of `data`, its test instances of `task` (TASK_BRANCH or TASK_ADDRESS). */
export function traceTests(data: SuiteData, task: number): TraceTests[] {
  const ds = data.dataset.dataset;
  return data.traces.map((trace) => {
    const idx = indicesOf(ds, { split: "test", task, source: sourceOf(data.dataset, trace) });
    return {
      trace,
      idx,
      at: {
        site: Array.from(idx, (i) => ds.instances.site[i]),
        icount: Array.from(idx, (i) => ds.instances.icount[i]),
      },
    };
  });
}

/** Suite data of one task with each trace's test instances of it (the headline studies' data). */
export interface SuiteTestData extends SuiteData {
  tests: TraceTests[];
}

/** {@linkcode suiteData} of `task` on every workload, with {@linkcode traceTests} of it. */
export async function suiteTestData(
  ctx: { args: ExperimentArgs; plan: Plan },
  task: TaskName,
): Promise<SuiteTestData> {
  const data = await suiteData(ctx, undefined, task);
  return { ...data, tests: traceTests(data, TASK_NAMES.indexOf(task)) };
}

/**
 * NCF and the static-only GNN trained for one task on `data` (the headline studies' models: each
 * task gets its own network and training; multi-task training is the ablations' question).
 */
export function taskModels(data: SuiteData, task: "branch" | "address"): ModelRequest[] {
  return [
    { method: "ncf", dataset: data.dataset, spec: { task } },
    { method: "static-only", dataset: data.dataset, spec: { task, staticOnly: true } },
  ];
}

/**
 * The suite data of `workloads` with the snapshot taken `lead` earlier (lib/trace/README.md): the
 * workloads' first inputs traced again into `data/cache/experiments/lead-traces/` (reused when up
 * to date), and their dataset. Lead `"0"` is the suite's own traces.
 */
export async function suiteDataAtLead(
  ctx: { args: ExperimentArgs; plan: Plan },
  workloads: readonly string[],
  lead: string,
): Promise<SuiteData & { dir: string }> {
  if (lead === "0") return { ...(await suiteData(ctx, workloads)), dir: suiteDir(ctx.args) };
  const dir = join(EXPERIMENTS_CACHE, "lead-traces", ctx.args.scale, lead);
  const usable = new Set(usableWorkloads(await suiteSummary(suiteDir(ctx.args), ctx.args.scale)));
  await traceSuite({
    scale: ctx.args.scale,
    workloads: listWorkloads().filter((w) => workloads.includes(w.name) && usable.has(w.name)),
    inputs: "first",
    snapshots: `${SUITE_SNAPSHOTS[ctx.args.scale]},lead=${lead}`,
    dir,
    quiet: ctx.args.quiet,
  });
  return { ...(await suiteData({ ...ctx, args: { ...ctx.args, traces: dir } }, workloads)), dir };
}

/** Both inputs of some workloads, and the two splits of the generalisation question. */
export interface InputSplitData {
  /** The first inputs (A) and the second (B). */
  first: SuiteTrace[];
  second: SuiteTrace[];
  /** Time split of B only: the start of B's window trains, its end tests. */
  time: CachedDataset;
  /** Input split: all of A trains (its valid part validates), B's test part tests. */
  input: CachedDataset;
}

/** The traces of both inputs of `workloads` (default: all), one dataset, and its two splits (cached). */
export async function inputSplitData(
  ctx: { args: ExperimentArgs; plan: Plan },
  workloads?: readonly string[],
): Promise<InputSplitData> {
  const options = { args: ctx.args, plan: ctx.plan, workloads };
  const first = await suiteTraces({ ...options, inputs: "first" });
  const second = await suiteTraces({ ...options, inputs: "second" });
  const both = await suiteDataset([...first, ...second], ctx.plan, { quiet: ctx.args.quiet });
  const ds = both.dataset;
  const isSecond = new Set(second.map((t) => sourceOf(both, t)));
  const splitOf = (i: number) => SPLIT_NAMES[ds.instances.split[i]];
  const time = await cachedDerived(both, "time split on the second inputs", {
    split: (i) => (isSecond.has(ds.instances.source[i]) ? splitOf(i) : undefined),
  });
  const input = await cachedDerived(
    both,
    "train on the first inputs, test on the second's test part",
    {
      split: (i) =>
        isSecond.has(ds.instances.source[i])
          ? (splitOf(i) === "test" ? "test" : undefined)
          : (splitOf(i) === "valid" ? "valid" : "train"),
    },
  );
  return { first, second, time, input };
}
