/**
 * Seeded input generators of the corpus, and the text format every program
 * reads (whitespace-separated integers and words; `data/algorithms/common.h`).
 *
 * @module
 */
import { join } from "node:path";
import { atomicWriteFile, CACHE_DIR, UserError } from "../common/mod.ts";
import { fnv1a64, Rng, splitmix64 } from "../common/random.ts";

/** Generator names. */
export type GeneratorName = "array" | "search" | "graph" | "text" | "sequences" | "matrices";

/** Every generator, in the order the README lists them. */
export const GENERATOR_NAMES: readonly GeneratorName[] = [
  "array",
  "search",
  "graph",
  "text",
  "sequences",
  "matrices",
];

/** A generated input, as data (for the reference) before it is written as text. */
export type InputData =
  /** `n`, then n integers. */
  | { kind: "array"; values: number[] }
  /** `n`, n strictly increasing keys, `q`, q queries. */
  | { kind: "search"; keys: number[]; queries: number[] }
  /**
   * `n m`, then m lines `u v w` (undirected edges, u < v, sorted by (u, v), no duplicates),
   * then `k` and k source vertices: the algorithm runs once from each.
   */
  | { kind: "graph"; n: number; edges: [number, number, number][]; sources: number[] }
  /** The text, then the pattern (two words). */
  | { kind: "text"; text: string; pattern: string }
  /** Two words. */
  | { kind: "sequences"; a: string; b: string }
  /** `n`, then a and b row-major. */
  | { kind: "matrices"; n: number; a: number[]; b: number[] };

interface Generator {
  /** Parameters and their defaults (a manifest may set only these). */
  defaults: Record<string, number>;
  /** Throws a {@linkcode UserError} when the parameters are out of range. */
  check(params: Record<string, number>): void;
  generate(rng: Rng, params: Record<string, number>): InputData;
}

const LETTERS = "abcdefghijklmnopqrstuvwxyz";
const BASES = "ACGT";

function randomWord(rng: Rng, length: number, alphabet: string): string {
  let s = "";
  for (let i = 0; i < length; i++) s += alphabet[rng.int(0, alphabet.length)];
  return s;
}

function need(ok: boolean, problem: string): void {
  if (!ok) {
    throw new UserError(
      `input parameters: ${problem}`,
      "fix the input kind's params in data/algorithms/manifest.json",
    );
  }
}

/** The generators by name. */
export const GENERATORS: Record<GeneratorName, Generator> = {
  array: {
    defaults: { n: 500, max: 1_000_000 },
    check({ n, max }) {
      need(n >= 1 && max >= 1 && max <= 2 ** 31, "array needs n >= 1 and 1 <= max <= 2^31");
    },
    generate(rng, { n, max }) {
      return { kind: "array", values: Array.from({ length: n }, () => rng.int(0, max)) };
    },
  },
  search: {
    defaults: { n: 5000, queries: 5000, maxGap: 8 },
    check({ n, queries, maxGap }) {
      need(n >= 1 && queries >= 1 && maxGap >= 1, "search needs n, queries, maxGap >= 1");
      need(n * maxGap < 2 ** 31, "search keys must stay below 2^31 (n * maxGap)");
    },
    generate(rng, { n, queries, maxGap }) {
      const keys: number[] = [];
      let key = rng.int(0, maxGap);
      for (let i = 0; i < n; i++) {
        keys.push(key);
        key += rng.int(1, maxGap + 1);
      }
      // Half the queries hit a key, half are arbitrary values (mostly misses).
      const qs = Array.from(
        { length: queries },
        () => rng.chance(0.5) ? keys[rng.int(0, n)] : rng.int(0, key + maxGap),
      );
      return { kind: "search", keys, queries: qs };
    },
  },
  graph: {
    defaults: { n: 300, m: 1500, maxWeight: 100, sources: 6 },
    check({ n, m, maxWeight, sources }) {
      need(n >= 2 && m >= 1 && m <= n * (n - 1) / 2, "graph needs n >= 2, 1 <= m <= n(n-1)/2");
      need(maxWeight >= 1 && maxWeight <= 100, "graph needs 1 <= maxWeight <= 100 (dial_buckets)");
      need(sources >= 1, "graph needs sources >= 1");
    },
    generate(rng, { n, m, maxWeight, sources }) {
      const seen = new Set<number>();
      const edges: [number, number, number][] = [];
      while (edges.length < m) {
        const a = rng.int(0, n), b = rng.int(0, n);
        if (a === b) continue;
        const u = Math.min(a, b), v = Math.max(a, b);
        if (seen.has(u * n + v)) continue;
        seen.add(u * n + v);
        edges.push([u, v, rng.int(1, maxWeight + 1)]);
      }
      edges.sort((x, y) => x[0] - y[0] || x[1] - y[1]);
      return {
        kind: "graph",
        n,
        edges,
        sources: Array.from({ length: sources }, () => rng.int(0, n)),
      };
    },
  },
  text: {
    defaults: { length: 50000, alphabet: 2, patternLength: 10 },
    check({ length, alphabet, patternLength }) {
      need(alphabet >= 1 && alphabet <= 26, "text needs 1 <= alphabet <= 26");
      need(
        patternLength >= 1 && patternLength <= length,
        "text needs 1 <= patternLength <= length",
      );
    },
    generate(rng, { length, alphabet, patternLength }) {
      const text = randomWord(rng, length, LETTERS.slice(0, alphabet));
      const at = rng.int(0, length - patternLength + 1);
      return { kind: "text", text, pattern: text.slice(at, at + patternLength) };
    },
  },
  sequences: {
    defaults: { lengthA: 300, lengthB: 250, alphabet: 4 },
    check({ lengthA, lengthB, alphabet }) {
      need(alphabet >= 1 && alphabet <= 4, "sequences needs 1 <= alphabet <= 4");
      need(lengthA >= 1 && lengthB >= 1, "sequences needs lengths >= 1");
      need(lengthA <= 32767, "sequences needs lengthA <= 32767 (memo_recursive stores shorts)");
    },
    generate(rng, { lengthA, lengthB, alphabet }) {
      const letters = BASES.slice(0, alphabet);
      return {
        kind: "sequences",
        a: randomWord(rng, lengthA, letters),
        b: randomWord(rng, lengthB, letters),
      };
    },
  },
  matrices: {
    defaults: { n: 48, max: 100 },
    check({ n, max }) {
      need(n >= 1 && max >= 0 && max <= 1_000_000, "matrices needs n >= 1, 0 <= max <= 10^6");
    },
    generate(rng, { n, max }) {
      const cell = () => rng.int(-max, max + 1);
      return {
        kind: "matrices",
        n,
        a: Array.from({ length: n * n }, cell),
        b: Array.from({ length: n * n }, cell),
      };
    },
  },
};

