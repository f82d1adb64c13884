/**
 * Training: Adam, validation-based early stopping, atomic checkpoints and
 * exact resumption, plus loading trained models.
 *
 * An output folder holds:
 * - `checkpoint.ncfw`: the latest state (weights, Adam moments and step,
 *   epoch and next batch, early-stopping state, config). The RNG state is
 *   (seed, epoch): each epoch's batch order is drawn from a generator seeded
 *   by both, so resuming at (epoch, batch) replays exactly the batches an
 *   uninterrupted run would see. Ops on the single-threaded wasm backend are
 *   deterministic, so a resumed run ends with the same weights.
 * - `model.ncfw`: the weights of the best epoch on the validation split.
 * - `model.json`: config, training options, per-epoch history and metrics.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { join } from "node:path";
import { atomicWriteFile, atomicWriteJson, Progress, UserError } from "../common/mod.ts";
import { fitEncoding } from "../graph/encode.ts";
import { type Dataset, splitIndices, TASK_BRANCH, TASK_NAMES } from "../graph/types.ts";
import type { BatchPlan, Group } from "./batch.ts";
import { headLogits, type NodeStates, type Params, propagate, weightedBce } from "./ggnn.ts";
import {
  decodeTensors,
  encodeTensors,
  groupByTopology,
  type Metrics,
  type ModelConfig,
  NcfModel,
  packGroups,
  taskKinds,
} from "./model.ts";
import { Rng } from "../workloads/random.ts";

/** Version of the checkpoint and model files. */
export const MODEL_VERSION = 1;

/** What `train` is asked to build (the encoding is fitted to the training split). */
export interface TrainSpec {
  task: ModelConfig["task"];
  staticOnly: boolean;
  encoding: ModelConfig["encoding"]["name"];
  /** Vocabulary size of a categorical encoding (default 255). */
  categories?: number;
  hidden: number;
  steps: number;
  tokens: boolean;
}

/** Optimisation options; all but `epochs` must match to resume a checkpoint. */
export interface TrainOptions {
  /** Instances per batch. */
  batch: number;
  /** Instances of one topology per group (a batch holds about batch/group topologies). */
  group: number;
  /** Maximum epochs. */
  epochs: number;
  /** Adam learning rate. */
  lr: number;
  seed: number;
  /** Stop after this many epochs without a better validation loss. */
  patience: number;
}

/** Default {@linkcode TrainOptions} (the CLI's defaults). */
export const DEFAULT_TRAIN_OPTIONS: TrainOptions = {
  batch: 64,
  group: 16,
  epochs: 30,
  lr: 1e-3,
  seed: 1,
  patience: 4,
};

/** Default {@linkcode TrainSpec} fields (the CLI's defaults). */
export const DEFAULT_SPEC: Omit<TrainSpec, "task"> = {
  staticOnly: false,
  encoding: "binary",
  hidden: 64,
  steps: 4,
  tokens: false,
};

/** How a training run behaves (not part of its result). */
export interface RunOptions {
  /** Seconds between mid-epoch checkpoints (default 60). */
  checkpointEverySeconds?: number;
  /** Stop (with a checkpoint) after this many batches in this call: simulates an interruption. */
  stopAfterBatches?: number;
  /** No progress output. */
  quiet?: boolean;
}

/** One epoch's record. */
export interface EpochRecord {
  epoch: number;
  trainLoss: number;
  validLoss: number;
  seconds: number;
}

/** The outcome of {@linkcode train}. */
export interface TrainResult {
  /** The best model (by validation loss). */
  model: NcfModel;
  history: EpochRecord[];
  bestEpoch: number;
  /** Metrics of the best model on the validation split. */
  valid: Metrics;
  /** False when stopped by `stopAfterBatches` (run again to continue). */
  finished: boolean;
  /** True when this call continued from a checkpoint. */
  resumed: boolean;
}

interface CheckpointState {
  format: "ncf-checkpoint";
  version: number;
  config: ModelConfig;
  options: TrainOptions;
  /** Epoch in progress and its next batch. */
  epoch: number;
  batch: number;
  adamStep: number;
  bestValidLoss: number;
  bestEpoch: number;
  badEpochs: number;
  history: EpochRecord[];
  /** Running sums of the epoch in progress. */
  epochLoss: number;
  epochWeight: number;
  epochSeconds: number;
  done: boolean;
}

/** Names of the weights a task trains (heads of other tasks and the readout stay untouched). */
function trainedNames(model: NcfModel): string[] {
  const heads = taskKinds(model.config.task).map((k) => TASK_NAMES[k]);
  return [...model.params.keys()].filter((name) => {
    const [scope] = name.split("/");
    if (scope === "branch" || scope === "address") return heads.includes(scope);
    return scope !== "readout";
  }).sort();
}

