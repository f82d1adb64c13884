/**
 * GHB PC/DC (Nesbit & Smith, HPCA 2004): a global history buffer of recent
 * load addresses, linked per PC through an index table. On each access the
 * PC's address history is walked to form its delta stream; the most recent
 * earlier occurrence of the last two deltas (delta correlation) says which
 * delta comes next.
 *
 * @module
 */
import { ADDRESS_BITS, type AddressPredictor, tableIndex } from "./predictor.ts";
import { log2TableSize } from "../tables.ts";

/** Options of {@linkcode GhbPcDcPredictor}. */
export interface GhbPcDcOptions {
  /** Entries of the direct-mapped, PC-tagged index table (a power of two; default 4096). */
  indexEntries?: number;
  /** Entries of the global history buffer (default 16384). */
  historyEntries?: number;
  /** Most deltas of one PC's history searched for a match (default 64). */
  maxDeltas?: number;
}

/** Global history buffer, PC-localised, delta correlation; predicts one delta ahead. */
export class GhbPcDcPredictor implements AddressPredictor {
  readonly name = "ghb-pcdc";
  readonly storageBits: number;
  readonly #indexBits: number;
  readonly #indexTag: Float64Array;
  /** Sequence number of the PC's newest history entry. */
  readonly #indexHead: Float64Array;
  readonly #historySize: number;
  readonly #historyAddr: Float64Array;
  /** Sequence number of the previous entry of the same PC, or -1. */
  readonly #historyLink: Float64Array;
  /** Entries ever pushed: the next sequence number. */
  #pushed = 0;
  readonly #deltas: Float64Array;

  constructor(options: GhbPcDcOptions = {}) {
    const indexEntries = options.indexEntries ?? 4096;
    this.#indexBits = log2TableSize("GHB index table entries", indexEntries);
    this.#historySize = options.historyEntries ?? 16384;
    log2TableSize("GHB history entries", this.#historySize);
    this.#indexTag = new Float64Array(indexEntries).fill(-1);
    this.#indexHead = new Float64Array(indexEntries);
    this.#historyAddr = new Float64Array(this.#historySize);
    this.#historyLink = new Float64Array(this.#historySize);
    this.#deltas = new Float64Array(Math.max(3, options.maxDeltas ?? 64));
    const pointerBits = Math.log2(this.#historySize);
    this.storageBits = indexEntries * (ADDRESS_BITS + pointerBits) +
      this.#historySize * (ADDRESS_BITS + pointerBits);
  }

  access(_site: number, pc: number, addr: number): number | undefined {
    const i = tableIndex(this.#indexBits, pc);
    const previous = this.#indexTag[i] === pc ? this.#indexHead[i] : -1;
    const seq = this.#pushed++;
    const slot = seq % this.#historySize;
    this.#historyAddr[slot] = addr;
    this.#historyLink[slot] = previous;
    this.#indexTag[i] = pc;
    this.#indexHead[i] = seq;

    // deltas[k] = a[k] - a[k+1], newest first (a[0] is this access). The walk stops at the
    // most recent earlier occurrence of the pair (deltas[1], deltas[0]): deltas[k] == deltas[0]
    // and deltas[k + 1] == deltas[1] for some k >= 1 predicts deltas[k - 1] next.
    const deltas = this.#deltas;
    const oldestValid = this.#pushed - this.#historySize;
    let count = 0;
    let newer = addr;
    for (let s = previous; s >= oldestValid && s >= 0 && count < deltas.length;) {
      const at = s % this.#historySize;
      const older = this.#historyAddr[at];
      deltas[count++] = newer - older;
      newer = older;
      s = this.#historyLink[at];
      const k = count - 2;
      if (k >= 1 && deltas[k] === deltas[0] && deltas[k + 1] === deltas[1]) {
        return addr + deltas[k - 1];
      }
    }
    return undefined;
  }
}
