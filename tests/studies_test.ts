/**
 * The studies: pooling and verdict rules on hand-made rows, the claims of the headline studies on
 * hand-made tables (a wrong rule or a wrong metric fails here), and every registered study end to
 * end at the tiny plan on two kernels traced for the test, through `deno task exp all`, then the
 * report.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { ROOT } from "../lib/common/mod.ts";
import {
  addressMetrics,
  ALL_WORKLOADS,
  beatsVerdict,
  branchMetrics,
  deriveDataset,
  gainVerdict,
  historyFailureVerdict,
  hybridMpki,
  judgeHistoryFailure,
  label,
  mostlyVerdict,
  perSeed,
  type PoolableRow,
  poolRows,
  relativeAccuracyGain,
  relativeErrorReduction,
  type ResultInput,
  StudyTable,
  toleranceVerdict,
} from "../lib/experiments/mod.ts";
import { DatasetBuilder, splitIndices } from "../lib/graph/mod.ts";
import { readResults, type ResultRow, VERDICTS } from "../lib/report/mod.ts";
import { listWorkloads, traceSuite } from "../lib/workloads/mod.ts";
import { tallyConfusion } from "../lib/algorithms/study_scoring.ts";
import algorithmClassification from "../experiments/algorithm_classification.ts";
import branchPrediction from "../experiments/branch_prediction.ts";
import prefetching from "../experiments/prefetching.ts";
import { STUDIES } from "../experiments/registry.ts";

Deno.test("every study runs end to end at the tiny plan, then setup.json and the report", async () => {
  const dir = await Deno.makeTempDir({ prefix: "ncf-studies-test-" });
  try {
    const traces = join(dir, "traces");
    const kernels = listWorkloads().filter((w) => w.name === "bst" || w.name === "listwalk");
    await traceSuite({
      scale: "small",
      workloads: kernels,
      inputs: "all",
      dir: traces,
      quiet: true,
    });
    const results = join(dir, "results");
    const run = (command: string) =>
      new Deno.Command(Deno.execPath(), {
        args: [
          "run",
          "-A",
          join(ROOT, "experiments", "run.ts"),
          command,
          "--scale",
          "tiny",
          "--seeds",
          "2",
        ]
          .concat(["--traces", traces, "--results", results, "--quiet"]),
        env: { NCF_EXPERIMENT_CACHE: join(dir, "cache") },
        stdout: "piped",
        stderr: "piped",
      }).output();
    for (const command of ["all", "report"]) {
      const out = await run(command);
      assert.ok(out.success, `${command}: ${new TextDecoder().decode(out.stderr)}`);
    }
    for (const study of STUDIES) {
      const table = await readResults(study.name, { dir: results });
      for (const agg of table.aggregates) {
        assert.equal(agg.n, 2, `${study.name}: ${agg.workload} x ${agg.method} has ${agg.n} seeds`);
      }
      const meta = JSON.parse(await Deno.readTextFile(join(results, `${study.name}.json`)));
      assert.ok(meta.claims.length > 0, study.name);
      for (const claim of meta.claims) assert.ok(VERDICTS.includes(claim.reproduced), study.name);
      for (
        const chart of [
          `${study.name}.png`,
          ...meta.charts.map((c: { file: string }) => c.file),
        ]
      ) {
        assert.ok((await Deno.stat(join(results, chart))).size > 1000, chart);
      }
    }
    // The learning curve's last point is the study's own row, per method and seed.
    const classification = await readResults("algorithm_classification", { dir: results });
    const { settings } = JSON.parse(
      await Deno.readTextFile(join(results, "algorithm_classification.json")),
    );
    for (const [id, perSeed] of Object.entries(settings.curves)) {
      const own = classification.runs.filter((r) =>
        r.workload === "held-out implementation" && r.method === label(id)
      ).map((r) => r.metrics.accuracy);
      const last = (perSeed as { accuracy: number }[][]).map((points) => points.at(-1)!.accuracy);
      assert.deepEqual(last, own, id);
    }
    const setup = JSON.parse(await Deno.readTextFile(join(results, "setup.json")));
    assert.deepEqual(setup.workloads.map((w: { workload: string }) => w.workload).sort(), [
      "bst",
      "bst",
      "listwalk",
      "listwalk",
    ]);
    const report = await Deno.readTextFile(join(results, "report.md"));
    for (const study of STUDIES) assert.ok(report.includes(study.title), study.title);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

/** A table from `[workload, method id, {metric: values per seed}]` entries. */
function tableOf(entries: [string, string, Record<string, number[]>][]): StudyTable {
  const rows: ResultRow[] = entries.flatMap(([workload, id, metrics]) => {
    const seeds = Math.max(...Object.values(metrics).map((v) => v.length));
    return Array.from({ length: seeds }, (_, k) => ({
      workload,
      method: label(id),
      seed: k + 1,
      metrics: Object.fromEntries(Object.entries(metrics).map(([m, v]) => [m, v[k % v.length]])),
    }));
  });
  const metrics = [...new Set(entries.flatMap(([, , m]) => Object.keys(m)))];
  return new StudyTable(rows, metrics);
}

