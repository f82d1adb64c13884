/**
 * Experiment `generalization` (PAPER.md section 4, "Splits"): time split vs
 * input split. For each workload of the plan's generalization set, both
 * inputs are traced; the test instances are the end of the second input's
 * window. The time-split NCF trains on the start of that same window; the
 * input-split NCF trains on the whole first input and never sees the second
 * before testing. Both are scored on the same test instances.
 *
 * @module
 */
import { join } from "node:path";
import { runMain } from "../lib/common/mod.ts";
import {
  ALL_WORKLOADS,
  cachedDerived,
  describeTraces,
  GNN_METRICS,
  gnnRows,
  metricOf,
  parseExperimentArgs,
  pct,
  suiteDataset,
  suiteTraces,
  trainingSeconds,
  trainVariants,
} from "../lib/experiments/mod.ts";
import { SPLIT_NAMES } from "../lib/graph/mod.ts";
import {
  aggregate,
  barChart,
  seriesFromAggregates,
  type Verdict,
  writeExperimentMeta,
  writeResults,
} from "../lib/report/mod.ts";

const NAME = "generalization";
const DESCRIPTION =
  "Time split vs input split: NCF trained on the start of input B's window, or on input A only,\n" +
  "both tested on the end of input B's window.";
/** Relative error increase of the input split over the time split that still counts as generalising. */
const TOLERATED = 0.25;

await runMain(async () => {
  const args = parseExperimentArgs(Deno.args, NAME, DESCRIPTION);
  if (!args) return;
  const started = performance.now();
  const workloads = args.plan.generalization === "all" ? undefined : args.plan.generalization;
  const first = await suiteTraces({
    scale: args.scale,
    plan: args.plan,
    workloads,
    inputs: "first",
  });
  const second = await suiteTraces({
    scale: args.scale,
    plan: args.plan,
    workloads,
    inputs: "second",
  });
  const both = await suiteDataset([...first, ...second], args.plan, { quiet: args.quiet });
  const ds = both.dataset;
  const isSecond = new Set(
    second.map((t) =>
      ds.sources.findIndex((s) => s.workload === t.workload && s.input === t.input)
    ),
  );
  const splitOf = (i: number) => SPLIT_NAMES[ds.instances.split[i]];
  // Time split: only input B, as built. Input split: all of A trains (its valid part validates), B's test part tests.
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
  const timeRun = await trainVariants(
    args,
    time,
    [{ method: "NCF, time split" }],
    () => Promise.resolve(),
  );
  const inputRun = await trainVariants(
    args,
    input,
    [{ method: "NCF, input split" }],
    () => Promise.resolve(),
  );
  const rows = [
    ...gnnRows(time, second, timeRun.models),
    ...gnnRows(input, second, inputRun.models),
  ];
  await writeResults(NAME, rows, { dir: args.results, metrics: GNN_METRICS });

  const at = (method: string, metric: string) => metricOf(rows, ALL_WORKLOADS, method, metric);
  const tB = at("NCF, time split", "branch_misprediction_rate");
  const iB = at("NCF, input split", "branch_misprediction_rate");
  const tA = at("NCF, time split", "address_line_accuracy");
  const iA = at("NCF, input split", "address_line_accuracy");
  // Relative error increase of the input split (branch errors; address: line misses).
  const increase = tB.map((t, k) =>
    Math.max((iB[k] - t) / t, ((1 - iA[k]) - (1 - tA[k])) / (1 - tA[k]))
  );
  const verdict: Verdict = increase.every((x) => x <= TOLERATED)
    ? "yes"
    : increase.every((x) => x <= 1)
    ? "partly"
    : increase.every((x) => x > 1)
    ? "no"
    : "inconclusive";

  const names = [...second.map((t) => t.workload), ALL_WORKLOADS];
  const aggregates = aggregate(rows, GNN_METRICS);
  await barChart({
    title:
      "Time split vs input split: branch misprediction rate on input B (mean ± std over seeds)",
    out: join(args.results, `${NAME}.png`),
    ...seriesFromAggregates(aggregates, "branch_misprediction_rate", {
      workloads: names,
      scale: 100,
    }),
    yLabel: "misprediction rate (%)",
    yMin: 0,
  });
  await barChart({
    title:
      "Time split vs input split: next-address line accuracy on input B (mean ± std over seeds)",
    out: join(args.results, `${NAME}_address.png`),
    ...seriesFromAggregates(aggregates, "address_line_accuracy", { workloads: names, scale: 100 }),
    yLabel: "line accuracy (%)",
    yMin: 0,
  });
  const models = [...timeRun.models, ...inputRun.models];
  await writeExperimentMeta({
    name: NAME,
    title: "Generalization: time split vs input split",
    measures:
      "Branch misprediction rate and next-address accuracy of the fused multi-task NCF on the end of input B's window, trained on the start of that window (time split) or on input A only (input split).",
    settings: {
      scale: args.planScale,
      seeds: args.seeds,
      plan: args.plan,
      trainInputs: describeTraces(first),
      testInputs: describeTraces(second),
      datasets: { both: both.dir, timeSplit: time.dir, inputSplit: input.dir },
      relativeErrorIncrease: increase,
      tolerated: TOLERATED,
      training: models.map((m) => ({
        method: m.method,
        seed: m.seed,
        seconds: Math.round(trainingSeconds(m.record)),
      })),
      measuredSeconds: { experimentWall: Math.round((performance.now() - started) / 1000) },
    },
    claims: [
      {
        paper: "(protocol) NCF trained on one input predicts another input of the same program",
        measured: `on input B's test part: branch misprediction time split ${
          pct(tB, 2)
        } vs input split ${pct(iB, 2)}; line accuracy ${pct(tA)} vs ${
          pct(iA)
        }; relative error increase of the input split (worse task) ${pct(increase)}`,
        reproduced: verdict,
      },
    ],
    notes: [
      `Workloads: ${
        (workloads ?? ["all"]).join(", ")
      }; input A = each workload's first input, B = its second. Both models are scored on the same sampled test instances (the end of B's window).`,
      `Verdict: yes when the input split's relative error increase over the time split is at most ${
        100 * TOLERATED
      }% on both tasks and every seed; partly when at most 100%; no when above 100% on every seed; inconclusive otherwise.`,
      "Site selection is per trace (each input's hottest sites); the input-split model meets B's sites only through the static code they share with A.",
    ],
    reportMetrics: ["branch_misprediction_rate", "address_line_accuracy", "address_exact_accuracy"],
    chartCaption: "Branch misprediction rate on input B per workload, time split vs input split.",
    charts: [{
      file: `${NAME}_address.png`,
      caption: "Next-address line accuracy on input B, time split vs input split.",
    }],
  }, { dir: args.results });
  console.error(`results: ${join(args.results, NAME)}.{csv,png,json}`);
});
