/**
 * A trained model on disk: `model.json` (the model record: config, training
 * options, per-task best epochs, per-epoch history, validation metrics, and
 * the weights manifest) and the binary it names (see weights.ts). Each task's
 * weights are stored under `<task>:<weight name>`; a multi-task model selected
 * per task holds two sets.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { UserError } from "../common/mod.ts";
import { TASK_NAMES, type TaskName } from "../graph/types.ts";
import type { Params } from "./ggnn.ts";
import { type Metrics, type ModelConfig, NcfModel, taskKinds } from "./model.ts";
import { loadWeightsRecord, saveWeightsRecord, type WeightsRecord } from "./weights.ts";

/** Version of the model and checkpoint records; bumped on any incompatible change. */
export const MODEL_VERSION = 2;

/** Validation of one task after one epoch. */
export interface TaskValidation {
  /** The head's weighted mean loss on the validation split. */
  loss: number;
  /** The selection metric: branch misprediction rate (lower is better), address line accuracy over all instances (higher is better). */
  metric: number;
}

/** One epoch's record. */
export interface EpochRecord {
  epoch: number;
  /** Optimisation steps (batches) from the start of training to the end of this epoch. */
  steps: number;
  /** Mean training loss of the epoch (per batch: the sum of its tasks' losses). */
  trainLoss: number;
  /** Validation loss summed over the tasks (each task's weighted mean). */
  validLoss: number;
  /** Each task's validation (absent for a task without validation instances). */
  valid: Partial<Record<TaskName, TaskValidation>>;
  /** Seconds of this epoch (training and validation). */
  seconds: number;
}

/** What `model.json` holds besides the weights manifest. */
export interface ModelRecord {
  format: "ncf-model";
  version: number;
  config: ModelConfig;
  /** The training options (see train.ts `TrainOptions`). */
  options: Record<string, unknown>;
  /** The epoch whose weights each task uses (its best by its own validation metric). */
  bestEpochs: Partial<Record<TaskName, number>>;
  history: EpochRecord[];
  /** Metrics of the saved model on the validation split. */
  valid: Metrics;
}

/** The file stem of the model record (`model.json`, `model.<tag>.bin`). */
export const MODEL_STEM = "model";

/** Each task's weights as named tensors `<task>:<weight name>`. */
export function taskWeightTensors(weights: ReadonlyMap<number, Params>): Map<string, tf.Tensor> {
  const out = new Map<string, tf.Tensor>();
  for (const [kind, params] of weights) {
    for (const [name, v] of params) out.set(`${TASK_NAMES[kind]}:${name}`, v);
  }
  return out;
}

/**
 * Each task's weights of a `config` model from named tensors written by
 * {@linkcode taskWeightTensors}; throws a {@linkcode UserError} naming a
 * missing or misshapen weight.
 */
export function taskWeightsFrom(
  config: ModelConfig,
  tensors: ReadonlyMap<string, tf.Tensor>,
  where: string,
  fix: string,
): Map<number, Params> {
  const template = NcfModel.create(config, 0);
  const weights = new Map<number, Params>();
  for (const kind of taskKinds(config.task)) {
    const params: Params = new Map();
    for (const [name, v] of template.params) {
      const t = tensors.get(`${TASK_NAMES[kind]}:${name}`);
      if (!t || t.shape.join() !== v.shape.join()) {
        throw new UserError(
          `${where} has no weight ${TASK_NAMES[kind]}:${name} of shape [${v.shape}]`,
          fix,
        );
      }
      params.set(name, tf.variable(t, true));
    }
    weights.set(kind, params);
  }
  template.dispose();
  return weights;
}

/** Writes a trained model's record and weights into `dir` (see the module doc). */
export async function saveModel(
  dir: string,
  record: ModelRecord,
  weights: ReadonlyMap<number, Params>,
): Promise<void> {
  await saveWeightsRecord(dir, MODEL_STEM, { ...record }, taskWeightTensors(weights));
}

/** How to repair a damaged model folder. */
const RETRAIN = "train it again: `deno task train ... --restart` discards the damaged model";

/** The model record and weight tensors of `dir` (the caller disposes the tensors). */
async function readModelFiles(dir: string) {
  const loaded = await loadWeightsRecord<ModelRecord & WeightsRecord>(dir, MODEL_STEM, {
    fix: RETRAIN,
  });
  if (!loaded) {
    throw new UserError(
      `no trained model in ${dir} (model.json is missing)`,
      "pass the --out folder of a finished `deno task train` run",
    );
  }
  if (loaded.record.format !== "ncf-model" || loaded.record.version !== MODEL_VERSION) {
    tf.dispose([...loaded.tensors.values()]);
    throw new UserError(
      `${dir}/model.json is a model of version ${loaded.record.version}, this code reads ${MODEL_VERSION}`,
      "train it again with this code (`deno task train ... --restart`)",
    );
  }
  return loaded;
}

/** Copies the trained model of `fromDir` (its record and weights) into `toDir`, e.g. to ship it. */
export async function copyModel(fromDir: string, toDir: string): Promise<void> {
  const { record, tensors } = await readModelFiles(fromDir);
  try {
    const { weightsManifest: _, ...rest } = record;
    await Deno.mkdir(toDir, { recursive: true });
    await saveWeightsRecord(toDir, MODEL_STEM, rest, tensors);
  } finally {
    tf.dispose([...tensors.values()]);
  }
}

/** Loads the model a `deno task train` run left in `dir` (its `model.json`). */
export async function loadModel(dir: string): Promise<NcfModel> {
  const { record, tensors } = await readModelFiles(dir);
  try {
    return new NcfModel(
      record.config,
      taskWeightsFrom(record.config, tensors, `${dir}/model.json`, RETRAIN),
    );
  } finally {
    tf.dispose([...tensors.values()]);
  }
}