Deno.test("branch_prediction's claims: the hard-site target against TAGE-SC-L, hybrid, references, static, tokens", () => {
  const claims = (o: { hard: number[]; hybrid: number[]; perWorkloadHybrid: number[] }) => {
    const table = tableOf([
      [ALL_WORKLOADS, "ncf", {
        misprediction_rate: [0.05, 0.05],
        hard_misprediction_rate: o.hard,
        hard_instances: [1000],
      }],
      [ALL_WORKLOADS, "tage-sc-l-64kb", { hard_misprediction_rate: [0.1], trace_mpki: [2] }],
      [ALL_WORKLOADS, "hybrid", { trace_mpki: o.hybrid }],
      [ALL_WORKLOADS, "per-site-majority", { misprediction_rate: [0.2] }],
      [ALL_WORKLOADS, "previous-outcome", { misprediction_rate: [0.06] }],
      [ALL_WORKLOADS, "static-only", { misprediction_rate: [0.08, 0.08] }],
      [ALL_WORKLOADS, "ncf-no-tokens", { misprediction_rate: [0.04, 0.04] }],
      ...["a", "b", "c"].flatMap((w, k): [string, string, Record<string, number[]>][] => [
        [w, "tage-sc-l-64kb", { trace_mpki: [2] }],
        [w, "hybrid", { trace_mpki: [o.perWorkloadHybrid[k]] }],
      ]),
    ]);
    return branchPrediction.claims({
      table,
      data: { traces: ["a", "b", "c"].map((workload) => ({ workload })) },
      ctx: { plan: { sitesPerTask: 16, maxPerSite: 24 } },
    } as unknown as ResultInput<never, never, never>).map((c) => c.reproduced);
  };
  // 0.07 vs TAGE-SC-L's 0.10 on the hard sites: 0.7x, within the 0.74x target on both seeds: yes.
  // The hybrid is lower pooled and on 2 of 3 workloads: yes. NCF 0.05 beats the better reference
  // (0.06) and the static-only GNN; NCF without tokens (0.04) is better: no.
  assert.deepEqual(
    claims({ hard: [0.07, 0.07], hybrid: [1.5, 1.5], perWorkloadHybrid: [1, 1, 3] }),
    ["yes", "yes", "yes", "yes", "no"],
  );
  // 0.09: ahead by more than the spread, short of the target: partly. Hybrid lower pooled but
  // on only 1 of 3 workloads: partly.
  assert.deepEqual(
    claims({ hard: [0.09, 0.09], hybrid: [1.5, 1.5], perWorkloadHybrid: [1, 3, 3] }).slice(0, 2),
    ["partly", "partly"],
  );
  // Worse than TAGE-SC-L on every seed: no; hybrid above TAGE-SC-L: no.
  assert.deepEqual(
    claims({ hard: [0.12, 0.13], hybrid: [2.5, 2.6], perWorkloadHybrid: [3, 3, 3] }).slice(0, 2),
    ["no", "no"],
  );
  // Ahead on one seed only, within the spread: inconclusive.
  assert.equal(
    claims({ hard: [0.02, 0.15], hybrid: [1.5, 1.5], perWorkloadHybrid: [1, 1, 1] })[0],
    "inconclusive",
  );
});

