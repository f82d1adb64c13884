/**
 * What every experiment shares: the per-scale plan (how many sites and
 * instances, how long to train, which workloads the subset studies use) and
 * the command line (`--scale`, `--seeds`, `--jobs`, `--results`).
 *
 * The small plan is sized so that `make` (traces, every experiment, the
 * report) finishes in under 30 minutes on a 2-core machine; see
 * {@linkcode PLANS} for the numbers and `experiments/README.md` for the
 * measured times.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { join } from "node:path";
import { CACHE_DIR, RESULTS_DIR, UserError } from "../common/mod.ts";
import type { TrainOptions, TrainSpec } from "../model/mod.ts";
import type { LstmOptions } from "../baselines/mod.ts";
import { type Scale, SCALES } from "../workloads/mod.ts";

/**
 * Where the experiments keep what they compute (site counts, datasets,
 * models, baseline runs): `data/cache/experiments/`, or `$NCF_EXPERIMENT_CACHE`
 * (the tests use a temporary folder).
 */
export const EXPERIMENTS_CACHE: string = Deno.env.get("NCF_EXPERIMENT_CACHE") ||
  join(CACHE_DIR, "experiments");

/** Plan sizes: the suite's trace scales, and `tiny` for the tests (history_failure only: it needs no suite traces). */
export type PlanScale = Scale | "tiny";
/** Every plan size. */
export const PLAN_SCALES: readonly PlanScale[] = [...SCALES, "tiny"];

/** How big an experiment runs at one scale. */
export interface Plan {
  /** Inputs of each workload the per-workload experiments use: `first` or `all`. */
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
  /** Workloads of the subset studies (ablations, encodings, lead). */
  subset: string[];
  /** Workloads of the generalization study (time split vs input split). */
  generalization: string[] | "all";
  /** Snapshot leads of the lead study besides 0 (instructions, or `block`). */
  leads: string[];
  /** The history-failure study on the small test programs. */
  history: {
    /** Array length of `random_branch` (4 rounds over fresh random data). */
    randomBranchLength: number;
    /** Nodes of `list_chase`, walked once. */
    listNodes: number;
    /** Dataset instances per site and split. */
    maxPerSite: number;
    /**
     * Training options per task (these small datasets need more epochs and a higher rate than the
     * suite: the settings tests/learning_test.ts established for the same two programs).
     */
    branchTraining: Omit<TrainOptions, "seed">;
    addressTraining: Omit<TrainOptions, "seed">;
  };
}

/** The plans by scale. */
export const PLANS: Readonly<Record<PlanScale, Plan>> = {
  small: {
    inputs: "first",
    sitesPerTask: 16,
    minSnapshots: 4,
    maxPerSite: 24,
    model: { hidden: 64, steps: 4, tokens: false },
    training: { batch: 64, group: 16, epochs: 8, lr: 1e-3, patience: 3 },
    lstm: { steps: 60, batchSize: 64, maxTrainWindows: 4096, hidden: 64, embedding: 32 },
    subset: ["bzip2", "sjeng", "listwalk"],
    generalization: ["bzip2", "gnugo", "hmmer", "sjeng", "xalan", "bst"],
    leads: ["block", "8", "32", "128"],
    history: {
      randomBranchLength: 20000,
      listNodes: 32768,
      maxPerSite: 300,
      branchTraining: { batch: 64, group: 16, epochs: 12, lr: 3e-3, patience: 12 },
      addressTraining: { batch: 64, group: 16, epochs: 25, lr: 1e-2, patience: 25 },
    },
  },
  full: {
    inputs: "all",
    sitesPerTask: 64,
    minSnapshots: 8,
    maxPerSite: 64,
    model: { hidden: 64, steps: 4, tokens: false },
    training: { batch: 64, group: 16, epochs: 30, lr: 1e-3, patience: 4 },
    lstm: {},
    subset: ["bzip2", "sjeng", "libquantum", "listwalk", "bfs", "xalan"],
    generalization: "all",
    leads: ["block", "8", "32", "128"],
    history: {
      randomBranchLength: 100000,
      listNodes: 131072,
      maxPerSite: 2000,
      branchTraining: { batch: 64, group: 16, epochs: 30, lr: 3e-3, patience: 8 },
      addressTraining: { batch: 64, group: 16, epochs: 40, lr: 1e-2, patience: 8 },
    },
  },
  tiny: {
    inputs: "first",
    sitesPerTask: 4,
    minSnapshots: 2,
    maxPerSite: 8,
    model: { hidden: 32, steps: 3, tokens: false },
    training: { batch: 64, group: 16, epochs: 2, lr: 1e-2, patience: 2 },
    lstm: { steps: 5, batchSize: 32, maxTrainWindows: 256, hidden: 16, embedding: 8 },
    subset: [],
    generalization: [],
    leads: [],
    history: {
      randomBranchLength: 2000,
      listNodes: 4096,
      maxPerSite: 100,
      branchTraining: { batch: 64, group: 16, epochs: 4, lr: 1e-2, patience: 4 },
      addressTraining: { batch: 64, group: 16, epochs: 4, lr: 1e-2, patience: 4 },
    },
  },
};