/** Adam (Kingma & Ba) over named weights, with its state exposed for checkpoints. */
export class Adam {
  m = new Map<string, tf.Variable>();
  v = new Map<string, tf.Variable>();
  step = 0;
  constructor(
    readonly lr: number,
    names: string[],
    params: Params,
    readonly beta1 = 0.9,
    readonly beta2 = 0.999,
  ) {
    for (const n of names) {
      this.m.set(n, tf.variable(tf.zerosLike(params.get(n)!), false));
      this.v.set(n, tf.variable(tf.zerosLike(params.get(n)!), false));
    }
  }
  apply(params: Params, grads: Map<string, tf.Tensor>): void {
    this.step++;
    const correction = Math.sqrt(1 - this.beta2 ** this.step) / (1 - this.beta1 ** this.step);
    tf.tidy(() => {
      for (const [name, g] of grads) {
        const m = this.m.get(name)!, v = this.v.get(name)!;
        m.assign(tf.add(tf.mul(m, this.beta1), tf.mul(g, 1 - this.beta1)));
        v.assign(tf.add(tf.mul(v, this.beta2), tf.mul(tf.square(g), 1 - this.beta2)));
        const p = params.get(name)!;
        p.assign(tf.sub(p, tf.div(tf.mul(m, this.lr * correction), tf.add(tf.sqrt(v), 1e-8))));
      }
    });
  }
}

/** The loss of a batch: the sum over the tasks present of each task's weighted mean BCE. */
export function batchLoss(params: Params, plan: BatchPlan, states?: NodeStates): tf.Scalar {
  const s = states ?? propagate(params, plan);
  const losses = plan.tasks.flatMap((ex, kind) =>
    ex.count === 0
      ? []
      : [weightedBce(headLogits(params, kind === TASK_BRANCH ? "branch" : "address", s, ex), ex)]
  );
  return losses.length === 1 ? losses[0] : tf.addN(losses) as tf.Scalar;
}

/** Mean loss of `model` on `indices`: per task the weighted mean BCE, summed over tasks. */
export function datasetLoss(
  model: NcfModel,
  dataset: Dataset,
  indices: ArrayLike<number>,
  batchSize = 256,
): number {
  const planner = model.planner(dataset, "pruned");
  const sums = [0, 0], weights = [0, 0];
  for (const batch of packGroups(groupByTopology(dataset, indices, batchSize), batchSize)) {
    const plan = planner.plan(batch);
    const losses = tf.tidy(() => {
      const states = propagate(model.params, plan);
      return plan.tasks.map((ex, kind) =>
        ex.count === 0 ? tf.scalar(0) : weightedBce(
          headLogits(model.params, kind === TASK_BRANCH ? "branch" : "address", states, ex),
          ex,
        )
      );
    });
    plan.tasks.forEach((ex, kind) => {
      const w = ex.weight.reduce((a, b) => a + b, 0);
      sums[kind] += losses[kind].dataSync()[0] * w;
      weights[kind] += w;
    });
    tf.dispose(losses);
  }
  return sums.reduce((acc, s, k) => acc + (weights[k] > 0 ? s / weights[k] : 0), 0);
}

/** Training instances of the model's tasks, by split. */
function taskIndices(
  dataset: Dataset,
  task: ModelConfig["task"],
  split: "train" | "valid",
): number[] {
  const kinds = taskKinds(task);
  return [...splitIndices(dataset, split)].filter((i) => kinds.includes(dataset.instances.task[i]));
}

/** The batches of one epoch: per topology a shuffled list cut into groups, groups shuffled and packed. */
export function epochBatches(
  dataset: Dataset,
  train: number[],
  options: TrainOptions,
  epoch: number,
): Group[][] {
  const rng = new Rng(`${options.seed}/epoch:${epoch}`);
  const groups = groupByTopology(dataset, train, Number.MAX_SAFE_INTEGER).flatMap((g) => {
    const list = rng.shuffle([...(g.instances as number[])]);
    const out: Group[] = [];
    for (let s = 0; s < list.length; s += options.group) {
      out.push({ topology: g.topology, instances: list.slice(s, s + options.group) });
    }
    return out;
  });
  return packGroups(rng.shuffle(groups), options.batch);
}

function paramTensors(model: NcfModel, adam?: Adam): Map<string, tf.Tensor> {
  const out = new Map<string, tf.Tensor>();
  for (const [n, v] of model.params) out.set(`param:${n}`, v);
  if (adam) {
    for (const [n, v] of adam.m) out.set(`adam_m:${n}`, v);
    for (const [n, v] of adam.v) out.set(`adam_v:${n}`, v);
  }
  return out;
}