Deno.test("prefetching's claims: -45% misses against the best baseline (the LSTM included), references, heads", () => {
  const heads = ["delta-class", "delta-bits", "absolute"];
  const claims = (ncf: number[], otherHead = 0.3) =>
    prefetching.claims({
      table: tableOf([
        [ALL_WORKLOADS, "stride", { line_accuracy: [0.5] }],
        [ALL_WORKLOADS, "ghb-pcdc", { line_accuracy: [0.55] }],
        [ALL_WORKLOADS, "markov", { line_accuracy: [0.6] }],
        [ALL_WORKLOADS, "lstm", { line_accuracy: [0.4, 0.7] }],
        [ALL_WORKLOADS, "same-address", { line_accuracy: [0.3] }],
        [ALL_WORKLOADS, "last-delta", { line_accuracy: [0.45] }],
        [ALL_WORKLOADS, "static-only", { line_accuracy: [0, 0] }],
        [ALL_WORKLOADS, "ncf", {
          line_accuracy: ncf,
          coverage: [0.9],
          prediction_accuracy: [0.8],
          instances: [100],
        }],
        ...heads.map((h): [string, string, Record<string, number[]>] => [
          ALL_WORKLOADS,
          `ncf-${h}`,
          { line_accuracy: [otherHead] },
        ]),
      ]),
      data: { traces: [] },
      ctx: { plan: { sitesPerTask: 16, maxPerSite: 24, lstm: {} } },
    } as unknown as ResultInput<never, never, never>).map((c) => c.reproduced);
  // The LSTM's mean (0.55) and Markov (0.6): Markov is the best; 0.8 halves its misses: yes, and
  // beats the static-only GNN and the references; the default head is the best head.
  assert.deepEqual(claims([0.8, 0.8]), ["yes", "yes", "yes", "yes"]);
  assert.equal(claims([0.65, 0.66])[0], "partly");
  assert.equal(claims([0.5, 0.55])[0], "no");
  // Another head ahead of the default: the head claim says no.
  assert.equal(claims([0.8, 0.8], 0.9)[3], "no");
});

Deno.test("poolRows: rates weighted by their instances, counts summed, pooled rows skipped", () => {
  const rows: PoolableRow[] = [
    {
      workload: "a",
      method: "NCF",
      seed: 1,
      metrics: { rate: 0.1, n: 100, hard: 0.5 },
      weights: { hard_n: 10 },
    },
    {
      workload: "b",
      method: "NCF",
      seed: 1,
      metrics: { rate: 0.4, n: 300, hard: 0.2 },
      weights: { hard_n: 30 },
    },
    { workload: "b", method: "NCF", seed: 2, metrics: { rate: 0.3, n: 50 } },
    { workload: ALL_WORKLOADS, method: "NCF", seed: 1, metrics: { rate: 9, n: 9 } },
  ];
  const pooled = poolRows(rows, [
    { name: "rate", pool: { weight: "n" } },
    { name: "n", pool: "sum" },
    { name: "hard", pool: { weight: "hard_n" } },
    { name: "not_pooled" },
  ]);
  assert.deepEqual(pooled, [
    {
      workload: ALL_WORKLOADS,
      method: "NCF",
      seed: 1,
      metrics: { rate: (10 + 120) / 400, n: 400, hard: (5 + 6) / 40 },
    },
    { workload: ALL_WORKLOADS, method: "NCF", seed: 2, metrics: { rate: 0.3, n: 50 } },
  ]);
});

Deno.test("hybridMpki: NCF's sampled rate on its sites, the reference's misses elsewhere", () => {
  // Reference: 100 misses over the test part, 40 of them at site 5 (1000 executions), 10 at site 7
  // (500). NCF's sample: site 5 wrong once in 4 (250 estimated misses), site 7 never wrong.
  const mpki = hybridMpki({
    referenceMisses: 100,
    referenceSiteMisses: { 5: 40, 7: 10 },
    siteExecutions: { 5: 1000, 7: 500 },
    testInstructions: 100_000,
    site: [5, 5, 5, 5, 7, 7],
    correct: [1, 0, 1, 1, 1, 1],
  });
  assert.ok(Math.abs(mpki - 1000 * (100 - 40 - 10 + 250) / 100_000) < 1e-12);
  // Every execution sampled and NCF as good as the reference: the hybrid is the reference.
  const same = hybridMpki({
    referenceMisses: 3,
    referenceSiteMisses: { 1: 1 },
    siteExecutions: { 1: 4 },
    testInstructions: 1000,
    site: [1, 1, 1, 1],
    correct: [1, 1, 0, 1],
  });
  assert.equal(same, 3);
});

