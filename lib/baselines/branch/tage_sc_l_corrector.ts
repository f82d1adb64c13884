/**
 * The statistical corrector of TAGE-SC-L (Seznec, CBP-5 2016): three bias
 * tables indexed with TAGE's confidence, GEHL components over the global,
 * backward, path, local and inner-most-loop histories, per-component weights
 * (VARTHRES), a global and per-PC update threshold, and the chooser between
 * TAGE and the corrector. One implementation for both budgets; the
 * components come from the configuration.
 *
 * Bit-exact with the reference, including two of its quirks: a history is
 * masked with `(1 << n) - 1` evaluated on a 32-bit `int` (so n counts modulo
 * 32), and the global component of the 64 KB program is called with
 * `(PC << 1) + prediction` as its PC, which also picks its weight inside
 * `Gpredict`/`Gupdate` (the threshold reads that weight with the plain PC).
 * Histories are kept in 32 bits: no mask keeps more than 31.
 *
 * @module
 */
import { ctrUpdate } from "./tage_sc_l_loop.ts";
import {
  type ScHistory,
  scTableEntries,
  TAGE_SC_L_WIDTHS,
  type TageScLConfig,
} from "./tage_sc_l_config.ts";

/** Index of each history kind in the per-prediction history arrays. */
const HISTORY_KINDS: readonly ScHistory[] = [
  "taken",
  "backward",
  "path",
  "local",
  "second-local",
  "third-local",
  "imli-count",
  "imli-history",
];
const PATH = HISTORY_KINDS.indexOf("path");
const WEIGHTS = TAGE_SC_L_WIDTHS.weightEntries;
const COUNTER = TAGE_SC_L_WIDTHS.scCounter;
const WEIGHT = TAGE_SC_L_WIDTHS.weight;
const CHOOSER = TAGE_SC_L_WIDTHS.chooser;
/** A shift at or above every history's width: its term of the index hash is 0. */
const NO_SHIFT = 31;

/** What the corrector needs to know of TAGE's prediction. */
export interface TageView {
  /** TAGE's prediction after the loop predictor (pred_inter). */
  prediction: boolean;
  highConf: boolean;
  medConf: boolean;
  lowConf: boolean;
  /** The longest match and the alternate prediction disagree. */
  disagree: boolean;
  hitBank: number;
  altBank: number;
}

/** The x86-64 value of `(1 << n) - 1` on a 32-bit int. */
function intMask(n: number): number {
  return ((1 << n) - 1) | 0;
}

/**
 * Where the tables of every component are in one array: component c has
 * tables `first[c]` to `first[c + 1]`; table t starts at `offset[t]`, has
 * `indexMask[t] + 1` entries, masks its history with `historyMask[t]` and
 * hashes it with the 5 shifts at `shifts[5t]` (GINDEX: h ^ (h >> (8 - j)) ^
 * (h >> (16 - 2j)) ^ (h >> (24 - 3j)) ^ (h >> (32 - 3j)) ^ (h >> (40 - 4j))
 * for the j-th table of its component).
 */
function tableLayout(config: TageScLConfig) {
  const comps = config.components;
  const count = comps.reduce((n, c) => n + c.lengths.length, 0);
  const layout = {
    first: new Int32Array(comps.length + 1),
    offset: new Int32Array(count),
    indexMask: new Int32Array(count),
    historyMask: new Int32Array(count),
    shifts: new Int32Array(count * 5),
    entries: 0,
  };
  let t = 0;
  comps.forEach((c, ci) => {
    layout.first[ci] = t;
    c.lengths.forEach((length, j) => {
      const size = scTableEntries(config, c, j);
      layout.offset[t] = layout.entries;
      layout.indexMask[t] = size - 1;
      layout.historyMask[t] = intMask(length);
      const shifts = [8 - j, 16 - 2 * j, 24 - 3 * j, 32 - 3 * j, 40 - 4 * j];
      layout.shifts.set(shifts.map((s) => Math.min(s, NO_SHIFT)), t * 5);
      layout.entries += size;
      t++;
    });
  });
  layout.first[comps.length] = t;
  return layout;
}

