/**
 * A trained or training NCF model: config + weights, with batched inference
 * (per-instance predictions, metrics, graph embeddings) and weight files.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { UserError } from "../common/mod.ts";
import { createEncoding, type EncodingSpec, type ValueEncoding } from "../graph/encode.ts";
import { type Dataset, TASK_ADDRESS, TASK_BRANCH, TASK_NAMES } from "../graph/types.ts";
import { type Group, Planner } from "./batch.ts";
import { ADDRESS_BITS, headLogits, initParams, type Params, propagate, readout } from "./ggnn.ts";

/** What the network is and what it is trained for; saved with every model and checkpoint. */
export interface ModelConfig {
  task: "branch" | "address" | "multi";
  /** Hide every dynamic value: the baseline without execution. */
  staticOnly: boolean;
  /** The value encoding (a categorical one includes its fitted vocabulary). */
  encoding: EncodingSpec;
  hidden: number;
  steps: number;
  /** Start nodes from token embeddings (opcodes, operand names) too; the paper starts instructions from zeros. */
  tokens: boolean;
  /** Forward edge types of the dataset the model was built for (reverse types are added). */
  edgeTypes: string[];
  /** Token vocabulary size of that dataset. */
  vocabularySize: number;
}

/** Per-instance predictions, columnar, in the order the instances were asked for. */
export interface Predictions {
  /** Dataset index of each prediction. */
  instance: Uint32Array;
  /** Task kind ({@linkcode TASK_BRANCH} or TASK_ADDRESS). */
  task: Uint8Array;
  /** Branch: predicted probability of taken (NaN for address instances). */
  takenProbability: Float32Array;
  /** Address: the predicted next address (0n for branch instances). */
  address: BigUint64Array;
  /** 1 when the prediction is right (branch: taken decision; address: all 64 bits). */
  correct: Uint8Array;
  /** Address: 1 when bits 63..6 are right (the 64-byte cache line); branch: same as `correct`. */
  lineCorrect: Uint8Array;
}

/** Metrics over a set of instances (the JSON `evaluate` prints). */
export interface Metrics {
  instances: number;
  branch?: { count: number; accuracy: number; mispredictionRate: number };
  address?: { count: number; lineAccuracy: number; exactAccuracy: number };
}

/** Options of {@linkcode NcfModel.predict} and {@linkcode NcfModel.embed}. */
export interface InferenceOptions {
  /** Instances per batch (default 256). */
  batchSize?: number;
  /** Called after each batch with the number of instances done in it. */
  onBatch?: (instances: number) => void;
}

/** The tasks a model's config trains on. */
export function taskKinds(task: ModelConfig["task"]): number[] {
  return task === "multi" ? [TASK_BRANCH, TASK_ADDRESS] : [TASK_NAMES.indexOf(task)];
}

/** Groups `indices` by topology, then cuts each topology's list into chunks of at most `size`. */
export function groupByTopology(
  dataset: Dataset,
  indices: ArrayLike<number>,
  size: number,
): Group[] {
  const byTopology = new Map<number, number[]>();
  for (let k = 0; k < indices.length; k++) {
    const i = indices[k];
    const topo = dataset.instances.topology[i];
    const list = byTopology.get(topo);
    if (list) list.push(i);
    else byTopology.set(topo, [i]);
  }
  const groups: Group[] = [];
  for (const [topology, list] of [...byTopology.entries()].sort((a, b) => a[0] - b[0])) {
    for (let s = 0; s < list.length; s += size) {
      groups.push({ topology, instances: list.slice(s, s + size) });
    }
  }
  return groups;
}

/** Packs groups into batches of about `batchSize` instances (a batch never splits a group). */
export function packGroups(groups: Group[], batchSize: number): Group[][] {
  const batches: Group[][] = [];
  let current: Group[] = [];
  let count = 0;
  for (const g of groups) {
    current.push(g);
    count += g.instances.length;
    if (count >= batchSize) {
      batches.push(current);
      current = [];
      count = 0;
    }
  }
  if (current.length > 0) batches.push(current);
  return batches;
}

/** A network with its config and weights. */
export class NcfModel {
  readonly encoding: ValueEncoding;
  #planners = new WeakMap<Dataset, { pruned: Planner; full: Planner }>();

  constructor(readonly config: ModelConfig, readonly params: Params) {
    this.encoding = createEncoding(config.encoding);
  }

  /** A new model with fresh weights drawn from `seed`. */
  static create(config: ModelConfig, seed: number): NcfModel {
    const encoding = createEncoding(config.encoding);
    const params = initParams({
      hidden: config.hidden,
      steps: config.steps,
      messageTypes: 2 * config.edgeTypes.length,
      encodingWidth: encoding.width,
      vocabularySize: config.tokens ? config.vocabularySize : 0,
    }, seed);
    return new NcfModel(config, params);
  }

