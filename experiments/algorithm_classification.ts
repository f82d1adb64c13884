/**
 * Study `algorithm_classification` (PAPER.md section 4): data in `lib/algorithms/study_data.ts`,
 * scoring in `study_scoring.ts`; `deno task classifier` exports the seed-1 classifier.
 * @module
 */
import {
  pretrainingPlan,
  SPLITS,
  type StudyData,
  studyData,
  type StudySizes,
  type StyleTally,
} from "../lib/algorithms/study_data.ts";
import {
  bagOfOpcodesRow,
  CLASSIFICATION_COLUMNS,
  drawConfusion,
  pretrainingRequests,
  scoreSplits,
  scoringParts,
} from "../lib/algorithms/study_scoring.ts";
import { gainPerDoubling } from "../lib/algorithms/learning_curve.ts";
import * as kit from "../lib/experiments/mod.ts";
import { lineChart, mean, type ResultRow, sampleStd } from "../lib/report/mod.ts";

type Input = kit.ResultInput<StudySizes, StudyData, ResultRow[]>;

/** Per-seed test accuracies (%) of method `id` on `split`. */
const acc = ({ table }: Input, split: string, id: string) => table.values(split, id, "accuracy");
const fmt = (values: number[]) => kit.pct(values.map((v) => v / 100));
const signed = (x: number) => `${x >= 0 ? "+" : ""}${x.toFixed(1)}`;
/** The better static baseline on held-out implementations (by mean): bag of opcodes or static-only GNN. */
function bestStatic(input: Input): number[] {
  const [bag, gnn] = ["bag-of-opcodes", "static-only-frozen"].map((id) =>
    acc(input, SPLITS.impl, id)
  );
  return mean(gnn) > mean(bag) ? gnn : bag;
}

/** "file 59.0% / 45.5% of 156, seed 37.5% / 41.7% of 24, ...", styles by test binaries, most first. */
function styleBreakdown({ byStyle }: StudyData): string {
  const frozen = byStyle["ncf-frozen"], tuned = byStyle["ncf-finetuned"];
  const share = (t: StyleTally) => `${(100 * t.right / t.total).toFixed(1)}%`;
  return Object.entries(frozen)
    .sort(([a, x], [b, y]) => y.total - x.total || a.localeCompare(b))
    .map(([style, t]) => `${style} ${share(t)} / ${share(tuned[style])} of ${t.total}`)
    .join(", ");
}

/** Per method, the x positions (implementations per class) and each one's accuracies over seeds. */
function curveSeries({ curves }: StudyData) {
  return Object.entries(curves).map(([id, perSeed]) => ({
    id,
    x: perSeed[0].map((p) => p.implementations),
    accuracies: perSeed[0].map((_, k) => perSeed.map((points) => points[k].accuracy)),
  }));
}

/** The learning curves as a sentence, with NCF frozen's gain per doubling and where it leads. */
function curveNote(data: StudyData, sizes: StudySizes): string {
  const series = curveSeries(data);
  const listed = series.map(({ id, x, accuracies }) =>
    `${kit.label(id)} ${x.map((n, k) => `${n}: ${fmt(accuracies[k])}`).join(", ")}`
  ).join("; ");
  const ncf = series.find((s) => s.id === "ncf-frozen")!;
  const points = ncf.x.map((n, k) => ({ implementations: n, accuracy: mean(ncf.accuracies[k]) }));
  const gain = gainPerDoubling(points);
  const last = points.at(-1)!;
  const reach = gain > 0 && last.accuracy < 90
    ? `; at that rate 90% would take about ${
      Math.round(last.implementations * 2 ** ((90 - last.accuracy) / gain))
    } implementations per class (an extrapolation, not a measurement)`
    : "";
  return `Held-out implementations against the training implementations per class (mean ± std over seeds; at each smaller count a seed's value is the mean over ${sizes.curve.draws} random choices of implementations, the same for both methods): ${listed}. NCF frozen gains ${
    signed(gain)
  } points per doubling of the implementations (least squares on log2 of the count)${reach}.`;
}

