/**
 * Natural-looking text for generators: pseudo-words from syllables, drawn
 * with a Zipf distribution like words of real prose.
 *
 * @module
 */
import type { Rng } from "../../common/random.ts";

const ONSETS = [
  "",
  "b",
  "c",
  "d",
  "f",
  "g",
  "h",
  "k",
  "l",
  "m",
  "n",
  "p",
  "r",
  "s",
  "t",
  "v",
  "st",
  "tr",
  "pl",
  "ch",
  "sh",
  "gr",
];
const VOWELS = ["a", "e", "i", "o", "u", "ai", "ea", "ou", "io"];
const CODAS = ["", "", "n", "r", "s", "t", "l", "m", "nd", "st", "ng", "x"];

/** `size` distinct pseudo-words, shortest (most frequent) first. */
export function makeVocabulary(rng: Rng, size: number): string[] {
  const words = new Set<string>();
  while (words.size < size) {
    const syllables = 1 + Math.min(3, Math.floor(Math.abs(rng.normal()) * 1.2));
    let w = "";
    for (let s = 0; s < syllables; s++) w += rng.pick(ONSETS) + rng.pick(VOWELS) + rng.pick(CODAS);
    words.add(w);
  }
  return [...words].sort((a, b) => a.length - b.length || (a < b ? -1 : 1));
}

/** Draws indices in [0, n) with probability proportional to 1 / (i + 1)^exponent. */
export class ZipfSampler {
  #cdf: Float64Array;

  constructor(n: number, exponent = 1.05) {
    this.#cdf = new Float64Array(n);
    let total = 0;
    for (let i = 0; i < n; i++) {
      total += 1 / Math.pow(i + 1, exponent);
      this.#cdf[i] = total;
    }
    for (let i = 0; i < n; i++) this.#cdf[i] /= total;
  }

  /** The next index. */
  sample(rng: Rng): number {
    const x = rng.float();
    let lo = 0, hi = this.#cdf.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.#cdf[mid] < x) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

/** A sentence of `rng`-chosen words, capitalised, ending in punctuation. */
export function sentence(rng: Rng, vocab: string[], zipf: ZipfSampler): string {
  const n = 4 + rng.int(0, 14);
  const words: string[] = [];
  for (let i = 0; i < n; i++) {
    let w = vocab[zipf.sample(rng)];
    if (rng.chance(0.03)) w = String(rng.int(0, 100000));
    words.push(w);
    if (i < n - 1 && rng.chance(0.08)) words.push(",");
  }
  const text = words.join(" ").replace(/ ,/g, ",");
  return text[0].toUpperCase() + text.slice(1) + rng.pick([".", ".", ".", "?", "!", ";"]);
}

/** Roughly `chars` characters of paragraphs separated by blank lines. */
export function prose(rng: Rng, vocab: string[], zipf: ZipfSampler, chars: number): string {
  const parts: string[] = [];
  let length = 0;
  while (length < chars) {
    const para: string[] = [];
    const sentences = 1 + rng.int(0, 6);
    for (let i = 0; i < sentences; i++) para.push(sentence(rng, vocab, zipf));
    const text = para.join(" ");
    parts.push(text);
    length += text.length + 2;
  }
  return parts.join("\n\n") + "\n";
}