/**
 * Generates input number `index` of a kind: the same data for the same
 * (seed, kind, index, params) on every machine.
 */
export function generateInput(
  options: {
    seed: string;
    kind: string;
    generator: GeneratorName;
    index: number;
    params?: Record<string, number>;
  },
): InputData {
  const params = generatorParams(options.generator, options.params, `input kind ${options.kind}`);
  GENERATORS[options.generator].check(params);
  return GENERATORS[options.generator].generate(
    new Rng(`${options.seed}/${options.kind}/${options.index}`),
    params,
  );
}

/** The input as the text the C programs read. */
export function formatInput(data: InputData): string {
  switch (data.kind) {
    case "array":
      return `${data.values.length}\n${data.values.join(" ")}\n`;
    case "search":
      return `${data.keys.length}\n${data.keys.join(" ")}\n` +
        `${data.queries.length}\n${data.queries.join(" ")}\n`;
    case "graph":
      return `${data.n} ${data.edges.length}\n` +
        data.edges.map((e) => e.join(" ")).join("\n") +
        `\n${data.sources.length}\n${data.sources.join(" ")}\n`;
    case "text":
      return `${data.text}\n${data.pattern}\n`;
    case "sequences":
      return `${data.a}\n${data.b}\n`;
    case "matrices":
      return `${data.n}\n${data.a.join(" ")}\n${data.b.join(" ")}\n`;
  }
}

/**
 * How a program gets its input:
 * - `file`: `PROGRAM INPUT_FILE` (the text of {@linkcode formatInput});
 * - `stdin`: `PROGRAM < INPUT_FILE` (the same text on standard input);
 * - `seed`: `PROGRAM SEED P1 P2 ...`: the program generates the data itself from the seed and
 *   the kind's parameters (in the order of the generator's defaults), with the splitmix64 rules
 *   of {@linkcode seededInput}.
 */
export type InputStyle = "file" | "stdin" | "seed";

/** The input styles, in the order the README lists them. */
export const INPUT_STYLES: readonly InputStyle[] = ["file", "stdin", "seed"];

/**
 * splitmix64 as the seeded C programs write it: `next()` advances the state by
 * 0x9e3779b97f4a7c15 and mixes it; `below(n)` is `next() % n`.
 */
