/**
 * Which task sites an experiment learns and scores: per trace, the hottest
 * branch sites and the hottest load sites (by executions in the window)
 * that have snapshots on both sides of the time split. A whole program has
 * tens of thousands of sites; the hottest few cover most executions, and
 * every method is scored on the same sampled executions of them.
 *
 * @module
 */
import { BUILD_DEFAULTS } from "../graph/mod.ts";
import { BRANCH_SCORING_VERSION, scoreBranchPredictors } from "../baselines/mod.ts";
import { openTrace, readFooter, TraceError } from "../trace/mod.ts";
import { cachedJson, traceIdentity } from "./cache.ts";

/** Execution and snapshot counts of a trace's sites around a split point. */
export interface SiteStats {
  /** Instructions in the trace's window. */
  instructions: number;
  /** Where the test part starts (instruction count). */
  testFrom: number;
  /** Per site id: `b` (branch) or `l` (load). */
  kind: string;
  /** Per site id: executions before `testFrom`. */
  trainExecutions: number[];
  /** Per site id: executions from `testFrom` on. */
  testExecutions: number[];
  /** Per site id: snapshots before `testFrom`. */
  trainSnapshots: number[];
  /** Per site id: snapshots from `testFrom` on. */
  testSnapshots: number[];
}

/**
 * The time split's test start for a window of `instructions`: the dataset
 * builder tests on instances with `icount >= instructions * (1 - testFraction)`,
 * and the baselines are scored from the same point.
 */
export function timeSplitTestFrom(
  instructions: number,
  testFraction: number = BUILD_DEFAULTS.testFraction,
): number {
  return instructions * (1 - testFraction);
}

/** Instructions in a complete trace's window (from its footer). */
export async function traceInstructions(path: string): Promise<number> {
  const footer = await readFooter(path);
  if (!footer) {
    throw new TraceError(`${path} has no footer (the trace is incomplete)`, "re-run the trace");
  }
  return footer.instructions;
}

/** Per-site counts of a trace around `testFrom` (default: the time split's), cached. */
export async function siteStats(path: string, testFrom?: number): Promise<SiteStats> {
  const instructions = await traceInstructions(path);
  const from = testFrom ?? timeSplitTestFrom(instructions);
  return await cachedJson(
    "sitestats",
    { trace: await traceIdentity(path), testFrom: from },
    async () => {
      const trace = await openTrace(path);
      const counts = [[], [], [], []] as number[][];
      const [trainExec, testExec, trainSnap, testSnap] = counts;
      for await (const chunk of trace.chunks()) {
        for (let i = 0; i < chunk.length; i++) {
          const site = chunk.site[i];
          const test = chunk.icount[i] >= from;
          const exec = test ? testExec : trainExec;
          exec[site] = (exec[site] ?? 0) + 1;
          if (chunk.snapshot[i] >= 0) {
            const snap = test ? testSnap : trainSnap;
            snap[site] = (snap[site] ?? 0) + 1;
          }
        }
      }
      const sites = trace.meta.sites;
      const dense = (a: number[]) => Array.from(sites, (_, s) => a[s] ?? 0);
      return {
        instructions,
        testFrom: from,
        kind: sites.map((s) => (s.kind === "load" ? "l" : "b")).join(""),
        trainExecutions: dense(trainExec),
        testExecutions: dense(testExec),
        trainSnapshots: dense(trainSnap),
        testSnapshots: dense(testSnap),
      };
    },
  );
}

/** Options of {@linkcode selectSites}. */
export interface SelectSitesOptions {
  /** Hottest sites kept per task. */
  perTask: number;
  /** Snapshots a site needs before and after the split. */
  minSnapshots: number;
  /** Tasks to keep sites for (default both). */
  tasks?: ("branch" | "load")[];
  /** Branch sites rank by this score per site id (default: executions before the test part). */
  branchRank?: Record<string, number>;
}

/**
 * The kept site ids: per task the `perTask` sites with enough snapshots on both sides of the split
 * that rank first: branches by `branchRank` when given (e.g. {@linkcode trainMispredictions}: the
 * hardest), else, like loads, by executions before the test part (the hottest).
 */
export function selectSites(stats: SiteStats, options: SelectSitesOptions): number[] {
  const tasks = options.tasks ?? ["branch", "load"];
  const out: number[] = [];
  for (const task of tasks) {
    const code = task === "load" ? "l" : "b";
    const candidates: number[] = [];
    for (let s = 0; s < stats.kind.length; s++) {
      if (
        stats.kind[s] === code && stats.trainSnapshots[s] >= options.minSnapshots &&
        stats.testSnapshots[s] >= options.minSnapshots
      ) candidates.push(s);
    }
    const rank = task === "branch" && options.branchRank
      ? (s: number) => options.branchRank![s] ?? 0
      : (s: number) => stats.trainExecutions[s];
    candidates.sort((a, b) => rank(b) - rank(a) || a - b);
    out.push(...candidates.filter((s) => rank(s) > 0).slice(0, options.perTask));
  }
  return out.sort((a, b) => a - b);
}

/** Share of the test part's executions of `kind` that fall on `sites`. */
export function testCoverage(stats: SiteStats, sites: number[], kind: "branch" | "load"): number {
  const code = kind === "load" ? "l" : "b";
  let all = 0, covered = 0;
  const kept = new Set(sites);
  for (let s = 0; s < stats.kind.length; s++) {
    if (stats.kind[s] !== code) continue;
    all += stats.testExecutions[s];
    if (kept.has(s)) covered += stats.testExecutions[s];
  }
  return all > 0 ? covered / all : 0;
}

/** The predictor whose mispredictions make a branch site hard (the hard set's reference too). */
export const HARDNESS_REFERENCE = "tage-sc-l-64kb";

/**
 * Mispredictions of {@linkcode HARDNESS_REFERENCE} per branch site before the time split's test
 * part (never looking at the test part), cached by trace.
 */
export async function trainMispredictions(path: string): Promise<Record<string, number>> {
  const stats = await siteStats(path);
  return await cachedJson(
    "train-mispredictions",
    {
      trace: await traceIdentity(path),
      testFrom: stats.testFrom,
      reference: HARDNESS_REFERENCE,
      version: BRANCH_SCORING_VERSION,
    },
    async () => {
      const score = (testFrom: number) =>
        scoreBranchPredictors({
          trace: path,
          predictors: [HARDNESS_REFERENCE],
          testFrom,
          quiet: true,
        });
      const misses: Record<string, number> = {};
      for (const s of (await score(0)).scores[0].sites) misses[s.site] = s.mispredictions;
      for (const s of (await score(stats.testFrom)).scores[0].sites) {
        misses[s.site] -= s.mispredictions;
      }
      return misses;
    },
  );
}

/**
 * The `n` branch sites with the most {@linkcode HARDNESS_REFERENCE} mispredictions before the test
 * part (at least one), with `minSnapshots` snapshots on both sides of the split; ascending ids.
 */
export async function hardestBranchSites(
  path: string,
  n: number,
  minSnapshots: number,
): Promise<number[]> {
  return selectSites(await siteStats(path), {
    perTask: n,
    minSnapshots,
    tasks: ["branch"],
    branchRank: await trainMispredictions(path),
  });
}
