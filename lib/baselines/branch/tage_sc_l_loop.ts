/**
 * The loop predictor of TAGE-SC-L (Seznec, CBP-5 2016), as both the 64 KB
 * and the 8 KB programs have it: 4-way skewed-associative entries with a
 * 10-bit tag, the iteration count of the loop's last complete run, the
 * current iteration, a confidence and an age; it predicts the loop's exit
 * once the same count was seen 15 times (or often enough for its length),
 * and a 7-bit counter (WITHLOOP) decides whether its prediction is used.
 *
 * @module
 */

const CONFIDENT = 15;
const ITERATION_MASK = (1 << 10) - 1;
const TAG_BITS = 10;

/** Saturating signed counter update of `bits` bits, as Seznec's `ctrupdate`. */
export function ctrUpdate(value: number, up: boolean, bits: number): number {
  if (up) return value < (1 << (bits - 1)) - 1 ? value + 1 : value;
  return value > -(1 << (bits - 1)) ? value - 1 : value;
}

/** The loop predictor; `random` is the owning predictor's pseudo-random generator. */
export class LoopPredictor {
  /** Whether the last prediction comes from a confident entry (LVALID). */
  valid = false;
  /** The last prediction. */
  prediction = false;
  /** WITHLOOP: use the loop predictor's prediction when it is valid and this is >= 0. */
  usefulness = -1;
  readonly #logEntries: number;
  readonly #random: () => number;
  readonly #iterations: Uint16Array;
  readonly #confidence: Uint8Array;
  readonly #current: Uint16Array;
  readonly #tag: Uint16Array;
  readonly #age: Uint8Array;
  readonly #direction: Uint8Array;
  #hit = -1;
  #index = 0;
  #bank = 0;
  #lookupTag = 0;

  constructor(logEntries: number, random: () => number) {
    this.#logEntries = logEntries;
    this.#random = random;
    const entries = 1 << logEntries;
    this.#iterations = new Uint16Array(entries);
    this.#confidence = new Uint8Array(entries);
    this.#current = new Uint16Array(entries);
    this.#tag = new Uint16Array(entries);
    this.#age = new Uint8Array(entries);
    this.#direction = new Uint8Array(entries);
  }

  /** Looks up the branch whose PC's low 32 bits are `lo`; sets `valid` and `prediction`. */
  predict(lo: number): boolean {
    const sub = this.#logEntries - 2;
    this.#index = ((lo ^ (lo >>> 2)) & ((1 << sub) - 1)) << 2;
    this.#bank = (lo >>> sub) & ((1 << sub) - 1);
    let tag = (lo >>> sub) & ((1 << (2 * TAG_BITS)) - 1);
    tag ^= tag >>> TAG_BITS;
    this.#lookupTag = tag & ((1 << TAG_BITS) - 1);
    this.#hit = -1;
    for (let way = 0; way < 4; way++) {
      const e = this.#entry(way);
      if (this.#tag[e] !== this.#lookupTag) continue;
      this.#hit = way;
      const confidence = this.#confidence[e];
      this.valid = confidence === CONFIDENT || confidence * this.#iterations[e] > 128;
      const direction = this.#direction[e] === 1;
      this.prediction = this.#current[e] + 1 === this.#iterations[e] ? !direction : direction;
      return this.prediction;
    }
    this.valid = false;
    this.prediction = false;
    return false;
  }

  /**
   * Trains with the outcome (`final` is the predictor's overall prediction,
   * `tage` TAGE's): WITHLOOP, then the entry, or an allocation on a
   * misprediction.
   */
  update(taken: boolean, final: boolean, tage: boolean): void {
    if (this.valid && final !== this.prediction) {
      this.usefulness = ctrUpdate(this.usefulness, this.prediction === taken, 7);
    }
    if (this.#hit >= 0) this.#train(this.#entry(this.#hit), taken, tage);
    else if (final !== taken) this.#allocate(taken);
  }

  #entry(way: number): number {
    return (this.#index ^ ((this.#bank >> way) << 2)) + way;
  }

  #train(e: number, taken: boolean, tage: boolean): void {
    if (this.valid) {
      if (taken !== this.prediction) {
        this.#free(e);
        return;
      }
      if ((this.prediction !== tage || (this.#random() & 7) === 0) && this.#age[e] < CONFIDENT) {
        this.#age[e]++;
      }
    }
    const current = (this.#current[e] + 1) & ITERATION_MASK;
    this.#current[e] = current;
    if (current > this.#iterations[e]) {
      this.#confidence[e] = 0;
      this.#iterations[e] = 0;
    }
    if (taken === (this.#direction[e] === 1)) return;
    if (current === this.#iterations[e]) {
      if (this.#confidence[e] < CONFIDENT) this.#confidence[e]++;
      if (this.#iterations[e] < 3) {
        // Loops of 1 or 2 iterations are not predicted: free the entry.
        this.#direction[e] = taken ? 1 : 0;
        this.#free(e);
      }
    } else {
      // The first complete run sets the count; a different count frees the entry.
      this.#confidence[e] = 0;
      this.#iterations[e] = this.#iterations[e] === 0 ? current : 0;
    }
    this.#current[e] = 0;
  }

  #free(e: number): void {
    this.#iterations[e] = 0;
    this.#age[e] = 0;
    this.#confidence[e] = 0;
    this.#current[e] = 0;
  }

  #allocate(taken: boolean): void {
    const way = this.#random() & 3;
    if ((this.#random() & 3) !== 0) return;
    const e = this.#entry(way);
    if (this.#age[e] > 0) {
      this.#age[e]--;
      return;
    }
    // Most mispredictions are on the last iteration: the loop runs the other way.
    this.#direction[e] = taken ? 0 : 1;
    this.#tag[e] = this.#lookupTag;
    this.#free(e);
    this.#age[e] = 7;
  }
}
