/**
 * The perceptron predictor of Jiménez & Lin, "Dynamic Branch Prediction with
 * Perceptrons", HPCA 2001: a PC-indexed table of perceptrons over the global
 * history, trained on a misprediction or when |y| <= theta. Unconditional
 * jumps, calls and returns enter the history as taken (ChampSim's driver
 * gives every branch's outcome); only conditional branches train.
 *
 * @module
 */
import { type BranchPredictor, checkInteger, pcIndex } from "./predictor.ts";
import { log2TableSize } from "../tables.ts";

/** Options of {@linkcode PerceptronPredictor}. */
export interface PerceptronOptions {
  /** Perceptrons in the table, a power of two (default 1024). */
  perceptrons?: number;
  /**
   * Global history length h (default 59). With 1024 perceptrons of h + 1
   * 8-bit weights the table is 60 KB; Jiménez & Lin found history lengths
   * around 60 best at budgets of this size.
   */
  historyLength?: number;
}

/** Bits of one weight (signed, saturating). */
const WEIGHT_BITS = 8;
const WEIGHT_MAX = 127;
const WEIGHT_MIN = -128;

/** A table of perceptrons; perceptron `i` holds a bias weight and h history weights. */
export class PerceptronPredictor implements BranchPredictor {
  readonly name = "perceptron";
  readonly storageBits: number;
  /** Training threshold: floor(1.93 h + 14). */
  readonly theta: number;
  readonly #indexBits: number;
  readonly #h: number;
  readonly #weights: Int8Array;
  /** History as +1/-1, newest first at `#history[#head]`, mirrored at `#head + h` so a window never wraps. */
  readonly #history: Int8Array;
  #head = 0;
  #lastPc = -1;
  #lastBase = 0;
  #lastOutput = 0;

  constructor(options: PerceptronOptions = {}) {
    const perceptrons = options.perceptrons ?? 1024;
    this.#indexBits = log2TableSize("perceptrons", perceptrons);
    this.#h = checkInteger("perceptron historyLength", options.historyLength ?? 59, 1, 1024);
    this.theta = Math.floor(1.93 * this.#h + 14);
    this.#weights = new Int8Array(perceptrons * (this.#h + 1));
    this.#history = new Int8Array(2 * this.#h).fill(-1);
    this.storageBits = perceptrons * (this.#h + 1) * WEIGHT_BITS + this.#h;
  }

  predict(pc: number): boolean {
    const h = this.#h;
    const w = this.#weights;
    const x = this.#history;
    const base = pcIndex(pc, this.#indexBits) * (h + 1);
    let y = w[base];
    const start = this.#head;
    for (let j = 0; j < h; j++) y += x[start + j] * w[base + 1 + j];
    this.#lastPc = pc;
    this.#lastBase = base;
    this.#lastOutput = y;
    return y >= 0;
  }

  update(pc: number, taken: boolean, _target: number): void {
    if (pc !== this.#lastPc) this.predict(pc);
    const h = this.#h;
    const y = this.#lastOutput;
    const t = taken ? 1 : -1;
    if ((y >= 0) !== taken || Math.abs(y) <= this.theta) {
      const w = this.#weights;
      const x = this.#history;
      const base = this.#lastBase;
      const start = this.#head;
      w[base] = clampWeight(w[base] + t);
      for (let j = 0; j < h; j++) {
        const k = base + 1 + j;
        w[k] = clampWeight(w[k] + t * x[start + j]);
      }
    }
    this.#shift(t);
    this.#lastPc = -1;
  }

  track(_pc: number, _kind: number, _target: number): void {
    this.#shift(1);
  }

  /** Makes `t` (+1 taken, -1 not) the newest history entry. */
  #shift(t: number): void {
    const h = this.#h;
    this.#head = this.#head === 0 ? h - 1 : this.#head - 1;
    this.#history[this.#head] = t;
    this.#history[this.#head + h] = t;
  }
}

function clampWeight(v: number): number {
  return v > WEIGHT_MAX ? WEIGHT_MAX : v < WEIGHT_MIN ? WEIGHT_MIN : v;
}
