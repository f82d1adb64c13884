/**
 * Training the GNN itself on algorithm labels (PAPER.md section 4): the
 * fine-tuned NCF starts from weights pre-trained on branch prediction, the
 * from-scratch GNN from fresh ones; both then learn, end to end, a linear
 * class head on the program embedding of {@linkcode programEmbeddings}.
 *
 * Shapes, for a step over P programs with G graphs in the batch plan:
 * node states `[rows, H]` -> mean readout `[G, H]` -> program pooling
 * (`[P, G]` weights, 1/instances of the program) `[P, H]` -> layer norm ->
 * logits `[P, C]`.
 *
 * Not re-exported from `mod.ts`: it loads TensorFlow.js.
 *
 * @module
 */
import { Progress } from "../common/mod.ts";
import type { Dataset } from "../graph/mod.ts";
import {
  Adam,
  groupByTopology,
  type NcfModel,
  type Params,
  propagate,
  readout,
  tf,
} from "../model/mod.ts";
import { Rng } from "../common/random.ts";
import { programEmbeddings } from "./transfer.ts";

/** Options of {@linkcode trainEndToEnd}. */
export interface EndToEndOptions {
  /** Passes over the training programs. */
  epochs: number;
  /** Programs per optimisation step. */
  programsPerStep: number;
  /** Instances drawn (without replacement) from a program's sample at each step. */
  instancesPerStep: number;
  /** Adam learning rate of the GNN and the head. */
  lr: number;
  seed: number;
  /** Progress bar label; no bar when absent. */
  label?: string;
}

/** A GNN trained on algorithm labels, with its linear class head. */
export interface EndToEndClassifier {
  model: NcfModel;
  classes: string[];
  /** `[H, C]` and `[C]`. */
  head: { w: tf.Variable; b: tf.Variable };
  /** Mean training loss of each epoch. */
  losses: number[];
}

/** The weights the class loss reaches: embedding, messages and GRU (task heads and the gated readout stay). */
function gnnNames(params: Params): string[] {
  return [...params.keys()].filter((n) => !/^(branch|address|readout)\//.test(n));
}

/**
 * Program logits `[P, C]` for the programs whose instance lists are `programs`
 * (an instance belongs to one program), pooled like {@linkcode programEmbeddings}.
 */
function programLogits(
  model: NcfModel,
  head: EndToEndClassifier["head"],
  dataset: Dataset,
  programs: readonly number[][],
): tf.Tensor2D {
  const owner = new Map<number, number>();
  programs.forEach((list, p) => list.forEach((i) => owner.set(i, p)));
  const plan = model.planner(dataset, "full").plan(
    groupByTopology(dataset, programs.flat(), Number.MAX_SAFE_INTEGER),
  );
  const pool = new Float32Array(programs.length * plan.graphMembers.length);
  plan.graphMembers.forEach((members, r) => {
    for (const i of members) {
      const p = owner.get(i)!;
      pool[p * plan.graphMembers.length + r] += 1 / programs[p].length;
    }
  });
  const graphs = readout(model.params, plan, propagate(model.params, plan), "mean");
  const pooled: tf.Tensor2D = tf.matMul(
    tf.tensor2d(pool, [programs.length, plan.graphMembers.length]),
    graphs,
  );
  return tf.add(tf.matMul(layerNorm(pooled), head.w), head.b) as tf.Tensor2D;
}

/**
 * Each row `[P, H]` shifted to mean 0 and scaled to std 1: mean-pooled GRU
 * states differ between programs by small amounts, which a linear head would
 * need large weights to read (the frozen methods standardise for the same reason).
 */
function layerNorm(x: tf.Tensor2D): tf.Tensor2D {
  const { mean, variance } = tf.moments(x, 1, true);
  return tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, 1e-6))) as tf.Tensor2D;
}

/**
 * Trains `model` (in place) and a fresh linear head to name each training
 * program's class from `samples[k]`, the instance indices of program k:
 * softmax cross-entropy, Adam, a fixed number of epochs (no early stopping:
 * there is no validation set of programs to stop on).
 */
