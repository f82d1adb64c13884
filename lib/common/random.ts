/**
 * A small seeded pseudo-random generator, so that every generated input,
 * sample and initial weight is the same on every machine and every run.
 *
 * The stream is xoshiro128** (32-bit words: fast in JavaScript without
 * BigInt), seeded through splitmix64 from a number, bigint or string seed.
 *
 * @example
 * ```ts
 * const rng = new Rng("bzip2/text");
 * rng.int(0, 10); // same value every time for this seed
 * ```
 *
 * @module
 */

const MASK64 = (1n << 64n) - 1n;

/** One step of splitmix64: returns the next state and its output. */
export function splitmix64(state: bigint): [bigint, bigint] {
  const next = (state + 0x9e3779b97f4a7c15n) & MASK64;
  let z = next;
  z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & MASK64;
  z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & MASK64;
  return [next, z ^ (z >> 31n)];
}

/** FNV-1a (64-bit) of a string's UTF-8 bytes: turns a text seed into a number. */
export function fnv1a64(text: string): bigint {
  let hash = 0xcbf29ce484222325n;
  for (const byte of new TextEncoder().encode(text)) {
    hash = ((hash ^ BigInt(byte)) * 0x100000001b3n) & MASK64;
  }
  return hash;
}

/** A seed: a non-negative integer, a bigint, or any text (hashed). */
export type Seed = number | bigint | string;

function seedToBigInt(seed: Seed): bigint {
  if (typeof seed === "string") return fnv1a64(seed);
  if (typeof seed === "number") {
    if (!Number.isSafeInteger(seed)) throw new RangeError(`seed must be an integer, got ${seed}`);
    return BigInt.asUintN(64, BigInt(seed));
  }
  return BigInt.asUintN(64, seed);
}

/** A deterministic random stream (xoshiro128**) with helpers for generators. */
export class Rng {
  #s = new Uint32Array(4);

  /** A stream fully determined by `seed`. */
  constructor(seed: Seed) {
    let state = seedToBigInt(seed);
    for (let i = 0; i < 2; i++) {
      const [next, out] = splitmix64(state);
      state = next;
      this.#s[2 * i] = Number(out & 0xffffffffn);
      this.#s[2 * i + 1] = Number(out >> 32n);
    }
    // xoshiro must not start from the all-zero state.
    if (this.#s.every((w) => w === 0)) this.#s[0] = 1;
  }

  /** An independent stream derived from this one's seed material and `label`. */
  fork(label: string): Rng {
    return new Rng(`${this.#s.join(",")}/${label}`);
  }

  /** The next 32 random bits as an unsigned integer. */
  u32(): number {
    const s = this.#s;
    const result = Math.imul(rotl(Math.imul(s[1], 5), 7), 9) >>> 0;
    const t = s[1] << 9;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 11);
    return result;
  }

  /** A float uniform in [0, 1) with 53 random bits. */
  float(): number {
    return ((this.u32() >>> 5) * 67108864 + (this.u32() >>> 6)) / 9007199254740992;
  }

  /** An integer uniform in [lo, hi) (hi exclusive); unbiased. */
  int(lo: number, hi: number): number {
    const span = hi - lo;
    if (!(span > 0) || !Number.isSafeInteger(span)) {
      throw new RangeError(`empty or invalid range [${lo}, ${hi})`);
    }
    if (span <= 0x100000000) {
      // Rejection sampling against the largest multiple of span below 2^32.
      const limit = 0x100000000 - (0x100000000 % span);
      let x = this.u32();
      while (x >= limit) x = this.u32();
      return lo + (x % span);
    }
    return lo + Math.floor(this.float() * span);
  }

  /** True with probability `p`. */
  chance(p: number): boolean {
    return this.float() < p;
  }

  /** A uniformly chosen element of a non-empty array. */
  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError("pick from an empty array");
    return items[this.int(0, items.length)];
  }

  /** An element chosen with probability proportional to its weight. */
  weighted<T>(items: readonly T[], weights: readonly number[]): T {
    const total = weights.reduce((a, b) => a + b, 0);
    let x = this.float() * total;
    for (let i = 0; i < items.length; i++) {
      x -= weights[i];
      if (x < 0) return items[i];
    }
    return items[items.length - 1];
  }

  /** Shuffles `items` in place (Fisher-Yates) and returns it. */
  shuffle<T, A extends { length: number; [i: number]: T }>(items: A): A {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.int(0, i + 1);
      const tmp = items[i];
      items[i] = items[j];
      items[j] = tmp;
    }
    return items;
  }

  /** A standard normal sample (Box-Muller). */
  normal(): number {
    const u = 1 - this.float();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.float());
  }

  /** `n` random bytes. */
  bytes(n: number): Uint8Array {
    const out = new Uint8Array(n);
    let i = 0;
    for (; i + 4 <= n; i += 4) {
      const x = this.u32();
      out[i] = x;
      out[i + 1] = x >>> 8;
      out[i + 2] = x >>> 16;
      out[i + 3] = x >>> 24;
    }
    for (; i < n; i++) out[i] = this.u32();
    return out;
  }
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}
