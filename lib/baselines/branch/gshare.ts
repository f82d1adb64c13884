/**
 * gshare (McFarling 1993): 2-bit counters indexed by the global history XOR
 * the PC. Unconditional jumps, calls and returns enter the global history as
 * taken, as ChampSim's driver gives every branch's outcome to its
 * `last_branch_result`; only conditional branches train the counters, as in
 * the CBP driver.
 *
 * @module
 */
import { type BranchPredictor, checkInteger, pcIndex } from "./predictor.ts";
import { log2TableSize } from "../tables.ts";

/** Options of {@linkcode GsharePredictor}. */
export interface GshareOptions {
  /** Counters in the table, a power of two (default 2^18: 64 KB of 2-bit counters). */
  entries?: number;
  /** Global history length in branches, at most log2(entries) (default log2(entries)). */
  historyLength?: number;
}

/** 2-bit counters indexed by `hash(pc) XOR global history`. */
export class GsharePredictor implements BranchPredictor {
  readonly name = "gshare";
  readonly storageBits: number;
  readonly #indexBits: number;
  readonly #historyMask: number;
  readonly #counters: Uint8Array;
  #history = 0;

  constructor(options: GshareOptions = {}) {
    const entries = options.entries ?? 1 << 18;
    this.#indexBits = log2TableSize("gshare entries", entries);
    const historyLength = checkInteger(
      "gshare historyLength",
      options.historyLength ?? this.#indexBits,
      0,
      this.#indexBits,
    );
    this.#historyMask = (1 << historyLength) - 1;
    this.#counters = new Uint8Array(entries).fill(1);
    this.storageBits = entries * 2 + historyLength;
  }

  #index(pc: number): number {
    return pcIndex(pc, this.#indexBits) ^ this.#history;
  }

  predict(pc: number): boolean {
    return this.#counters[this.#index(pc)] >= 2;
  }

  update(pc: number, taken: boolean, _target: number): void {
    const i = this.#index(pc);
    const c = this.#counters[i];
    if (taken) {
      if (c < 3) this.#counters[i] = c + 1;
    } else if (c > 0) this.#counters[i] = c - 1;
    this.#shift(taken ? 1 : 0);
  }

  track(_pc: number, _kind: number, _target: number): void {
    this.#shift(1);
  }

  #shift(bit: number): void {
    this.#history = ((this.#history << 1) | bit) & this.#historyMask;
  }
}
