/**
 * Training throughput end to end: one epoch of `train()` (batch planning,
 * forward and backward passes, Adam, the epoch's validation) on a real suite
 * dataset, with the default spec (tokens on, multi-task heads as asked).
 *
 * Data: `--dataset DIR` (a graph-builder dataset) or, by default, branch
 * instances built from the small-scale suite traces of bzip2, perl, cc1 and
 * gnugo (bench/suite_trace.ts). `--train N` keeps N training instances (drawn
 * with a fixed seed) and as many validation instances as the split's share.
 *
 * Prints graphs/s over the epoch (wall clock), graphs per CPU-second of this
 * process (steadier on a shared machine) and the load average; compare runs
 * made on the same machine at the same time.
 *
 * @module
 */
import process from "node:process";
import { parseArgs } from "node:util";
import { Rng, runMain, UserError } from "../lib/common/mod.ts";
import { loadDataset } from "../lib/graph/dataset.ts";
import { type Dataset, SPLIT_NAMES, splitIndices, TASK_NAMES } from "../lib/graph/types.ts";
import { initBackend } from "../lib/model/backend.ts";
import { taskKinds } from "../lib/model/model.ts";
import { DEFAULT_SPEC, DEFAULT_TRAIN_OPTIONS, train, type TrainSpec } from "../lib/model/train.ts";
import { BENCH_DATASET_WORKLOADS, benchDataset } from "./suite_trace.ts";

const HELP = `usage: deno run -A bench/train_epoch.ts [--dataset DIR] [--train N] [--task T]

  --dataset DIR   a graph-builder dataset (default: branch instances from the small-scale
                  suite traces of ${BENCH_DATASET_WORKLOADS.join(", ")}, built on the fly)
  --train N       training instances of the epoch (default 20000; 0: all)
  --task T        branch|address|multi (default branch)`;

/** `dataset` with at most `n` training instances of `task` (the others dropped), validation scaled alike. */
function subsample(dataset: Dataset, n: number, task: TrainSpec["task"]): Dataset {
  const kinds = taskKinds(task);
  const train = [...splitIndices(dataset, "train")].filter((i) =>
    kinds.includes(dataset.instances.task[i])
  );
  if (n === 0 || n >= train.length) return dataset;
  const keep = n / train.length;
  const rng = new Rng("bench/train_epoch");
  const split = Uint8Array.from(dataset.instances.split, (s) =>
    // Dropped instances go to the test split, which an epoch does not read.
    s !== SPLIT_NAMES.indexOf("test") && rng.float() >= keep ? SPLIT_NAMES.indexOf("test") : s);
  return { ...dataset, instances: { ...dataset.instances, split } };
}

await runMain(async () => {
  const { values } = parseArgs({
    options: {
      dataset: { type: "string" },
      train: { type: "string", default: "20000" },
      task: { type: "string", default: "branch" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) return console.log(HELP);
  const n = Number(values.train);
  if (!Number.isInteger(n) || n < 0) {
    throw new UserError(`--train must be a non-negative integer, got ${values.train}`, HELP);
  }
  const task = values.task as TrainSpec["task"];
  if (![...TASK_NAMES, "multi"].includes(task)) {
    throw new UserError(`--task must be branch, address or multi, got ${task}`, HELP);
  }
  await initBackend();
  const full = values.dataset ? await loadDataset(values.dataset) : await benchDataset();
  const dataset = subsample(full, n, task);
  const trainCount = taskKinds(task).reduce(
    (s, k) =>
      s + [...splitIndices(dataset, "train")].filter((i) => dataset.instances.task[i] === k).length,
    0,
  );
  const started = performance.now();
  const cpuBefore = process.cpuUsage();
  const result = await train(
    dataset,
    { ...DEFAULT_SPEC, task },
    { ...DEFAULT_TRAIN_OPTIONS, epochs: 1 },
    await Deno.makeTempDir({ prefix: "ncf-bench-epoch-" }),
    { quiet: true, checkpointEverySeconds: 1e9 },
  );
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  const epoch = result.history[0];
  result.model.dispose();
  console.log(
    `${trainCount} training graphs (${task}), one epoch of ${epoch.steps} steps: ` +
      `${(trainCount / epoch.seconds).toFixed(0)} graphs/s over the epoch (training and ` +
      `validation, ${epoch.seconds.toFixed(1)} s); ${
        (trainCount / cpuSeconds).toFixed(0)
      } graphs ` +
      `per CPU-second of the whole run (${seconds.toFixed(1)} s with setup and final scoring); ` +
      `load average ${Deno.loadavg()[0].toFixed(1)}`,
  );
});
