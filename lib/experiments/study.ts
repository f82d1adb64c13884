/**
 * A study is a description of one paper result: what it compares, on which
 * data, with which metrics, charts and verdicts. `experiments/<name>.ts`
 * exports one; the runner (`runner.ts`) does the rest: arguments, caches,
 * the training pool, pooling over workloads, the CSV, charts and JSON, and
 * timings.
 *
 * @module
 */
import type { AggregateRow, Claim, ResultRow } from "../report/mod.ts";
import { aggregate, mean } from "../report/mod.ts";
import type { ExperimentArgs, Plan, PlanScale } from "./config.ts";
import type { ModelRequest, SeedModel } from "./models.ts";
import { label } from "./methods.ts";
import { ALL_WORKLOADS, type MetricColumn } from "./pooling.ts";

/** What a study's steps are given. */
export interface StudyContext<S> {
  args: ExperimentArgs;
  /** The shared plan of the scale (sites, instances, GNN, training). */
  plan: Plan;
  /** The study's own sizes at the scale. */
  sizes: S;
}

/** A chart of the study: bars of one metric per workload and method, a line over methods, or its own drawing. */
export type ChartSpec<I> =
  | BarChartSpec
  | LineChartSpec<I>
  | {
    kind: "custom";
    suffix?: string;
    caption: string;
    /** Draws the chart into the PNG file `out`. */
    draw(input: I, out: string): Promise<void>;
  };

/** Bars of one metric per workload ('all' last) and method, with the std over seeds. */
export interface BarChartSpec {
  kind: "bar";
  /** File name suffix: `results/<name><suffix>.png` (default: none, the study's main chart). */
  suffix?: string;
  metric: string;
  title: string;
  yLabel: string;
  caption: string;
  /** Multiplier of the values (100 for percentages; default 1). */
  scale?: number;
  width?: number;
  yMax?: number;
}

/** A pooled metric as a line: one point per x position's method, or flat at one method's value. */
export interface LineSeries {
  label: string;
  metric: string;
  /** Plot 1 - value instead of value (a misprediction rate as accuracy). */
  flip?: boolean;
  /** Flat at this method's value instead of following the x positions. */
  method?: string;
  color?: string;
}

/** Pooled metrics (workload 'all') of a sequence of methods (the x positions), with the std over seeds. */
export interface LineChartSpec<I> {
  kind: "line";
  suffix?: string;
  title: string;
  xLabel: string;
  yLabel: string;
  caption: string;
  /** Multiplier of the values (default 100: rates as percentages). */
  scale?: number;
  /** The x positions: a label and the method whose values are plotted there. */
  x(input: I): { label: string; method: string }[];
  series: LineSeries[];
}

/** What the scoring step is given: the data, the trained models and the baselines' results. */
export interface ScoreInput<S, D, B> {
  ctx: StudyContext<S>;
  data: D;
  models: SeedModel[];
  baselines: B;
}

/** What the parallel parts of the scoring are given: the data and the trained models. */
export type PartsInput<S, D> = Omit<ScoreInput<S, D, unknown>, "baselines">;

/** A part of the scoring that caches its result: run in any process, `score` then reads it. */
export type ScoringPart = () => Promise<void>;

/** What the claims, notes and settings are given besides: the results table. */
export interface ResultInput<S, D, B> extends ScoreInput<S, D, B> {
  table: StudyTable;
}

/** One paper result, described. */
export interface Study<S = unknown, D = unknown, B = unknown> {
  /** File name of the outputs, e.g. `branch_prediction`. */
  name: string;
  title: string;
  /** What it measures, in a sentence or two (report, `--help`). */
  measures: string;
  /** Its charts are among the report's headline charts. */
  headline?: boolean;
  /** The study's own sizes per scale; a `plan` field among them overrides the shared plan's fields. */
  sizes: Readonly<Record<PlanScale, S>>;
  /** Traces and datasets (cached). */
  data(ctx: StudyContext<S>): Promise<D>;
  /** Models to train on the data, each once per seed (trained by the runner's worker pool). */
  models?(ctx: StudyContext<S>, data: D): ModelRequest[];
  /** History-based baselines, run in this process while the models train. */
  baselines?(ctx: StudyContext<S>, data: D): Promise<B>;
  /**
   * The slow parts of `score`, each caching its result, in a fixed order: the runner shares them
   * among `--jobs` processes (`lanes.ts`) before `score`, which then finds them in the cache.
   */
  parts?(input: PartsInput<S, D>): Promise<ScoringPart[]>;
  /** One row per workload x method (label) x seed; the runner adds the pooled rows. */
  score(input: ScoreInput<S, D, B>): ResultRow[] | Promise<ResultRow[]>;
  /** Metric columns in CSV order, and how each pools over workloads. */
  metrics: MetricColumn[];
  /** The paper's claims, each with a verdict computed by a named rule (`verdicts.ts`). */
  claims(input: ResultInput<S, D, B>): Claim[];
  charts: ChartSpec<ResultInput<S, D, B>>[];
  /** What was tried, the verdict rules, caveats. */
  notes(input: ResultInput<S, D, B>): string[];
  /** Settings besides the ones the runner records (scale, seeds, plan, sizes, training, times). */
  settings?(input: ResultInput<S, D, B>): Record<string, unknown>;
}

/** A study with its types erased, as the registry holds it. */
// deno-lint-ignore no-explicit-any
export type AnyStudy = Study<any, any, any>;

/** The results of a study as the claims read them: by workload, method id and metric. */
export class StudyTable {
  /** Mean and std per workload x method. */
  readonly aggregates: AggregateRow[];

  constructor(readonly rows: readonly ResultRow[], metrics: readonly string[]) {
    this.aggregates = aggregate(rows, metrics);
  }

  /** The values of `metric` for `workload` and method `id`, one per seed in seed order. */
  values(workload: string, id: string, metric: string): number[] {
    const name = label(id);
    return this.rows.filter((r) => r.workload === workload && r.method === name)
      .sort((a, b) => a.seed - b.seed)
      .map((r) => r.metrics[metric])
      .filter((v) => v !== undefined);
  }

  /** The mean over seeds of {@linkcode values} (NaN when there are none). */
  mean(workload: string, id: string, metric: string): number {
    return mean(this.values(workload, id, metric));
  }

  /** The values of `metric` for method `id` pooled over the workloads ('all'), one per seed. */
  pooled(id: string, metric: string): number[] {
    return this.values(ALL_WORKLOADS, id, metric);
  }

  /** The mean over seeds of {@linkcode pooled}. */
  pooledMean(id: string, metric: string): number {
    return this.mean(ALL_WORKLOADS, id, metric);
  }

  /** The workloads, in table order. */
  workloads(): string[] {
    return [...new Set(this.rows.map((r) => r.workload))];
  }
}
