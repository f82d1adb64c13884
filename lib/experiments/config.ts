/**
 * What every study shares: the per-scale plan (how many sites and instances,
 * the GNN and how long to train it) and the command line (`--scale`,
 * `--seeds`, `--jobs`, `--results`, `--traces`).
 *
 * The small plan is sized so that `make` (traces, every study, the report)
 * fits its time budget on a 2-core machine; `experiments/README.md` has the
 * measured times.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { join } from "node:path";
import { CACHE_DIR, RESULTS_DIR, UserError } from "../common/mod.ts";
import type { AddressHeadName, TrainOptions, TrainSpec } from "../model/mod.ts";
import type { LstmOptions } from "../baselines/mod.ts";
import { type Scale, SCALES } from "../workloads/mod.ts";

/**
 * Where the experiments keep what they compute (site counts, datasets,
 * models, baseline runs): `data/cache/experiments/`, or `$NCF_EXPERIMENT_CACHE`
 * (the tests use a temporary folder).
 */
export const EXPERIMENTS_CACHE: string = Deno.env.get("NCF_EXPERIMENT_CACHE") ||
  join(CACHE_DIR, "experiments");

/**
 * NCF's address head in every study: chosen by measurement (prefetching compares all four on the
 * same instances and says whether this one is still the best).
 */
export const DEFAULT_ADDRESS_HEAD: AddressHeadName = "delta-value-class";

/** Plan sizes: the suite's trace scales, and `tiny` for the tests (a few sites, two epochs). */
export type PlanScale = Scale | "tiny";
/** Every plan size. */
export const PLAN_SCALES: readonly PlanScale[] = [...SCALES, "tiny"];

/**
 * What every study on the suite's traces shares at one scale: which sites and how many instances,
 * the GNN and its training, the LSTM baseline. A study's own sizes (its workloads, leads, ...) live
 * in the study.
 */
export interface Plan {
  /** Inputs of each workload the per-workload studies use: `first` or `all`. */
  inputs: "first" | "all";
  /** Hottest branch sites and hottest load sites kept per trace (by executions). */
  sitesPerTask: number;
  /** A kept site needs this many snapshots in the train part and in the test part. */
  minSnapshots: number;
  /** Dataset instances per site and split (the builder's `maxPerSite`). */
  maxPerSite: number;
  /** The GNN (multi-task NCF and its variants). */
  model: Omit<TrainSpec, "task" | "staticOnly" | "encoding">;
  /** Training options; `seed` is set per run. */
  training: Omit<TrainOptions, "seed">;
  /** The embedding LSTM baseline (its `seed` is set per run). */
  lstm: LstmOptions;
}

/** The plans by scale. */
export const PLANS: Readonly<Record<PlanScale, Plan>> = {
  // Sized by data_scaling's curve and make's 45-minute budget (experiments/README.md).
  small: {
    inputs: "first",
    sitesPerTask: 8,
    minSnapshots: 4,
    maxPerSite: 128,
    model: { hidden: 64, steps: 4, tokens: true, addressHead: DEFAULT_ADDRESS_HEAD },
    training: { batch: 64, group: 16, epochs: 8, lr: 1e-3, patience: 3 },
    lstm: { steps: 60, batchSize: 64, maxTrainWindows: 4096, hidden: 64, embedding: 32 },
  },
  full: {
    inputs: "all",
    sitesPerTask: 16,
    minSnapshots: 8,
    maxPerSite: 1536,
    model: { hidden: 64, steps: 4, tokens: true, addressHead: DEFAULT_ADDRESS_HEAD },
    training: { batch: 64, group: 16, epochs: 30, lr: 1e-3, patience: 4 },
    lstm: {},
  },
  tiny: {
    inputs: "first",
    sitesPerTask: 4,
    minSnapshots: 2,
    maxPerSite: 8,
    model: { hidden: 32, steps: 3, tokens: true, addressHead: DEFAULT_ADDRESS_HEAD },
    training: { batch: 64, group: 16, epochs: 2, lr: 1e-2, patience: 2 },
    lstm: { steps: 5, batchSize: 32, maxTrainWindows: 256, hidden: 16, embedding: 8 },
  },
};

