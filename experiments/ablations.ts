/**
 * Study `ablations`: what each part of NCF contributes (values, code structure, multi-task).
 * @module
 */
import * as kit from "../lib/experiments/mod.ts";

/** Edge types of the static code structure that the dynamic-only graph drops. */
const STATIC_EDGES = ["control_next", "control_target", "def_use"];

/**
 * The workloads of the subset studies (encodings and lead use the same, so they share models), and
 * their smaller data: they compare variants of NCF with each other, not with the baselines.
 */
export const SUBSET: Record<kit.PlanScale, SubsetSizes> = {
  small: { subset: ["bzip2", "sjeng", "listwalk"], plan: { maxPerSite: 128 } },
  full: { subset: ["bzip2", "sjeng", "libquantum", "listwalk", "bfs", "xalan"] },
  tiny: { subset: ["bst", "listwalk"] },
};
/** A subset study's sizes. */
export type SubsetSizes = { subset: string[]; plan?: { maxPerSite: number } };
type Sizes = SubsetSizes;
type Data = kit.SuiteData & { dynamic: kit.CachedDataset };

/** Fused minus each ablated variant, per seed: branch error reduction and line-accuracy gain. */
function versus({ table }: kit.ResultInput<Sizes, Data, undefined>, id: string) {
  const [rate, line] = ["branch_misprediction_rate", "address_line_accuracy"];
  const [ablated, fused] = [id, "ncf"].map((m) => ({
    rate: table.pooled(m, rate),
    line: table.pooled(m, line),
  }));
  return {
    branchErrorReduction: kit.perSeed(ablated.rate, fused.rate, kit.relativeErrorReduction),
    addressLineGain: kit.perSeed(fused.line, ablated.line, (f, a) => f - a),
  };
}

/** A component helps when removing it hurts both tasks: the smaller of the two gains decides. */
const both = (v: ReturnType<typeof versus>) =>
  kit.perSeed(v.branchErrorReduction, v.addressLineGain, Math.min);

const study: kit.Study<Sizes, Data, undefined> = {
  name: "ablations",
  title: "Ablations: static vs dynamic vs fused, single- vs multi-task",
  measures:
    "Branch misprediction rate and next-address accuracy on the sampled test instances of the subset workloads for the fused multi-task NCF, the same network with values hidden (static-only), with the code-structure edges removed (dynamic-only), and trained on one task only.",
  sizes: SUBSET,
  async data(ctx) {
    const data = await kit.suiteData(ctx, ctx.sizes.subset);
    const dynamic = await kit.cachedDerived(data.dataset, `drop edges ${STATIC_EDGES}`, {
      dropEdgeTypes: STATIC_EDGES,
    });
    return { ...data, dynamic };
  },
  models: (_ctx, { dataset, dynamic }) => [
    { method: "ncf", dataset },
    { method: "static-only", dataset, spec: { staticOnly: true } },
    { method: "dynamic-only", dataset: dynamic },
    { method: "branch-only", dataset, spec: { task: "branch" } },
    { method: "address-only", dataset, spec: { task: "address" } },
  ],
  score: ({ data, models }) => kit.gnnRows(data.traces, models),
  metrics: kit.GNN_COLUMNS,
  claims(input) {
    const [vsStatic, vsDynamic] = [versus(input, "static-only"), versus(input, "dynamic-only")];
    const vsBranchOnly = versus(input, "branch-only").branchErrorReduction;
    const vsAddressOnly = versus(input, "address-only").addressLineGain;
    const measured = (v: ReturnType<typeof versus>) =>
      `branch error reduction ${kit.pct(v.branchErrorReduction)}, address line accuracy ${
        kit.pct(v.addressLineGain)
      } points`;
    return [
      {
        paper: "Fusing dynamic values with the static graph beats the static graph alone",
        measured: `fused vs static-only: ${measured(vsStatic)}`,
        reproduced: kit.gainVerdict(both(vsStatic), 0),
      },
      {
        paper: "Fusing the static code structure with the values beats the values alone",
        measured: `fused vs dynamic-only: ${measured(vsDynamic)}`,
        reproduced: kit.gainVerdict(both(vsDynamic), 0),
      },
      {
        paper: "One network trained on several tasks at once (multi-task) serves each task",
        measured: `multi-task vs branch-only: branch error reduction ${
          kit.pct(vsBranchOnly)
        }; vs address-only: line accuracy ${kit.pct(vsAddressOnly)} points`,
        reproduced: kit.gainVerdict(kit.perSeed(vsBranchOnly, vsAddressOnly, Math.min), 0),
      },
    ];
  },
  charts: kit.gnnCharts("Ablations", "variant"),
  notes: ({ ctx }) => [
    `Subset: ${
      ctx.sizes.subset.join(", ")
    } (first input, time split, the same site selection and sampling as branch_prediction).`,
    `dynamic-only keeps every node and its value but drops the ${
      STATIC_EDGES.join(", ")
    } edges (a dataset-level edit, lib/experiments/datasets.ts deriveDataset), so the task node sees only its own operands and their address computations.`,
    "Verdicts: yes when the fused (or multi-task) network is better on both tasks on every seed; no when it is never better; inconclusive when seeds disagree (a gain is the smaller of the branch error reduction and the line-accuracy difference). The paper gives no number for these.",
  ],
  settings: (input) => ({
    dynamicOnlyDropsEdges: STATIC_EDGES,
    gains: {
      vsStatic: versus(input, "static-only"),
      vsDynamic: versus(input, "dynamic-only"),
      vsBranchOnly: versus(input, "branch-only").branchErrorReduction,
      vsAddressOnly: versus(input, "address-only").addressLineGain,
    },
  }),
};

export default study;
