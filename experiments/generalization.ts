/**
 * Study `generalization` (PAPER.md section 4, "Splits"): time split vs input split.
 * @module
 */
import * as kit from "../lib/experiments/mod.ts";

/** Relative error increase of the input split over the time split that still counts as generalising. */
const TOLERATED = 0.25;

type Sizes = { workloads?: string[]; plan?: { maxPerSite: number } };
type Input = kit.ResultInput<Sizes, kit.InputSplitData, undefined>;

/** Relative error increase of the input split per seed (the worse of the two tasks). */
function increase({ table }: Input): number[] {
  const [tB, iB] = ["ncf-time-split", "ncf-input-split"].map((m) =>
    table.pooled(m, "branch_misprediction_rate")
  );
  const [tA, iA] = ["ncf-time-split", "ncf-input-split"].map((m) =>
    table.pooled(m, "address_line_accuracy")
  );
  return tB.map((t, k) => Math.max((iB[k] - t) / t, ((1 - iA[k]) - (1 - tA[k])) / (1 - tA[k])));
}

const study: kit.Study<Sizes, kit.InputSplitData, undefined> = {
  name: "generalization",
  title: "Generalization: time split vs input split",
  measures:
    "Branch misprediction rate and next-address accuracy of the fused multi-task NCF on the end of input B's window, trained on the start of that window (time split) or on input A only (input split).",
  sizes: {
    small: {
      workloads: ["bzip2", "gnugo", "hmmer", "sjeng", "xalan", "bst"],
      plan: { maxPerSite: 64 },
    },
    full: {},
    tiny: { workloads: ["bst", "listwalk"] },
  },
  data: (ctx) => kit.inputSplitData(ctx, ctx.sizes.workloads),
  models: (_ctx, { time, input }) => [
    { method: "ncf-time-split", dataset: time },
    { method: "ncf-input-split", dataset: input },
  ],
  score: ({ data, models }) => kit.gnnRows(data.second, models),
  metrics: kit.GNN_COLUMNS,
  claims(input) {
    const rates = (m: string) => kit.pct(input.table.pooled(m, "branch_misprediction_rate"), 2);
    const lines = (m: string) => kit.pct(input.table.pooled(m, "address_line_accuracy"));
    return [{
      paper: "(protocol) NCF trained on one input predicts another input of the same program",
      measured: `on input B's test part: branch misprediction time split ${
        rates("ncf-time-split")
      } vs input split ${rates("ncf-input-split")}; line accuracy ${lines("ncf-time-split")} vs ${
        lines("ncf-input-split")
      }; relative error increase of the input split (worse task) ${kit.pct(increase(input))}`,
      reproduced: kit.toleranceVerdict(increase(input), TOLERATED),
    }];
  },
  charts: kit.gnnCharts("Time split vs input split, on input B", "split"),
  notes: ({ ctx }) => [
    `Workloads: ${
      (ctx.sizes.workloads ?? ["all"]).join(", ")
    }; input A = each workload's first input, B = its second. Both models are scored on the same sampled test instances (the end of B's window).`,
    `Verdict: yes when the input split's relative error increase over the time split is at most ${
      100 * TOLERATED
    }% on both tasks and every seed; partly when at most 100%; no when above 100% on every seed; inconclusive otherwise.`,
    "Site selection is per trace (each input's hottest sites); the input-split model meets B's sites only through the static code they share with A.",
  ],
  settings: (input) => ({
    trainInputs: kit.describeTraces(input.data.first),
    testInputs: kit.describeTraces(input.data.second),
    relativeErrorIncrease: increase(input),
    tolerated: TOLERATED,
  }),
};

export default study;
