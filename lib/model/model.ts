/**
 * A trained or training NCF model: config and weights, with batched
 * inference: per-instance predictions, metrics, losses and graph embeddings.
 *
 * A multi-task model may hold one weight set per task (each task's best
 * epoch, see train.ts): each task is then evaluated with its own set, and the
 * graph embeddings come from the first task's (branch).
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { UserError } from "../common/mod.ts";
import { createEncoding, type EncodingSpec, type ValueEncoding } from "../graph/encode.ts";
import { type Dataset, TASK_ADDRESS, TASK_BRANCH, TASK_NAMES } from "../graph/types.ts";
import { groupByTopology, packGroups, Planner } from "./batch.ts";
import { headLogits, headLoss, initParams, type Params, propagate, readout } from "./ggnn.ts";
import {
  type AddressHead,
  type AddressHeadSpec,
  BRANCH_HEAD,
  createAddressHead,
  type TaskHead,
} from "./heads.ts";

/** What the network is and what it is trained for; saved with every model and checkpoint. */
export interface ModelConfig {
  task: "branch" | "address" | "multi";
  /** Hide every dynamic value: the baseline without execution. */
  staticOnly: boolean;
  /** The value encoding (a categorical one includes its fitted vocabulary). */
  encoding: EncodingSpec;
  hidden: number;
  steps: number;
  /** Start every node from its token's embedding too (an instruction's mnemonic, a register's name). */
  tokens: boolean;
  /**
   * The token names the model embeds, sorted (row k of `embed/tokens` is `vocabulary[k]`; the
   * row after the last is the "unknown" token for every other name). Empty without tokens.
   * Datasets are mapped onto it by name, so their own vocabularies may differ in order and content.
   */
  vocabulary: string[];
  /** The fitted address head (see heads.ts), when the model predicts addresses. */
  addressHead?: AddressHeadSpec;
  /** Forward edge types of the dataset the model was built for (reverse types are added). */
  edgeTypes: string[];
}

/** Per-instance predictions, columnar, in the order the instances were asked for. */
export interface Predictions {
  /** Dataset index of each prediction. */
  instance: Uint32Array;
  /** Task kind ({@linkcode TASK_BRANCH} or TASK_ADDRESS). */
  task: Uint8Array;
  /** Branch: predicted probability of taken (NaN for address instances). */
  takenProbability: Float32Array;
  /** 1 when the model predicts something: always for branches; 0 for an address head's "no prediction". */
  predicted: Uint8Array;
  /** Address: the predicted next address (0n for branch instances and for "no prediction"). */
  address: BigUint64Array;
  /** 1 when the prediction is right (branch: taken decision; address: all 64 bits); 0 without a prediction. */
  correct: Uint8Array;
  /** Address: 1 when bits 63..6 are right (the 64-byte cache line); branch: same as `correct`. */
  lineCorrect: Uint8Array;
}

/** Metrics over a set of instances (the JSON `evaluate` prints). */
export interface Metrics {
  instances: number;
  branch?: { count: number; accuracy: number; mispredictionRate: number };
  address?: {
    count: number;
    /** Instances with a prediction. */
    predictions: number;
    /** `predictions / count`: the share of instances with a prediction. */
    coverage: number;
    /** Share of the predictions whose cache line is right (0 without predictions). */
    accuracy: number;
    /** Share of all instances whose next cache line is predicted right: the headline. */
    lineAccuracy: number;
    /** Share of all instances whose next address is predicted exactly. */
    exactAccuracy: number;
  };
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

/** The logits of one task's examples in one batch, as handed to an inference visitor. */
interface TaskLogits {
  kind: number;
  /** Row r is the representative standing for `members[r]`. */
  members: number[][];
  logits: Float32Array;
  width: number;
  /** Weighted mean loss over the representatives (NaN unless asked for), and their total weight. */
  loss: number;
  weight: number;
}

/** A network with its config and weights (one set, or one per task). */
export class NcfModel {
  readonly encoding: ValueEncoding;
  /** The address head's decoder, when the model predicts addresses. */
  readonly addressHead: AddressHead | undefined;
  /** The weights each task of the model is evaluated with, by task kind (one object when shared). */
  readonly weights: ReadonlyMap<number, Params>;
  #planners = new WeakMap<Dataset, { pruned: Planner; full: Planner }>();

  /** A model of `config` with the weights of each of its tasks, by task kind. */
  constructor(readonly config: ModelConfig, weights: ReadonlyMap<number, Params>) {
    this.encoding = createEncoding(config.encoding);
    this.addressHead = config.addressHead ? createAddressHead(config.addressHead) : undefined;
    for (const k of taskKinds(config.task)) {
      if (!weights.has(k)) throw new Error(`no weights for task ${TASK_NAMES[k]}`);
    }
    this.weights = weights;
  }

