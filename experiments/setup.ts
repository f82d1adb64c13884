/**
 * Writes `results/setup.json`: the scale, seeds, every traced workload x
 * input (window, instructions, branches, loads, sites), the datasets the
 * experiments built (from their JSON sidecars), tool versions and the
 * machine. `make` runs it after the experiments.
 *
 * @module
 */
import { join } from "node:path";
import { parseArgs } from "node:util";
import { runMain, UserError } from "../lib/common/mod.ts";
import { PLANS, readCachedJson } from "../lib/experiments/mod.ts";
import { collectEnvironment, writeSetup } from "../lib/report/mod.ts";
import {
  findWorkload,
  type Scale,
  SCALES,
  type SuiteSummary,
  tracesDir,
} from "../lib/workloads/mod.ts";

const USAGE =
  `usage: deno run -A experiments/setup.ts [--scale small|full] [--seeds N] [--results DIR]

Writes DIR/setup.json (default DIR: results/; --scale default: small, or $SCALE; --seeds default 3).`;

const EXPERIMENTS = [
  "history_failure",
  "branch_prediction",
  "prefetching",
  "generalization",
  "ablations",
  "encodings",
  "lead",
  "algorithm_classification",
];

await runMain(async () => {
  let values;
  try {
    ({ values } = parseArgs({
      args: Deno.args,
      options: {
        scale: { type: "string", default: Deno.env.get("SCALE") || "small" },
        seeds: { type: "string", default: "3" },
        results: { type: "string", default: "results" },
        help: { type: "boolean", short: "h", default: false },
      },
    }));
  } catch (err) {
    throw new UserError((err as Error).message, USAGE);
  }
  if (values.help) return console.log(USAGE);
  const scale = values.scale as Scale;
  if (!SCALES.includes(scale)) throw new UserError(`unknown scale "${scale}"`, USAGE);
  const summary = await readCachedJson<SuiteSummary>(join(tracesDir(scale), "summary.json"));
  if (!summary) {
    throw new UserError(`no trace summary for scale ${scale}`, `run make traces SCALE=${scale}`);
  }
  const datasets: Record<string, unknown>[] = [];
  const timing: Record<string, unknown> = {};
  for (const name of EXPERIMENTS) {
    const meta = await readCachedJson<{ settings: Record<string, unknown> }>(
      join(values.results, `${name}.json`),
    );
    if (!meta) continue;
    const s = meta.settings;
    timing[name] = s.measuredSeconds;
    for (const key of ["dataset", "datasets"]) {
      if (s[key]) datasets.push({ experiment: name, ...(s[key] as Record<string, unknown>) });
    }
  }
  const seedCount = Number(values.seeds);
  const path = await writeSetup({
    scale,
    seeds: Array.from({ length: seedCount }, (_, i) => i + 1),
    workloads: summary.rows.map((r) => ({
      workload: r.workload,
      input: r.input,
      skip: findWorkload(r.workload).scales[scale].skip,
      window: findWorkload(r.workload).scales[scale].window,
      instructions: r.instructions,
      branches: r.branches,
      loads: r.loads,
      branch_sites: r.branch_pcs,
      load_sites: r.load_pcs,
      snapshots: r.snapshots,
      trace_MB: Number((r.bytes / 1e6).toFixed(1)),
    })),
    datasets,
    snapshots: summary.snapshots,
    plan: PLANS[scale],
    experimentSeconds: timing,
    ...(await collectEnvironment()),
  }, { dir: values.results });
  console.error(`wrote ${path}`);
});
