/**
 * How studies judge a claim from per-seed numbers: the gains, their two
 * readings (relative error reduction, relative accuracy gain), and the named
 * verdict rules. Each rule is fixed here, before any run, and tested on
 * hand-made numbers (`tests/verdicts_test.ts`).
 *
 * @module
 */
import { mean, sampleStd, type Verdict } from "../report/mod.ts";
import { ALL_WORKLOADS } from "./pooling.ts";
import type { StudyTable } from "./study.ts";

/** (baseline error - error) / baseline error: the share of the baseline's errors removed. */
export function relativeErrorReduction(baselineError: number, error: number): number {
  return baselineError > 0 ? (baselineError - error) / baselineError : 0;
}

/** (accuracy - baseline accuracy) / baseline accuracy. */
export function relativeAccuracyGain(baselineAccuracy: number, accuracy: number): number {
  return baselineAccuracy > 0 ? (accuracy - baselineAccuracy) / baselineAccuracy : 0;
}

/** `f` of each seed's pair of values: `perSeed([a1, a2], [b1, b2], f)` is `[f(a1, b1), f(a2, b2)]`. */
export function perSeed(a: number[], b: number[], f: (a: number, b: number) => number): number[] {
  return a.map((x, k) => f(x, b[k]));
}

/**
 * The verdict on a claimed gain from per-seed gains: `yes` when every seed
 * gains and the mean reaches `target`; `partly` when every seed gains but
 * less; `no` when no seed gains; `inconclusive` when seeds disagree.
 */
export function gainVerdict(gains: number[], target: number): Verdict {
  if (gains.length === 0) return "inconclusive";
  if (gains.every((g) => g > 0)) return mean(gains) >= target ? "yes" : "partly";
  if (gains.every((g) => g <= 0)) return "no";
  return "inconclusive";
}

/** `12.3% ± 0.4` (mean ± sample std over seeds) for fractions. */
export function pct(values: number[], digits = 1): string {
  const std = sampleStd(values);
  return `${(100 * mean(values)).toFixed(digits)}%` +
    (Number.isNaN(std) ? "" : ` ± ${(100 * std).toFixed(digits)}`);
}

/** The numbers {@linkcode historyFailureVerdict} judges. */
export interface HistoryFailure {
  /** Accuracy of the best history-based method (mean over seeds). */
  bestHistory: number;
  /** Accuracy of a blind guess (the majority outcome, or 0 for addresses). */
  chance: number;
  /** NCF's accuracy per seed. */
  ncf: number[];
  /** History counts as failing when it is at most this far above chance. */
  nearChance: number;
  /** NCF must beat the best history-based method by at least this on every seed for a yes. */
  beatsBy: number;
}

/**
 * Paper 4.7, "history fails where values decide": `no` when history is not near chance or NCF is
 * never ahead of it; `yes` when NCF is ahead by at least `beatsBy` and by more than its spread over
 * seeds on every seed; `partly` when ahead by more than the spread on every seed but by less than
 * `beatsBy`; `inconclusive` otherwise.
 */
export function historyFailureVerdict(h: HistoryFailure): Verdict {
  if (h.bestHistory > h.chance + h.nearChance) return "no";
  const margins = h.ncf.map((a) => a - h.bestHistory);
  if (margins.length === 0) return "inconclusive";
  if (margins.every((m) => m <= 0)) return "no";
  const spread = margins.length > 1 ? sampleStd(h.ncf) : 0;
  if (!margins.every((m) => m > spread)) return "inconclusive";
  return margins.every((m) => m >= h.beatsBy) ? "yes" : "partly";
}

/**
 * A claim of paper 4.7 on one test program: the best of `baselines` (history-based methods) against
 * NCF on the program's judged group, with {@linkcode historyFailureVerdict}'s verdict.
 */
export function judgeHistoryFailure(
  table: StudyTable,
  o: {
    program: { judged: string; chance: number };
    baselines: readonly string[];
    nearChance: number;
    beatsBy: number;
  },
): BaselineComparison & { verdict: Verdict } {
  const c = againstBaselines(table, {
    baselines: o.baselines,
    metric: "accuracy",
    higherIsBetter: true,
    pooled: o.program.judged,
  });
  const verdict = historyFailureVerdict({
    bestHistory: c.bestValue,
    chance: o.program.chance,
    ncf: c.ncf,
    nearChance: o.nearChance,
    beatsBy: o.beatsBy,
  });
  return { ...c, verdict };
}

/**
 * Generalisation to another input, from the relative error increase of the input split over the
 * time split per seed: `yes` when at most `tolerated` on every seed, `partly` when at most 100%, `no`
 * when above 100% on every seed, `inconclusive` otherwise.
 */