  /** A new model with fresh weights drawn from `seed`, shared by its tasks. */
  static create(config: ModelConfig, seed: number): NcfModel {
    const encoding = createEncoding(config.encoding);
    const kinds = taskKinds(config.task);
    if (kinds.includes(TASK_ADDRESS) && !config.addressHead) {
      throw new Error("a model that predicts addresses needs its addressHead");
    }
    const params = initParams({
      hidden: config.hidden,
      steps: config.steps,
      messageTypes: 2 * config.edgeTypes.length,
      encodingWidth: encoding.width,
      tokenRows: config.tokens ? config.vocabulary.length + 1 : 0,
      heads: {
        branch: kinds.includes(TASK_BRANCH) ? BRANCH_HEAD.width : undefined,
        address: config.addressHead ? createAddressHead(config.addressHead).width : undefined,
      },
    }, seed);
    return new NcfModel(config, new Map(kinds.map((k) => [k, params])));
  }

  /** The weights of the model's first task (branch in a multi-task model): what embeddings use. */
  get params(): Params {
    return this.weights.get(taskKinds(this.config.task)[0])!;
  }

  /** The head of each task the model has, by task kind. */
  get heads(): [TaskHead | undefined, TaskHead | undefined] {
    const kinds = taskKinds(this.config.task);
    return [kinds.includes(TASK_BRANCH) ? BRANCH_HEAD : undefined, this.addressHead];
  }

  /** Throws a {@linkcode UserError} when `dataset` does not fit this model (edge types). */
  checkDataset(dataset: Dataset, where: string): void {
    if (JSON.stringify(dataset.edgeTypes) !== JSON.stringify(this.config.edgeTypes)) {
      throw new UserError(
        `${where} has edge types [${dataset.edgeTypes}], the model was built for [${this.config.edgeTypes}]`,
        "use a dataset built by the same graph builder version as the model's training set",
      );
    }
  }

  /**
   * The embedding row of each of `dataset`'s token ids: its name's row in the
   * model's vocabulary, or the "unknown" row for a name the model never saw.
   */
  tokenIds(dataset: Dataset): Int32Array {
    const row = new Map(this.config.vocabulary.map((name, k) => [name, k]));
    const unknown = this.config.vocabulary.length;
    return Int32Array.from(dataset.vocabulary, (name) => row.get(name) ?? unknown);
  }

  /** The batch planner for `dataset` (`pruned` for task heads, `full` for graph readouts). */
  planner(dataset: Dataset, kind: "pruned" | "full"): Planner {
    let entry = this.#planners.get(dataset);
    if (!entry) {
      const unknown = this.config.vocabulary.length;
      const base = {
        steps: this.config.steps,
        hideValues: this.config.staticOnly,
        tokens: this.config.tokens
          ? { ids: this.tokenIds(dataset), unknown, rows: unknown + 1 }
          : null,
        encoding: this.encoding,
        heads: this.heads,
      };
      entry = {
        pruned: new Planner(dataset, { ...base, prune: true }),
        full: new Planner(dataset, { ...base, prune: false }),
      };
      this.#planners.set(dataset, entry);
    }
    return entry[kind];
  }

  /**
   * Runs the task heads over `indices` in batches, each task with its own
   * weights, and hands every batch's logits to `visit`.
   */
  #run(
    dataset: Dataset,
    indices: ArrayLike<number>,
    options: InferenceOptions & { withLoss?: boolean },
    visit: (result: TaskLogits) => void,
  ): void {
    const planner = this.planner(dataset, "pruned");
    const batchSize = options.batchSize ?? 256;
    const heads = this.heads;
    const sets = new Map<Params, number[]>();
    for (const [kind, params] of this.weights) {
      sets.set(params, [...(sets.get(params) ?? []), kind]);
    }
    for (const [params, kinds] of sets) {
      const mine = Array.from(indices).filter((i) => kinds.includes(dataset.instances.task[i]));
      for (const batch of packGroups(groupByTopology(dataset, mine, batchSize), batchSize)) {
        const plan = planner.plan(batch);
        const outputs = tf.tidy(() => {
          const states = propagate(params, plan);
          return plan.tasks.map((ex, kind) => {
            if (ex.count === 0 || !kinds.includes(kind)) return undefined;
            const logits = headLogits(
              params,
              kind === TASK_BRANCH ? "branch" : "address",
              states,
              ex,
            );
            const loss = options.withLoss ? headLoss(logits, ex, heads[kind]!.loss) : undefined;
            return { logits, loss };
          });
        });
        outputs.forEach((out, kind) => {
          if (!out) return;
          const ex = plan.tasks[kind];
          visit({
            kind,
            members: ex.members,
            logits: out.logits.dataSync() as Float32Array,
            width: out.logits.shape[1],
            loss: out.loss ? out.loss.dataSync()[0] : NaN,
            weight: ex.weight.reduce((a, b) => a + b, 0),
          });
          tf.dispose([out.logits, ...(out.loss ? [out.loss] : [])]);
        });
        options.onBatch?.(batch.reduce((s, g) => s + g.instances.length, 0));
      }
    }
  }

