/**
 * The next-address predictor interface (ChampSim style: a predictor is one
 * class; the registry in `registry.ts` names it) and the small helpers the
 * table-based predictors share.
 *
 * @module
 */

/**
 * An online next-address predictor: it sees every execution of every load
 * site in execution order and predicts the address that the same site will
 * access at its next execution.
 */
export interface AddressPredictor {
  /** Registry name, e.g. `"stride"`. */
  readonly name: string;
  /** Hardware budget of the predictor's tables in bits (with full tags), if it models hardware. */
  readonly storageBits?: number;
  /**
   * Sees the current execution of a load site (site id, `pc` < 2^48 and the
   * address as numbers: user addresses fit in 47 bits, so both are exact) and
   * returns its prediction of the address of the next execution of the same
   * site, or `undefined` for no prediction. Learns from what it has seen.
   */
  access(site: number, pc: number, addr: number): number | undefined;
}

const TWO_32 = 4294967296;

/**
 * Hashes an integer below 2^53 (a PC or an address) with an optional second
 * one into `[0, 2^bits)`: a table index for direct-mapped tables.
 */
export function tableIndex(bits: number, a: number, b = 0): number {
  let h = Math.imul((a >>> 0) ^ 0x9e3779b9, 0x85ebca6b);
  h = Math.imul(h ^ (Math.floor(a / TWO_32) >>> 0) ^ (h >>> 13), 0xc2b2ae35);
  h = Math.imul(h ^ (b >>> 0) ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (Math.floor(b / TWO_32) >>> 0) ^ (h >>> 13), 0xc2b2ae35);
  h ^= h >>> 16;
  return (h >>> 0) >>> (32 - bits);
}

/** Bits of a PC or address field in the storage estimates (user space: 48 bits). */
export const ADDRESS_BITS = 48;

/** Typed arrays indexed by site id. */
type SiteArray = Float64Array | Uint32Array | Int32Array | Uint8Array;

/**
 * `array` itself if `index` fits, else a copy at least twice as long whose
 * new entries hold `fill`: per-site tables grow as a trace defines sites
 * while it streams.
 */
export function growToFit<T extends SiteArray>(array: T, index: number, fill = 0): T {
  if (index < array.length) return array;
  let size = Math.max(64, array.length * 2);
  while (size <= index) size *= 2;
  const grown = new (array.constructor as new (length: number) => T)(size);
  grown.set(array as ArrayLike<number>);
  if (fill !== 0) grown.fill(fill, array.length);
  return grown;
}