export function toleranceVerdict(increase: number[], tolerated: number): Verdict {
  if (increase.length === 0) return "inconclusive";
  if (increase.every((x) => x <= tolerated)) return "yes";
  if (increase.every((x) => x <= 1)) return "partly";
  if (increase.every((x) => x > 1)) return "no";
  return "inconclusive";
}

/** NCF and the static-only GNN against the best of some baselines on one metric. */
export interface BaselineComparison {
  /** The baseline with the best pooled mean. */
  best: string;
  bestValue: number;
  /** Pooled values per seed. */
  ncf: number[];
  staticOnly: number[];
  /** Per workload: its own best baseline, and the means. */
  perWorkload: {
    workload: string;
    bestBaseline: string;
    bestBaselineValue: number;
    ncf: number;
    staticOnly: number;
  }[];
  /** Workloads where NCF's mean beats the workload's best baseline. */
  ncfWins: number;
}

/**
 * Compares NCF with the best of `baselines` on `metric`: on the rows of `pooled` (default the
 * pooled workload 'all'), and per workload of `workloads`.
 */
export function againstBaselines(
  table: StudyTable,
  o: {
    baselines: readonly string[];
    metric: string;
    higherIsBetter: boolean;
    workloads?: string[];
    pooled?: string;
  },
): BaselineComparison {
  const pooled = o.pooled ?? ALL_WORKLOADS;
  const value = (w: string, id: string) => table.mean(w, id, o.metric);
  const sign = o.higherIsBetter ? -1 : 1;
  const bestOf = (w: string) =>
    [...o.baselines].sort((a, b) => sign * (value(w, a) - value(w, b)))[0];
  const perWorkload = (o.workloads ?? []).map((w) => ({
    workload: w,
    bestBaseline: bestOf(w),
    bestBaselineValue: value(w, bestOf(w)),
    ncf: value(w, "ncf"),
    staticOnly: value(w, "static-only"),
  }));
  const best = bestOf(pooled);
  return {
    best,
    bestValue: value(pooled, best),
    ncf: table.values(pooled, "ncf", o.metric),
    staticOnly: table.values(pooled, "static-only", o.metric),
    perWorkload,
    ncfWins: perWorkload.filter((w) => sign * (w.ncf - w.bestBaselineValue) < 0).length,
  };
}

/**
 * A method's error rate against a reference's, per seed: `yes` when it is ahead (lower) by more
 * than its spread over seeds (sample std) on every seed and its mean is at most `target` times the
 * reference's; `partly` when ahead by more than the spread on every seed but short of the target;
 * `no` when it is not ahead on any seed; `inconclusive` otherwise (ahead, but within the spread).
 */
export function aheadVerdict(errors: number[], reference: number, target: number): Verdict {
  if (errors.length === 0 || !Number.isFinite(reference)) return "inconclusive";
  const spread = errors.length > 1 ? sampleStd(errors) : 0;
  if (errors.every((e) => e >= reference)) return "no";
  if (!errors.every((e) => reference - e > spread)) return "inconclusive";
  return mean(errors) <= target * reference ? "yes" : "partly";
}

/**
 * A pooled verdict that must also hold per workload: a pooled `yes` becomes `partly` unless it
 * holds on most (more than half) of the workloads; other verdicts stay.
 */
export function mostlyVerdict(pooled: Verdict, wins: number, workloads: number): Verdict {
  return pooled === "yes" && 2 * wins <= workloads ? "partly" : pooled;
}

/** The half-width of the 95% normal interval of a rate `p` measured on `n` instances. */
export function ci95(p: number, n: number): number {
  return n > 0 ? 1.96 * Math.sqrt(p * (1 - p) / n) : NaN;
}

/** `3.141 ± 0.020` (mean ± sample std over seeds) for plain numbers. */
export function meanStd(values: number[], digits = 3): string {
  const std = sampleStd(values);
  return mean(values).toFixed(digits) + (Number.isNaN(std) ? "" : ` ± ${std.toFixed(digits)}`);
}

/**
 * Whether per-seed scores `a` (higher is better) beat `b`'s: `yes` when a's mean exceeds b's by
 * more than the larger of their sample stds and reaches `high`; `partly` when it exceeds it by more
 * than that spread but stays below `high`; `no` otherwise; `inconclusive` with under two seeds.
 */
export function beatsVerdict(a: number[], b: number[], high: number): Verdict {
  if (a.length < 2 || b.length < 2) return "inconclusive";
  const margin = mean(a) - mean(b);
  if (margin <= 0 || margin <= Math.max(sampleStd(a) || 0, sampleStd(b) || 0)) return "no";
  return mean(a) >= high ? "yes" : "partly";
}
