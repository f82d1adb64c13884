/**
 * The NCF network: a gated graph neural network (Li et al. 2015) over the
 * fused graph, with a branch head, an address head and a graph readout.
 *
 * Written in the style of PyTorch Geometric's MessagePassing: each
 * propagation step is {@linkcode message}, {@linkcode aggregate} and
 * {@linkcode update}. Node states are 2-D tensors `[rows, H]` in the row
 * layout of a {@linkcode BatchPlan}.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import type { BatchPlan, StepPlan, TaskExamples } from "./batch.ts";
import { gruCell, matMul2d, sparseGather, sparseSum } from "./kernels.ts";
import { Rng } from "../common/random.ts";

/** Sizes of the network. */
export interface GgnnShape {
  /** Hidden size H. */
  hidden: number;
  /** Propagation steps T. */
  steps: number;
  /** Message types (forward and reverse edge types). */
  messageTypes: number;
  /** Width of an encoded value. */
  encodingWidth: number;
  /** Rows of the token embedding (the model's vocabulary and its "unknown" token); 0 disables tokens. */
  tokenRows: number;
  /** Output width of each task head the model has (see heads.ts). */
  heads: { branch?: number; address?: number };
}

/** The network's weights by name (stable names: they key the checkpoints). */
export type Params = Map<string, tf.Variable>;

/**
 * Fresh weights, drawn from `seed`: Glorot-uniform matrices, zero biases, and
 * the GRU initialised like PyTorch's (uniform ±1/√H, biases included). Token
 * embeddings start at zero: the network starts as the token-free one and
 * learns what each token adds (random token vectors slowed learning to copy a
 * loaded pointer: list_chase, absolute head, 25 epochs: 0.7% of next lines
 * right with random ones, 100% with zeros). The last row, the "unknown" token,
 * never trains, so a token the model never saw adds nothing.
 */
export function initParams(shape: GgnnShape, seed: number): Params {
  const rng = new Rng(`${seed}/init`);
  const H = shape.hidden;
  const params: Params = new Map();
  const uniform = (name: string, dims: number[], limit: number) => {
    const size = dims.reduce((a, b) => a * b, 1);
    const values = new Float32Array(size);
    for (let i = 0; i < size; i++) values[i] = (2 * rng.float() - 1) * limit;
    params.set(name, tf.variable(tf.tensor(values, dims), true));
  };
  const glorot = (name: string, rows: number, cols: number) =>
    uniform(name, [rows, cols], Math.sqrt(6 / (rows + cols)));
  const zeros = (name: string, dims: number[]) =>
    params.set(name, tf.variable(tf.zeros(dims), true));

  glorot("embed/w", shape.encodingWidth, H);
  zeros("embed/b", [H]);
  uniform("embed/unknown", [1, H], 1 / Math.sqrt(H));
  if (shape.tokenRows > 0) zeros("embed/tokens", [shape.tokenRows, H]);
  for (let m = 0; m < shape.messageTypes; m++) glorot(`message/w${m}`, H, H);
  const k = 1 / Math.sqrt(H);
  uniform("gru/wx", [H, 3 * H], k);
  uniform("gru/wh", [H, 3 * H], k);
  uniform("gru/bx", [3 * H], k);
  uniform("gru/bh", [3 * H], k);
  for (const head of ["branch", "address"] as const) {
    const out = shape.heads[head];
    if (out === undefined) continue;
    glorot(`${head}/w1`, 2 * H, H);
    zeros(`${head}/b1`, [H]);
    glorot(`${head}/w2`, H, out);
    zeros(`${head}/b2`, [out]);
  }
  glorot("readout/gate", 2 * H, H);
  zeros("readout/gate_b", [H]);
  glorot("readout/value", 2 * H, H);
  zeros("readout/value_b", [H]);
  return params;
}

function p(params: Params, name: string): tf.Variable {
  const v = params.get(name);
  if (!v) throw new Error(`missing weight ${name}`);
  return v;
}

