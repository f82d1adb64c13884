/**
 * Study `lead` (PAPER.md section 4, "Snapshot"): the paper takes the snapshot at the task
 * instruction, where real hardware would not have all values yet. The subset workloads of
 * `ablations` are traced again with the snapshot taken at the start of the basic block and K
 * instructions earlier (`lead=...`, into `data/cache/experiments/lead-traces/`); NCF is trained on
 * each and compared with lead 0 (the suite's traces) and the static-only GNN.
 *
 * @module
 */
import { repoPath } from "../lib/common/mod.ts";
import {
  ALL_WORKLOADS,
  describeTraces,
  gainVerdict,
  GNN_COLUMNS,
  gnnRows,
  label,
  leadMethod,
  pct,
  relativeErrorReduction,
  type ResultInput,
  type Study,
  type SuiteData,
  suiteDataAtLead,
} from "../lib/experiments/mod.ts";
import { SUBSET } from "./ablations.ts";

type Sizes = { subset: string[]; leads: string[]; plan?: { maxPerSite: number } };
/** Per lead (`"0"` first), its traces and dataset. */
type Data = { lead: string; data: SuiteData & { dir: string } }[];
type Input = ResultInput<Sizes, Data, undefined>;

const LEADS = ["block", "8", "32", "128"];

/** Pooled values per seed of `metric` for method `id`. */
const pooled = ({ table }: Input, id: string, metric: string) =>
  table.values(ALL_WORKLOADS, id, metric);

const study: Study<Sizes, Data, undefined> = {
  name: "lead",
  title: "Snapshot lead",
  measures:
    "Branch misprediction rate and next-address accuracy of the fused multi-task NCF when the snapshot is taken at the task instruction (the paper's setting), at the start of its basic block, or 8/32/128 instructions earlier, on the subset workloads.",
  sizes: {
    small: { ...SUBSET.small, leads: LEADS },
    full: { ...SUBSET.full, leads: LEADS },
    tiny: { ...SUBSET.tiny, leads: ["8"] },
  },
  async data(ctx) {
    const data: Data = [];
    for (const lead of ["0", ...ctx.sizes.leads]) {
      data.push({ lead, data: await suiteDataAtLead(ctx, ctx.sizes.subset, lead) });
    }
    return data;
  },
  // The absolute head reads the next address off the graph alone: the relative heads decode from
  // the load's actual address and value, which a snapshot taken earlier does not hold.
  models: (_ctx, data) => [
    ...data.map(({ lead, data }) => ({
      method: leadMethod(lead),
      dataset: data.dataset,
      spec: { addressHead: "absolute" as const },
    })),
    {
      method: "static-only",
      dataset: data[0].data.dataset,
      spec: { staticOnly: true, addressHead: "absolute" as const },
    },
  ],
  score: ({ data, models }) => gnnRows(data[0].data.traces, models),
  metrics: GNN_COLUMNS,
  claims(input) {
    const far = leadMethod(input.ctx.sizes.leads.at(-1) ?? "0");
    const [farRates, zeroRates, staticRates] = [far, "ncf", "static-only"].map((m) =>
      pooled(input, m, "branch_misprediction_rate")
    );
    const [farLines, zeroLines, staticLines] = [far, "ncf", "static-only"].map((m) =>
      pooled(input, m, "address_line_accuracy")
    );
    const branchKept = farRates.map((r, k) => relativeErrorReduction(staticRates[k], r));
    const lineKept = farLines.map((a, k) => a - staticLines[k]);
    return [{
      paper:
        "(protocol) NCF's gain over the static code survives a snapshot taken early enough for hardware to have the values",
      measured: `${label(far)}: branch misprediction ${pct(farRates, 2)} (lead 0: ${
        pct(zeroRates, 2)
      }, static-only ${pct(staticRates, 2)}), error reduction vs static-only ${
        pct(branchKept)
      }; line accuracy ${pct(farLines)} (lead 0: ${pct(zeroLines)}, static-only ${
        pct(staticLines)
      })`,
      reproduced: gainVerdict(branchKept.map((g, k) => Math.min(g, lineKept[k])), 0),
    }];
  },
  charts: [{
    kind: "line",
    title: "NCF accuracy vs snapshot lead (pooled subset, mean ± std over seeds)",
    xLabel: "snapshot lead",
    yLabel: "accuracy (%)",
    caption:
      "Pooled accuracy against the snapshot lead; the flat lines are the static-only GNN (lead does not apply).",
    x: ({ data }) =>
      data.map(({ lead }) => ({
        label: lead === "0"
          ? "0 (at the instruction)"
          : lead === "block"
          ? "block start"
          : `${lead} instr`,
        method: leadMethod(lead),
      })),
    series: [
      {
        label: "branch accuracy (%)",
        metric: "branch_misprediction_rate",
        flip: true,
        color: "#d62728",
      },
      { label: "address line accuracy (%)", metric: "address_line_accuracy", color: "#1f77b4" },
      {
        label: "static-only branch accuracy (%)",
        metric: "branch_misprediction_rate",
        flip: true,
        method: "static-only",
      },
      {
        label: "static-only address line accuracy (%)",
        metric: "address_line_accuracy",
        method: "static-only",
        color: "#aec7e8",
      },
    ],
  }],
  notes: ({ ctx }) => [
    `Subset: ${
      ctx.sizes.subset.join(", ")
    } (first input, time split). Each lead has its own traces of the same runs (same window; only the registers' moment differs), site selection and dataset; lead 0 uses the suite's traces. Every model here uses the absolute address head: the relative heads decode from the address and value the load really accesses, which a snapshot taken earlier does not hold, so they would use information the snapshot lacks.`,
    "lead=K takes the registers at the start of the latest basic block that began at least K instructions before the event (lib/trace/README.md); the graph builder reads memory values as of the same moment (the last value each load site read before it) and hides the task load's own value, which is read after the snapshot (lib/graph/build.ts).",
    "Verdict: yes when, at the largest lead, NCF still beats the static-only GNN on both tasks on every seed; no when it never does; inconclusive when seeds disagree.",
  ],
  settings: ({ data }) => ({
    leads: data.map((d) => ({
      lead: d.lead,
      traces: repoPath(d.data.dir),
      perTrace: describeTraces(d.data.traces),
    })),
  }),
};

export default study;
