/**
 * `deno task compare [options] -- PROGRAM [ARGS...]`: NCF against every branch baseline on any
 * x86-64 program. It traces the program, picks its hardest branch sites (the most TAGE-SC-L 64KB
 * mispredictions in the train part of the window, so the choice never sees the test part), builds
 * their dataset, trains NCF and the static-only GNN on them, scores every baseline, the trivial
 * references and the hybrid on the same test instances, and prints one table.
 *
 * @module
 */
import { basename, join } from "node:path";
import { parseArgs } from "node:util";
import {
  atomicWriteJson,
  CACHE_DIR,
  Progress,
  repoPath,
  runMain,
  UserError,
} from "../common/mod.ts";
import { TASK_BRANCH } from "../graph/mod.ts";
import { resolveProgram, traceProgram } from "../trace/mod.ts";
import { aggregate, writeResults } from "../report/mod.ts";
import { BRANCH_BASELINES, branchBaselinesAt } from "./baselines.ts";
import { hashOf } from "./cache.ts";
import { type Plan, PLANS } from "./config.ts";
import { cachedDataset } from "./datasets.ts";
import { trainRequests } from "./models.ts";
import { ALL_WORKLOADS, poolRows, withoutWeights } from "./pooling.ts";
import { BRANCH_COLUMNS, branchRows } from "./scoring.ts";
import { hardestBranchSites, siteStats, timeSplitTestFrom } from "./sites.ts";
import { type SuiteData, type SuiteTrace, traceTests } from "./suite.ts";

/** The two sizes of a comparison. */
const SIZES = {
  quick: {
    window: 5_000_000,
    sites: 8,
    seeds: 1,
    plan: { ...PLANS.small, training: { ...PLANS.small.training, epochs: 6 } },
  },
  full: { window: 20_000_000, sites: 16, seeds: 3, plan: PLANS.small },
};

const HELP = `usage: deno task compare [options] -- PROGRAM [ARGS...]

Traces PROGRAM, picks its hardest branch sites (the most TAGE-SC-L 64KB mispredictions before the
test part, the first 70% of the window), trains NCF and the static-only GNN on them and scores every
branch predictor, the trivial references and the hybrid (NCF on its sites, TAGE-SC-L 64KB on every
other branch) on the same test instances (the last 30% of the window). Prints one table.

Options:
  --quick          a short run: ${
  SIZES.quick.window / 1e6
}M-instruction window, ${SIZES.quick.sites} sites, ${SIZES.quick.seeds} seed
                   (default: ${
  SIZES.full.window / 1e6
}M instructions, ${SIZES.full.sites} sites, ${SIZES.full.seeds} seeds)
  --sites N        branch sites NCF learns (default: ${SIZES.full.sites}, quick ${SIZES.quick.sites})
  --skip N         instructions to skip before the window (default 0)
  --window N       instructions to record (default ${SIZES.full.window}, quick ${SIZES.quick.window})
  --seeds N        seeds, each a separate model (default ${SIZES.full.seeds}, quick ${SIZES.quick.seeds})
  --stdin FILE     the program's standard input (default: empty)
  --out DIR        where the trace, dataset, models and table go
                   (default: data/cache/compare/<program>-<hash of the run>/)
  -h, --help       this help`;

interface CompareOptions {
  program: string;
  args: string[];
  stdin?: string;
  skip: number;
  window: number;
  sites: number;
  seeds: number[];
  plan: Plan;
  out?: string;
}

function parseCommand(argv: string[]): CompareOptions | undefined {
  const dash = argv.indexOf("--");
  const own = dash >= 0 ? argv.slice(0, dash) : argv;
  const command = dash >= 0 ? argv.slice(dash + 1) : [];
  let values;
  try {
    ({ values } = parseArgs({
      args: own,
      options: {
        quick: { type: "boolean", default: false },
        sites: { type: "string" },
        skip: { type: "string", default: "0" },
        window: { type: "string" },
        seeds: { type: "string" },
        stdin: { type: "string" },
        out: { type: "string" },
        help: { type: "boolean", short: "h", default: false },
      },
      strict: true,
    }));
  } catch (err) {
    throw new UserError((err as Error).message, "see deno task compare --help");
  }
  if (values.help) return undefined;
  if (command.length === 0) {
    throw new UserError(
      "no program to compare on",
      "give it after --: deno task compare -- ./prog ARGS",
    );
  }
  const size = values.quick ? SIZES.quick : SIZES.full;
  const count = (name: string, text: string | undefined, fallback: number, min = 1) => {
    const n = text === undefined ? fallback : Number(text);
    if (!Number.isInteger(n) || n < min) {
      throw new UserError(
        `--${name} must be a whole number of at least ${min}, got ${text}`,
        "see --help",
      );
    }
    return n;
  };
  const seeds = count("seeds", values.seeds, size.seeds);
  return {
    program: command[0],
    args: command.slice(1),
    stdin: values.stdin,
    skip: count("skip", values.skip, 0, 0),
    window: count("window", values.window, size.window, 100_000),
    sites: count("sites", values.sites, size.sites),
    seeds: Array.from({ length: seeds }, (_, i) => i + 1),
    plan: size.plan,
    out: values.out,
  };
}