/**
 * The initial node states `[rows[0], H]`: a learned dense layer over each
 * known value's encoding, a learned "unknown" vector for hidden values, zero
 * for instruction nodes, plus each node's token embedding when enabled.
 */
export function embed(params: Params, plan: BatchPlan): tf.Tensor2D {
  const inputs: tf.Tensor2D[] = [];
  const maps = [];
  if (plan.knownRows) {
    const w = p(params, "embed/w") as tf.Tensor2D;
    const x = tf.tensor2d(plan.encoded, [plan.numKnown, w.shape[0]]);
    inputs.push(tf.add(matMul2d(x, w), p(params, "embed/b")) as tf.Tensor2D);
    maps.push(plan.knownRows);
  }
  if (plan.unknownRows) {
    inputs.push(p(params, "embed/unknown") as tf.Tensor2D);
    maps.push(plan.unknownRows);
  }
  if (plan.tokenRows) {
    inputs.push(p(params, "embed/tokens") as tf.Tensor2D);
    maps.push(plan.tokenRows);
  }
  const H = p(params, "embed/b").shape[0];
  if (inputs.length === 0) return tf.zeros([plan.rows[0], H]);
  return sparseSum(inputs, maps);
}

/**
 * Messages of one step, per message type in `step.types`: `[pairs_m, H]`.
 * For each (destination, type) pair the source states are summed first
 * (`gather`, `[pairs_m, rows_{t-1}]` sparse) and then mapped by the type's
 * matrix `W_m` `[H, H]`: the same sum as mapping each edge, with fewer rows.
 */
export function message(params: Params, h: tf.Tensor2D, step: StepPlan): tf.Tensor2D[] {
  const gathered = sparseGather(h, step.gather);
  return step.types.map((m, k) => matMul2d(gathered[k], p(params, `message/w${m}`) as tf.Tensor2D));
}

/** Sum aggregation: each pair's message added into its destination row: `[rows_t, H]`. */
export function aggregate(messages: tf.Tensor2D[], step: StepPlan, hidden: number): tf.Tensor2D {
  if (messages.length === 0) return tf.zeros([step.rows, hidden]);
  return sparseSum(messages, step.scatter);
}

/** GRU update of the rows updated at this step: `GRU(aggregated [rows_t, H], h [rows_t of rows_{t-1}, H])`. */
export function update(
  params: Params,
  aggregated: tf.Tensor2D,
  h: tf.Tensor2D,
  step: StepPlan,
): tf.Tensor2D {
  const previous = step.keep ? sparseSum([h], [step.keep]) : h;
  return gruCell(
    matMul2d(aggregated, p(params, "gru/wx") as tf.Tensor2D),
    matMul2d(previous, p(params, "gru/wh") as tf.Tensor2D),
    previous,
    p(params, "gru/bx") as tf.Tensor1D,
    p(params, "gru/bh") as tf.Tensor1D,
  );
}

/** Node states of a batch: the initial `[rows[0], H]` and the final `[rows[T], H]`. */
export interface NodeStates {
  initial: tf.Tensor2D;
  final: tf.Tensor2D;
}

/** Runs embedding and T propagation steps. */
export function propagate(params: Params, plan: BatchPlan): NodeStates {
  const initial = embed(params, plan);
  const H = initial.shape[1];
  let h = initial;
  for (const step of plan.steps) {
    h = update(params, aggregate(message(params, h, step), step, H), h, step);
  }
  return { initial, final: h };
}

/**
 * A head's logits for its task examples: an MLP over the task node's final
 * and initial states `[count, 2H] -> H -> out` (out = the head's width, see
 * heads.ts).
 */