  /** Throws a {@linkcode UserError} when `dataset` does not fit this model (edge types, vocabulary). */
  checkDataset(dataset: Dataset, where: string): void {
    if (JSON.stringify(dataset.edgeTypes) !== JSON.stringify(this.config.edgeTypes)) {
      throw new UserError(
        `${where} has edge types [${dataset.edgeTypes}], the model was built for [${this.config.edgeTypes}]`,
        "use a dataset built by the same graph builder version as the model's training set",
      );
    }
    if (this.config.tokens && dataset.vocabulary.length > this.config.vocabularySize) {
      throw new UserError(
        `${where} has ${dataset.vocabulary.length} tokens, the model knows ${this.config.vocabularySize}`,
        "use a dataset with the training set's vocabulary, or train without --tokens",
      );
    }
  }

  /** The batch planner for `dataset` (`pruned` for task heads, `full` for graph readouts). */
  planner(dataset: Dataset, kind: "pruned" | "full"): Planner {
    let entry = this.#planners.get(dataset);
    if (!entry) {
      const base = {
        steps: this.config.steps,
        hideValues: this.config.staticOnly,
        useTokens: this.config.tokens,
        encoding: this.encoding,
      };
      entry = {
        pruned: new Planner(dataset, { ...base, prune: true }),
        full: new Planner(dataset, { ...base, prune: false }),
      };
      this.#planners.set(dataset, entry);
    }
    return entry[kind];
  }

  /** The model's prediction for each instance in `indices` (any order; results follow it). */
  predict(
    dataset: Dataset,
    indices: ArrayLike<number>,
    options: InferenceOptions = {},
  ): Predictions {
    const n = indices.length;
    const out: Predictions = {
      instance: Uint32Array.from(indices),
      task: new Uint8Array(n),
      takenProbability: new Float32Array(n).fill(NaN),
      address: new BigUint64Array(n),
      correct: new Uint8Array(n),
      lineCorrect: new Uint8Array(n),
    };
    const slot = new Map<number, number>();
    for (let k = 0; k < n; k++) slot.set(indices[k], k);
    const planner = this.planner(dataset, "pruned");
    const batchSize = options.batchSize ?? 256;
    const inst = dataset.instances;
    for (const batch of packGroups(groupByTopology(dataset, indices, batchSize), batchSize)) {
      const plan = planner.plan(batch);
      const tensors = tf.tidy(() => {
        const states = propagate(this.params, plan);
        return plan.tasks.map((ex, kind) =>
          ex.count === 0
            ? tf.zeros([0])
            : headLogits(this.params, kind === TASK_BRANCH ? "branch" : "address", states, ex)
        );
      });
      const results = tensors.map((t) => t.dataSync() as Float32Array);
      tf.dispose(tensors);
      plan.tasks.forEach((ex, kind) => {
        const logits = results[kind];
        if (ex.count === 0) return;
        ex.members.forEach((members, r) => {
          if (kind === TASK_BRANCH) {
            const prob = 1 / (1 + Math.exp(-logits[r]));
            for (const i of members) {
              const k = slot.get(i)!;
              out.task[k] = kind;
              out.takenProbability[k] = prob;
              out.correct[k] = out.lineCorrect[k] = Number(
                (logits[r] > 0 ? 1n : 0n) === inst.label[i],
              );
            }
          } else {
            let lo = 0, hi = 0;
            for (let j = 0; j < 32; j++) {
              if (logits[r * ADDRESS_BITS + j] > 0) lo |= 1 << j;
              if (logits[r * ADDRESS_BITS + 32 + j] > 0) hi |= 1 << j;
            }
            const address = (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0);
            for (const i of members) {
              const k = slot.get(i)!;
              out.task[k] = kind;
              out.address[k] = address;
              out.correct[k] = Number(address === inst.label[i]);
              out.lineCorrect[k] = Number(address >> 6n === inst.label[i] >> 6n);
            }
          }
        });
      });
      options.onBatch?.(batch.reduce((s, g) => s + g.instances.length, 0));
    }
    return out;
  }