/** The parsed command line of an experiment. */
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
  plan: Plan;
  quiet: boolean;
}

/** The `--help` text of an experiment: its description, then the shared options with their defaults. */
export function usage(name: string, description: string): string {
  return `usage: deno run -A experiments/${name}.ts [options]

${description}

Options:
  --scale small|full   plan size and suite trace scale (default: small, or $SCALE); see
                       PLANS in lib/experiments/config.ts (tiny: the tests' plan, history_failure only)
  --seeds N            seeds 1..N, each a separate model (default: 3)
  --jobs N             training processes at once (default: 2, one per core)
  --results DIR        output folder (default: results/)
  --quiet              no progress bars
  -h, --help           this help

Writes DIR/${name}.csv (one row per workload x method x seed, then mean/std rows),
DIR/${name}.png and DIR/${name}.json (settings, the paper's claim, our verdict).
Everything computed on the way (site counts, datasets, models, baseline runs) is cached in
data/cache/experiments/ and reused when up to date; an interrupted run resumes.`;
}

function positiveInteger(text: string, name: string, help: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) {
    throw new UserError(`--${name} must be a positive integer, got ${text}`, help);
  }
  return n;
}

/**
 * Parses an experiment's command line; prints the usage and returns
 * `undefined` for `--help`.
 */
export function parseExperimentArgs(
  args: string[],
  name: string,
  description: string,
): ExperimentArgs | undefined {
  const help = usage(name, description);
  let values;
  try {
    ({ values } = parseArgs({
      args,
      options: {
        scale: { type: "string", default: Deno.env.get("SCALE") || "small" },
        seeds: { type: "string", default: "3" },
        jobs: { type: "string", default: "2" },
        results: { type: "string", default: RESULTS_DIR },
        quiet: { type: "boolean", default: false },
        help: { type: "boolean", short: "h", default: false },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (err) {
    throw new UserError((err as Error).message, help);
  }
  if (values.help) {
    console.log(help);
    return undefined;
  }
  const planScale = values.scale as PlanScale;
  if (!PLAN_SCALES.includes(planScale)) {
    throw new UserError(`unknown scale "${values.scale}"`, `use one of: ${PLAN_SCALES.join(", ")}`);
  }
  const seedCount = positiveInteger(values.seeds, "seeds", help);
  return {
    scale: planScale === "tiny" ? "small" : planScale,
    planScale,
    seeds: Array.from({ length: seedCount }, (_, i) => i + 1),
    jobs: positiveInteger(values.jobs, "jobs", help),
    results: values.results,
    plan: PLANS[planScale],
    quiet: values.quiet,
  };
}
