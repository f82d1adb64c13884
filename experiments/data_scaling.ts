/**
 * Study `data_scaling`: how much execution NCF needs (the largest size is branch_prediction's NCF).
 * @module
 */
import * as kit from "../lib/experiments/mod.ts";

/** Instances per site and split of the smaller points (the largest is the plan's `maxPerSite`). */
type Sizes = { smaller: number[] };
type Data = kit.SuiteTestData & { sizes: { n: number; dataset: kit.CachedDataset }[] };
const SHOWN = new Set(["tage-sc-l-64kb", "per-site-majority"]);

const study: kit.Study<Sizes, Data, kit.BranchBaselines[]> = {
  name: "data_scaling",
  title: "Data scaling: how much execution NCF needs",
  measures:
    "Misprediction rate on the hard-to-predict branch sites of NCF trained on more or fewer executions per site (and the optimisation steps that took), on the same test instances, against TAGE-SC-L 64KB and the per-site majority.",
  sizes: { small: { smaller: [24, 64] }, full: { smaller: [24, 96, 384] }, tiny: { smaller: [2] } },
  async data(ctx) {
    const data = await kit.suiteTestData(ctx, "branch");
    // Smallest first: the claim compares the first size with the last.
    const sizes: Data["sizes"] = [];
    const smaller = ctx.sizes.smaller.filter((s) => s < ctx.plan.maxPerSite);
    for (const n of smaller.sort((a, b) => a - b)) {
      const how = kit.fewerTrainingInstances(data.dataset.dataset, n);
      sizes.push({
        n,
        dataset: await kit.cachedDerived(data.dataset, `${n} training instances per site`, how),
      });
    }
    sizes.push({ n: ctx.plan.maxPerSite, dataset: data.dataset });
    return { ...data, sizes };
  },
  models: (_ctx, data) =>
    data.sizes.map(({ n, dataset }) => ({
      method: kit.perSiteMethod(n),
      dataset,
      spec: { task: "branch" as const },
    })),
  baselines: (ctx, data) => kit.branchBaselinesAt(data.tests, { quiet: ctx.args.quiet }),
  score({ ctx, data, models, baselines }) {
    // Every model predicts on the base dataset: its test instances are the same for every size.
    const rows = kit.branchRows(data.dataset, data.tests, baselines, {
      baselines: ["tage-sc-l-64kb"],
      models,
      seeds: ctx.args.seeds,
    });
    const keep = new Set(
      [...SHOWN, ...data.sizes.map(({ n }) => kit.perSiteMethod(n))].map(kit.label),
    );
    return rows.filter((r) => keep.has(r.method)).map((r) => {
      const m = models.find((m) => kit.label(m.method) === r.method && m.seed === r.seed);
      const best = m?.record.history.find((h) => h.epoch === m.record.bestEpochs.branch);
      return best ? { ...r, metrics: { ...r.metrics, steps: best.steps } } : r;
    });
  },
  metrics: [...kit.BRANCH_COLUMNS, { name: "steps", pool: { weight: "instances" } }],
  claims({ table, data }) {
    const [first, last] = [data.sizes[0].n, data.sizes.at(-1)!.n];
    const hard = (n: number) => table.pooled(kit.perSiteMethod(n), "hard_misprediction_rate");
    return [{
      paper: "(protocol) More of the execution makes NCF better on the hard branches",
      measured: data.sizes.map(({ n }) => `${n}/site ${kit.pct(hard(n), 2)}`).join(", ") +
        `; TAGE-SC-L 64KB ${
          (100 * table.pooledMean("tage-sc-l-64kb", "hard_misprediction_rate")).toFixed(2)
        }%`,
      reproduced: kit.gainVerdict(kit.perSeed(hard(first), hard(last), (a, b) => a - b), 0),
    }];
  },
  charts: [{
    kind: "line",
    title:
      "Hard-branch misprediction rate against instances per site (pooled, mean ± std over seeds)",
    xLabel: "training instances per site",
    yLabel: "misprediction rate (%)",
    caption:
      "NCF's misprediction rate on the hard sites as its training data grows; flat lines: TAGE-SC-L 64KB and the per-site majority on the same instances.",
    x: ({ data }) =>
      data.sizes.map(({ n }) => ({ label: String(n), method: kit.perSiteMethod(n) })),
    series: [
      { label: "NCF", metric: "hard_misprediction_rate", color: "#d62728" },
      { label: "TAGE-SC-L 64KB", metric: "hard_misprediction_rate", method: "tage-sc-l-64kb" },
      {
        label: "per-site majority",
        metric: "hard_misprediction_rate",
        method: "per-site-majority",
      },
    ],
  }],
  notes: ({ ctx }) => [
    `Sites and test instances: branch_prediction's (the ${ctx.plan.sitesPerTask} hardest branch sites per workload). Smaller training sets keep an even selection of each site's training instances; validation and test are the same for every size. The largest size is branch_prediction's NCF (the same request, shared through the model cache).`,
    "steps: optimisation steps (batches) up to the epoch each model kept (its best validation misprediction rate).",
    "Verdict: yes when every seed's hard-branch misprediction rate is lower at the largest size than at the smallest; it says nothing about the curve's end, which SCALE=full extends.",
  ],
};

export default study;
