/**
 * Training: Adam, per-task model selection and early stopping on the
 * validation split, atomic checkpoints and exact resumption.
 *
 * Per-task model selection: after every epoch each task is scored on the
 * validation split by its own metric (branch: misprediction rate, ties broken
 * by the loss; address: cache-line accuracy over all instances, ties broken by
 * the loss). When a task improves, a copy of all the weights being trained
 * (the shared GNN and the heads) becomes that task's best. The saved model
 * holds one weight set per task and evaluates each task with its own set: the
 * shared weights are not merged, each head keeps the GNN of its own best epoch.
 * Training stops when no task has improved for `patience` epochs. A task
 * without validation instances keeps its latest epoch and never stops training.
 *
 * An output folder holds:
 * - `checkpoint.json` (+ its weights binary, see weights.ts): the latest
 *   state: the weights being trained, Adam's moments and step, the epoch and
 *   its next batch, each task's best epoch, score and weights, the history.
 *   Each epoch's batch order is drawn from a generator seeded by (seed, epoch),
 *   so resuming at (epoch, batch) replays exactly the batches an uninterrupted
 *   run would see; ops on the single-threaded wasm backend are deterministic,
 *   so a resumed run ends with the same weights, bit for bit.
 * - `model.json` (+ binary, see store.ts), written when training ends: the
 *   model record and each task's best weights.
 *
 * The optimiser is our own Adam, not `tf.train.adam`: restoring tfjs's Adam
 * with `setWeights` recomputes β^t with `pow` instead of continuing its running
 * product, so a resumed run drifts in the last bits (measured: 3 of 6 resume
 * points of a 40-step run ended with different weights).
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { join } from "node:path";
import { Progress, UserError } from "../common/mod.ts";
import { fitEncoding } from "../graph/encode.ts";
import {
  type Dataset,
  splitIndices,
  TASK_ADDRESS,
  TASK_BRANCH,
  TASK_NAMES,
  type TaskName,
} from "../graph/types.ts";
import { type BatchPlan, type Group, groupByTopology, packGroups } from "./batch.ts";
import { headLogits, headLoss, type NodeStates, type Params, propagate } from "./ggnn.ts";
import { adamUpdate } from "./kernels.ts";
import { type AddressHeadName, fitAddressHead, type TaskHead } from "./heads.ts";
import { type Metrics, type ModelConfig, NcfModel, taskKinds } from "./model.ts";
import {
  type EpochRecord,
  MODEL_STEM,
  MODEL_VERSION,
  saveModel,
  type TaskValidation,
  taskWeightsFrom,
  taskWeightTensors,
} from "./store.ts";
import { loadWeightsRecord, saveWeightsRecord, type WeightsRecord } from "./weights.ts";
import { Rng } from "../common/random.ts";

/** What `train` is asked to build (the encoding, vocabulary and address head are fitted to the training split). */
export interface TrainSpec {
  task: ModelConfig["task"];
  staticOnly: boolean;
  encoding: ModelConfig["encoding"]["name"];
  /** Vocabulary size of a categorical encoding (default 255). */
  categories?: number;
  hidden: number;
  steps: number;
  /** Embed node tokens (mnemonics, register names); false is the "no tokens" ablation. */
  tokens: boolean;
  /** The address head (see heads.ts; default {@linkcode DEFAULT_SPEC}'s). */
  addressHead?: AddressHeadName;
  /** `delta-class`: classes besides "other" (default {@linkcode DEFAULT_DELTA_CLASSES}). */
  deltaClasses?: number;
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
  /** Stop after this many epochs in which no task's validation metric improved. */
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
export const DEFAULT_SPEC: Omit<TrainSpec, "task"> & { addressHead: AddressHeadName } = {
  staticOnly: false,
  encoding: "binary",
  hidden: 64,
  steps: 4,
  tokens: true,
  addressHead: "delta-class",
};

/** How a training run behaves (not part of its result). */
export interface RunOptions {
  /** Seconds between mid-epoch checkpoints (default 60). */
  checkpointEverySeconds?: number;
  /** Stop (with a checkpoint) after this many batches in this call: simulates an interruption. */
  stopAfterBatches?: number;
  /** Discard the output folder's checkpoint and model and train from scratch. */
  restart?: boolean;
  /** No progress output. */
  quiet?: boolean;
}

/** The outcome of {@linkcode train}. */
export interface TrainResult {
  /** The model: each task with the weights of its best epoch. */
  model: NcfModel;
  history: EpochRecord[];
  /** The epoch whose weights each task uses. */
  bestEpochs: Partial<Record<TaskName, number>>;
  /** Metrics of the model on the validation split. */
  valid: Metrics;
  /** False when stopped by `stopAfterBatches` (run again to continue). */
  finished: boolean;
  /** True when this call continued from a checkpoint. */
  resumed: boolean;
}

/** A task's best epoch so far. */
interface TaskBest {
  epoch: number;
  validation?: TaskValidation;
}

/** Everything a checkpoint holds besides weights. */
interface CheckpointState {
  format: "ncf-checkpoint";
  version: number;
  config: ModelConfig;
  options: TrainOptions;
  /** Epoch in progress and its next batch. */
  epoch: number;
  batch: number;
  /** Optimisation steps taken so far (Adam's step count). */
  steps: number;
  best: Partial<Record<TaskName, TaskBest>>;
  /** Epochs since a task last improved. */
  badEpochs: number;
  history: EpochRecord[];
  /** Running sums of the epoch in progress. */
  epochLoss: number;
  epochWeight: number;
  epochSeconds: number;
  done: boolean;
}

const CHECKPOINT_STEM = "checkpoint";

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
  /** One step: each weight of `grads` (by name) and its moments, in one fused kernel each. */
  apply(params: Params, grads: Map<string, tf.Tensor>): void {
    this.step++;
    const correction = Math.sqrt(1 - this.beta2 ** this.step) / (1 - this.beta1 ** this.step);
    const step = {
      beta1: this.beta1,
      beta2: this.beta2,
      stepSize: this.lr * correction,
      epsilon: 1e-8,
    };
    tf.tidy(() => {
      for (const [name, g] of grads) {
        const m = this.m.get(name)!, v = this.v.get(name)!, p = params.get(name)!;
        const [p2, m2, v2] = adamUpdate(p, g, m, v, step);
        p.assign(p2);
        m.assign(m2);
        v.assign(v2);
      }
    });
  }
  /** Frees the moments. */
  dispose(): void {
    for (const v of [...this.m.values(), ...this.v.values()]) v.dispose();
  }
}

