/**
 * The embedding LSTM of Hashemi et al. ("Learning Memory Access Patterns",
 * ICML 2018), adapted to this project's task: at each load execution, predict
 * the delta between this address and the address of the same site's next
 * execution.
 *
 * Each step of the input sequence is one load execution in program order:
 * its site (the PC; sites outside the vocabulary share an OOV token) and the
 * delta from that site's previous address (deltas outside the vocabulary
 * share an OOV token), each embedded, concatenated and fed to one LSTM layer.
 * A softmax over the most frequent deltas of the train part (class 0 = OOV)
 * predicts, at every step, the next delta of that step's site; an OOV answer
 * means "no prediction". It trains on windows of the train part only, with
 * a loss at every position, and predicts each test load from a window in
 * which at least half the sequence is context before it.
 *
 * Embedding lookups and matMuls use the project's wasm kernels
 * (lib/model/kernels.ts): tfjs-wasm has no gradient for `gather` and runs
 * the stock matMul gradient slowly.
 *
 * @module
 */
import { Progress, UserError } from "../../common/mod.ts";
import { Rng } from "../../common/random.ts";
import { initBackend, tf } from "../../model/backend.ts";
import { matMul2d, SparseMap, sparseSum } from "../../model/kernels.ts";
import type { LoadStream } from "./loads.ts";
import { growToFit } from "./predictor.ts";

/** Options of the embedding LSTM; every field has a small default. */
export interface LstmOptions {
  /** Loads per training window (default 16). */
  sequenceLength?: number;
  /** LSTM hidden units (default 128). */
  hidden?: number;
  /** Embedding width of the PC and of the delta, each (default 64). */
  embedding?: number;
  /** Most output delta classes, the most frequent deltas of the train part (default 1000). */
  maxDeltaClasses?: number;
  /** Fewest occurrences in the train part for a delta to get a class (default 2). */
  minDeltaCount?: number;
  /** Most PCs (sites) with their own embedding, the most frequent ones (default 2048). */
  maxPcs?: number;
  /** Gradient steps (default 400); one step sees `batchSize` windows. */
  steps?: number;
  /** Windows per training step (default 128). */
  batchSize?: number;
  /** Adam learning rate (default 0.003). */
  learningRate?: number;
  /** Most training windows, sampled uniformly from the train part (default 8192). */
  maxTrainWindows?: number;
  /** Seed of the initial weights, window sampling and batch order (default 1). */
  seed?: number;
  /** No progress bars (default false). */
  quiet?: boolean;
}

/** The defaults of {@linkcode LstmOptions}. */
export const LSTM_DEFAULTS: Readonly<Required<LstmOptions>> = {
  sequenceLength: 16,
  hidden: 128,
  embedding: 64,
  maxDeltaClasses: 1000,
  minDeltaCount: 2,
  maxPcs: 2048,
  steps: 400,
  batchSize: 128,
  learningRate: 0.003,
  maxTrainWindows: 8192,
  seed: 1,
  quiet: false,
};

/** Token and class numbering, built from the train part. */
export interface LstmVocabulary {
  /** PC token of each site id (0 = OOV). */
  pcToken: Int32Array;
  /** Number of PC tokens, OOV included. */
  pcTokens: number;
  /** The delta of each output class `c >= 1` is `deltas[c - 1]`; class 0 is OOV. */
  deltas: Float64Array;
  /** Class of each in-vocabulary delta. */
  classOf: Map<number, number>;
  /** Loads of the train part. */
  trainLoads: number;
}

/** Distinct deltas tracked before the rarest are forgotten (lossy counting keeps memory bounded). */
const MAX_TRACKED_DELTAS = 1 << 20;

/**
 * Counts sites and per-site deltas of the train part. Feed it every load
 * before the split point, in execution order.
 */
export class LstmVocabularyBuilder {
  #last = new Float64Array(0);
  #siteCounts = new Float64Array(0);
  readonly #deltaCounts = new Map<number, number>();
  #loads = 0;