/** Traces the program once per run description (cached in the output folder). */
async function traceRun(o: CompareOptions, dir: string, plan: Plan): Promise<string> {
  const trace = join(dir, "program.trace");
  if (await Deno.stat(trace).then(() => true, () => false)) return trace;
  await traceProgram({
    program: o.program,
    args: o.args,
    out: trace,
    skip: o.skip,
    window: o.window,
    snapshots: `branches,max-per-site=${4 * plan.maxPerSite}`,
    stdin: o.stdin,
    stdout: "null",
    quiet: true,
  });
  return trace;
}

/** Runs a comparison; returns the table's path. */
export async function compare(o: CompareOptions): Promise<string> {
  const program = await resolveProgram(o.program);
  const name = basename(program);
  const dir = o.out ??
    join(
      CACHE_DIR,
      "compare",
      `${name}-${await hashOf({
        program,
        args: o.args,
        stdin: o.stdin,
        skip: o.skip,
        window: o.window,
      })}`,
    );
  await Deno.mkdir(dir, { recursive: true });
  const stages = new Progress({ label: `compare ${name}`, total: 5, unit: "stages" });
  const plan = { ...o.plan, sitesPerTask: o.sites };
  const trace = await traceRun({ ...o, program }, dir, plan);
  stages.tick();
  const sites = await hardestBranchSites(trace, o.sites, plan.minSnapshots);
  if (sites.length === 0) {
    throw new UserError(
      `${name} has no branch site that TAGE-SC-L 64KB mispredicts in the window`,
      "trace a longer window (--window) or another part of the run (--skip)",
    );
  }
  const stats = await siteStats(trace);
  const suiteTrace: SuiteTrace = { workload: name, input: "run", path: trace, stats, sites };
  const dataset = await cachedDataset({
    traces: [{ path: trace, workload: name, input: "run", sites }],
    options: { tasks: ["branch"], split: { kind: "time" }, maxPerSite: plan.maxPerSite, seed: 1 },
  });
  const data: SuiteData = { traces: [suiteTrace], dataset };
  const tests = traceTests(data, TASK_BRANCH);
  stages.tick();
  const requests = [
    { method: "ncf", dataset, spec: { task: "branch" as const } },
    { method: "static-only", dataset, spec: { task: "branch" as const, staticOnly: true } },
  ];
  const [models, baselines] = await Promise.all([
    trainRequests(plan, { seeds: o.seeds, jobs: 2 }, requests),
    branchBaselinesAt(tests),
  ]);
  stages.tick(2);
  const scored = branchRows(dataset, tests, baselines, {
    baselines: BRANCH_BASELINES,
    models,
    seeds: o.seeds,
  });
  const rows = [...withoutWeights(scored), ...poolRows(scored, BRANCH_COLUMNS)].filter((r) =>
    r.workload !== ALL_WORKLOADS
  );
  const path = await writeResults("compare", rows, {
    dir,
    metrics: BRANCH_COLUMNS.map((c) => c.name),
  });
  await atomicWriteJson(join(dir, "compare.json"), {
    program,
    args: o.args,
    trace: repoPath(trace),
    sites,
    testFrom: stats.testFrom,
    timeSplitTestFrom: timeSplitTestFrom(stats.instructions),
  });
  for (const m of models) m.model.dispose();
  stages.finish(`table: ${path}`);
  printTable(rows);
  return path;
}

/** Mean misprediction rate (with a 95% interval over the pooled instances), MPKI and hybrid MPKI per method. */
function printTable(rows: ReturnType<typeof withoutWeights>): void {
  const aggregates = aggregate(rows);
  const pct = (
    v: number | undefined,
  ) => (v === undefined || Number.isNaN(v) ? "-" : (100 * v).toFixed(2));
  console.log(
    ["method".padEnd(32), "mispredicted %", "± 95%", "hard sites %", "MPKI (trace)"].join("  "),
  );
  for (const a of aggregates) {
    const p = a.mean.misprediction_rate;
    const n = a.mean.instances;
    const half = p !== undefined && n ? 1.96 * Math.sqrt(p * (1 - p) / n) : NaN;
    console.log([
      a.method.padEnd(32),
      pct(p).padStart(14),
      pct(half).padStart(5),
      pct(a.mean.hard_misprediction_rate).padStart(12),
      (Number.isNaN(a.mean.trace_mpki) ? "-" : a.mean.trace_mpki.toFixed(3)).padStart(12),
    ].join("  "));
  }
}

if (import.meta.main) {
  await runMain(async () => {
    const options = parseCommand(Deno.args);
    if (!options) return console.log(HELP);
    await compare(options);
  });
}