Deno.test("verdict rules on hand-made numbers", () => {
  assert.equal(gainVerdict([0.3, 0.27], 0.26), "yes");
  assert.equal(gainVerdict([0.1, 0.05], 0.26), "partly");
  assert.equal(gainVerdict([-0.1, 0], 0.26), "no");
  assert.equal(gainVerdict([0.1, -0.1], 0.26), "inconclusive");
  assert.equal(gainVerdict([], 0), "inconclusive");
  const history = { bestHistory: 0.55, chance: 0.5, nearChance: 0.1, beatsBy: 0.2 };
  assert.equal(historyFailureVerdict({ ...history, ncf: [0.9, 0.8] }), "yes");
  assert.equal(historyFailureVerdict({ ...history, ncf: [0.7, 0.65] }), "partly");
  // Ahead on every seed, but by less than the spread: not enough for partly.
  assert.equal(historyFailureVerdict({ ...history, ncf: [0.99, 0.56] }), "inconclusive");
  assert.equal(historyFailureVerdict({ ...history, ncf: [0.5, 0.4] }), "no");
  assert.equal(historyFailureVerdict({ ...history, bestHistory: 0.7, ncf: [1, 1] }), "no");
  assert.equal(toleranceVerdict([0.1, 0.2], 0.25), "yes");
  assert.equal(toleranceVerdict([0.1, 0.9], 0.25), "partly");
  assert.equal(toleranceVerdict([1.5, 2], 0.25), "no");
  assert.equal(toleranceVerdict([0.1, 2], 0.25), "inconclusive");
  // Ahead by 10 points with stds of 1: yes at 80%, partly below; within the larger std: no.
  assert.equal(beatsVerdict([89, 91], [79, 81], 80), "yes");
  assert.equal(beatsVerdict([69, 71], [59, 61], 80), "partly");
  assert.equal(beatsVerdict([80, 100], [79, 81], 80), "no");
  assert.equal(beatsVerdict([70, 70], [80, 80], 0), "no");
  assert.equal(beatsVerdict([90], [50], 80), "inconclusive");
  // A pooled yes needs most workloads: 7 of 13 keeps it, 6 of 13 or 2 of 4 makes it partly.
  assert.equal(mostlyVerdict("yes", 7, 13), "yes");
  assert.equal(mostlyVerdict("yes", 6, 13), "partly");
  assert.equal(mostlyVerdict("yes", 2, 4), "partly");
  assert.equal(mostlyVerdict("no", 13, 13), "no");
  assert.deepEqual(perSeed([3, 5], [1, 2], (a, b) => a - b), [2, 3]);
});

Deno.test("judgeHistoryFailure: the best history-based method on the judged group against NCF", () => {
  const judge = (ncf: number[]) =>
    judgeHistoryFailure(
      tableOf([
        ["random_branch", "gshare", { accuracy: [0.55] }],
        ["random_branch", "tage-sc-l-64kb", { accuracy: [0.52] }],
        ["random_branch", "static-only", { accuracy: [0.5, 0.5] }],
        ["random_branch", "ncf", { accuracy: ncf }],
        // Another group, where history does well: it must not count.
        ["other", "gshare", { accuracy: [0.99] }],
      ]),
      {
        program: { judged: "random_branch", chance: 0.5 },
        baselines: ["gshare", "tage-sc-l-64kb"],
        nearChance: 0.1,
        beatsBy: 0.2,
      },
    );
  const strong = judge([0.9, 0.92]);
  assert.equal(strong.best, "gshare");
  assert.equal(strong.bestValue, 0.55);
  assert.equal(strong.verdict, "yes");
  assert.equal(judge([0.6, 0.61]).verdict, "partly");
});

