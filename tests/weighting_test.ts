/**
 * Execution weighting (`lib/algorithms/weighting.ts`) on a real trace of a
 * program whose hot loop is known (`tests/programs/hot_loop.c`: `setup` runs
 * once over 1000 elements, `scan` 100 times): the weighted sample rests on
 * `scan`, where an even spread over the sites would give `setup` and `main` a
 * large share.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { programDataset, programSites, sampleBySource } from "../lib/algorithms/transfer.ts";
import {
  functionShares,
  hotFunctions,
  mergeWeighted,
  sampleByExecution,
} from "../lib/algorithms/weighting.ts";
import { DEFAULT_SNAPSHOTS } from "../lib/algorithms/corpus.ts";
import { TASK_ADDRESS, TASK_BRANCH } from "../lib/graph/mod.ts";
import { traceProgram } from "../lib/trace/mod.ts";
import { compileTestProgram, ensureTracer } from "../lib/trace/testing.ts";

Deno.test({
  name: "weighting: the embedding of a program rests on its known hot loop",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    await ensureTracer();
    const tmp = await Deno.makeTempDir({ prefix: "ncf-weighting-test-" });
    try {
      const binary = await compileTestProgram("hot_loop", tmp);
      const trace = join(tmp, "hot.trace");
      await traceProgram({
        program: binary,
        out: trace,
        snapshots: DEFAULT_SNAPSHOTS,
        stdout: "null",
        quiet: true,
      });
      const program = { name: "hot_loop", input: "run", trace, binary };
      const sites = await programSites(program);
      const executions = (fn: string) =>
        sites.profile.filter((p) => p.function === fn && p.kind === "branch")
          .reduce((s, p) => s + p.executions, 0);
      // scan: 100 x 1000 iterations; setup: 1000.
      assert.ok(executions("scan") >= 100_000, `scan ran ${executions("scan")} branches`);
      assert.ok(
        executions("setup") >= 1000 && executions("setup") < 1100,
        `${executions("setup")}`,
      );
      assert.deepEqual(hotFunctions(sites.profile, 0.9), ["scan"]);

      const { dataset, profiles } = await programDataset([program], { maxPerSite: 2 });
      const [sample] = sampleByExecution(dataset, profiles, { perSource: 16 });
      // 16 branches, then 16 loads, each kind weighing half.
      const tasks = sample.indices.map((i) => dataset.instances.task[i]);
      assert.deepEqual(tasks, [...Array(16).fill(TASK_BRANCH), ...Array(16).fill(TASK_ADDRESS)]);
      const weightOf = (task: number) =>
        sample.weights.reduce((s, w, k) => s + (tasks[k] === task ? w : 0), 0);
      assert.ok(Math.abs(weightOf(TASK_BRANCH) - 0.5) < 1e-9, `${weightOf(TASK_BRANCH)}`);
      assert.ok(Math.abs(weightOf(TASK_ADDRESS) - 0.5) < 1e-9, `${weightOf(TASK_ADDRESS)}`);
      for (const i of sample.indices) assert.equal(dataset.instances.source[i], 0);
      const shares = functionShares(sample);
      console.log(
        `weighted: ${shares.map((s) => `${s.function} ${(100 * s.share).toFixed(1)}%`).join(", ")}`,
      );
      assert.equal(shares[0].function, "scan");
      assert.ok(shares[0].share >= 0.95, `scan's share ${shares[0].share}`);

      // The unweighted sample spreads over the branch sites: the cold code gets a large share.
      const even = sampleBySource(dataset, 16)[0]
        .filter((i) => dataset.instances.task[i] === TASK_BRANCH);
      const siteFunction = new Map(sites.profile.map((p) => [p.site, p.function]));
      const coldEven = even.filter((i) =>
        siteFunction.get(dataset.instances.site[i]) !== "scan"
      ).length / even.length;
      console.log(
        `unweighted: ${(100 * coldEven).toFixed(0)}% of the branch instances outside scan`,
      );
      assert.ok(coldEven >= 0.25, `${coldEven}`);

      // Only the hottest functions covering 90%: nothing outside scan.
      const [hot] = sampleByExecution(dataset, profiles, { perSource: 16, coverage: 0.9 });
      assert.deepEqual([...new Set(hot.functions)], ["scan"]);
    } finally {
      await Deno.remove(tmp, { recursive: true });
    }
  },
});

Deno.test("weighting: merged samples (a trace's site kinds) count the same", () => {
  const merged = mergeWeighted([
    { indices: [1, 2], weights: [0.5, 0.5], functions: ["f", "g"] },
    { indices: [], weights: [], functions: [] },
    { indices: [7], weights: [1], functions: ["f"] },
  ]);
  assert.deepEqual(merged.indices, [1, 2, 7]);
  assert.deepEqual(merged.weights, [0.25, 0.25, 0.5]);
  assert.deepEqual(functionShares(merged), [
    { function: "f", share: 0.75 },
    { function: "g", share: 0.25 },
  ]);
  assert.deepEqual(
    hotFunctions([
      { site: 0, kind: "branch", executions: 10, function: "b" },
      { site: 1, kind: "load", executions: 70, function: "a" },
      { site: 2, kind: "branch", executions: 20, function: "b" },
    ], 0.7),
    ["a"],
  );
});