export function trainEndToEnd(
  model: NcfModel,
  dataset: Dataset,
  samples: readonly number[][],
  labels: readonly string[],
  options: EndToEndOptions,
): EndToEndClassifier {
  const classes = [...new Set(labels)].sort();
  const H = model.config.hidden, C = classes.length;
  const rng = new Rng(`${options.seed}/end-to-end`);
  const limit = Math.sqrt(6 / (H + C));
  const head = {
    w: tf.variable(
      tf.tensor2d(Float32Array.from({ length: H * C }, () => (2 * rng.float() - 1) * limit), [
        H,
        C,
      ]),
    ),
    b: tf.variable(tf.zeros([C])),
  };
  const params: Params = new Map(model.params);
  params.set("classify/w", head.w);
  params.set("classify/b", head.b);
  const names = [...gnnNames(model.params), "classify/w", "classify/b"];
  const vars = names.map((n) => params.get(n)!);
  const varName = new Map(vars.map((v, k) => [v.name, names[k]]));
  const adam = new Adam(options.lr, names, params);
  const target = labels.map((l) => classes.indexOf(l));
  const progress = options.label === undefined ? undefined : new Progress({
    label: options.label,
    total: options.epochs * samples.length,
    unit: "programs",
  });
  const losses: number[] = [];
  for (let epoch = 0; epoch < options.epochs; epoch++) {
    const order = rng.shuffle(samples.map((_, k) => k));
    let sum = 0;
    for (let s = 0; s < order.length; s += options.programsPerStep) {
      const batch = order.slice(s, s + options.programsPerStep);
      const drawn = batch.map((k) =>
        rng.shuffle([...samples[k]]).slice(0, options.instancesPerStep)
      );
      const oneHot = tf.oneHot(tf.tensor1d(batch.map((k) => target[k]), "int32"), C);
      const loss = tf.tidy(() => {
        const { value, grads } = tf.variableGrads(
          () => tf.losses.softmaxCrossEntropy(oneHot, programLogits(model, head, dataset, drawn)),
          vars,
        );
        adam.apply(params, new Map(Object.entries(grads).map(([k, g]) => [varName.get(k)!, g])));
        return value;
      });
      sum += loss.dataSync()[0] * batch.length;
      tf.dispose([loss, oneHot]);
      progress?.tick(batch.length);
    }
    losses.push(sum / order.length);
  }
  for (const v of [...adam.m.values(), ...adam.v.values()]) v.dispose();
  progress?.finish(`final training loss ${losses.at(-1)?.toFixed(3)}`);
  return { model, classes, head, losses };
}

/**
 * Class probabilities `[programs][C]` (classes in `classifier.classes` order)
 * of each program from its instance list, by the same pooling at inference.
 */
export function endToEndProbabilities(
  classifier: EndToEndClassifier,
  dataset: Dataset,
  samples: readonly number[][],
): Float64Array[] {
  const emb = programEmbeddings(classifier.model, dataset, samples);
  const w = classifier.head.w.dataSync(), b = classifier.head.b.dataSync();
  const C = classifier.classes.length;
  return emb.map((raw) => {
    const m = raw.reduce((a, x) => a + x, 0) / raw.length;
    const sd = Math.sqrt(raw.reduce((a, x) => a + (x - m) ** 2, 0) / raw.length + 1e-6);
    const e = raw.map((x) => (x - m) / sd);
    const logits = Float64Array.from(b);
    for (let h = 0; h < e.length; h++) {
      for (let c = 0; c < C; c++) logits[c] += e[h] * w[h * C + c];
    }
    const max = Math.max(...logits);
    const exp = logits.map((l) => Math.exp(l - max));
    const total = exp.reduce((a, x) => a + x, 0);
    return exp.map((x) => x / total);
  });
}

/** Frees the model's and the head's tensors. */
export function disposeEndToEnd(classifier: EndToEndClassifier): void {
  classifier.model.dispose();
  classifier.head.w.dispose();
  classifier.head.b.dispose();
}