export function headLogits(
  params: Params,
  head: "branch" | "address",
  states: NodeStates,
  examples: TaskExamples,
): tf.Tensor2D {
  const x = tf.concat([
    sparseSum([states.final], [examples.finalRows]),
    sparseSum([states.initial], [examples.initialRows]),
  ], 1) as tf.Tensor2D;
  const hidden = tf.relu(
    tf.add(matMul2d(x, p(params, `${head}/w1`) as tf.Tensor2D), p(params, `${head}/b1`)),
  );
  return tf.add(
    matMul2d(hidden as tf.Tensor2D, p(params, `${head}/w2`) as tf.Tensor2D),
    p(params, `${head}/b2`),
  );
}

/**
 * Weighted mean binary cross-entropy of logits against (soft) labels, averaged
 * over the label's columns: `sum_i w_i mean_j BCE(l_ij, y_ij) / sum_i w_i`.
 */
export function weightedBce(logits: tf.Tensor2D, examples: TaskExamples): tf.Scalar {
  const y = tf.tensor2d(examples.label, logits.shape);
  const w = tf.tensor2d(examples.weight, [examples.count, 1]);
  // max(l, 0) - l y + log(1 + exp(-|l|)): stable for large |l|.
  const bce = tf.add(
    tf.sub(tf.relu(logits), tf.mul(logits, y)),
    tf.log1p(tf.exp(tf.neg(tf.abs(logits)))),
  );
  const perExample = tf.mean(bce, 1, true);
  return tf.div(tf.sum(tf.mul(perExample, w)), tf.sum(w)) as tf.Scalar;
}

/**
 * Weighted mean softmax cross-entropy of logits `[count, C]` against (soft)
 * class distributions: `sum_i w_i (-sum_c y_ic log softmax(l_i)_c) / sum_i w_i`.
 */
export function weightedSoftmaxCrossEntropy(
  logits: tf.Tensor2D,
  examples: TaskExamples,
): tf.Scalar {
  const y = tf.tensor2d(examples.label, logits.shape);
  const w = tf.tensor2d(examples.weight, [examples.count, 1]);
  const perExample = tf.neg(tf.sum(tf.mul(y, tf.logSoftmax(logits)), 1, true));
  return tf.div(tf.sum(tf.mul(perExample, w)), tf.sum(w)) as tf.Scalar;
}

/** The loss of a head's logits: {@linkcode weightedBce} or {@linkcode weightedSoftmaxCrossEntropy}. */
export function headLoss(
  logits: tf.Tensor2D,
  examples: TaskExamples,
  loss: "bce" | "softmax",
): tf.Scalar {
  return loss === "bce"
    ? weightedBce(logits, examples)
    : weightedSoftmaxCrossEntropy(logits, examples);
}

/**
 * Graph embeddings `[graphs, H]` of an unpruned plan: Li et al.'s gated sum
 * `Σ_v σ(i([h_v^T, h_v^0])) ⊙ j([h_v^T, h_v^0])` (`gated`) or the mean of the
 * final node states (`mean`).
 */
export function readout(
  params: Params,
  plan: BatchPlan,
  states: NodeStates,
  pooling: "gated" | "mean",
): tf.Tensor2D {
  if (!plan.graphRows || !plan.graphSizes) {
    throw new Error("a graph readout needs an unpruned plan");
  }
  if (pooling === "mean") {
    const sums = sparseSum([states.final], [plan.graphRows]);
    return tf.div(sums, tf.tensor2d(plan.graphSizes, [plan.graphSizes.length, 1]));
  }
  // Unpruned plans keep every row at every step, so final and initial rows align.
  const all = tf.concat([states.final, states.initial], 1) as tf.Tensor2D;
  const gate = tf.sigmoid(
    tf.add(matMul2d(all, p(params, "readout/gate") as tf.Tensor2D), p(params, "readout/gate_b")),
  );
  const value = tf.add(
    matMul2d(all, p(params, "readout/value") as tf.Tensor2D),
    p(params, "readout/value_b"),
  );
  return sparseSum([tf.mul(gate, value) as tf.Tensor2D], [plan.graphRows]);
}