/** The loss of a batch: the sum over the tasks present of each head's weighted mean loss. */
export function batchLoss(
  params: Params,
  plan: BatchPlan,
  heads: readonly (TaskHead | undefined)[],
  states?: NodeStates,
): tf.Scalar {
  const s = states ?? propagate(params, plan);
  const losses = plan.tasks.flatMap((ex, kind) =>
    ex.count === 0 || !heads[kind] ? [] : [
      headLoss(
        headLogits(params, kind === TASK_BRANCH ? "branch" : "address", s, ex),
        ex,
        heads[kind]!.loss,
      ),
    ]
  );
  return losses.length === 1 ? losses[0] : tf.addN(losses) as tf.Scalar;
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

/** Instances of the model's tasks in a split. */
function taskIndices(dataset: Dataset, task: ModelConfig["task"], split: "train" | "valid") {
  const kinds = taskKinds(task);
  return [...splitIndices(dataset, split)].filter((i) => kinds.includes(dataset.instances.task[i]));
}

/** The token names of the training instances' graphs, sorted (the model's vocabulary). */
function trainingVocabulary(dataset: Dataset, train: readonly number[]): string[] {
  const topologies = new Set(train.map((i) => dataset.instances.topology[i]));
  const names = new Set<string>();
  for (const t of topologies) {
    for (const token of dataset.topologies[t].token) {
      if (token >= 0) names.add(dataset.vocabulary[token]);
    }
  }
  return [...names].sort();
}

/** The known values of the training instances, for fitting a categorical encoding. */
function trainingValues(dataset: Dataset, train: readonly number[]) {
  const inst = dataset.instances;
  const sizes = train.map((i) => dataset.topologies[inst.topology[i]].valueNodes.length);
  const total = sizes.reduce((a, b) => a + b, 0);
  const values = new BigUint64Array(total), known = new Uint8Array(total);
  let o = 0;
  train.forEach((i, k) => {
    const s = inst.valueStart[i];
    values.set(inst.values.subarray(s, s + sizes[k]), o);
    known.set(inst.known.subarray(s, s + sizes[k]), o);
    o += sizes[k];
  });
  return { values, known };
}

/** The config of a model for `spec`, with its encoding, vocabulary and address head fitted to `train`. */
function fittedConfig(dataset: Dataset, spec: TrainSpec, train: readonly number[]): ModelConfig {
  const encoding = spec.encoding === "categorical"
    ? (() => {
      const { values, known } = trainingValues(dataset, train);
      return fitEncoding("categorical", values, known, { categories: spec.categories });
    })()
    : { name: spec.encoding };
  const addressTrain = train.filter((i) => dataset.instances.task[i] === TASK_ADDRESS);
  return {
    task: spec.task,
    staticOnly: spec.staticOnly,
    encoding,
    hidden: spec.hidden,
    steps: spec.steps,
    tokens: spec.tokens,
    vocabulary: spec.tokens ? trainingVocabulary(dataset, train) : [],
    addressHead: taskKinds(spec.task).includes(TASK_ADDRESS)
      ? fitAddressHead(
        spec.addressHead ?? DEFAULT_SPEC.addressHead,
        dataset.instances,
        addressTrain,
        { deltaClasses: spec.deltaClasses },
      )
      : undefined,
    edgeTypes: dataset.edgeTypes,
  };
}

/**
 * Throws a {@linkcode UserError} when `outDir` exists and is not a folder;
 * returns whether it exists.
 */
export async function checkOutputFolder(outDir: string): Promise<boolean> {
  try {
    if ((await Deno.stat(outDir)).isDirectory) return true;
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return false;
    throw err;
  }
  throw new UserError(
    `--out ${outDir} is a file, but training writes a folder (model.json, checkpoint.json, weights)`,
    "pass a new or existing folder as --out",
  );
}

/** Checks that `outDir` can hold a training run; with `restart`, removes what an earlier run left there. */
async function prepareOutput(outDir: string, restart: boolean): Promise<void> {
  if (!(await checkOutputFolder(outDir)) || !restart) return;
  for await (const entry of Deno.readDir(outDir)) {
    if ([MODEL_STEM, CHECKPOINT_STEM].some((stem) => entry.name.startsWith(`${stem}.`))) {
      await Deno.remove(join(outDir, entry.name));
    }
  }
}

/** True when `a` is a better validation of task `kind` than `b`. */
function improves(kind: number, a: TaskValidation, b: TaskValidation | undefined): boolean {
  if (!b) return true;
  const sign = kind === TASK_BRANCH ? -1 : 1;
  if (a.metric !== b.metric) return sign * (a.metric - b.metric) > 0;
  return a.loss < b.loss;
}

/** Each task's validation of `model` on `indices` (tasks without instances are left out). */
function validate(
  model: NcfModel,
  dataset: Dataset,
  indices: readonly number[],
): Partial<Record<TaskName, TaskValidation>> {
  const { predictions, loss } = model.predictWithLoss(dataset, indices);
  const out: Partial<Record<TaskName, TaskValidation>> = {};
  const correct = [0, 0], line = [0, 0], count = [0, 0];
  for (let k = 0; k < predictions.instance.length; k++) {
    const kind = predictions.task[k];
    count[kind]++;
    correct[kind] += predictions.correct[k];
    line[kind] += predictions.lineCorrect[k];
  }
  for (const kind of taskKinds(model.config.task)) {
    if (count[kind] === 0) continue;
    out[TASK_NAMES[kind]] = {
      loss: loss[kind],
      metric: kind === TASK_BRANCH ? 1 - correct[kind] / count[kind] : line[kind] / count[kind],
    };
  }
  return out;
}

/** A copy of `params` (new variables sharing the current values). */
function snapshot(params: Params): Params {
  return new Map([...params].map(([name, v]) => [name, tf.variable(v, false)]));
}

function disposeParams(params: Params): void {
  for (const v of params.values()) v.dispose();
}

/** A training run in progress: the weights being trained, Adam, the state and each task's best weights. */
class Trainer {
  readonly kinds: number[];
  readonly names: string[];
  readonly adam: Adam;
  best = new Map<number, Params>();
  resumed = false;
  state: CheckpointState;

  constructor(
    readonly dataset: Dataset,
    readonly model: NcfModel,
    readonly options: TrainOptions,
    readonly outDir: string,
    readonly split: { train: number[]; valid: number[] },
  ) {
    this.kinds = taskKinds(model.config.task);
    // The readout serves embeddings only: no task trains it.
    this.names = [...model.params.keys()].filter((n) => !n.startsWith("readout/")).sort();
    this.adam = new Adam(options.lr, this.names, model.params);
    this.state = {
      format: "ncf-checkpoint",
      version: MODEL_VERSION,
      config: model.config,
      options,
      epoch: 0,
      batch: 0,
      steps: 0,
      best: {},
      badEpochs: 0,
      history: [],
      epochLoss: 0,
      epochWeight: 0,
      epochSeconds: 0,
      done: false,
    };
  }

  get checkpointPath(): string {
    return join(this.outDir, `${CHECKPOINT_STEM}.json`);
  }

  /** Continues from the folder's checkpoint, if there is one. */
  async restore(): Promise<void> {
    const fix =
      `run train again with --restart: it discards ${this.outDir}'s checkpoint and trains from scratch`;
    const saved = await loadWeightsRecord<CheckpointState & WeightsRecord>(
      this.outDir,
      CHECKPOINT_STEM,
      { fix },
    );
    if (!saved) return;
    const { record: old, tensors } = saved;
    const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
    if (
      old.format !== "ncf-checkpoint" || old.version !== MODEL_VERSION ||
      !same(old.config, this.model.config) ||
      !same({ ...old.options, epochs: 0 }, { ...this.options, epochs: 0 })
    ) {
      tf.dispose([...tensors.values()]);
      throw new UserError(
        `${this.outDir} holds a checkpoint of another configuration`,
        "use the same options to resume it (only --epochs may change), pass a new --out folder, or add --restart to discard it",
      );
    }
    const get = (name: string) => {
      const t = tensors.get(name);
      if (!t) {
        throw new UserError(`${this.checkpointPath} is damaged: it has no weight ${name}`, fix);
      }
      return t;
    };
    for (const [n, v] of this.model.params) v.assign(get(`live:${n}`));
    for (const n of this.names) {
      this.adam.m.get(n)!.assign(get(`adam_m:${n}`));
      this.adam.v.get(n)!.assign(get(`adam_v:${n}`));
    }
    for (
      const [k, params] of taskWeightsFrom(this.model.config, tensors, this.checkpointPath, fix)
    ) {
      if (old.best[TASK_NAMES[k]]) this.best.set(k, params);
      else disposeParams(params);
    }
    tf.dispose([...tensors.values()]);
    this.adam.step = old.steps;
    this.state = { ...old, options: this.options };
    const { epoch, badEpochs } = this.state;
    if (this.state.done && epoch < this.options.epochs && badEpochs < this.options.patience) {
      this.state.done = false;
    }
    this.resumed = true;
  }

  /** Writes the checkpoint (atomically, with its weights). */
  async saveCheckpoint(): Promise<void> {
    this.state.steps = this.adam.step;
    const tensors = new Map<string, tf.Tensor>();
    for (const [n, v] of this.model.params) tensors.set(`live:${n}`, v);
    for (const n of this.names) {
      tensors.set(`adam_m:${n}`, this.adam.m.get(n)!);
      tensors.set(`adam_v:${n}`, this.adam.v.get(n)!);
    }
    // A task without a best epoch yet stores the live weights: every checkpoint has a set per task.
    const best = new Map(this.kinds.map((k) => [k, this.best.get(k) ?? this.model.params]));
    for (const [name, t] of taskWeightTensors(best)) tensors.set(name, t);
    await saveWeightsRecord(this.outDir, CHECKPOINT_STEM, { ...this.state }, tensors);
  }

  /**
   * Trains the rest of the current epoch; returns false when stopped early by
   * `stopAfterBatches` (after a checkpoint).
   */
  async trainEpoch(run: RunOptions, progress: Progress): Promise<boolean> {
    const { dataset, model, state } = this;
    const batches = epochBatches(dataset, this.split.train, this.options, state.epoch);
    const planner = model.planner(dataset, "pruned");
    const vars = this.names.map((n) => model.params.get(n)!);
    const varName = new Map(vars.map((v, k) => [v.name, this.names[k]]));
    const checkpointEvery = (run.checkpointEverySeconds ?? 60) * 1000;
    let lastCheckpoint = performance.now(), epochStart = lastCheckpoint, batchesThisCall = 0;
    const saveMidEpoch = async () => {
      state.batch++;
      const now = performance.now();
      state.epochSeconds += (now - epochStart) / 1000;
      epochStart = now;
      await this.saveCheckpoint();
      lastCheckpoint = performance.now();
    };
    for (; state.batch < batches.length; state.batch++) {
      const plan = planner.plan(batches[state.batch]);
      const lossTensor = tf.tidy(() => {
        const { value, grads } = tf.variableGrads(
          () => batchLoss(model.params, plan, model.heads),
          vars,
        );
        this.adam.apply(
          model.params,
          new Map(Object.entries(grads).map(([k, g]) => [varName.get(k)!, g])),
        );
        return value;
      });
      const count = batches[state.batch].reduce((s, g) => s + g.instances.length, 0);
      state.epochLoss += lossTensor.dataSync()[0] * count;
      state.epochWeight += count;
      lossTensor.dispose();
      progress.tick(count);
      batchesThisCall++;
      if (run.stopAfterBatches !== undefined && batchesThisCall >= run.stopAfterBatches) {
        await saveMidEpoch();
        return false;
      }
      if (performance.now() - lastCheckpoint > checkpointEvery) {
        await saveMidEpoch();
        state.batch--;
      }
    }
    state.epochSeconds += (performance.now() - epochStart) / 1000;
    return true;
  }

  /** Scores the epoch on the validation split, keeps each improved task's weights, and checkpoints. */
  async endEpoch(): Promise<void> {
    const { state } = this;
    const started = performance.now();
    const valid = validate(this.model, this.dataset, this.split.valid);
    let improved = false;
    for (const kind of this.kinds) {
      const name = TASK_NAMES[kind];
      const previous = state.best[name];
      const score = valid[name];
      // Without validation instances a task keeps its latest epoch (and training goes on).
      if (score && previous && !improves(kind, score, previous.validation)) continue;
      improved = true;
      state.best[name] = { epoch: state.epoch, validation: score };
      const old = this.best.get(kind);
      if (old) disposeParams(old);
      this.best.set(kind, snapshot(this.model.params));
    }
    state.history.push({
      epoch: state.epoch,
      steps: this.adam.step,
      trainLoss: state.epochLoss / Math.max(1, state.epochWeight),
      validLoss: Object.values(valid).reduce((sum, v) => sum + v.loss, 0),
      valid,
      seconds: state.epochSeconds + (performance.now() - started) / 1000,
    });
    state.badEpochs = improved ? 0 : state.badEpochs + 1;
    state.epoch++;
    state.batch = 0;
    state.epochLoss = state.epochWeight = state.epochSeconds = 0;
    state.done = state.epoch >= this.options.epochs || state.badEpochs >= this.options.patience;
    await this.saveCheckpoint();
  }

  /** The model of each task's best weights; when training is over, also written as the folder's model. */
  async finish(finished: boolean): Promise<TrainResult> {
    this.adam.dispose();
    const weights = new Map(
      this.kinds.map((k) => [k, this.best.get(k) ?? snapshot(this.model.params)]),
    );
    for (const v of this.model.params.values()) v.dispose();
    const model = new NcfModel(this.model.config, weights);
    const valid = model.evaluate(this.dataset, this.split.valid);
    const bestEpochs = Object.fromEntries(
      Object.entries(this.state.best).map(([task, best]) => [task, best!.epoch]),
    );
    if (finished) {
      await saveModel(this.outDir, {
        format: "ncf-model",
        version: MODEL_VERSION,
        config: model.config,
        options: { ...this.options },
        bestEpochs,
        history: this.state.history,
        valid,
      }, weights);
    }
    return {
      model,
      history: this.state.history,
      bestEpochs,
      valid,
      finished,
      resumed: this.resumed,
    };
  }
}

/**
 * Trains a model on `dataset` into `outDir`, resuming from a checkpoint
 * there when one exists (with the same spec and options; only `epochs` may
 * differ; `run.restart` discards it). Returns each task's best model.
 */
export async function train(
  dataset: Dataset,
  spec: TrainSpec,
  options: TrainOptions,
  outDir: string,
  run: RunOptions = {},
): Promise<TrainResult> {
  await prepareOutput(outDir, run.restart ?? false);
  const split = {
    train: taskIndices(dataset, spec.task, "train"),
    valid: taskIndices(dataset, spec.task, "valid"),
  };
  for (const kind of taskKinds(spec.task)) {
    if (!split.train.some((i) => dataset.instances.task[i] === kind)) {
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
  const model = NcfModel.create(fittedConfig(dataset, spec, split.train), options.seed);
  const trainer = new Trainer(dataset, model, options, outDir, split);
  await trainer.restore();
  // A finished run: (re)write its model, in case it stopped between the checkpoint and the model.
  if (trainer.state.done) return trainer.finish(true);
  const progress = new Progress({
    label: `train ${spec.task}${spec.staticOnly ? " static-only" : ""}`,
    total: split.train.length * (options.epochs - trainer.state.epoch),
    unit: "graphs",
    quiet: run.quiet,
  });
  while (!trainer.state.done) {
    if (!(await trainer.trainEpoch(run, progress))) {
      progress.finish(`stopped; checkpoint in ${trainer.checkpointPath}`);
      return trainer.finish(false);
    }
    await trainer.endEpoch();
  }
  const result = await trainer.finish(true);
  progress.finish(
    `model in ${join(outDir, "model.json")} (best epochs ${JSON.stringify(result.bestEpochs)})`,
  );
  return result;
}
