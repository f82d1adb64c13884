/**
 * Trained models of the experiments, cached by content: a model's folder is
 * named by the hash of its dataset's key, its spec and its training options
 * (seed included). Missing models are trained by a pool of worker processes
 * (`train_worker.ts`), `jobs` at a time: the wasm backend is single-threaded,
 * so two processes use two cores. A worker resumes from the checkpoint an
 * interrupted run left in the folder.
 *
 * @module
 */
import { join } from "node:path";
import { ROOT, spawnChild, UserError } from "../common/mod.ts";
import {
  initBackend,
  loadModel,
  MODEL_VERSION,
  type ModelRecord as StoredModelRecord,
  type NcfModel,
  type TrainOptions,
  type TrainSpec,
} from "../model/mod.ts";
import { DATASET_VERSION } from "../graph/mod.ts";
import { cacheDir, hashOf, readCachedJson } from "./cache.ts";
import type { Plan } from "./config.ts";
import type { CachedDataset } from "./datasets.ts";

/** A model a study trains once per seed: what differs from the plan's fused multi-task binary GNN. */
export interface ModelRequest {
  /** Method id (lib/experiments/methods.ts), e.g. `"static-only"`. */
  method: string;
  /** The dataset it trains and is evaluated on. */
  dataset: CachedDataset;
  spec?: Partial<Pick<TrainSpec, "task" | "staticOnly" | "encoding" | "tokens" | "addressHead">>;
  /** Training options (default: the plan's). */
  training?: Omit<TrainOptions, "seed">;
  /** Only these of the run's seeds (default: every seed), for data that differs per seed. */
  seeds?: number[];
}

/** A trained model of one request and seed. */
export interface SeedModel {
  /** Method id. */
  method: string;
  seed: number;
  model: NcfModel;
  /** Its cache folder (to load a fresh copy, e.g. to fine-tune it). */
  dir: string;
  record: ModelRecord;
  /** The dataset it was trained on. */
  dataset: CachedDataset;
}

/** The spec of a request under `plan`. */
export function specOf(plan: Plan, request: ModelRequest): TrainSpec {
  return {
    ...plan.model,
    encoding: "binary",
    staticOnly: false,
    task: "multi",
    ...request.spec,
  };
}

/** One job per seed of each request (its own seeds, if it names them), in request-major order. */
export function jobsOf(plan: Plan, seeds: number[], requests: ModelRequest[]): RequestJob[] {
  return requests.flatMap((r) =>
    (r.seeds ?? seeds).map((seed) => ({
      label: `${r.method} seed ${seed}`,
      dataset: r.dataset,
      spec: specOf(plan, r),
      options: { ...(r.training ?? plan.training), seed },
      request: r,
      seed,
    }))
  );
}

/** A job of a request and seed. */
export interface RequestJob extends ModelJob {
  request: ModelRequest;
  seed: number;
}

/** One model to train. */
export interface ModelJob {
  /** Shown in progress lines, e.g. `"NCF seed 2"`. */
  label: string;
  dataset: CachedDataset;
  spec: TrainSpec;
  options: TrainOptions;
}

/** What a worker reads from `job.json` in the model folder. */
export interface WorkerJob {
  label: string;
  datasetDir: string;
  spec: TrainSpec;
  options: TrainOptions;
}

/** What `train` writes to `model.json` (the fields the experiments read). */
export type ModelRecord = Pick<StoredModelRecord, "bestEpochs" | "history">;

/** The cache folder of a job's model. */
export async function modelDir(job: ModelJob): Promise<string> {
  return cacheDir(
    "models",
    await hashOf({
      dataset: job.dataset.key,
      versions: { dataset: DATASET_VERSION, model: MODEL_VERSION },
      spec: job.spec,
      options: job.options,
    }),
  );
}

/** The record of a finished model in `dir`, or `undefined` when it is not trained (yet). */
export async function trainedRecord(dir: string): Promise<ModelRecord | undefined> {
  return await readCachedJson<ModelRecord>(join(dir, "model.json"));
}

/** Seconds of training a finished model took (sum over its epochs). */
export function trainingSeconds(record: ModelRecord): number {
  return record.history.reduce((s, h) => s + h.seconds, 0);
}

async function runWorker(dir: string, label: string, quiet: boolean): Promise<void> {
  const started = performance.now();
  if (!quiet) console.error(`[models] training ${label} into ${dir}`);
  const status = await spawnChild(Deno.execPath(), {
    args: [
      "run",
      "-A",
      "--config",
      join(ROOT, "deno.json"),
      join(ROOT, "lib", "experiments", "train_worker.ts"),
      dir,
      ...(quiet ? ["--quiet"] : []),
    ],
    cwd: ROOT,
    stdin: "null",
    stdout: "inherit",
    stderr: "inherit",
  }).status;
  if (!status.success) {
    throw new UserError(
      `training ${label} failed (worker exit code ${status.code}); its checkpoint is kept in ${dir}`,
      "see the worker's messages above; run the experiment again to resume",
      1,
    );
  }
  if (!quiet) {
    console.error(
      `[models] ${label} done in ${((performance.now() - started) / 1000).toFixed(0)}s`,
    );
  }
}

/**
 * Trains every job whose model is not in the cache yet, `jobs` worker
 * processes at a time; returns the model folders in job order.
 */
export async function trainModels(
  list: ModelJob[],
  options: { jobs: number; quiet?: boolean },
): Promise<string[]> {
  const dirs = await Promise.all(list.map(modelDir));
  const todo: number[] = [];
  for (let k = 0; k < list.length; k++) {
    if (await trainedRecord(dirs[k])) continue;
    if (todo.some((j) => dirs[j] === dirs[k])) continue;
    todo.push(k);
  }
  let next = 0;
  const lane = async () => {
    while (next < todo.length) {
      const k = todo[next++];
      const job = list[k];
      await Deno.mkdir(dirs[k], { recursive: true });
      const worker: WorkerJob = {
        label: job.label,
        datasetDir: job.dataset.dir,
        spec: job.spec,
        options: job.options,
      };
      await Deno.writeTextFile(join(dirs[k], "job.json"), JSON.stringify(worker, null, 2));
      await runWorker(dirs[k], job.label, options.quiet ?? false);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(options.jobs, todo.length)) }, lane));
  return dirs;
}

/**
 * Trains what is missing of every request x seed (see {@linkcode trainModels}) and loads each best
 * model, in request-major order.
 */
export async function trainRequests(
  plan: Plan,
  options: { seeds: number[]; jobs: number; quiet?: boolean },
  requests: ModelRequest[],
): Promise<SeedModel[]> {
  const jobs = jobsOf(plan, options.seeds, requests);
  const loaded = await trainedModels(jobs, options);
  return loaded.map((m, k) => ({
    method: jobs[k].request.method,
    seed: jobs[k].seed,
    model: m.model,
    dir: m.dir,
    record: m.record,
    dataset: jobs[k].dataset,
  }));
}

/** Trains what is missing (see {@linkcode trainModels}) and loads every job's best model. */
export async function trainedModels(
  list: ModelJob[],
  options: { jobs: number; quiet?: boolean },
): Promise<{ model: NcfModel; dir: string; record: ModelRecord }[]> {
  const dirs = await trainModels(list, options);
  await initBackend();
  return await Promise.all(dirs.map(async (dir) => ({
    model: await loadModel(dir),
    dir,
    record: (await trainedRecord(dir))!,
  })));
}