/** The statistical corrector of one TAGE-SC-L configuration. */
export class StatisticalCorrector {
  readonly #logBias: number;
  readonly #biasBankWithPc: boolean;
  readonly #bias: Int8Array;
  readonly #biasSk: Int8Array;
  readonly #biasBank: Int8Array;
  readonly #weightBias = new Int8Array(WEIGHTS).fill(4);
  readonly #thresholdStep: number;
  readonly #pcThreshold = new Int32Array(TAGE_SC_L_WIDTHS.pcThresholdEntries);
  #threshold = 35 << 3;
  #firstH = 0;
  #secondH = 0;
  // Components: their history kind, whether the PC carries the prediction, in the threshold.
  readonly #kind: Int32Array;
  readonly #withPrediction: Uint8Array;
  readonly #inThreshold: Uint8Array;
  readonly #weights: Int8Array;
  /** The tables of every component in one array: see {@linkcode tableLayout}. */
  readonly #first: Int32Array;
  readonly #offset: Int32Array;
  readonly #indexMask: Int32Array;
  readonly #historyMask: Int32Array;
  readonly #shifts: Int32Array;
  readonly #tables: Int8Array;
  // Histories, 32 bits each.
  readonly #histories = new Int32Array(HISTORY_KINDS.length);
  readonly #localMask: number;
  readonly #local: Int32Array;
  readonly #secondLocal = new Int32Array(TAGE_SC_L_WIDTHS.secondLocalEntries);
  readonly #thirdLocal = new Int32Array(TAGE_SC_L_WIDTHS.thirdLocalEntries);
  readonly #thirdLocalShift: number;
  readonly #imliHistory = new Int32Array(TAGE_SC_L_WIDTHS.imliHistoryEntries);
  readonly #imliMax: number;
  #imliCount = 0;
  // The last prediction, for update().
  #sum = 0;
  #thres = 0;
  #biasIndex = 0;
  #biasSkIndex = 0;
  #biasBankIndex = 0;
  #predInter = false;
  #highConf = false;
  #medConf = false;
  readonly #index: Int32Array;

  constructor(config: TageScLConfig) {
    this.#logBias = config.logBias;
    this.#biasBankWithPc = config.biasBankWithPc;
    const biasEntries = 1 << config.logBias;
    const pattern = (values: number[]) =>
      Int8Array.from({ length: biasEntries }, (_, j) => values[j & 3]);
    this.#bias = pattern([-32, 31, -1, 0]);
    this.#biasSk = pattern([-8, 7, -32, 31]);
    this.#biasBank = pattern([-32, 31, -1, 0]);
    this.#thresholdStep = config.thresholdStep;
    const comps = config.components;
    this.#kind = Int32Array.from(comps, (c) => HISTORY_KINDS.indexOf(c.history));
    this.#withPrediction = Uint8Array.from(comps, (c) => (c.withPrediction ? 1 : 0));
    this.#inThreshold = Uint8Array.from(comps, (c) => (c.inThreshold ? 1 : 0));
    // The IMLI-OH weights (WIM) are never initialised in the reference: 0; the others start at 7.
    this.#weights = new Int8Array(comps.length * WEIGHTS);
    comps.forEach((c, ci) => {
      if (c.history !== "imli-history") this.#weights.fill(7, ci * WEIGHTS, (ci + 1) * WEIGHTS);
    });
    const layout = tableLayout(config);
    this.#first = layout.first;
    this.#offset = layout.offset;
    this.#indexMask = layout.indexMask;
    this.#historyMask = layout.historyMask;
    this.#shifts = layout.shifts;
    this.#index = new Int32Array(layout.offset.length);
    // The reference sets every even entry to -1 (weakly not taken); odd ones stay 0.
    this.#tables = new Int8Array(layout.entries);
    for (let k = 0; k < layout.offset.length; k++) {
      for (let j = 0; j <= layout.indexMask[k]; j += 2) this.#tables[layout.offset[k] + j] = -1;
    }
    this.#localMask = config.localEntries - 1;
    this.#local = new Int32Array(config.localEntries);
    const third = comps.find((c) => c.history === "third-local");
    this.#thirdLocalShift = third ? third.logEntries : 0;
    const imli = comps.find((c) => c.history === "imli-count");
    this.#imliMax = imli ? intMask(imli.lengths[0]) : 0;
  }

