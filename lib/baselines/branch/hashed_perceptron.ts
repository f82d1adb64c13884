/**
 * Hashed perceptron with geometric history lengths and a dynamic threshold,
 * as in ChampSim's `hashed_perceptron` (D. A. Jiménez, 2019; after Tarjan &
 * Skadron 2005 and Seznec's O-GEHL): 16 tables of 4096 8-bit weights, table
 * `i` indexed by the PC XOR a hash of the newest `HISTORY_LENGTHS[i]` global
 * history bits; the sum of the 16 selected weights is the perceptron output.
 * Unconditional jumps, calls and returns enter the history as taken, as
 * ChampSim's driver gives them to `last_branch_result`; only conditional
 * branches train.
 *
 * @module
 */
import type { BranchPredictor } from "./predictor.ts";

/** History length of each table (table 0 is indexed by the PC alone): ChampSim's values. */
export const HASHED_PERCEPTRON_HISTORY_LENGTHS: readonly number[] = [
  0,
  3,
  4,
  6,
  8,
  10,
  14,
  19,
  26,
  36,
  49,
  67,
  91,
  125,
  170,
  232,
];

const TABLES = HASHED_PERCEPTRON_HISTORY_LENGTHS.length;
const INDEX_BITS = 12;
const TABLE_SIZE = 1 << INDEX_BITS;
const MAX_HISTORY = 232;
/** The history is kept as 12-bit words, newest bit in bit 0 of word 0. */
const HISTORY_WORDS = Math.floor(MAX_HISTORY / INDEX_BITS) + 1;
const WEIGHT_BITS = 8;
/** Threshold adaptation speed (O-GEHL). */
const SPEED = 18;
const THETA_START = 10;
/** Bits of the threshold register and of its adaptation counter (|tc| <= SPEED). */
const THETA_BITS = 8;
const TC_BITS = 6;

/** 16 tables of 4096 8-bit weights over geometric history lengths up to 232 branches. */
export class HashedPerceptronPredictor implements BranchPredictor {
  readonly name = "hashed-perceptron";
  readonly storageBits = TABLES * TABLE_SIZE * WEIGHT_BITS + MAX_HISTORY + THETA_BITS + TC_BITS;
  readonly #weights = new Int8Array(TABLES * TABLE_SIZE);
  readonly #words = new Int32Array(HISTORY_WORDS);
  readonly #indices = new Int32Array(TABLES);
  /** Whole words and the mask of the partial word that each table's history covers. */
  readonly #fullWords = Int32Array.from(
    HASHED_PERCEPTRON_HISTORY_LENGTHS,
    (n) => Math.floor(n / INDEX_BITS),
  );
  readonly #lastMask = Int32Array.from(
    HASHED_PERCEPTRON_HISTORY_LENGTHS,
    (n) => (1 << (n % INDEX_BITS)) - 1,
  );
  #theta = THETA_START;
  #tc = 0;
  #lastPc = -1;
  #lastOutput = 0;

  predict(pc: number): boolean {
    const lo = pc >>> 0;
    const words = this.#words;
    let y = 0;
    // Tables are in increasing history order, so the XOR of whole words grows incrementally.
    let prefix = 0;
    let prefixWords = 0;
    for (let i = 0; i < TABLES; i++) {
      const full = this.#fullWords[i];
      while (prefixWords < full) prefix ^= words[prefixWords++];
      const x = ((prefix ^ (words[full] & this.#lastMask[i]) ^ lo) & (TABLE_SIZE - 1)) +
        i * TABLE_SIZE;
      this.#indices[i] = x;
      y += this.#weights[x];
    }
    this.#lastPc = pc;
    this.#lastOutput = y;
    return y >= 1;
  }

  update(pc: number, taken: boolean, _target: number): void {
    if (pc !== this.#lastPc) this.predict(pc);
    const y = this.#lastOutput;
    const correct = taken === (y >= 1);
    const a = y < 0 ? -y : y;
    if (!correct || a < this.#theta) {
      const w = this.#weights;
      for (let i = 0; i < TABLES; i++) {
        const x = this.#indices[i];
        if (taken) {
          if (w[x] < 127) w[x]++;
        } else if (w[x] > -128) w[x]--;
      }
      if (!correct) {
        if (++this.#tc >= SPEED) {
          this.#theta++;
          this.#tc = 0;
        }
      } else if (--this.#tc <= -SPEED) {
        this.#theta--;
        this.#tc = 0;
      }
    }
    this.#shift(taken ? 1 : 0);
    this.#lastPc = -1;
  }

  track(_pc: number, _kind: number, _target: number): void {
    this.#shift(1);
  }

  /** Shifts an outcome into the chain of 12-bit words. */
  #shift(outcome: number): void {
    const words = this.#words;
    let bit = outcome;
    for (let i = 0; i < HISTORY_WORDS; i++) {
      const word = (words[i] << 1) | bit;
      bit = (word >>> INDEX_BITS) & 1;
      words[i] = word & (TABLE_SIZE - 1);
    }
  }
}
