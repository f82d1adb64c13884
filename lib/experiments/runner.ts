/**
 * The one runner of every study (`study.ts`): builds its data, trains its
 * models in the worker pool while its baselines run, shares the scoring's
 * slow parts among `--jobs` processes (`lanes.ts`), scores, pools over
 * workloads, and writes `results/<name>.csv`, its charts and
 * `results/<name>.json` (settings, claims with verdicts, notes, timings).
 *
 * @module
 */
import { join } from "node:path";
import { repoPath, UserError } from "../common/mod.ts";
import { writeExperimentMeta, writeResults } from "../report/mod.ts";
import { drawChart } from "./charts.ts";
import { type ExperimentArgs, type Plan, PLANS } from "./config.ts";
import { runLane, runParts } from "./lanes.ts";
import { type ModelRequest, type SeedModel, trainingSeconds, trainRequests } from "./models.ts";
import { poolRows, withoutWeights } from "./pooling.ts";
import { type AnyStudy, type ResultInput, type StudyContext, StudyTable } from "./study.ts";
import { describeTraces, leftOutRuns, type SuiteData } from "./suite.ts";

/** Seconds since `start` (a `performance.now()`), rounded. */
function since(start: number): number {
  return Math.round((performance.now() - start) / 1000);
}

/** The context of `study`'s steps under `args`: its sizes at the scale, the plan with their overrides. */
export function studyContext(study: AnyStudy, args: ExperimentArgs): StudyContext<unknown> {
  const sizes = study.sizes[args.planScale] as { plan?: Partial<Plan> };
  return { args, plan: { ...PLANS[args.planScale], ...sizes.plan }, sizes };
}

/**
 * Runs `study` with `args` and writes its outputs; returns the paths written. `entry`, the
 * script of `deno task exp`, starts the scoring lanes; without it the scoring runs here alone.
 */
export async function runStudy(
  study: AnyStudy,
  args: ExperimentArgs,
  entry?: string,
): Promise<string[]> {
  const started = performance.now();
  const ctx = studyContext(study, args);
  const data = await study.data(ctx);
  const requests = study.models?.(ctx, data) ?? [];
  if (args.lane !== undefined) return await runAsLane(study, ctx, data, requests, args.lane);
  let baselineSeconds = 0;
  const [models, baselines] = await Promise.all([
    trainRequests(ctx.plan, { seeds: args.seeds, jobs: args.jobs, quiet: args.quiet }, requests),
    (async () => {
      const t0 = performance.now();
      const result = await study.baselines?.(ctx, data);
      baselineSeconds = since(t0);
      return result;
    })(),
  ]);
  try {
    if (study.parts && args.jobs > 1 && entry) {
      const parts = await study.parts({ ctx, data, models });
      await runParts({ entry, study: study.name, args, parts });
    }
    const scored = await study.score({ ctx, data, models, baselines });
    const rows = [...withoutWeights(scored), ...poolRows(scored, study.metrics)];
    const metrics = study.metrics.map((c) => c.name);
    const input: ResultInput<unknown, unknown, unknown> = {
      ctx,
      data,
      models,
      baselines,
      table: new StudyTable(rows, metrics),
    };
    const written = [await writeResults(study.name, rows, { dir: args.results, metrics })];
    const charts = [];
    for (const chart of study.charts) {
      const file = `${study.name}${chart.suffix ?? ""}.png`;
      written.push(await drawChart(chart, input, join(args.results, file)));
      charts.push({ file, caption: chart.caption });
    }
    const leftOut = await leftOutRuns(args);
    written.push(
      await writeExperimentMeta({
        name: study.name,
        title: study.title,
        measures: study.measures,
        settings: {
          scale: args.planScale,
          seeds: args.seeds,
          plan: ctx.plan,
          sizes: ctx.sizes,
          ...tracesOf(data),
          ...study.settings?.(input),
          datasets: datasetsOf(models),
          training: trainingOf(models),
          leftOut,
          measuredSeconds: {
            experimentWall: since(started),
            baselinesWall: baselineSeconds,
            modelTrainingSum: trainingOf(models).reduce((s, t) => s + t.seconds, 0),
          },
        },
        claims: study.claims(input),
        notes: [
          ...study.notes(input),
          ...leftOut.map((u) => `Left out: ${u.workload}/${u.input}: ${u.reason}.`),
        ],
        reportMetrics: study.metrics.filter((c) => c.report !== false).map((c) => c.name),
        chartCaption: charts[0]?.caption,
        charts: charts.slice(1),
      }, { dir: args.results }),
    );
    return written;
  } finally {
    for (const m of models) m.model.dispose();
  }
}

/** A scoring lane (`--lane DIR`): the study's parts that it claims first in DIR; writes nothing. */
async function runAsLane(
  study: AnyStudy,
  ctx: StudyContext<unknown>,
  data: unknown,
  requests: ModelRequest[],
  claims: string,
): Promise<string[]> {
  if (!study.parts) {
    throw new UserError(`${study.name} has no scoring parts to share`, "run it without --lane");
  }
  // The runner that started this lane has trained every model: this only loads them.
  const models = await trainRequests(
    ctx.plan,
    { seeds: ctx.args.seeds, jobs: 1, quiet: true },
    requests,
  );
  try {
    await runLane(await study.parts({ ctx, data, models }), claims);
  } finally {
    for (const m of models) m.model.dispose();
  }
  return [];
}

/** The suite traces of the data (`SuiteData.traces`), described; nothing for other data. */
function tracesOf(data: unknown): { traces?: Record<string, unknown>[] } {
  const traces = (data as Partial<SuiteData> | undefined)?.traces;
  return Array.isArray(traces) ? { traces: describeTraces(traces) } : {};
}

/** The datasets the models trained on, once each. */
function datasetsOf(models: readonly SeedModel[]): Record<string, unknown>[] {
  const seen = new Map<string, Record<string, unknown>>();
  for (const m of models) {
    const entry = seen.get(m.dataset.dir) ?? {
      dir: repoPath(m.dataset.dir),
      instances: m.dataset.dataset.instances.count,
      topologies: m.dataset.dataset.topologies.length,
      methods: [] as string[],
    };
    const methods = entry.methods as string[];
    if (!methods.includes(m.method)) methods.push(m.method);
    seen.set(m.dataset.dir, entry);
  }
  return [...seen.values()];
}

/** What each model's training took. */
function trainingOf(models: readonly SeedModel[]) {
  return models.map((m) => ({
    method: m.method,
    seed: m.seed,
    seconds: Math.round(trainingSeconds(m.record)),
    bestEpochs: m.record.bestEpochs,
  }));
}
