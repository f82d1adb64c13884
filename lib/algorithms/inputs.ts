/**
 * Seeded input generators of the corpus, and the text format every program
 * reads (whitespace-separated integers and words; `data/algorithms/common.h`).
 *
 * @module
 */
import { join } from "node:path";
import { atomicWriteFile, CACHE_DIR, UserError } from "../common/mod.ts";
import { Rng } from "../common/random.ts";

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
    generate(rng, { n, max }) {
      need(n >= 1 && max >= 1 && max <= 2 ** 31, "array needs n >= 1 and 1 <= max <= 2^31");
      return { kind: "array", values: Array.from({ length: n }, () => rng.int(0, max)) };
    },
  },
  search: {
    defaults: { n: 5000, queries: 5000, maxGap: 8 },
    generate(rng, { n, queries, maxGap }) {
      need(n >= 1 && queries >= 1 && maxGap >= 1, "search needs n, queries, maxGap >= 1");
      need(n * maxGap < 2 ** 31, "search keys must stay below 2^31 (n * maxGap)");
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
    generate(rng, { n, m, maxWeight, sources }) {
      need(n >= 2 && m >= 1 && m <= n * (n - 1) / 2, "graph needs n >= 2, 1 <= m <= n(n-1)/2");
      need(maxWeight >= 1 && maxWeight <= 100, "graph needs 1 <= maxWeight <= 100 (dial_buckets)");
      need(sources >= 1, "graph needs sources >= 1");
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
    generate(rng, { length, alphabet, patternLength }) {
      need(alphabet >= 1 && alphabet <= 26, "text needs 1 <= alphabet <= 26");
      need(
        patternLength >= 1 && patternLength <= length,
        "text needs 1 <= patternLength <= length",
      );
      const text = randomWord(rng, length, LETTERS.slice(0, alphabet));
      const at = rng.int(0, length - patternLength + 1);
      return { kind: "text", text, pattern: text.slice(at, at + patternLength) };
    },
  },
  sequences: {
    defaults: { lengthA: 300, lengthB: 250, alphabet: 4 },
    generate(rng, { lengthA, lengthB, alphabet }) {
      need(alphabet >= 1 && alphabet <= 4, "sequences needs 1 <= alphabet <= 4");
      need(lengthA >= 1 && lengthB >= 1, "sequences needs lengths >= 1");
      need(lengthA <= 32767, "sequences needs lengthA <= 32767 (memo_recursive stores shorts)");
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
    generate(rng, { n, max }) {
      need(n >= 1 && max >= 0 && max <= 1_000_000, "matrices needs n >= 1, 0 <= max <= 10^6");
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
  const generator = GENERATORS[options.generator];
  const params = { ...generator.defaults };
  for (const [key, value] of Object.entries(options.params ?? {})) {
    if (!(key in generator.defaults)) {
      throw new UserError(
        `input kind ${options.kind}: unknown parameter "${key}" of generator ${options.generator}`,
        `use parameters from: ${Object.keys(generator.defaults).join(", ")}`,
      );
    }
    params[key] = value;
  }
  return generator.generate(new Rng(`${options.seed}/${options.kind}/${options.index}`), params);
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