/** The parsed command line of a study run. */
export interface ExperimentArgs {
  /** Trace scale of the suite (`tiny` runs read the small suite's traces). */
  scale: Scale;
  /** Plan size. */
  planScale: PlanScale;
  /** Seeds 1..N. */
  seeds: number[];
  /** Training processes run at once. */
  jobs: number;
  /** Folder of the CSV, PNG and JSON outputs. */
  results: string;
  /** Folder of the suite's traces (default: `data/cache/traces/<scale>/`). */
  traces?: string;
  quiet: boolean;
  /** Set in a scoring lane (`lanes.ts`): the folder where the processes claim the scoring's parts. */
  lane?: string;
}

/** The shared options of every study, with their defaults, for `--help`. */
export const STUDY_OPTIONS_HELP = `Options:
  --scale small|full|tiny  plan size and suite trace scale (default: small, or $SCALE); see PLANS
                           in lib/experiments/config.ts and each study's sizes (tiny: the tests')
  --seeds N                seeds 1..N, each a separate model (default: 3)
  --jobs N                 training processes at once (default: 2, one per core)
  --results DIR            output folder (default: results/)
  --traces DIR             the suite's traces (default: data/cache/traces/<scale>/, from make traces)
  --quiet                  no progress bars
  --lane DIR               (internal) run only the scoring parts claimed first in DIR: the lanes
                           that a study started with --jobs N > 1 runs besides its own process
  -h, --help               this help`;

function positiveInteger(text: string, name: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) {
    throw new UserError(`--${name} must be a positive integer, got ${text}`, "see --help");
  }
  return n;
}

/**
 * Parses the shared options of a study run (see {@linkcode STUDY_OPTIONS_HELP}) and returns the
 * positionals beside them; `help` is true for `-h`/`--help`.
 */
export function parseExperimentArgs(
  args: string[],
): { args: ExperimentArgs; positionals: string[]; help: boolean } {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      options: {
        scale: { type: "string", default: Deno.env.get("SCALE") || "small" },
        seeds: { type: "string", default: "3" },
        jobs: { type: "string", default: "2" },
        results: { type: "string", default: RESULTS_DIR },
        traces: { type: "string" },
        quiet: { type: "boolean", default: false },
        lane: { type: "string" },
        help: { type: "boolean", short: "h", default: false },
      },
      strict: true,
      allowPositionals: true,
    });
  } catch (err) {
    throw new UserError((err as Error).message, "see --help for the options");
  }
  const { values, positionals } = parsed;
  const planScale = values.scale as PlanScale;
  if (!PLAN_SCALES.includes(planScale)) {
    throw new UserError(`unknown scale "${values.scale}"`, `use one of: ${PLAN_SCALES.join(", ")}`);
  }
  const seedCount = positiveInteger(values.seeds, "seeds");
  return {
    args: {
      scale: planScale === "tiny" ? "small" : planScale,
      planScale,
      seeds: Array.from({ length: seedCount }, (_, i) => i + 1),
      jobs: positiveInteger(values.jobs, "jobs"),
      results: values.results,
      traces: values.traces,
      quiet: values.quiet,
      lane: values.lane,
    },
    positionals,
    help: values.help,
  };
}

/** The shared options of `args` as command-line arguments again (to run a study in a child process). */
export function experimentArgv(args: ExperimentArgs): string[] {
  return [
    "--scale",
    args.planScale,
    "--seeds",
    String(args.seeds.length),
    "--jobs",
    String(args.jobs),
    "--results",
    args.results,
    ...(args.traces ? ["--traces", args.traces] : []),
    ...(args.quiet ? ["--quiet"] : []),
  ];
}
