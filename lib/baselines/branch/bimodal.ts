/**
 * Bimodal predictor: a PC-indexed table of 2-bit saturating counters (no
 * history, so unconditional transfers do not concern it).
 *
 * @module
 */
import { type BranchPredictor, pcIndex } from "./predictor.ts";
import { log2TableSize } from "../tables.ts";

/** Options of {@linkcode BimodalPredictor}. */
export interface BimodalOptions {
  /** Counters in the table, a power of two (default 2^18: 64 KB of 2-bit counters). */
  entries?: number;
}

/** Counter value at reset: weakly not taken. */
const WEAKLY_NOT_TAKEN = 1;

/** 2-bit counters indexed by PC; predicts taken when the counter is 2 or 3. */
export class BimodalPredictor implements BranchPredictor {
  readonly name = "bimodal";
  readonly storageBits: number;
  readonly #indexBits: number;
  readonly #counters: Uint8Array;

  constructor(options: BimodalOptions = {}) {
    const entries = options.entries ?? 1 << 18;
    this.#indexBits = log2TableSize("bimodal entries", entries);
    this.#counters = new Uint8Array(entries).fill(WEAKLY_NOT_TAKEN);
    this.storageBits = entries * 2;
  }

  predict(pc: number): boolean {
    return this.#counters[pcIndex(pc, this.#indexBits)] >= 2;
  }

  update(pc: number, taken: boolean, _target: number): void {
    const i = pcIndex(pc, this.#indexBits);
    const c = this.#counters[i];
    if (taken) {
      if (c < 3) this.#counters[i] = c + 1;
    } else if (c > 0) this.#counters[i] = c - 1;
  }

  /** No history: unconditional transfers change nothing. */
  track(_pc: number, _kind: number, _target: number): void {}
}