function assignFrom(
  target: Map<string, tf.Variable>,
  prefix: string,
  arrays: Map<string, { shape: number[]; values: Float32Array }>,
  where: string,
) {
  for (const [n, v] of target) {
    const a = arrays.get(`${prefix}${n}`);
    if (!a || a.shape.join() !== v.shape.join()) {
      throw new UserError(
        `${where} has no weight ${n} of shape [${v.shape}]`,
        "retrain into a new --out folder",
      );
    }
    v.assign(tf.tensor(a.values, a.shape));
  }
}

async function readIfExists(path: string): Promise<Uint8Array | undefined> {
  try {
    return await Deno.readFile(path);
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return undefined;
    throw err;
  }
}

/** Loads the best model of a training output folder (or a checkpoint file's weights with `which: "checkpoint"`). */
export async function loadModel(
  dir: string,
  which: "model" | "checkpoint" = "model",
): Promise<NcfModel> {
  const path = join(dir, `${which}.ncfw`);
  const buf = await readIfExists(path);
  if (!buf) {
    throw new UserError(
      `no trained model in ${dir} (${which}.ncfw is missing)`,
      "pass the --out folder of a finished `deno task train` run",
    );
  }
  const { header, arrays } = decodeTensors(buf, path);
  if (header.version !== MODEL_VERSION) {
    throw new UserError(
      `${path} has version ${header.version}, this code reads ${MODEL_VERSION}`,
      "retrain the model",
    );
  }
  const config = header.config as ModelConfig;
  const model = NcfModel.create(config, 0);
  assignFrom(model.params, "param:", arrays, path);
  return model;
}

/**
 * Trains a model on `dataset` into `outDir`, resuming from a checkpoint
 * there when one exists (with the same spec and options; only `epochs` may
 * differ). Returns the best model by validation loss.
 */
