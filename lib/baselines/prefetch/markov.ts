/**
 * Address-correlating Markov prefetcher in the spirit of ISB (Jain & Lin,
 * MICRO 2013): per PC, the address that followed each address last time.
 * A direct-mapped table keyed by (PC, address) holds the successor.
 *
 * @module
 */
import { ADDRESS_BITS, type AddressPredictor, tableIndex } from "./predictor.ts";
import { log2TableSize } from "../tables.ts";

/** Options of {@linkcode MarkovPredictor}. */
export interface MarkovOptions {
  /** Entries of the (PC, address) -> next address table (a power of two; default 65536). */
  entries?: number;
  /** Entries of the PC -> last address table (a power of two; default 4096). */
  pcEntries?: number;
}

/** Per-PC address correlation: predicts the successor seen after this address last time. */
export class MarkovPredictor implements AddressPredictor {
  readonly name = "markov";
  readonly storageBits: number;
  readonly #bits: number;
  readonly #tagPc: Float64Array;
  readonly #tagAddr: Float64Array;
  readonly #next: Float64Array;
  readonly #pcBits: number;
  readonly #pcTag: Float64Array;
  readonly #pcLast: Float64Array;

  constructor(options: MarkovOptions = {}) {
    const entries = options.entries ?? 65536;
    const pcEntries = options.pcEntries ?? 4096;
    this.#bits = log2TableSize("Markov table entries", entries);
    this.#pcBits = log2TableSize("Markov PC table entries", pcEntries);
    this.#tagPc = new Float64Array(entries).fill(-1);
    this.#tagAddr = new Float64Array(entries);
    this.#next = new Float64Array(entries);
    this.#pcTag = new Float64Array(pcEntries).fill(-1);
    this.#pcLast = new Float64Array(pcEntries);
    this.storageBits = entries * 3 * ADDRESS_BITS + pcEntries * 2 * ADDRESS_BITS;
  }

  access(_site: number, pc: number, addr: number): number | undefined {
    const p = tableIndex(this.#pcBits, pc);
    if (this.#pcTag[p] === pc) {
      const last = this.#pcLast[p];
      const t = tableIndex(this.#bits, pc, last);
      this.#tagPc[t] = pc;
      this.#tagAddr[t] = last;
      this.#next[t] = addr;
    }
    this.#pcTag[p] = pc;
    this.#pcLast[p] = addr;
    const t = tableIndex(this.#bits, pc, addr);
    return this.#tagPc[t] === pc && this.#tagAddr[t] === addr ? this.#next[t] : undefined;
  }
}
