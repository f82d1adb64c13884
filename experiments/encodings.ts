/**
 * Study `encodings` (PAPER.md section 2: the binary encoding of values generalises best).
 * @module
 */
import { ENCODING_NAMES } from "../lib/graph/mod.ts";
import * as kit from "../lib/experiments/mod.ts";
import { SUBSET, type SubsetSizes } from "./ablations.ts";

/** The method of each encoding: binary is NCF itself. */
const METHOD = {
  binary: "ncf",
  hex: "ncf-hex",
  categorical: "ncf-categorical",
  scalar: "ncf-scalar",
};
type Input = kit.ResultInput<SubsetSizes, kit.SuiteData, undefined>;

/** Binary's combined score (mean of branch accuracy and line accuracy) minus `id`'s, per seed. */
function margin({ table }: Input, id: string): number[] {
  const score = (m: string) =>
    kit.perSeed(
      table.pooled(m, "branch_misprediction_rate"),
      table.pooled(m, "address_line_accuracy"),
      (r, a) => ((1 - r) + a) / 2,
    );
  return kit.perSeed(score("ncf"), score(id), (b, s) => b - s);
}

const study: kit.Study<SubsetSizes, kit.SuiteData, undefined> = {
  name: "encodings",
  title: "Value encodings",
  measures:
    "Branch misprediction rate and next-address accuracy of the fused multi-task NCF with each value encoding (binary: 64 bits; hex: 16 one-hot nibbles; categorical: the most frequent training values plus an other class; scalar: a normalised number) on the subset workloads.",
  sizes: SUBSET,
  data: (ctx) => kit.suiteData(ctx, ctx.sizes.subset),
  models: (_ctx, { dataset }) =>
    ENCODING_NAMES.map((encoding) => ({ method: METHOD[encoding], dataset, spec: { encoding } })),
  score: ({ data, models }) => kit.gnnRows(data.traces, models),
  metrics: kit.GNN_COLUMNS,
  claims(input) {
    const [vsScalar, vsCategorical, vsHex] = ["ncf-scalar", "ncf-categorical", "ncf-hex"].map((m) =>
      margin(input, m)
    );
    return [{
      paper:
        "The binary encoding of values generalises better than a scalar or a categorical encoding",
      measured: `combined score (mean of branch accuracy and line accuracy), binary minus scalar ${
        kit.pct(vsScalar)
      } points, minus categorical ${kit.pct(vsCategorical)} points (minus hex ${kit.pct(vsHex)})`,
      reproduced: kit.gainVerdict(kit.perSeed(vsScalar, vsCategorical, Math.min), 0),
    }];
  },
  charts: kit.gnnCharts("Encodings", "encoding"),
  notes: ({ ctx }) => [
    `Subset: ${
      ctx.sizes.subset.join(", ")
    } (first input, time split). The binary model is ablations' NCF (the same request, shared through the model cache).`,
    "Verdict: yes when binary beats both scalar and categorical on every seed (the paper gives no margin); no when it never does; inconclusive when seeds disagree.",
  ],
  settings: (input) => ({
    margins: Object.fromEntries(
      ["ncf-scalar", "ncf-categorical", "ncf-hex"].map((m) => [m, margin(input, m)]),
    ),
  }),
};

export default study;
