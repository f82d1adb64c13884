/**
 * `results/setup.json`: the scale, seeds, every traced workload x input (window, instructions,
 * branches, loads, sites) and the runs left out with the reason, the datasets the studies built
 * (from their JSON sidecars), tool versions and the machine.
 *
 * @module
 */
import { repoPath } from "../common/mod.ts";
import { collectEnvironment, readExperimentMeta, writeSetup } from "../report/mod.ts";
import { findWorkload } from "../workloads/mod.ts";
import { type ExperimentArgs, PLANS } from "./config.ts";
import { suiteDir, suiteSummary } from "./suite.ts";

/** Writes `setup.json` into `args.results` for the studies `names`; returns its path. */
export async function writeSetupJson(
  args: ExperimentArgs,
  names: readonly string[],
): Promise<string> {
  const summary = await suiteSummary(suiteDir(args), args.scale);
  const datasets: Record<string, unknown>[] = [];
  const timing: Record<string, unknown> = {};
  for (const name of names) {
    const meta = await readExperimentMeta(name, { dir: args.results }).catch(() => undefined);
    if (!meta) continue;
    timing[name] = meta.settings.measuredSeconds;
    for (const d of (meta.settings.datasets as Record<string, unknown>[] | undefined) ?? []) {
      datasets.push({ study: name, ...d });
    }
  }
  return await writeSetup({
    scale: args.planScale,
    seeds: args.seeds,
    workloads: summary.rows.map((r) => ({
      workload: r.workload,
      input: r.input,
      skip: findWorkload(r.workload).scales[args.scale].skip,
      window: findWorkload(r.workload).scales[args.scale].window,
      instructions: r.instructions,
      branches: r.branches,
      loads: r.loads,
      branch_sites: r.branch_pcs,
      load_sites: r.load_pcs,
      snapshots: r.snapshots,
      trace_MB: Number((r.bytes / 1e6).toFixed(1)),
      trace: repoPath(r.trace),
    })),
    leftOut: summary.unusable,
    datasets,
    snapshots: summary.snapshots,
    plan: PLANS[args.planScale],
    experimentSeconds: timing,
    ...(await collectEnvironment()),
  }, { dir: args.results });
}