const study: kit.Study<StudySizes, StudyData, ResultRow[]> = {
  name: "algorithm_classification",
  title: "Algorithm classification from branch-prediction embeddings",
  measures:
    "Test accuracy naming a binary's algorithm on held-out implementations and on a held-out compiler: softmax regression on frozen GNN embeddings of its branch and load instances, the GNN trained end to end on the labels (fine-tuned from branch pre-training, or from scratch), and softmax regression on its opcode histogram.",
  sizes: {
    small: {
      opts: ["O0", "O2"],
      inputs: 2,
      perProgram: 64,
      // The full scale's cap: 800 instances over 2 epochs stopped 11 of 12 pre-trainings while
      // their last epoch was still their best.
      trainCap: 8000,
      // 5 epochs over 8 implementations per class: about the optimiser steps 12 epochs took over 4.
      endToEnd: { epochs: 5, programsPerStep: 8, instancesPerStep: 4, lr: 3e-3 },
      curve: { implementations: [2, 4], draws: 3 },
      plan: { maxPerSite: 2, ...pretrainingPlan({ hidden: 64, steps: 4, epochs: 4 }) },
    },
    full: {
      opts: ["O0", "O1", "O2", "O3"],
      inputs: 3,
      perProgram: 64,
      trainCap: 8000,
      endToEnd: { epochs: 30, programsPerStep: 8, instancesPerStep: 8, lr: 3e-3 },
      curve: { implementations: [2, 4], draws: 5 },
      plan: { maxPerSite: 4, ...pretrainingPlan({ hidden: 64, steps: 4, epochs: 6 }) },
    },
    // Two classes at -O0, built into the cache: the tests' corpus slice.
    tiny: {
      opts: ["O0", "O1", "O2", "O3"],
      inputs: 1,
      perProgram: 8,
      trainCap: 300,
      endToEnd: { epochs: 2, programsPerStep: 8, instancesPerStep: 4, lr: 3e-3 },
      curve: { implementations: [2], draws: 1 },
      slice: { only: ["binary_search", "insertion_sort"], opts: ["O0"] },
      plan: { maxPerSite: 2, ...pretrainingPlan({ hidden: 32, steps: 2, epochs: 1 }) },
    },
  },
  data: ({ args, plan, sizes }) =>
    studyData({ sizes, maxPerSite: plan.maxPerSite, seeds: args.seeds, quiet: args.quiet }),
  models: (_ctx, { splits }) => pretrainingRequests(splits),
  baselines: (_ctx, { splits }) => Promise.resolve(splits.map(bagOfOpcodesRow)),
  parts: ({ ctx, data, models }) => scoringParts({ study: data, models, sizes: ctx.sizes }),
  score: ({ ctx, data, models, baselines }) =>
    scoreSplits({
      study: data,
      models,
      bagRows: baselines,
      sizes: ctx.sizes,
      quiet: ctx.args.quiet,
    }),
  metrics: CLASSIFICATION_COLUMNS,
  claims(input) {
    const [f, ft, sc, r] = ["ncf-frozen", "ncf-finetuned", "scratch", "untrained"].map((id) =>
      acc(input, SPLITS.impl, id)
    );
    /** "NCF frozen 45.1% ± 9.4, ..." for the methods `ids` on `split`. */
    const list = (split: string, ids: string[]) =>
      ids.map((id) => `${kit.label(id)} ${fmt(acc(input, split, id))}`).join(", ");
    const statics = ["static-only-frozen", "bag-of-opcodes"];
    return [{
      paper:
        "Embeddings learned on branch prediction serve algorithm classification with high performance",
      measured: `held-out implementations: ${
        list(SPLITS.impl, ["ncf-frozen", "ncf-finetuned", "scratch", "untrained", ...statics])
      } (NCF frozen minus the better static baseline: ${
        signed(mean(f) - mean(bestStatic(input)))
      } points); held-out compiler: ${
        list(SPLITS.compiler, ["ncf-frozen", "ncf-finetuned", "scratch", ...statics])
      }`,
      reproduced: kit.beatsVerdict(f, bestStatic(input), 80),
    }, {
      paper:
        "Pre-training on branch prediction is what makes the embeddings useful (fine-tuned NCF against the same GNN trained from scratch on the labels)",
      measured: `held-out implementations: fine-tuned ${fmt(ft)}, from scratch ${fmt(sc)} (${
        signed(mean(ft) - mean(sc))
      } points); frozen ${fmt(f)} against random weights ${fmt(r)} (${
        signed(mean(f) - mean(r))
      } points)`,
      reproduced: kit.beatsVerdict(ft, sc, 0),
    }];
  },
  charts: [
    {
      kind: "bar",
      metric: "accuracy",
      yMax: 100,
      yLabel: "accuracy (%)",
      title: "Algorithm classification: test accuracy (mean ± std over seeds)",
      caption: "Test accuracy per method and split; error bars: std over seeds.",
    },
    ...(["ncf-frozen", "ncf-finetuned"] as const).map((id) => ({
      kind: "custom" as const,
      suffix: id === "ncf-frozen" ? "_confusion" : "_confusion_finetuned",
      caption: `Confusion of ${kit.label(id)} on held-out implementations (rows: true class).`,
      draw: ({ data }: Input, out: string) => drawConfusion(data, id, out),
    })),
    {
      kind: "custom",
      suffix: "_implementations",
      caption:
        "Held-out accuracy of NCF frozen and the bag of opcodes trained on fewer implementations per class (mean ± std over seeds): how far a wider corpus could take each.",
      draw: async ({ data }: Input, out: string) => {
        const series = curveSeries(data);
        await lineChart({
          title: "Held-out implementations: accuracy against training implementations per class",
          out,
          x: series[0].x.map(String),
          series: series.map(({ id, accuracies }) => ({
            label: kit.label(id),
            color: kit.method(id).color,
            values: accuracies.map(mean),
            errors: accuracies.map(sampleStd),
          })),
          xLabel: "training implementations per class",
          yLabel: "accuracy (%)",
          yMin: 0,
          yMax: 100,
        });
      },
    },
  ],
  notes: ({ ctx: { plan, sizes }, data }) => [
    "Verdict rules, over seeds on held-out implementations: the first claim is yes when NCF frozen beats both bag of opcodes and the static-only GNN by more than the larger std and reaches 80%, partly when it beats them by more than the spread but stays below 80%, no otherwise; the second is yes when fine-tuned beats from scratch by more than the larger std.",
    "Pre-training uses only the training binaries of each split (held-out implementations or clang binaries are never seen, not even unlabelled).",
    `Budget: branch pre-training ${plan.training.epochs} epoch(s) on at most ${sizes.trainCap} training instances; end-to-end training (fine-tuned and from scratch) ${sizes.endToEnd.epochs} epochs of ${sizes.endToEnd.programsPerStep} programs x ${sizes.endToEnd.instancesPerStep} instances per step, Adam ${sizes.endToEnd.lr}, no early stopping; ${sizes.perProgram} branch and ${sizes.perProgram} load instances embedded per binary over ${sizes.inputs} input(s); levels ${
      [...new Set(data.programs.map((p) => p.opt))].sort().join("/")
    }.`,
    `Chance is ${
      (100 / data.classes.length).toFixed(1)
    }% (${data.classes.length} classes). Frozen methods train a softmax regression on a program's standardised summary (mean, standard deviation and maximum of the gated graph readout over its sampled branch instances, and the same over its load instances); end-to-end methods train a linear head on the mean over both kinds of the mean-pooled node states together with the GNN.`,
    `Held-out implementations named right by input style (all seeds; NCF frozen / fine-tuned, of how many binaries): ${
      styleBreakdown(data)
    }.`,
    curveNote(data, sizes),
    "The compiler split is the same every seed (gcc trains, clang tests); its seeds vary the weights' initialisation and sampling only.",
    "deno task classifier exports deno task classify's classifier from seed 1's pre-trained NCF, with the warning rates of its out-of-distribution detector (results/algorithms/classifier/classifier.json).",
  ],
  settings: ({ data }) => ({
    programs: data.programs.length,
    classes: data.classes,
    instances: data.data.dataset.dataset.instances.count,
    pooling:
      "frozen: gated readout, then mean/std/max over branch and over load instances; end to end: mean, mean",
    curves: data.curves,
  }),
};

export default study;