  /**
   * The final prediction for the branch whose PC's low 32 bits are `lo`,
   * given TAGE's and TAGE's path history `path`: the corrector's sum decides
   * unless the chooser keeps TAGE.
   */
  predict(lo: number, tage: TageView, path: number): boolean {
    const pred = tage.prediction;
    this.#predInter = pred;
    this.#highConf = tage.highConf;
    this.#medConf = tage.medConf;
    const upds = (lo ^ (lo >>> 2)) & (WEIGHTS - 1);
    const biasSum = this.#biasIndices(lo, tage);
    let sum = (this.#weightBias[upds] >= 0 ? 2 : 1) * biasSum;
    this.#loadHistories(lo, path);
    sum += this.#componentsSum(lo, pred);
    let weightsOn = this.#weightBias[upds] >= 0 ? 1 : 0;
    for (let c = 0; c < this.#kind.length; c++) {
      if (this.#inThreshold[c] && this.#weights[c * WEIGHTS + upds] >= 0) weightsOn++;
    }
    const thres = (this.#threshold >> 3) + this.#pcThreshold[(lo ^ (lo >>> 2)) & 63] +
      this.#thresholdStep * weightsOn;
    this.#sum = sum;
    this.#thres = thres;
    const scPred = sum >= 0;
    if (pred === scPred) return pred;
    // The chooser: trust the corrector unless TAGE is confident and |sum| is small.
    const mag = Math.abs(sum);
    let choice = scPred;
    if (tage.highConf) {
      if (mag < ((thres / 4) | 0)) choice = pred;
      else if (mag < ((thres / 2) | 0)) choice = this.#secondH < 0 ? scPred : pred;
    }
    if (tage.medConf && mag < ((thres / 4) | 0)) choice = this.#firstH < 0 ? scPred : pred;
    return choice;
  }

  /** Sets the three bias indices and returns the bias tables' sum. */
  #biasIndices(lo: number, tage: TageView): number {
    const pi = tage.prediction ? 1 : 0;
    const hash = lo ^ (lo >>> 2);
    const mask = (1 << this.#logBias) - 1;
    const mismatch = tage.lowConf && tage.disagree ? 1 : 0;
    this.#biasIndex = ((((hash << 1) ^ mismatch) << 1) + pi) & mask;
    const skewed = lo ^ (lo >>> (this.#logBias - 2));
    this.#biasSkIndex = ((((skewed << 1) ^ (tage.highConf ? 1 : 0)) << 1) + pi) & mask;
    this.#biasBankIndex = (pi + (((tage.hitBank + 1) >> 2) << 4) + (tage.highConf ? 2 : 0) +
      (tage.lowConf ? 4 : 0) + (tage.altBank !== 0 ? 8 : 0) +
      (this.#biasBankWithPc ? hash << 7 : 0)) & mask;
    return this.#biasSum();
  }

  #biasSum(): number {
    return 2 * this.#bias[this.#biasIndex] + 1 + 2 * this.#biasSk[this.#biasSkIndex] + 1 +
      2 * this.#biasBank[this.#biasBankIndex] + 1;
  }

  /** Loads the histories the components of this branch read. */
  #loadHistories(lo: number, path: number): void {
    const h = this.#histories;
    h[PATH] = path;
    h[3] = this.#local[(lo ^ (lo >>> 2)) & this.#localMask];
    h[4] = this.#secondLocal[(lo ^ (lo >>> 5)) & 15];
    h[5] = this.#thirdLocal[(lo ^ (lo >>> this.#thirdLocalShift)) & 15];
    h[6] = this.#imliCount;
    h[7] = this.#imliHistory[this.#imliCount];
  }

  /** The PC a component hashes: `(PC << 1) + prediction` for the 64 KB global one. */
  #componentPc(c: number, lo: number, pred: boolean): number {
    return this.#withPrediction[c] ? (lo << 1) + (pred ? 1 : 0) : lo;
  }

  /** Computes the table indices and returns the weighted sum of the components (Gpredict). */
  #componentsSum(lo: number, pred: boolean): number {
    const tables = this.#tables;
    const shifts = this.#shifts;
    let sum = 0;
    for (let c = 0; c < this.#kind.length; c++) {
      const history = this.#histories[this.#kind[c]];
      const pc = this.#componentPc(c, lo, pred);
      let percsum = 0;
      for (let t = this.#first[c]; t < this.#first[c + 1]; t++) {
        const h = history & this.#historyMask[t];
        const s = t * 5;
        const x = pc ^ h ^ (h >>> shifts[s]) ^ (h >>> shifts[s + 1]) ^ (h >>> shifts[s + 2]) ^
          (h >>> shifts[s + 3]) ^ (h >>> shifts[s + 4]);
        const index = this.#offset[t] + (x & this.#indexMask[t]);
        this.#index[t] = index;
        percsum += 2 * tables[index] + 1;
      }
      const w = c * WEIGHTS + ((pc ^ (pc >>> 2)) & (WEIGHTS - 1));
      sum += (this.#weights[w] >= 0 ? 2 : 1) * percsum;
    }
    return sum;
  }

  /** Trains with the outcome of the branch last predicted (`lo` as given to predict). */
  update(lo: number, taken: boolean): void {
    const sum = this.#sum;
    const thres = this.#thres;
    const mag = Math.abs(sum);
    const scPred = sum >= 0;
    const predInter = this.#predInter;
    if (predInter !== scPred) {
      if (mag < thres && this.#highConf && mag < ((thres / 2) | 0) && mag >= ((thres / 4) | 0)) {
        this.#secondH = ctrUpdate(this.#secondH, predInter === taken, CHOOSER);
      }
      if (this.#medConf && mag < ((thres / 4) | 0)) {
        this.#firstH = ctrUpdate(this.#firstH, predInter === taken, CHOOSER);
      }
    }
    if (scPred === taken && mag >= thres) return;
    this.#updateThresholds(lo, scPred !== taken);
    const upds = (lo ^ (lo >>> 2)) & (WEIGHTS - 1);
    const biasSum = this.#biasSum();
    const xb = sum - (this.#weightBias[upds] >= 0 ? biasSum : 0);
    if ((xb + biasSum >= 0) !== (xb >= 0)) {
      this.#weightBias[upds] = ctrUpdate(this.#weightBias[upds], (biasSum >= 0) === taken, WEIGHT);
    }
    this.#bias[this.#biasIndex] = ctrUpdate(this.#bias[this.#biasIndex], taken, COUNTER);
    this.#biasSk[this.#biasSkIndex] = ctrUpdate(this.#biasSk[this.#biasSkIndex], taken, COUNTER);
    this.#biasBank[this.#biasBankIndex] = ctrUpdate(
      this.#biasBank[this.#biasBankIndex],
      taken,
      COUNTER,
    );
    this.#componentsUpdate(lo, taken);
  }

  #updateThresholds(lo: number, up: boolean): void {
    const i = (lo ^ (lo >>> 2)) & 63;
    const delta = up ? 1 : -1;
    const pMax = (1 << (TAGE_SC_L_WIDTHS.pcThreshold - 1)) - 1;
    const gMax = (1 << (TAGE_SC_L_WIDTHS.threshold - 1)) - 1;
    this.#pcThreshold[i] = Math.max(-pMax - 1, Math.min(pMax, this.#pcThreshold[i] + delta));
    this.#threshold = Math.max(-gMax - 1, Math.min(gMax, this.#threshold + delta));
  }

  /** Gupdate of every component. */
  #componentsUpdate(lo: number, taken: boolean): void {
    const tables = this.#tables;
    for (let c = 0; c < this.#kind.length; c++) {
      let percsum = 0;
      for (let t = this.#first[c]; t < this.#first[c + 1]; t++) {
        const index = this.#index[t];
        percsum += 2 * tables[index] + 1;
        tables[index] = ctrUpdate(tables[index], taken, COUNTER);
      }
      const pc = this.#componentPc(c, lo, this.#predInter);
      const w = c * WEIGHTS + ((pc ^ (pc >>> 2)) & (WEIGHTS - 1));
      const xs = this.#sum - (this.#weights[w] >= 0 ? percsum : 0);
      if ((xs + percsum >= 0) !== (xs >= 0)) {
        this.#weights[w] = ctrUpdate(this.#weights[w], (percsum >= 0) === taken, WEIGHT);
      }
    }
  }

  /**
   * Records a conditional branch's outcome in the corrector's histories
   * (`backward`: its target is below its PC).
   */
  recordOutcome(lo: number, taken: boolean, backward: boolean): void {
    const t = taken ? 1 : 0;
    const h = this.#histories;
    const count = this.#imliCount;
    this.#imliHistory[count] = (this.#imliHistory[count] << 1) + t;
    if (backward) {
      if (!taken) this.#imliCount = 0;
      else if (count < this.#imliMax) this.#imliCount = count + 1;
    }
    h[0] = (h[0] << 1) | t;
    h[1] = (h[1] << 1) | (taken && backward ? 1 : 0);
    const li = (lo ^ (lo >>> 2)) & this.#localMask;
    this.#local[li] = (this.#local[li] << 1) + t;
    const si = (lo ^ (lo >>> 5)) & 15;
    this.#secondLocal[si] = ((this.#secondLocal[si] << 1) + t) ^ (lo & 15);
    const ti = (lo ^ (lo >>> this.#thirdLocalShift)) & 15;
    this.#thirdLocal[ti] = (this.#thirdLocal[ti] << 1) + t;
  }
}
