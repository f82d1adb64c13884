/**
 * Study `lead` (PAPER.md section 4, "Snapshot"): the subset of `ablations` traced again with the
 * snapshot taken earlier (into `data/cache/experiments/lead-traces/`); the suite's traces are lead 0.
 * @module
 */
import { repoPath } from "../lib/common/mod.ts";
import { TASK_BRANCH } from "../lib/graph/mod.ts";
import * as kit from "../lib/experiments/mod.ts";
import { SUBSET } from "./ablations.ts";

type Sizes = { subset: string[]; leads: string[]; plan?: { maxPerSite: number } };
/** Per lead (`"0"` first), its traces, dataset and branch test instances. */
type Data = { lead: string; data: kit.SuiteData & { dir: string }; tests: kit.TraceTests[] }[];
/** Per lead, the branch baselines of each trace at its test instances. */
type Baselines = kit.BranchBaselines[][];
type Input = kit.ResultInput<Sizes, Data, Baselines>;

const LEADS = ["block", "8", "32", "128"];
const BRANCH = "branch_misprediction_rate";
const LINE = "address_line_accuracy";

/** The lead charts' x positions. */
const leadPositions = ({ data }: Input) =>
  data.map(({ lead }) => ({ label: kit.leadName(lead), method: kit.leadMethod(lead) }));

const study: kit.Study<Sizes, Data, Baselines> = {
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
      const d = await kit.suiteDataAtLead(ctx, ctx.sizes.subset, lead);
      data.push({ lead, data: d, tests: kit.traceTests(d, TASK_BRANCH) });
    }
    return data;
  },
  models: (_ctx, data) => [
    ...data.map(({ lead, data }) => ({
      method: kit.leadMethod(lead),
      dataset: data.dataset,
      spec: { addressHead: "absolute" as const },
    })),
    {
      method: "static-only",
      dataset: data[0].data.dataset,
      spec: { staticOnly: true, addressHead: "absolute" as const },
    },
  ],
  baselines: async (ctx, data) => {
    const out: Baselines = [];
    for (const { tests } of data) {
      out.push(await kit.branchBaselinesAt(tests, { quiet: ctx.args.quiet }));
    }
    return out;
  },
  score({ data, models, baselines }) {
    const rows = kit.gnnRows(data[0].data.traces, models);
    data.forEach(({ lead, tests }, l) =>
      kit.addHybridMpki(rows, {
        tests,
        baselines: baselines[l],
        models: models.filter((m) => m.method === kit.leadMethod(lead)),
        withReference: l === 0,
      })
    );
    return rows;
  },
  metrics: [...kit.GNN_COLUMNS, { name: "trace_mpki", pool: { weight: "test_instructions" } }],
  claims({ ctx, table }) {
    const far = kit.leadMethod(ctx.sizes.leads.at(-1) ?? "0");
    const compared = (metric: string) =>
      [far, "ncf", "static-only"].map((m) => table.pooled(m, metric));
    const [farRates, zeroRates, staticRates] = compared(BRANCH);
    const [farLines, zeroLines, staticLines] = compared(LINE);
    const branchKept = kit.perSeed(staticRates, farRates, kit.relativeErrorReduction);
    const lineKept = kit.perSeed(farLines, staticLines, (f, s) => f - s);
    const tageMpki = table.pooledMean(kit.HYBRID_REFERENCE, "trace_mpki");
    const hybrid = ["0", ...ctx.sizes.leads].map((l) =>
      `${kit.leadName(l)} ${kit.meanStd(table.pooled(kit.leadMethod(l), "trace_mpki"))}`
    );
    return [{
      paper:
        "(protocol) NCF's gain over the static code survives a snapshot taken early enough for hardware to have the values",
      measured: `${kit.label(far)}: branch misprediction ${kit.pct(farRates, 2)} (lead 0: ${
        kit.pct(zeroRates, 2)
      }, static-only ${kit.pct(staticRates, 2)}), error reduction vs static-only ${
        kit.pct(branchKept)
      }; line accuracy ${kit.pct(farLines)} (lead 0: ${kit.pct(zeroLines)}, static-only ${
        kit.pct(staticLines)
      })`,
      reproduced: kit.gainVerdict(kit.perSeed(branchKept, lineKept, Math.min), 0),
    }, {
      paper:
        "(architect's view) The NCF + TAGE-SC-L 64KB hybrid keeps its MPKI below TAGE-SC-L's at that lead",
      measured: `whole test part: hybrid ${hybrid.join(", ")} MPKI vs TAGE-SC-L 64KB ${
        tageMpki.toFixed(3)
      }`,
      reproduced: kit.aheadVerdict(table.pooled(far, "trace_mpki"), tageMpki, 1),
    }];
  },
  charts: [{
    kind: "line",
    title: "NCF accuracy vs snapshot lead (pooled subset, mean ± std over seeds)",
    xLabel: "snapshot lead",
    yLabel: "accuracy (%)",
    caption:
      "Pooled accuracy against the snapshot lead; the flat lines are the static-only GNN (lead does not apply).",
    x: leadPositions,
    series: kit.gnnLineSeries("static-only"),
  }, {
    kind: "line",
    suffix: "_mpki",
    title: "Hybrid MPKI vs snapshot lead (pooled subset, mean ± std over seeds)",
    xLabel: "snapshot lead",
    yLabel: "MPKI, whole test part",
    caption:
      "MPKI over every branch of the test part with each lead's NCF on its sites and TAGE-SC-L 64KB elsewhere; flat: TAGE-SC-L 64KB alone.",
    scale: 1,
    x: leadPositions,
    series: [
      { label: "NCF + TAGE-SC-L 64KB hybrid", metric: "trace_mpki", color: "#8c6d31" },
      { label: "TAGE-SC-L 64KB", metric: "trace_mpki", method: kit.HYBRID_REFERENCE },
    ],
  }],
  notes: ({ ctx }) => [
    `Subset: ${
      ctx.sizes.subset.join(", ")
    } (first input, time split). Each lead has its own traces of the same runs (same window; only the registers' moment differs), site selection and dataset; lead 0 uses the suite's traces. Every model here uses the absolute address head: the relative heads decode from the address and value the load really accesses, which a snapshot taken earlier does not hold, so they would use information the snapshot lacks.`,
    "lead=K takes the registers at the start of the latest basic block that began at least K instructions before the event (lib/trace/README.md); the graph builder reads memory values as of the same moment (the last value each load site read before it) and hides the task load's own value, which is read after the snapshot (lib/graph/build.ts).",
    "Verdict: yes when, at the largest lead, NCF still beats the static-only GNN on both tasks on every seed; no when it never does; inconclusive when seeds disagree.",
    "Hybrid (trace_mpki of the NCF rows): MPKI over every branch of the test part with that lead's NCF predicting its branch sites and TAGE-SC-L 64KB every other branch (lib/experiments/metrics.ts hybridMpki); verdict by aheadVerdict at the largest lead (ahead by more than the spread over seeds on every seed).",
  ],
  settings: ({ data }) => ({
    leads: data.map((d) => ({
      lead: d.lead,
      traces: repoPath(d.data.dir),
      perTrace: kit.describeTraces(d.data.traces),
    })),
  }),
};

export default study;