Deno.test("algorithm_classification's claims: NCF frozen against the better static baseline, per split", () => {
  const splits = { impl: "held-out implementation", compiler: "held-out compiler (gcc->clang)" };
  const claims = (impl: Record<string, number[]>) => {
    const rows: ResultRow[] = Object.entries(impl).flatMap(([id, v]) =>
      v.flatMap((x, k) => [
        { workload: splits.impl, method: label(id), seed: k + 1, metrics: { accuracy: x } },
        // The compiler split must not count: it holds the opposite verdicts' numbers.
        {
          workload: splits.compiler,
          method: label(id),
          seed: k + 1,
          metrics: { accuracy: 100 - x },
        },
      ])
    );
    return algorithmClassification.claims(
      {
        table: new StudyTable(rows, ["accuracy"]),
      } as unknown as Parameters<typeof algorithmClassification.claims>[0],
    ).map((c) => c.reproduced);
  };
  const others = { "ncf-finetuned": [70, 71], scratch: [50, 52], untrained: [40, 40] };
  // Static-only GNN (60) is the better static baseline; 90 beats it by more than the spread: yes.
  const base = { "bag-of-opcodes": [40, 41], "static-only-frozen": [60, 61] };
  assert.deepEqual(claims({ ...others, ...base, "ncf-frozen": [90, 91] }), ["yes", "yes"]);
  // 70 beats both by more than the spread, below 80%: partly; fine-tuned within scratch's spread: no.
  assert.deepEqual(
    claims({ ...others, ...base, "ncf-frozen": [70, 71], scratch: [60, 80] }),
    ["partly", "no"],
  );
  // Beats the static-only GNN but not the bag of opcodes (the better one here): no.
  const bag = { "bag-of-opcodes": [95, 95], "static-only-frozen": [60, 61] };
  assert.equal(claims({ ...others, ...bag, "ncf-frozen": [90, 91] })[0], "no");
});

Deno.test("tallyConfusion counts rows by true class and columns by predicted class", () => {
  const matrix = [[0, 0], [0, 0]];
  tallyConfusion(matrix, ["a", "b"], ["a", "a", "b"], ["a", "b", "b"]);
  assert.deepEqual(matrix, [[1, 1], [0, 1]]);
});

Deno.test("metrics: estimated MPKI weights each site's sampled rate by its test executions", () => {
  const m = branchMetrics([1, 0, 1, 1], {
    site: [5, 5, 7, 7],
    siteExecutions: { 5: 1000, 7: 3000 },
    hardSites: new Set([5]),
    testInstructions: 100_000,
  });
  assert.equal(m.misprediction_rate, 0.25);
  assert.equal(m.mpki_est, 1000 * (1000 * 0.5) / 100_000);
  assert.equal(m.hard_misprediction_rate, 0.5);
  const a = addressMetrics([64, null, 130, 200], [100, 5, 130, 300]);
  assert.deepEqual(a, { line_accuracy: 0.5, exact_accuracy: 0.25, coverage: 0.75 });
  assert.ok(Math.abs(relativeErrorReduction(0.1, 0.074) - 0.26) < 1e-12);
  assert.ok(Math.abs(relativeAccuracyGain(0.5, 0.725) - 0.45) < 1e-12);
});

Deno.test("deriveDataset re-splits, drops instances and edge types, and keeps values aligned", () => {
  const b = new DatasetBuilder({ edgeTypes: ["control_next", "data_in_0"] });
  const topology = b.addTopology({
    nodeKind: Uint8Array.from([0, 0, 1]),
    token: Int32Array.from([-1, -1, -1]),
    edgeSrc: Int32Array.from([0, 2]),
    edgeDst: Int32Array.from([1, 1]),
    edgeType: Uint8Array.from([0, 1]),
    taskNode: 1,
    valueNodes: Int32Array.from([2]),
  });
  const source = b.source({ workload: "w", input: "i" });
  for (let k = 0; k < 4; k++) {
    b.addInstance({
      topology,
      task: "branch",
      split: k < 2 ? "train" : "test",
      values: BigUint64Array.from([BigInt(10 + k)]),
      known: Uint8Array.from([1]),
      label: BigInt(k % 2),
      icount: k,
      source,
      site: 3,
    });
  }
  const ds = deriveDataset(b.finish(), {
    split: (i) => (i === 0 ? undefined : i === 1 ? "valid" : "test"),
    dropEdgeTypes: ["control_next"],
  });
  assert.equal(ds.instances.count, 3);
  assert.deepEqual([...ds.instances.values], [11n, 12n, 13n]);
  assert.deepEqual([...splitIndices(ds, "test")], [1, 2]);
  assert.deepEqual([...ds.topologies[0].edgeType], [1]);
});

Deno.test("experiments/README.md's table lists exactly the registered studies, in order", async () => {
  const text = await Deno.readTextFile(join(ROOT, "experiments", "README.md"));
  const listed = [...text.matchAll(/^\| `([a-z_]+)\.ts` +\|/gm)].map((m) => m[1]);
  assert.deepEqual(listed, STUDIES.map((s) => s.name));
  const names = STUDIES.map((s) => s.name);
  assert.equal(new Set(names).size, names.length);
});