export async function train(
  dataset: Dataset,
  spec: TrainSpec,
  options: TrainOptions,
  outDir: string,
  run: RunOptions = {},
): Promise<TrainResult> {
  const trainIdx = taskIndices(dataset, spec.task, "train");
  const validIdx = taskIndices(dataset, spec.task, "valid");
  for (const kind of taskKinds(spec.task)) {
    if (!trainIdx.some((i) => dataset.instances.task[i] === kind)) {
      throw new UserError(
        `the dataset has no ${
          TASK_NAMES[kind]
        } instances in its train split, but --task ${spec.task} needs them`,
        `choose a --task the dataset has (it holds: ${
          [...new Set(dataset.instances.task)].map((k) => TASK_NAMES[k]).join(", ") || "nothing"
        })`,
      );
    }
  }
  // Fit the encoding on the known training values of the task instances.
  const encoding = (() => {
    if (spec.encoding !== "categorical") return { name: spec.encoding };
    const inst = dataset.instances;
    const parts = trainIdx.map((i) => {
      const n = dataset.topologies[inst.topology[i]].valueNodes.length;
      return [inst.valueStart[i], n];
    });
    const total = parts.reduce((s, [, n]) => s + n, 0);
    const values = new BigUint64Array(total), known = new Uint8Array(total);
    let o = 0;
    for (const [s, n] of parts) {
      values.set(inst.values.subarray(s, s + n), o);
      known.set(inst.known.subarray(s, s + n), o);
      o += n;
    }
    return fitEncoding("categorical", values, known, { categories: spec.categories });
  })();
  const config: ModelConfig = {
    task: spec.task,
    staticOnly: spec.staticOnly,
    encoding,
    hidden: spec.hidden,
    steps: spec.steps,
    tokens: spec.tokens,
    edgeTypes: dataset.edgeTypes,
    vocabularySize: dataset.vocabulary.length,
  };

  const model = NcfModel.create(config, options.seed);
  const names = trainedNames(model);
  const adam = new Adam(options.lr, names, model.params);
  const checkpointPath = join(outDir, "checkpoint.ncfw");
  let state: CheckpointState = {
    format: "ncf-checkpoint",
    version: MODEL_VERSION,
    config,
    options,
    epoch: 0,
    batch: 0,
    adamStep: 0,
    bestValidLoss: Infinity,
    bestEpoch: -1,
    badEpochs: 0,
    history: [],
    epochLoss: 0,
    epochWeight: 0,
    epochSeconds: 0,
    done: false,
  };
  let resumed = false;
  const saved = await readIfExists(checkpointPath);
  if (saved) {
    const { header, arrays } = decodeTensors(saved, checkpointPath);
    const old = header as unknown as CheckpointState;
    const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
    if (
      old.version !== MODEL_VERSION || !same(old.config, config) ||
      !same({ ...old.options, epochs: 0 }, { ...options, epochs: 0 })
    ) {
      throw new UserError(
        `${outDir} holds a checkpoint of another configuration`,
        "use the same options to resume it (only --epochs may change), or pass a new --out folder",
      );
    }
    assignFrom(model.params, "param:", arrays, checkpointPath);
    assignFrom(adam.m, "adam_m:", arrays, checkpointPath);
    assignFrom(adam.v, "adam_v:", arrays, checkpointPath);
    adam.step = old.adamStep;
    // JSON has no Infinity: a checkpoint taken before the first validation stores null.
    state = { ...old, options, bestValidLoss: old.bestValidLoss ?? Infinity };
    if (state.done && state.epoch < options.epochs && state.badEpochs < options.patience) {
      state.done = false;
    }
    resumed = true;
  }

  const saveCheckpoint = async () => {
    state.adamStep = adam.step;
    await atomicWriteFile(
      checkpointPath,
      encodeTensors(state as unknown as Record<string, unknown>, paramTensors(model, adam)),
    );
  };
  const finish = async (finished: boolean): Promise<TrainResult> => {
    for (const v of [...adam.m.values(), ...adam.v.values()]) v.dispose();
    const best = state.bestEpoch >= 0 ? await loadModel(outDir) : model;
    if (best !== model) model.dispose();
    const valid = best.evaluate(dataset, validIdx);
    if (finished) {
      await atomicWriteJson(join(outDir, "model.json"), {
        config,
        options,
        bestEpoch: state.bestEpoch,
        history: state.history,
        valid,
      });
    }
    return {
      model: best,
      history: state.history,
      bestEpoch: state.bestEpoch,
      valid,
      finished,
      resumed,
    };
  };
  if (state.done) return finish(true);

  const vars = names.map((n) => model.params.get(n)!);
  const varName = new Map(vars.map((v, k) => [v.name, names[k]]));
  const perEpoch = trainIdx.length;
  const progress = new Progress({
    label: `train ${spec.task}${spec.staticOnly ? " static-only" : ""}`,
    total: perEpoch * (options.epochs - state.epoch),
    unit: "graphs",
    quiet: run.quiet,
  });
  const checkpointEvery = (run.checkpointEverySeconds ?? 60) * 1000;
  let lastCheckpoint = performance.now();
  let batchesThisCall = 0;

  while (state.epoch < options.epochs) {
    const batches = epochBatches(dataset, trainIdx, options, state.epoch);
    const planner = model.planner(dataset, "pruned");
    let epochStart = performance.now();
    for (; state.batch < batches.length; state.batch++) {
      const plan = planner.plan(batches[state.batch]);
      const lossTensor = tf.tidy(() => {
        const { value, grads } = tf.variableGrads(() => batchLoss(model.params, plan), vars);
        const named = new Map(Object.entries(grads).map(([k, g]) => [varName.get(k)!, g]));
        adam.apply(model.params, named);
        return value;
      });
      const lossValue = lossTensor.dataSync()[0];
      lossTensor.dispose();
      const count = batches[state.batch].reduce((s, g) => s + g.instances.length, 0);
      state.epochLoss += lossValue * count;
      state.epochWeight += count;
      progress.tick(count);
      batchesThisCall++;
      const now = performance.now();
      if (run.stopAfterBatches !== undefined && batchesThisCall >= run.stopAfterBatches) {
        state.batch++;
        state.epochSeconds += (now - epochStart) / 1000;
        await saveCheckpoint();
        progress.finish(`stopped; checkpoint in ${checkpointPath}`);
        return finish(false);
      }
      if (now - lastCheckpoint > checkpointEvery) {
        state.batch++;
        state.epochSeconds += (now - epochStart) / 1000;
        epochStart = now;
        await saveCheckpoint();
        state.batch--;
        lastCheckpoint = performance.now();
      }
    }
    const validLoss = validIdx.length > 0
      ? datasetLoss(model, dataset, validIdx)
      : state.epochLoss / state.epochWeight;
    state.history.push({
      epoch: state.epoch,
      trainLoss: state.epochLoss / Math.max(1, state.epochWeight),
      validLoss,
      seconds: state.epochSeconds + (performance.now() - epochStart) / 1000,
    });
    if (validLoss < state.bestValidLoss) {
      state.bestValidLoss = validLoss;
      state.bestEpoch = state.epoch;
      state.badEpochs = 0;
      await atomicWriteFile(
        join(outDir, "model.ncfw"),
        encodeTensors({
          format: "ncf-model",
          version: MODEL_VERSION,
          config,
          options,
          epoch: state.epoch,
        }, paramTensors(model)),
      );
    } else {
      state.badEpochs++;
    }
    state.epoch++;
    state.batch = 0;
    state.epochLoss = state.epochWeight = state.epochSeconds = 0;
    if (state.badEpochs >= options.patience) break;
    await saveCheckpoint();
    lastCheckpoint = performance.now();
  }
  state.done = true;
  await saveCheckpoint();
  progress.finish(`model in ${join(outDir, "model.ncfw")} (best epoch ${state.bestEpoch})`);
  return finish(true);
}