  /** One train-part load execution. */
  observe(site: number, addr: number): void {
    if (site >= this.#last.length) {
      this.#last = growToFit(this.#last, site, NaN);
      this.#siteCounts = growToFit(this.#siteCounts, site);
    }
    this.#loads++;
    this.#siteCounts[site]++;
    const last = this.#last[site];
    this.#last[site] = addr;
    if (Number.isNaN(last)) return;
    const delta = addr - last;
    this.#deltaCounts.set(delta, (this.#deltaCounts.get(delta) ?? 0) + 1);
    if (this.#deltaCounts.size > MAX_TRACKED_DELTAS) {
      for (const [d, n] of this.#deltaCounts) if (n <= 1) this.#deltaCounts.delete(d);
    }
  }

  /** The vocabulary: most frequent sites and deltas (ties broken by value, so it is repeatable). */
  build(options: LstmOptions = {}): LstmVocabulary {
    const { maxDeltaClasses, minDeltaCount, maxPcs } = { ...LSTM_DEFAULTS, ...options };
    const deltas = [...this.#deltaCounts]
      .filter(([, n]) => n >= minDeltaCount)
      .sort((a, b) => b[1] - a[1] || a[0] - b[0])
      .slice(0, maxDeltaClasses)
      .map(([d]) => d);
    const sites = [...this.#siteCounts.keys()]
      .filter((s) => this.#siteCounts[s] > 0)
      .sort((a, b) => this.#siteCounts[b] - this.#siteCounts[a] || a - b)
      .slice(0, maxPcs);
    const pcToken = new Int32Array(this.#siteCounts.length);
    sites.forEach((site, i) => pcToken[site] = i + 1);
    return {
      pcToken,
      pcTokens: sites.length + 1,
      deltas: Float64Array.from(deltas),
      classOf: new Map(deltas.map((d, i) => [d, i + 1])),
      trainLoads: this.#loads,
    };
  }
}

/**
 * Turns a load stream into model inputs: the PC token and the input delta
 * token (a class, or `noPrevious` on a site's first execution) of each load.
 */
class Tokenizer {
  readonly #vocabulary: LstmVocabulary;
  #last = new Float64Array(0);
  /** Input delta token of a site's first execution. */
  readonly noPrevious: number;
  /** Input delta tokens: classes, then `noPrevious`. */
  readonly deltaTokens: number;

  constructor(vocabulary: LstmVocabulary) {
    this.#vocabulary = vocabulary;
    this.noPrevious = vocabulary.deltas.length + 1;
    this.deltaTokens = vocabulary.deltas.length + 2;
  }

  /** PC token of `site` (0 = OOV, also for sites first seen after the train part). */
  pcToken(site: number): number {
    return this.#vocabulary.pcToken[site] ?? 0;
  }

  /** The class of a delta (0 = OOV). */
  classOf(delta: number): number {
    return this.#vocabulary.classOf.get(delta) ?? 0;
  }

  /** Delta token of this execution of `site`; remembers `addr` as the site's last address. */
  deltaToken(site: number, addr: number): number {
    if (site >= this.#last.length) this.#last = growToFit(this.#last, site, NaN);
    const last = this.#last[site];
    this.#last[site] = addr;
    return Number.isNaN(last) ? this.noPrevious : this.classOf(addr - last);
  }

  /** The site's last address (NaN before its first execution). */
  lastAddress(site: number): number {
    return this.#last[site] ?? NaN;
  }
}

/** Time-major input of a batch: index `t * batch + b` is step `t` of window `b`. */
interface SequenceBatch {
  batch: number;
  pc: Int32Array;
  delta: Int32Array;
}

/** Gate order of the LSTM weights. */
const GATES = ["input", "forget", "cell", "output"] as const;

/** The network's weights and forward pass. */
class LstmNetwork {
  readonly pcEmbedding: tf.Variable;
  readonly deltaEmbedding: tf.Variable;
  readonly inputWeights: tf.Variable[];
  readonly recurrentWeights: tf.Variable[];
  readonly biases: tf.Variable[];
  readonly outputWeights: tf.Variable;
  readonly outputBias: tf.Variable;
  readonly #hidden: number;
  readonly #pcTokens: number;
  readonly #deltaTokens: number;

  constructor(
    dims: {
      pcTokens: number;
      deltaTokens: number;
      classes: number;
      embedding: number;
      hidden: number;
    },
    seed: number,
  ) {
    const { pcTokens, deltaTokens, classes, embedding, hidden } = dims;
    this.#hidden = hidden;
    this.#pcTokens = pcTokens;
    this.#deltaTokens = deltaTokens;
    const rng = new Rng(`${seed}/lstm weights`);
    const glorot = (rows: number, cols: number) => {
      const limit = Math.sqrt(6 / (rows + cols));
      const values = Float32Array.from(
        { length: rows * cols },
        () => (2 * rng.float() - 1) * limit,
      );
      return tf.variable(tf.tensor2d(values, [rows, cols]));
    };
    this.pcEmbedding = glorot(pcTokens, embedding);
    this.deltaEmbedding = glorot(deltaTokens, embedding);
    this.inputWeights = GATES.map(() => glorot(2 * embedding, hidden));
    this.recurrentWeights = GATES.map(() => glorot(hidden, hidden));
    // A forget-gate bias of 1 lets gradients flow through early training.
    this.biases = GATES.map((gate) => tf.variable(tf.fill([hidden], gate === "forget" ? 1 : 0)));
    this.outputWeights = glorot(hidden, classes);
    this.outputBias = tf.variable(tf.zeros([classes]));
  }

  get variables(): tf.Variable[] {
    return [
      this.pcEmbedding,
      this.deltaEmbedding,
      ...this.inputWeights,
      ...this.recurrentWeights,
      ...this.biases,
      this.outputWeights,
      this.outputBias,
    ];
  }

  /** Logits at steps `outputFrom..length-1`, time-major: `[(length - outputFrom) * batch, classes]`. */
  logits(input: SequenceBatch, length: number, outputFrom: number): tf.Tensor2D {
    const { batch } = input;
    const x = tf.concat([
      sparseSum([this.pcEmbedding as tf.Tensor2D], [
        SparseMap.fromSources(input.pc, this.#pcTokens),
      ]),
      sparseSum([this.deltaEmbedding as tf.Tensor2D], [
        SparseMap.fromSources(input.delta, this.#deltaTokens),
      ]),
    ], 1);
    // Input projections of all steps at once; each step then slices its rows (cheap on axis 0).
    const projected = this.inputWeights.map((w, g) =>
      tf.add(matMul2d(x, w as tf.Tensor2D), this.biases[g])
    );
    let h: tf.Tensor2D = tf.zeros([batch, this.#hidden]);
    let c: tf.Tensor2D = tf.zeros([batch, this.#hidden]);
    const outputs: tf.Tensor2D[] = [];
    for (let t = 0; t < length; t++) {
      const [i, f, g, o] = projected.map((p, gate) =>
        tf.add(
          tf.slice(p, [t * batch, 0], [batch, this.#hidden]),
          matMul2d(h, this.recurrentWeights[gate] as tf.Tensor2D),
        )
      );
      c = tf.add(tf.mul(tf.sigmoid(f), c), tf.mul(tf.sigmoid(i), tf.tanh(g)));
      h = tf.mul(tf.sigmoid(o), tf.tanh(c));
      if (t >= outputFrom) outputs.push(h);
    }
    const top = outputs.length === 1 ? outputs[0] : tf.concat(outputs, 0);
    return tf.add(matMul2d(top, this.outputWeights as tf.Tensor2D), this.outputBias);
  }

  dispose(): void {
    for (const v of this.variables) v.dispose();
  }
}

/** Options of {@linkcode trainAddressLstm}. */
export interface TrainAddressLstmOptions extends LstmOptions {
  /** The loads; the model trains on those with `icount < testFrom`. */
  loads: LoadStream;
  /** First instruction count of the test part. */
  testFrom: number;
  /** The train part's vocabulary, if already counted (else a pass over the train part counts it). */
  vocabulary?: LstmVocabulary;
}

/** What training did. */
export interface LstmTrainingStats {
  /** Training windows sampled from the train part. */
  windows: number;
  /** Labelled positions seen over all steps (each is one load). */
  trainedLoads: number;
  /** Wall time of the gradient steps in seconds. */
  seconds: number;
  /** Mean loss over the last tenth of the steps. */
  finalLoss: number;
}

/** Options of {@linkcode AddressLstm.predict}. */
export interface LstmPredictOptions {
  loads: LoadStream;
  /** First instruction count of the test part: loads before it are context only. */
  testFrom: number;
  /** Called for every test load in execution order with the predicted next address (or `undefined`). */
  onLoad(site: number, addr: number, icount: number, prediction: number | undefined): void;
}

/** Loads per predicted window that come before the predicted ones: at least half the window. */
function contextOf(sequenceLength: number): number {
  return Math.floor(sequenceLength / 2);
}

/** Windows per inference batch. */
const PREDICT_BATCH = 256;

/** A trained embedding LSTM. */
export class AddressLstm {
  readonly name = "lstm";
  readonly vocabulary: LstmVocabulary;
  readonly options: Readonly<Required<LstmOptions>>;
  readonly training: LstmTrainingStats;
  readonly #network: LstmNetwork;

  /** Use {@linkcode trainAddressLstm}. */
  constructor(
    network: LstmNetwork,
    vocabulary: LstmVocabulary,
    options: Required<LstmOptions>,
    training: LstmTrainingStats,
  ) {
    this.#network = network;
    this.vocabulary = vocabulary;
    this.options = options;
    this.training = training;
  }

  /** Output classes (OOV included). */
  get classes(): number {
    return this.vocabulary.deltas.length + 1;
  }

  /**
   * Predicts the next address of every load of the test part in one pass
   * over `loads` (loads before `testFrom` only supply context).
   */
  async predict({ loads, testFrom, onLoad }: LstmPredictOptions): Promise<void> {
    const length = this.options.sequenceLength;
    const context = contextOf(length);
    const fresh = length - context;
    const tokenizer = new Tokenizer(this.vocabulary);
    const capacity = PREDICT_BATCH * fresh;
    const queue = {
      n: 0,
      site: new Uint32Array(capacity),
      addr: new Float64Array(capacity),
      icount: new Float64Array(capacity),
    };
    // The last `context` tokens before the window being filled (padding at the stream's start).
    const contextPc = new Int32Array(context);
    const contextDelta = new Int32Array(context).fill(tokenizer.noPrevious);
    const input: SequenceBatch = {
      batch: PREDICT_BATCH,
      pc: new Int32Array(length * PREDICT_BATCH),
      delta: new Int32Array(length * PREDICT_BATCH).fill(tokenizer.noPrevious),
    };
    const progress = new Progress({
      label: "lstm predict",
      total: loads.instructions || undefined,
      unit: loads.instructions ? "instr" : "batches",
      quiet: this.options.quiet,
    });

    const flush = async () => {
      if (queue.n === 0) return;
      const windows = Math.ceil(queue.n / fresh);
      const logits = tf.tidy(() => tf.argMax(this.#network.logits(input, length, context), 1));
      const best = await logits.data() as Int32Array;
      logits.dispose();
      for (let w = 0; w < windows; w++) {
        for (let j = 0; j < fresh && w * fresh + j < queue.n; j++) {
          const q = w * fresh + j;
          const cls = best[j * PREDICT_BATCH + w];
          const addr = queue.addr[q];
          onLoad(
            queue.site[q],
            addr,
            queue.icount[q],
            cls > 0 ? addr + this.vocabulary.deltas[cls - 1] : undefined,
          );
        }
      }
      queue.n = 0;
      input.pc.fill(0);
      input.delta.fill(tokenizer.noPrevious);
    };

    let lastIcount = 0;
    for await (const batch of loads.batches()) {
      for (let i = 0; i < batch.length; i++) {
        const site = batch.site[i];
        const addr = batch.addr[i];
        const pc = tokenizer.pcToken(site);
        const delta = tokenizer.deltaToken(site, addr);
        if (batch.icount[i] >= testFrom) {
          const q = queue.n++;
          const w = Math.floor(q / fresh);
          const j = q % fresh;
          if (j === 0) {
            for (let t = 0; t < context; t++) {
              input.pc[t * PREDICT_BATCH + w] = contextPc[t];
              input.delta[t * PREDICT_BATCH + w] = contextDelta[t];
            }
          }
          input.pc[(context + j) * PREDICT_BATCH + w] = pc;
          input.delta[(context + j) * PREDICT_BATCH + w] = delta;
          queue.site[q] = site;
          queue.addr[q] = addr;
          queue.icount[q] = batch.icount[i];
          if (queue.n === capacity) await flush();
        }
        contextPc.copyWithin(0, 1);
        contextDelta.copyWithin(0, 1);
        contextPc[context - 1] = pc;
        contextDelta[context - 1] = delta;
      }
      if (loads.instructions) {
        const icount = batch.icount[batch.length - 1];
        progress.tick(icount - lastIcount);
        lastIcount = icount;
      } else progress.tick();
    }
    await flush();
    progress.finish();
  }

  /** Frees the weights. */
  dispose(): void {
    this.#network.dispose();
  }
}

/** Training windows sampled from the train part, with their labels (-1 = no next execution in the train part). */
interface TrainWindows {
  count: number;
  pc: Int32Array;
  delta: Int32Array;
  label: Int32Array;
}

async function collectTrainWindows(
  loads: LoadStream,
  vocabulary: LstmVocabulary,
  testFrom: number,
  options: Required<LstmOptions>,
): Promise<TrainWindows> {
  const length = options.sequenceLength;
  const available = Math.floor(vocabulary.trainLoads / length);
  const count = Math.min(available, options.maxTrainWindows);
  const windows: TrainWindows = {
    count,
    pc: new Int32Array(count * length),
    delta: new Int32Array(count * length),
    label: new Int32Array(count * length).fill(-1),
  };
  const tokenizer = new Tokenizer(vocabulary);
  // Slot (window * length + position) of each site's last sampled execution, awaiting its label.
  let pendingSlot = new Int32Array(0);
  const rng = new Rng(`${options.seed}/lstm windows`);
  const progress = new Progress({
    label: "lstm windows",
    total: vocabulary.trainLoads,
    unit: "loads",
    quiet: options.quiet,
  });
  let index = 0;
  let chosen = 0;
  let slotBase = -1;
  // Selection sampling (Knuth's algorithm S): a uniform subset of windows in one pass.
  stream: for await (const batch of loads.batches()) {
    for (let i = 0; i < batch.length; i++) {
      if (batch.icount[i] >= testFrom) {
        progress.tick(i);
        break stream;
      }
      const position = index % length;
      const window = Math.floor(index / length);
      index++;
      if (position === 0) {
        const selected = window < available &&
          (available - window) * rng.float() < count - chosen;
        slotBase = selected ? chosen++ * length : -1;
      }
      const site = batch.site[i];
      const addr = batch.addr[i];
      const last = tokenizer.lastAddress(site);
      const delta = tokenizer.deltaToken(site, addr);
      if (site >= pendingSlot.length) pendingSlot = growToFit(pendingSlot, site, -1);
      const pending = pendingSlot[site];
      if (pending >= 0) windows.label[pending] = tokenizer.classOf(addr - last);
      if (slotBase >= 0) {
        windows.pc[slotBase + position] = tokenizer.pcToken(site);
        windows.delta[slotBase + position] = delta;
      }
      pendingSlot[site] = slotBase >= 0 ? slotBase + position : -1;
    }
    progress.tick(batch.length);
  }
  progress.finish();
  return windows;
}

/**
 * Trains the embedding LSTM on the train part of `loads` (seeded, so the
 * same inputs and options give the same model). Shows a progress bar.
 */
export async function trainAddressLstm(options: TrainAddressLstmOptions): Promise<AddressLstm> {
  const { loads, testFrom } = options;
  const config: Required<LstmOptions> = { ...LSTM_DEFAULTS };
  for (const [key, value] of Object.entries(options)) {
    if (key in LSTM_DEFAULTS && value !== undefined) {
      (config as Record<string, unknown>)[key] = value;
    }
  }
  for (
    const key of [
      "sequenceLength",
      "hidden",
      "embedding",
      "steps",
      "batchSize",
      "maxTrainWindows",
    ] as const
  ) {
    if (!Number.isInteger(config[key]) || config[key] < 1) {
      throw new UserError(
        `LSTM option ${key} must be a positive integer, got ${config[key]}`,
        `set ${key} to 1 or more`,
      );
    }
  }
  if (config.sequenceLength < 2) {
    throw new UserError("LSTM option sequenceLength must be at least 2", "use the default 16");
  }
  await initBackend();

  let vocabulary = options.vocabulary;
  if (!vocabulary) {
    const builder = new LstmVocabularyBuilder();
    scan: for await (const batch of loads.batches()) {
      for (let i = 0; i < batch.length; i++) {
        if (batch.icount[i] >= testFrom) break scan;
        builder.observe(batch.site[i], batch.addr[i]);
      }
    }
    vocabulary = builder.build(config);
  }
  const windows = await collectTrainWindows(loads, vocabulary, testFrom, config);
  if (windows.count === 0) {
    throw new UserError(
      `the train part has ${vocabulary.trainLoads} loads, fewer than one LSTM window of ${config.sequenceLength}`,
      "choose a later split point (testFrom) or a longer trace",
    );
  }

  const length = config.sequenceLength;
  const classes = vocabulary.deltas.length + 1;
  const network = new LstmNetwork({
    pcTokens: vocabulary.pcTokens,
    deltaTokens: vocabulary.deltas.length + 2,
    classes,
    embedding: config.embedding,
    hidden: config.hidden,
  }, config.seed);
  const optimizer = tf.train.adam(config.learningRate);
  const rng = new Rng(`${config.seed}/lstm batches`);
  const order = Int32Array.from({ length: windows.count }, (_, i) => i);
  const batch = Math.min(config.batchSize, windows.count);
  const progress = new Progress({
    label: "lstm train",
    total: config.steps,
    unit: "steps",
    quiet: config.quiet,
  });
  const started = performance.now();
  // Mean loss over the last tenth of the steps.
  const tail = Math.max(1, Math.floor(config.steps / 10));
  let tailLoss = 0;
  let tailSteps = 0;
  let trainedLoads = 0;
  let next = order.length;
  for (let step = 0; step < config.steps; step++) {
    // Epochs over the windows in a fresh seeded order each; a batch never straddles two epochs.
    if (next + batch > order.length) {
      rng.shuffle(order);
      next = 0;
    }
    const input: SequenceBatch = {
      batch,
      pc: new Int32Array(length * batch),
      delta: new Int32Array(length * batch),
    };
    const labels = new Int32Array(length * batch);
    const weights = new Float32Array(length * batch);
    let labelled = 0;
    for (let b = 0; b < batch; b++) {
      const base = order[next++] * length;
      for (let t = 0; t < length; t++) {
        const row = t * batch + b;
        input.pc[row] = windows.pc[base + t];
        input.delta[row] = windows.delta[base + t];
        const label = windows.label[base + t];
        if (label >= 0) {
          labels[row] = label;
          weights[row] = 1;
          labelled++;
        }
      }
    }
    if (labelled > 0) {
      const loss = optimizer.minimize(
        () => {
          const logProbs = tf.logSoftmax(network.logits(input, length, 0));
          const picked = tf.sum(
            tf.mul(logProbs, tf.oneHot(tf.tensor1d(labels, "int32"), classes)),
            1,
          );
          return tf.div(
            tf.neg(tf.sum(tf.mul(picked, tf.tensor1d(weights)))),
            labelled,
          ) as tf.Scalar;
        },
        true,
        network.variables,
      )!;
      const value = (await loss.data())[0];
      loss.dispose();
      if (step >= config.steps - tail) {
        tailLoss += value;
        tailSteps++;
      }
      trainedLoads += labelled;
    }
    progress.tick();
  }
  const seconds = (performance.now() - started) / 1000;
  const finalLoss = tailSteps > 0 ? tailLoss / tailSteps : NaN;
  optimizer.dispose();
  progress.finish(
    config.quiet ? undefined : `lstm: ${config.steps} steps over ${windows.count} windows, ` +
      `${trainedLoads} labelled loads, final loss ${finalLoss.toFixed(3)}`,
  );
  return new AddressLstm(network, vocabulary, config, {
    windows: windows.count,
    trainedLoads,
    seconds,
    finalLoss,
  });
}