class SplitMix {
  #state: bigint;
  constructor(seed: bigint) {
    this.#state = BigInt.asUintN(64, seed);
  }
  next(): bigint {
    const [state, out] = splitmix64(this.#state);
    this.#state = state;
    return out;
  }
  below(n: number): number {
    return Number(this.next() % BigInt(n));
  }
}

/** A generator's parameters: its defaults overridden by `params` (an unknown key is a UserError). */
export function generatorParams(
  generator: GeneratorName,
  params: Record<string, number> = {},
  where = `generator ${generator}`,
): Record<string, number> {
  const defaults = GENERATORS[generator].defaults;
  const out = { ...defaults };
  for (const [key, value] of Object.entries(params)) {
    if (!(key in defaults)) {
      throw new UserError(
        `${where}: unknown parameter "${key}" of generator ${generator}`,
        `use parameters from: ${Object.keys(defaults).join(", ")}`,
      );
    }
    out[key] = value;
  }
  return out;
}

/** The seed of input `index` of a kind for `seed`-style programs: a 32-bit number. */
export function inputSeed(seed: string, kind: string, index: number): bigint {
  return fnv1a64(`${seed}/${kind}/${index}`) & 0xffffffffn;
}

/**
 * The arguments of a `seed`-style program: the seed, then the kind's parameters
 * in the order of the generator's defaults (e.g. array: `SEED n max`).
 */
export function seedArguments(
  generator: GeneratorName,
  seed: bigint,
  params: Record<string, number> = {},
): string[] {
  const full = generatorParams(generator, params);
  return [String(seed), ...Object.keys(GENERATORS[generator].defaults).map((k) => String(full[k]))];
}

/**
 * The data a `seed`-style program generates from `seed` (C programs of the corpus
 * implement the same rules; `r` is splitmix64, `below(n) = r() % n`):
 * - array (n, max): n values `below(max)`;
 * - search (n, queries, maxGap): key = `below(maxGap)`, then n times: keep key, key += 1 +
 *   `below(maxGap)`; each query: if `r()` is odd, `keys[below(n)]`, else `below(key + maxGap)`;
 * - graph (n, m, maxWeight, sources): selection sampling of exactly m of the pairs u < v in
 *   (u, v) order: a pair is taken when `below(pairs left) < edges still needed`, its weight
 *   1 + `below(maxWeight)`; then the sources, `below(n)` each;
 * - text (length, alphabet, patternLength): `'a' + below(alphabet)` per character, then the
 *   pattern is the text from `below(length - patternLength + 1)`;
 * - sequences (lengthA, lengthB, alphabet): `"ACGT"[below(alphabet)]` per character, a then b;
 * - matrices (n, max): `below(2 max + 1) - max` per cell, a then b.
 *
 * Parameters are checked as for {@linkcode generateInput}.
 */
export function seededInput(
  options: { generator: GeneratorName; seed: bigint; params?: Record<string, number> },
): InputData {
  const p = generatorParams(options.generator, options.params);
  GENERATORS[options.generator].check(p);
  const r = new SplitMix(options.seed);
  const word = (length: number, letters: string) => {
    let s = "";
    for (let i = 0; i < length; i++) s += letters[r.below(letters.length)];
    return s;
  };
  switch (options.generator) {
    case "array":
      return { kind: "array", values: Array.from({ length: p.n }, () => r.below(p.max)) };
    case "search": {
      const keys: number[] = [];
      let key = r.below(p.maxGap);
      for (let i = 0; i < p.n; i++) {
        keys.push(key);
        key += 1 + r.below(p.maxGap);
      }
      const queries = Array.from(
        { length: p.queries },
        () => (r.next() & 1n) === 1n ? keys[r.below(p.n)] : r.below(key + p.maxGap),
      );
      return { kind: "search", keys, queries };
    }
    case "graph": {
      const edges: [number, number, number][] = [];
      let left = p.n * (p.n - 1) / 2;
      for (let u = 0; u < p.n; u++) {
        for (let v = u + 1; v < p.n; v++, left--) {
          if (r.below(left) < p.m - edges.length) edges.push([u, v, 1 + r.below(p.maxWeight)]);
        }
      }
      return {
        kind: "graph",
        n: p.n,
        edges,
        sources: Array.from({ length: p.sources }, () => r.below(p.n)),
      };
    }
    case "text": {
      const text = word(p.length, LETTERS.slice(0, p.alphabet));
      const at = r.below(p.length - p.patternLength + 1);
      return { kind: "text", text, pattern: text.slice(at, at + p.patternLength) };
    }
    case "sequences": {
      const letters = BASES.slice(0, p.alphabet);
      return { kind: "sequences", a: word(p.lengthA, letters), b: word(p.lengthB, letters) };
    }
    case "matrices": {
      const cell = () => r.below(2 * p.max + 1) - p.max;
      return {
        kind: "matrices",
        n: p.n,
        a: Array.from({ length: p.n * p.n }, cell),
        b: Array.from({ length: p.n * p.n }, cell),
      };
    }
  }
}

/** Where the corpus's generated inputs go. */
export const INPUTS_DIR: string = join(CACHE_DIR, "algorithms", "inputs");

/** The file of input `index` of a kind. */
export function inputPath(kind: string, index: number, dir: string = INPUTS_DIR): string {
  return join(dir, kind, `input${index}.txt`);
}

/** The name of input `index` (used in trace paths and the index). */
export function inputName(index: number): string {
  return `input${index}`;
}

/**
 * Writes `text` to `path` unless the file already holds exactly that text, so
 * that an unchanged input keeps its modification time (and the traces made
 * from it stay up to date).
 */
export async function writeIfChanged(path: string, text: string): Promise<boolean> {
  const current = await Deno.readTextFile(path).catch(() => undefined);
  if (current === text) return false;
  await atomicWriteFile(path, text);
  return true;
}
