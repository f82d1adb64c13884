/**
 * Value encodings: how a 64-bit dynamic value becomes the input vector of a
 * variable or pseudo node (the model embeds it with a learned dense layer).
 *
 * | name          | width         | layout                                                       |
 * |---------------|---------------|--------------------------------------------------------------|
 * | `binary`      | 64            | entry j = bit j of the value (LSB first), 0 or 1             |
 * | `hex`         | 256           | nibble j (LSB first) one-hot in entries [16j, 16j + 16)      |
 * | `categorical` | categories+1  | one-hot index of the value in the vocabulary; last = OOV     |
 * | `scalar`      | 2             | [sign, log2(1 + abs(v)) / 64] with v read as signed 64-bit   |
 *
 * The categorical vocabulary is the most frequent known values of the training
 * split ({@linkcode fitEncoding}); it is part of a trained model's config.
 *
 * @module
 */

/** Names of the encodings. */
export const ENCODING_NAMES = ["binary", "hex", "categorical", "scalar"] as const;
/** An encoding's name. */
export type EncodingName = typeof ENCODING_NAMES[number];

/** A serialisable description of an encoding (stored with a model). */
export interface EncodingSpec {
  name: EncodingName;
  /** `categorical` only: the vocabulary, most frequent first, as decimal strings of the 64-bit patterns. */
  categories?: string[];
}

/** An encoding ready to use. */
export interface ValueEncoding {
  readonly spec: EncodingSpec;
  /** Length of one encoded value. */
  readonly width: number;
  /**
   * Writes the encoding of the value `hi * 2^32 + lo` (both unsigned 32-bit
   * halves) into `out[offset .. offset + width)`, overwriting it.
   */
  encodeInto(lo: number, hi: number, out: Float32Array, offset: number): void;
}

const TWO32 = 4294967296;

function binary(): ValueEncoding {
  return {
    spec: { name: "binary" },
    width: 64,
    encodeInto(lo, hi, out, offset) {
      for (let j = 0; j < 32; j++) {
        out[offset + j] = (lo >>> j) & 1;
        out[offset + 32 + j] = (hi >>> j) & 1;
      }
    },
  };
}

function hex(): ValueEncoding {
  return {
    spec: { name: "hex" },
    width: 256,
    encodeInto(lo, hi, out, offset) {
      out.fill(0, offset, offset + 256);
      for (let j = 0; j < 8; j++) {
        out[offset + 16 * j + ((lo >>> (4 * j)) & 15)] = 1;
        out[offset + 16 * (j + 8) + ((hi >>> (4 * j)) & 15)] = 1;
      }
    },
  };
}

function scalar(): ValueEncoding {
  return {
    spec: { name: "scalar" },
    width: 2,
    encodeInto(lo, hi, out, offset) {
      let sign = 0;
      let magnitude = 0;
      if (hi >= 0x80000000) {
        // Two's complement negation of the 64-bit pattern, as doubles.
        const nlo = (~lo >>> 0) + 1;
        magnitude = ((~hi >>> 0) + (nlo >= TWO32 ? 1 : 0)) * TWO32 + (nlo % TWO32);
        sign = -1;
      } else {
        magnitude = hi * TWO32 + lo;
        sign = magnitude > 0 ? 1 : 0;
      }
      out[offset] = sign;
      out[offset + 1] = Math.log2(1 + magnitude) / 64;
    },
  };
}

function categorical(categories: string[]): ValueEncoding {
  const index = new Map<bigint, number>();
  categories.forEach((c, i) => index.set(BigInt(c), i));
  const width = categories.length + 1;
  return {
    spec: { name: "categorical", categories },
    width,
    encodeInto(lo, hi, out, offset) {
      out.fill(0, offset, offset + width);
      const v = (BigInt(hi) << 32n) | BigInt(lo);
      out[offset + (index.get(v) ?? categories.length)] = 1;
    },
  };
}

/** The encoding a spec describes. A `categorical` spec needs its `categories`. */
export function createEncoding(spec: EncodingSpec): ValueEncoding {
  switch (spec.name) {
    case "binary":
      return binary();
    case "hex":
      return hex();
    case "scalar":
      return scalar();
    case "categorical":
      if (!spec.categories) {
        throw new Error("a categorical encoding needs its categories (see fitEncoding)");
      }
      return categorical(spec.categories);
    default:
      throw new Error(`unknown encoding ${(spec as EncodingSpec).name}`);
  }
}

/** Options of {@linkcode fitEncoding}. */
export interface FitEncodingOptions {
  /** Vocabulary size of `categorical`, without the OOV entry (default 255). */
  categories?: number;
}

/**
 * The spec of encoding `name` fitted to training values: for `categorical`
 * the most frequent known values (ties broken by the smaller value, so the
 * result does not depend on the order of `values`); the others need no fitting.
 */
export function fitEncoding(
  name: EncodingName,
  values: BigUint64Array,
  known: Uint8Array,
  options: FitEncodingOptions = {},
): EncodingSpec {
  if (name !== "categorical") return { name };
  const size = options.categories ?? 255;
  const counts = new Map<bigint, number>();
  for (let i = 0; i < values.length; i++) {
    if (known[i]) counts.set(values[i], (counts.get(values[i]) ?? 0) + 1);
  }
  const top = [...counts.entries()]
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .slice(0, size)
    .map(([v]) => v.toString());
  return { name, categories: top };
}

const halvesCache = new WeakMap<BigUint64Array, Uint32Array>();

/** A little-endian 32-bit view of `values`: value i is `hi * 2^32 + lo` with lo = view[2i], hi = view[2i+1]. */
export function halvesOf(values: BigUint64Array): Uint32Array {
  let view = halvesCache.get(values);
  if (!view) {
    view = new Uint32Array(values.buffer, values.byteOffset, values.length * 2);
    halvesCache.set(values, view);
  }
  return view;
}

/** Encodes every value: a row-major `[values.length, encoding.width]` array. */
export function encodeValues(encoding: ValueEncoding, values: BigUint64Array): Float32Array {
  const halves = halvesOf(values);
  const out = new Float32Array(values.length * encoding.width);
  for (let i = 0; i < values.length; i++) {
    encoding.encodeInto(halves[2 * i], halves[2 * i + 1], out, i * encoding.width);
  }
  return out;
}

/** The 64-bit value whose `binary` encoding (or bit probabilities, thresholded at 0.5) is `bits[offset .. offset + 64)`. */
export function decodeBinary(bits: ArrayLike<number>, offset = 0): bigint {
  let lo = 0;
  let hi = 0;
  for (let j = 0; j < 32; j++) {
    if (bits[offset + j] > 0.5) lo |= 1 << j;
    if (bits[offset + 32 + j] > 0.5) hi |= 1 << j;
  }
  return (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0);
}

/** The 64-bit value whose `hex` encoding is `code[offset .. offset + 256)` (the largest entry of each nibble wins). */
export function decodeHex(code: ArrayLike<number>, offset = 0): bigint {
  let v = 0n;
  for (let j = 15; j >= 0; j--) {
    let best = 0;
    for (let d = 1; d < 16; d++) {
      if (code[offset + 16 * j + d] > code[offset + 16 * j + best]) best = d;
    }
    v = (v << 4n) | BigInt(best);
  }
  return v;
}