  /** The model's prediction for each instance in `indices` (any order; results follow it). */
  predict(
    dataset: Dataset,
    indices: ArrayLike<number>,
    options: InferenceOptions = {},
  ): Predictions {
    return this.#predictAndScore(dataset, indices, { ...options, withLoss: false }).predictions;
  }

  /**
   * Predictions and each task's weighted mean loss (indexed by task kind;
   * NaN for a task without instances in `indices`).
   */
  predictWithLoss(
    dataset: Dataset,
    indices: ArrayLike<number>,
    options: InferenceOptions = {},
  ): { predictions: Predictions; loss: [number, number] } {
    return this.#predictAndScore(dataset, indices, { ...options, withLoss: true });
  }

  #predictAndScore(
    dataset: Dataset,
    indices: ArrayLike<number>,
    options: InferenceOptions & { withLoss: boolean },
  ): { predictions: Predictions; loss: [number, number] } {
    const n = indices.length;
    const out: Predictions = {
      instance: Uint32Array.from(indices),
      task: new Uint8Array(n),
      takenProbability: new Float32Array(n).fill(NaN),
      predicted: new Uint8Array(n),
      address: new BigUint64Array(n),
      correct: new Uint8Array(n),
      lineCorrect: new Uint8Array(n),
    };
    const slot = new Map<number, number>();
    for (let k = 0; k < n; k++) slot.set(indices[k], k);
    const lossSum = [0, 0], lossWeight = [0, 0];
    const inst = dataset.instances;
    this.#run(dataset, indices, options, ({ kind, members, logits, width, loss, weight }) => {
      lossSum[kind] += loss * weight;
      lossWeight[kind] += weight;
      members.forEach((ms, r) => {
        for (const i of ms) {
          const k = slot.get(i)!;
          if (kind === TASK_BRANCH) {
            out.predicted[k] = 1;
            out.takenProbability[k] = 1 / (1 + Math.exp(-logits[r]));
            out.correct[k] = out.lineCorrect[k] = Number(
              (logits[r] > 0 ? 1n : 0n) === inst.label[i],
            );
            continue;
          }
          const address = this.addressHead!.decode(logits, r * width, {
            current: inst.currentAddress[i],
            value: inst.currentValue[i],
          });
          if (address === undefined) continue;
          out.predicted[k] = 1;
          out.address[k] = address;
          out.correct[k] = Number(address === inst.label[i]);
          out.lineCorrect[k] = Number(address >> 6n === inst.label[i] >> 6n);
        }
      });
    });
    for (let k = 0; k < n; k++) out.task[k] = inst.task[indices[k]];
    const loss = [0, 1].map((k) => lossWeight[k] > 0 ? lossSum[k] / lossWeight[k] : NaN);
    return { predictions: out, loss: loss as [number, number] };
  }

  /**
   * Graph embeddings `[indices.length, H]` (row k for instance indices[k]):
   * the gated readout or the mean final node state over every node, with the
   * weights of the model's first task ({@linkcode params}).
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
    for (const params of new Set(this.weights.values())) {
      for (const v of params.values()) v.dispose();
    }
  }

  /** Metrics of this model on `indices` (see {@linkcode Metrics}). */
  evaluate(dataset: Dataset, indices: ArrayLike<number>, options: InferenceOptions = {}): Metrics {
    return metricsOf(this.predict(dataset, indices, options));
  }
}

/** Aggregates per-instance predictions into {@linkcode Metrics}. */
export function metricsOf(p: Predictions): Metrics {
  const metrics: Metrics = { instances: p.instance.length };
  let nb = 0, cb = 0, na = 0, predicted = 0, line = 0, exact = 0;
  for (let k = 0; k < p.instance.length; k++) {
    if (p.task[k] === TASK_BRANCH) {
      nb++;
      cb += p.correct[k];
    } else {
      na++;
      predicted += p.predicted[k];
      line += p.lineCorrect[k];
      exact += p.correct[k];
    }
  }
  if (nb > 0) metrics.branch = { count: nb, accuracy: cb / nb, mispredictionRate: 1 - cb / nb };
  if (na > 0) {
    metrics.address = {
      count: na,
      predictions: predicted,
      coverage: predicted / na,
      accuracy: predicted > 0 ? line / predicted : 0,
      lineAccuracy: line / na,
      exactAccuracy: exact / na,
    };
  }
  return metrics;
}