  /**
   * Graph embeddings `[indices.length, H]` (row k for instance indices[k]):
   * the gated readout or the mean final node state over every node.
   */
  embed(
    dataset: Dataset,
    indices: ArrayLike<number>,
    options: InferenceOptions & { pooling?: "gated" | "mean" } = {},
  ): Float32Array {
    const H = this.config.hidden;
    const out = new Float32Array(indices.length * H);
    const slot = new Map<number, number>();
    for (let k = 0; k < indices.length; k++) slot.set(indices[k], k);
    const planner = this.planner(dataset, "full");
    const batchSize = options.batchSize ?? 256;
    for (const batch of packGroups(groupByTopology(dataset, indices, batchSize), batchSize)) {
      const plan = planner.plan(batch);
      const embTensor = tf.tidy(() =>
        readout(this.params, plan, propagate(this.params, plan), options.pooling ?? "gated")
      );
      const emb = embTensor.dataSync() as Float32Array;
      embTensor.dispose();
      plan.graphMembers.forEach((members, r) => {
        for (const i of members) out.set(emb.subarray(r * H, (r + 1) * H), slot.get(i)! * H);
      });
      options.onBatch?.(batch.reduce((s, g) => s + g.instances.length, 0));
    }
    return out;
  }

  /** Frees the weights' tensor memory; the model is unusable afterwards. */
  dispose(): void {
    for (const v of this.params.values()) v.dispose();
  }

  /** Metrics of this model on `indices` (see {@linkcode Metrics}). */
  evaluate(dataset: Dataset, indices: ArrayLike<number>, options: InferenceOptions = {}): Metrics {
    return metricsOf(this.predict(dataset, indices, options));
  }
}

/** Aggregates per-instance predictions into {@linkcode Metrics}. */
export function metricsOf(p: Predictions): Metrics {
  const metrics: Metrics = { instances: p.instance.length };
  let nb = 0, cb = 0, na = 0, line = 0, exact = 0;
  for (let k = 0; k < p.instance.length; k++) {
    if (p.task[k] === TASK_BRANCH) {
      nb++;
      cb += p.correct[k];
    } else {
      na++;
      line += p.lineCorrect[k];
      exact += p.correct[k];
    }
  }
  if (nb > 0) metrics.branch = { count: nb, accuracy: cb / nb, mispredictionRate: 1 - cb / nb };
  if (na > 0) metrics.address = { count: na, lineAccuracy: line / na, exactAccuracy: exact / na };
  return metrics;
}

const WEIGHTS_MAGIC = "NCFW";

/** Serialises named float32 tensors and a JSON header into one buffer: magic, header length, header, data. */
export function encodeTensors(
  header: Record<string, unknown>,
  tensors: Map<string, tf.Tensor>,
): Uint8Array {
  const names = [...tensors.keys()].sort();
  const shapes = names.map((n) => tensors.get(n)!.shape);
  const head = new TextEncoder().encode(JSON.stringify({ ...header, tensors: { names, shapes } }));
  const padded = Math.ceil((8 + head.length) / 4) * 4;
  const total = names.reduce((s, n) => s + tensors.get(n)!.size, 0);
  const buf = new Uint8Array(padded + total * 4);
  buf.set(new TextEncoder().encode(WEIGHTS_MAGIC), 0);
  new DataView(buf.buffer).setUint32(4, head.length, true);
  buf.set(head, 8);
  const data = new Float32Array(buf.buffer, padded, total);
  let offset = 0;
  for (const n of names) {
    const values = tensors.get(n)!.dataSync() as Float32Array;
    data.set(values, offset);
    offset += values.length;
  }
  return buf;
}

/** Reads a buffer written by {@linkcode encodeTensors}. */
export function decodeTensors(
  buf: Uint8Array,
  where: string,
): {
  header: Record<string, unknown>;
  arrays: Map<string, { shape: number[]; values: Float32Array }>;
} {
  if (buf.length < 8 || new TextDecoder().decode(buf.subarray(0, 4)) !== WEIGHTS_MAGIC) {
    throw new UserError(
      `${where} is not an ncf weights file`,
      "pass a model folder written by `deno task train`",
    );
  }
  const headLength = new DataView(buf.buffer, buf.byteOffset).getUint32(4, true);
  const header = JSON.parse(new TextDecoder().decode(buf.subarray(8, 8 + headLength)));
  const padded = Math.ceil((8 + headLength) / 4) * 4;
  const copy = buf.slice(padded);
  const data = new Float32Array(copy.buffer, 0, copy.length / 4);
  const arrays = new Map<string, { shape: number[]; values: Float32Array }>();
  let offset = 0;
  const { names, shapes } = header.tensors as { names: string[]; shapes: number[][] };
  names.forEach((n, i) => {
    const size = shapes[i].reduce((a, b) => a * b, 1);
    arrays.set(n, { shape: shapes[i], values: data.subarray(offset, offset + size) });
    offset += size;
  });
  if (offset !== data.length) {
    throw new UserError(`${where} is truncated or corrupt`, "retrain the model");
  }
  return { header, arrays };
}
