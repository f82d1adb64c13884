/**
 * The experiment pipeline end to end at the `tiny` plan: history_failure
 * traces the two test programs, builds datasets, trains the GNNs in worker
 * processes, runs the baselines, and writes its CSV, PNG and JSON into a
 * temporary results folder (with a temporary cache). Plus the shared
 * helpers that need no traces.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { ROOT } from "../lib/common/mod.ts";
import {
  addressMetrics,
  branchMetrics,
  deriveDataset,
  gainVerdict,
  relativeAccuracyGain,
  relativeErrorReduction,
} from "../lib/experiments/mod.ts";
import { DatasetBuilder, splitIndices } from "../lib/graph/mod.ts";
import { readResults } from "../lib/report/mod.ts";

Deno.test("history_failure runs end to end at the tiny plan: mean/std rows over the seeds and computed verdicts", async () => {
  const dir = await Deno.makeTempDir({ prefix: "ncf-experiments-test-" });
  const results = join(dir, "results");
  const out = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      join(ROOT, "experiments", "history_failure.ts"),
      "--scale",
      "tiny",
      "--seeds",
      "2",
      "--jobs",
      "2",
      "--results",
      results,
      "--quiet",
    ],
    cwd: ROOT,
    env: { NCF_EXPERIMENT_CACHE: join(dir, "cache") },
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.ok(out.success, new TextDecoder().decode(out.stderr));
  const table = await readResults("history_failure", { dir: results });
  for (const workload of ["random_branch", "list_chase"]) {
    for (
      const method of ["NCF", "static-only GNN", "gshare"].filter((m) =>
        workload === "random_branch" || m !== "gshare"
      )
    ) {
      const agg = table.aggregates.find((a) => a.workload === workload && a.method === method);
      assert.ok(agg, `no mean/std rows for ${workload} x ${method}`);
      assert.equal(agg.n, 2);
      assert.ok(Number.isFinite(agg.mean.accuracy) && Number.isFinite(agg.std.accuracy));
      assert.equal(
        table.runs.filter((r) => r.workload === workload && r.method === method).length,
        2,
      );
    }
  }
  const meta = JSON.parse(await Deno.readTextFile(join(results, "history_failure.json")));
  assert.equal(meta.claims.length, 2);
  for (const claim of meta.claims) {
    assert.ok(["yes", "partly", "no", "inconclusive"].includes(claim.reproduced));
    assert.match(claim.measured, /NCF \d/);
  }
  assert.ok((await Deno.stat(join(results, "history_failure.png"))).size > 1000);
  await Deno.remove(dir, { recursive: true });
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
  assert.equal(gainVerdict([0.3, 0.27], 0.26), "yes");
  assert.equal(gainVerdict([0.1, 0.05], 0.26), "partly");
  assert.equal(gainVerdict([-0.1, 0], 0.26), "no");
  assert.equal(gainVerdict([0.1, -0.1], 0.26), "inconclusive");
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
