/**
 * Per-PC stride prefetcher (a reference prediction table in the style of
 * Chen & Baer 1995): the last address and stride of each PC with a 2-bit
 * saturating confidence; it predicts only when confident.
 *
 * @module
 */
import { ADDRESS_BITS, type AddressPredictor, tableIndex } from "./predictor.ts";
import { log2TableSize } from "../tables.ts";

/** Options of {@linkcode StridePredictor}. */
export interface StrideOptions {
  /** Entries of the direct-mapped, PC-tagged table (a power of two; default 4096). */
  entries?: number;
  /** Confidence (0-3) needed to predict (default 2). */
  threshold?: number;
}

/** Per-PC stride with a 2-bit confidence counter. */
export class StridePredictor implements AddressPredictor {
  readonly name = "stride";
  readonly storageBits: number;
  readonly #bits: number;
  readonly #threshold: number;
  readonly #tag: Float64Array;
  readonly #last: Float64Array;
  readonly #stride: Float64Array;
  readonly #confidence: Uint8Array;

  constructor(options: StrideOptions = {}) {
    const entries = options.entries ?? 4096;
    this.#bits = log2TableSize("stride table entries", entries);
    this.#threshold = options.threshold ?? 2;
    this.#tag = new Float64Array(entries).fill(-1);
    this.#last = new Float64Array(entries);
    this.#stride = new Float64Array(entries);
    this.#confidence = new Uint8Array(entries);
    this.storageBits = entries * (3 * ADDRESS_BITS + 2);
  }

  access(_site: number, pc: number, addr: number): number | undefined {
    const i = tableIndex(this.#bits, pc);
    if (this.#tag[i] !== pc) {
      this.#tag[i] = pc;
      this.#last[i] = addr;
      this.#stride[i] = 0;
      this.#confidence[i] = 0;
      return undefined;
    }
    const stride = addr - this.#last[i];
    this.#last[i] = addr;
    if (stride === this.#stride[i]) {
      if (this.#confidence[i] < 3) this.#confidence[i]++;
    } else if (this.#confidence[i] > 0) {
      this.#confidence[i]--;
    } else {
      // Only an unconfident entry adopts a new stride, so one irregular access does not reset a steady stream.
      this.#stride[i] = stride;
    }
    return this.#confidence[i] >= this.#threshold ? addr + this.#stride[i] : undefined;
  }
}
