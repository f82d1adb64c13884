/**
 * Programs written outside the corpus (`data/algorithms/outside/`): one or more
 * per class, in styles the corpus does not contain (records and strings instead
 * of integer arrays, doubles, grids as implicit graphs, a line diff, a grep,
 * macro templates, their own generators and output formats, no `common.h`).
 * They are never used for training or model selection: they check that a
 * classifier names code written elsewhere about as well as the held-out
 * implementations.
 *
 * Every program has a run (arguments, files or standard input generated here
 * from fixed seeds) and its exact expected output, computed here in TypeScript
 * from the same data, so every build checks the program is right. They are
 * built and traced like the foreign programs ({@linkcode buildStandalone}).
 *
 * ```ts
 * const programs = await buildOutsidePrograms({ compilers: ["gcc"], opts: ["O2"] });
 * // [{ name: "bfs_maze", class: "bfs", compiler: "gcc", opt: "O2", binary, trace }, …]
 * ```
 *
 * @module
 */
import { join } from "node:path";
import { ROOT } from "../common/mod.ts";
import { Rng } from "../common/random.ts";
import { ALGORITHMS_BUILD_DIR, type OptLevel } from "./build.ts";
import { ALGORITHMS_CACHE_DIR } from "./corpus.ts";
import { writeIfChanged } from "./inputs.ts";
import {
  buildStandalone,
  type StandaloneProgram,
  type StandaloneSetOptions,
  type StandaloneSpec,
} from "./standalone.ts";

/** The folder of the outside programs' sources: `data/algorithms/outside/`. */
export const OUTSIDE_DIR: string = join(ROOT, "data", "algorithms", "outside");

/** Where {@linkcode buildOutsidePrograms} compiles by default: `build/algorithms/outside/`. */
export const OUTSIDE_BUILD_DIR: string = join(ALGORITHMS_BUILD_DIR, "outside");

/** Where {@linkcode buildOutsidePrograms} traces by default: `data/cache/algorithms/outside/`. */
export const OUTSIDE_TRACES_DIR: string = join(ALGORITHMS_CACHE_DIR, "outside");

/** The optimisation levels {@linkcode buildOutsidePrograms} uses by default. */
export const OUTSIDE_DEFAULT_OPTS: readonly OptLevel[] = ["O0", "O2"];

/** What a program's run needs: files to write (name -> text), its arguments and its stdin. */
interface OutsideRun {
  /** Files written into the program's input folder, by name. */
  files: Record<string, string>;
  /** Arguments; `@name` stands for the path of file `name`. */
  args: string[];
  /** Name of the file fed to standard input. */
  stdin?: string;
  /** The exact output (one line). */
  expected: string;
}

/** A program written outside the corpus: its class and its run. */
export interface OutsideEntry {
  /** File name without `.c`. */
  name: string;
  /** The corpus class it implements. */
  class: string;
  /** What it does, in a few words. */
  description: string;
  /** Its run, from a generator seeded with its name. */
  run(rng: Rng): OutsideRun;
}

const u32 = (x: number) => x >>> 0;
const M64 = (1n << 64n) - 1n;
const fixed = (x: number, digits: number) => x.toFixed(digits);

/** Park-Miller minimal standard, as `heapsort_records.c`. */
function parkMiller(seed: number) {
  let s = seed;
  return () => (s = (s * 16807) % 2147483647);
}

/** Connected 4-neighbourhood components of the cells where `inside` is true: count and largest. */
function components(width: number, height: number, inside: (cell: number) => boolean) {
  const seen = new Uint8Array(width * height);
  let count = 0, largest = 0;
  for (let start = 0; start < width * height; start++) {
    if (seen[start] || !inside(start)) continue;
    count++;
    let size = 0;
    const stack = [start];
    seen[start] = 1;
    while (stack.length > 0) {
      const cell = stack.pop()!;
      size++;
      const r = Math.floor(cell / width), c = cell % width;
      for (const [nr, nc] of [[r - 1, c], [r + 1, c], [r, c - 1], [r, c + 1]]) {
        const next = nr * width + nc;
        if (nr < 0 || nr >= height || nc < 0 || nc >= width || seen[next] || !inside(next)) {
          continue;
        }
        seen[next] = 1;
        stack.push(next);
      }
    }
    largest = Math.max(largest, size);
  }
  return { count, largest };
}

/** The programs written outside the corpus, in name order. */
export const OUTSIDE_PROGRAMS: readonly OutsideEntry[] = [
  {
    name: "bfs_maze",
    class: "bfs",
    description: "shortest path through a text maze on stdin (grid BFS)",
    run(rng) {
      const width = 120, height = 80;
      const grid: string[][] = Array.from(
        { length: height },
        () => Array.from({ length: width }, () => (rng.chance(0.28) ? "#" : ".")),
      );
      grid[1][1] = "S";
      grid[height - 2][width - 2] = "E";
      const open = (cell: number) => grid[Math.floor(cell / width)][cell % width] !== "#";
      const dist = new Int32Array(width * height).fill(-1);
      const queue = [width + 1];
      dist[width + 1] = 0;
      for (let head = 0; head < queue.length; head++) {
        const cell = queue[head], r = Math.floor(cell / width), c = cell % width;
        for (const [nr, nc] of [[r - 1, c], [r + 1, c], [r, c - 1], [r, c + 1]]) {
          const next = nr * width + nc;
          if (nr < 0 || nr >= height || nc < 0 || nc >= width) continue;
          if (!open(next) || dist[next] >= 0) continue;
          dist[next] = dist[cell] + 1;
          queue.push(next);
        }
      }
      const exit = (height - 2) * width + width - 2;
      return {
        files: { "maze.txt": `${width} ${height}\n${grid.map((r) => r.join("")).join("\n")}\n` },
        args: [],
        stdin: "maze.txt",
        expected: `S to E: ${dist[exit]} steps; ${queue.length} cells reachable`,
      };
    },
  },
  {
    name: "binsearch_phonebook",
    class: "binary_search",
    description: "number lookups in a sorted directory of structs (xorshift32 data)",
    run() {
      let x = 7;
      const next = () => {
        x = u32(x ^ (x << 13));
        x = u32(x ^ (x >>> 17));
        x = u32(x ^ (x << 5));
        return x;
      };
      const entries = 6000, lookups = 8000;
      const at = new Map<number, number>();
      let number = 5550000;
      for (let i = 0; i < entries; i++) {
        number += 1 + (next() % 97);
        at.set(number, i);
      }
      const numbers = [...at.keys()];
      let found = 0, sum = 0;
      for (let q = 0; q < lookups; q++) {
        const wanted = next() & 1
          ? numbers[next() % entries]
          : 5550000 + (next() % (number - 5550000 + 1));
        const index = at.get(wanted);
        if (index !== undefined) found++, sum += index;
      }
      const last = `n${String((entries - 1) % 100000).padStart(5, "0")}`;
      return {
        files: {},
        args: [],
        expected: `${found} of ${lookups} numbers found, index sum ${sum}, last entry ${last}`,
      };
    },
  },
  {
    name: "bubble_floats",
    class: "bubble_sort",
    description: "bubble sort of decimal numbers from a CSV file (doubles)",
    run(rng) {
      const values = Array.from({ length: 600 }, () => rng.int(-500000, 500001) / 1000);
      const lines = [];
      for (let i = 0; i < values.length; i += 10) {
        lines.push(values.slice(i, i + 10).map((v) => fixed(v, 3)).join(","));
      }
      const sorted = [...values].sort((a, b) => a - b);
      const n = sorted.length;
      return {
        files: { "values.csv": lines.join("\n") + "\n" },
        args: ["@values.csv"],
        expected: `${n} values: min ${fixed(sorted[0], 3)}, median ${
          fixed(sorted[Math.floor(n / 2)], 3)
        }, max ${fixed(sorted[n - 1], 3)}`,
      };
    },
  },
  {
    name: "dfs_islands",
    class: "dfs",
    description: "islands of a random map by recursive flood fill (ANSI C rand)",
    run() {
      const width = 160, height = 120;
      let next = 1n;
      const land = new Uint8Array(width * height);
      for (let i = 0; i < land.length; i++) {
        next = (next * 1103515245n + 12345n) & M64;
        land[i] = Number((next / 65536n) % 32768n) % 100 < 45 ? 1 : 0;
      }
      const { count, largest } = components(width, height, (cell) => land[cell] === 1);
      return { files: {}, args: [], expected: `${count} islands, the largest ${largest} cells` };
    },
  },
  {
    name: "dijkstra_grid",
    class: "dijkstra",
    description: "lowest-risk path over a grid of digits from a file (heap of structs)",
    run(rng) {
      const width = 100, height = 100, cells = width * height;
      const risk = Array.from({ length: cells }, () => rng.int(1, 10));
      // Dial's buckets: every step costs 1..9.
      const best = new Int32Array(cells).fill(-1);
      const buckets: number[][] = [[0]];
      best[0] = 0;
      for (let d = 0; d < buckets.length; d++) {
        for (const cell of buckets[d] ?? []) {
          if (best[cell] !== d) continue;
          const r = Math.floor(cell / width), c = cell % width;
          for (const [nr, nc] of [[r - 1, c], [r + 1, c], [r, c - 1], [r, c + 1]]) {
            if (nr < 0 || nr >= height || nc < 0 || nc >= width) continue;
            const v = nr * width + nc, total = d + risk[v];
            if (best[v] >= 0 && best[v] <= total) continue;
            best[v] = total;
            (buckets[total] ??= []).push(v);
          }
        }
      }
      const lines = [];
      for (let r = 0; r < height; r++) lines.push(risk.slice(r * width, (r + 1) * width).join(""));
      return {
        files: { "grid.txt": lines.join("\n") + "\n" },
        args: ["@grid.txt"],
        expected: `lowest total risk ${best[cells - 1]}; sum over all cells ${
          best.reduce((s, d) => s + d, 0)
        }`,
      };
    },
  },
  {
    name: "heapsort_records",
    class: "heap_sort",
    description: "payroll records sorted by salary with a heapsort on structs",
    run() {
      const next = parkMiller(12345);
      const staff = Array.from({ length: 4000 }, (_, i) => ({
        id: i + 1000,
        salary: 20000 + (next() % 80000),
      }));
      staff.sort((a, b) => a.salary - b.salary || a.id - b.id);
      let digest = 0;
      for (const s of staff) digest = u32(Math.imul(digest, 31) + s.id);
      const lo = staff[0], hi = staff[staff.length - 1];
      return {
        files: {},
        args: [],
        expected: `${staff.length} records; lowest ${lo.salary} (id ${lo.id}), highest ` +
          `${hi.salary} (id ${hi.id}); order digest ${digest}`,
      };
    },
  },
  {
    name: "insertion_cards",
    class: "insertion_sort",
    description: "a shuffled shoe of card structs put in order by a stable insertion sort",
    run() {
      let state = 99n;
      const next = () => {
        state = (state * 6364136223846793005n + 1442695040888963407n) & M64;
        return Number(state >> 33n);
      };
      const count = 52 * 8;
      const shoe = Array.from({ length: count }, (_, i) => ({
        deck: Math.floor(i / 52),
        suit: Math.floor((i % 52) / 13),
        rank: i % 13,
      }));
      for (let i = count - 1; i > 0; i--) {
        const j = next() % (i + 1);
        [shoe[i], shoe[j]] = [shoe[j], shoe[i]];
      }
      shoe.sort((a, b) => a.suit - b.suit || a.rank - b.rank); // stable
      let digest = 0;
      for (const c of shoe) digest = u32(Math.imul(digest, 31) + c.deck);
      return {
        files: {},
        args: [],
        expected: `${count} cards in order; first suit ${shoe[0].suit} rank ${
          shoe[0].rank
        }, deck digest ${digest}`,
      };
    },
  },
  {
    name: "kmp_grep",
    class: "kmp",
    description: "grep -c -F with a total: lines of stdin containing a fixed string",
    run(rng) {
      const pattern = "abaab";
      const lines = Array.from({ length: 2000 }, () => {
        let s = "";
        for (let i = rng.int(20, 81); i > 0; i--) s += rng.chance(0.1) ? " " : rng.pick(["a", "b"]);
        return s;
      });
      let matching = 0, total = 0;
      for (const line of lines) {
        let hits = 0;
        for (let at = line.indexOf(pattern); at >= 0; at = line.indexOf(pattern, at + 1)) hits++;
        if (hits > 0) matching++;
        total += hits;
      }
      return {
        files: { "text.txt": lines.join("\n") + "\n" },
        args: [pattern],
        stdin: "text.txt",
        expected: `${matching} matching lines, ${total} occurrences of "${pattern}"`,
      };
    },
  },
  {
    name: "lcs_diff",
    class: "lcs",
    description: "a line diff of two files: LCS of their lines and a walk through the table",
    run(rng) {
      const vocabulary = Array.from(
        { length: 60 },
        (_, i) => `entry ${i}: ${"xyz".repeat(1 + (i % 4))} ${i * 7 % 13}`,
      );
      const a = Array.from({ length: 400 }, () => rng.pick(vocabulary));
      const b: string[] = [];
      for (const line of a) {
        if (rng.chance(0.1)) b.push(rng.pick(vocabulary));
        const roll = rng.float();
        if (roll < 0.1) continue;
        b.push(roll < 0.2 ? rng.pick(vocabulary) : line);
      }
      const n = a.length, m = b.length, w = m + 1;
      const t = new Uint16Array((n + 1) * w);
      for (let i = n - 1; i >= 0; i--) {
        for (let j = m - 1; j >= 0; j--) {
          t[i * w + j] = a[i] === b[j]
            ? t[(i + 1) * w + j + 1] + 1
            : Math.max(t[(i + 1) * w + j], t[i * w + j + 1]);
        }
      }
      let i = 0, j = 0, removed = 0, added = 0, hunks = 0, inHunk = false;
      while (i < n || j < m) {
        if (i < n && j < m && a[i] === b[j]) {
          i++, j++, inHunk = false;
          continue;
        }
        if (!inHunk) hunks++, inHunk = true;
        if (j === m || (i < n && t[(i + 1) * w + j] >= t[i * w + j + 1])) i++, removed++;
        else j++, added++;
      }
      return {
        files: { "old.txt": a.join("\n") + "\n", "new.txt": b.join("\n") + "\n" },
        args: ["@old.txt", "@new.txt"],
        expected: `${n} vs ${m} lines: ${t[0]} common, ${removed} removed, ${added} added, ` +
          `${hunks} hunks`,
      };
    },
  },
  {
    name: "matmul_double",
    class: "matmul",
    description: "product of two matrices of doubles in a struct with an accessor macro",
    run() {
      const n = 56;
      let lcg = 2024;
      const uniform = () => (lcg = u32(Math.imul(lcg, 1664525) + 1013904223)) >>> 8;
      const a = Float64Array.from({ length: n * n }, () => uniform() / 16777216);
      const b = Float64Array.from({ length: n * n }, () => uniform() / 16777216);
      const c = new Float64Array(n * n);
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < n; j++) {
          let acc = 0;
          for (let k = 0; k < n; k++) acc += a[i * n + k] * b[k * n + j];
          c[i * n + j] = acc;
        }
      }
      let trace = 0, sum = 0;
      for (let i = 0; i < n; i++) trace += c[i * n + i];
      for (const v of c) sum += v;
      return {
        files: {},
        args: [],
        expected: `${n}x${n} product: trace ${fixed(trace, 6)}, sum ${fixed(sum, 6)}`,
      };
    },
  },
  {
    name: "mergesort_words",
    class: "merge_sort",
    description: "bottom-up merge sort of the words of stdin (strcmp on string pointers)",
    run(rng) {
      const words = Array.from({ length: 3000 }, () => {
        let w = "";
        for (let i = rng.int(2, 8); i > 0; i--) w += rng.pick([..."etaoinshrdlu"]);
        return w;
      });
      const sorted = [...words].sort();
      let digest = 0;
      for (const w of sorted) {
        for (const ch of w) digest = u32(Math.imul(digest, 131) + ch.charCodeAt(0));
        digest = u32(Math.imul(digest, 131) + 32);
      }
      return {
        files: { "words.txt": words.join("\n") + "\n" },
        args: [],
        stdin: "words.txt",
        expected: `${words.length} words, first "${sorted[0]}", last "${
          sorted[sorted.length - 1]
        }", digest ${digest}`,
      };
    },
  },
  {
    name: "quicksort_u64",
    class: "quick_sort",
    description: "a macro-template quicksort of 64-bit keys (xorshift64*)",
    run() {
      let x = 88172645463325252n;
      const keys = Array.from({ length: 20000 }, () => {
        x ^= x >> 12n;
        x ^= (x << 25n) & M64;
        x ^= x >> 27n;
        return (x * 2685821657736338717n) & M64;
      });
      keys.sort((p, q) => (p < q ? -1 : p > q ? 1 : 0));
      let digest = 0n;
      keys.forEach((k, i) => (digest ^= (k * BigInt(i + 1)) & M64));
      const hex = (v: bigint) => v.toString(16).padStart(16, "0");
      return {
        files: {},
        args: [],
        expected: `${keys.length} keys, min ${hex(keys[0])}, max ${
          hex(keys[keys.length - 1])
        }, digest ${hex(digest)}`,
      };
    },
  },
];

/**
 * Options of {@linkcode buildOutsidePrograms} (default levels {@linkcode OUTSIDE_DEFAULT_OPTS});
 * the input files go to `<tracesDir>/inputs/<name>/`.
 */
export type BuildOutsideOptions = StandaloneSetOptions;

/** A built and traced outside program (absolute paths), with its class. */
export interface OutsideProgram extends StandaloneProgram {
  class: string;
}

/**
 * Writes the input files of every outside program into `<dir>/<name>/`
 * (only the files whose text changed) and returns their specs.
 */
export async function outsideSpecs(dir: string): Promise<StandaloneSpec[]> {
  const specs: StandaloneSpec[] = [];
  for (const entry of OUTSIDE_PROGRAMS) {
    const run = entry.run(new Rng(`outside/${entry.name}`));
    const path = (name: string) => join(dir, entry.name, name);
    for (const [name, text] of Object.entries(run.files)) await writeIfChanged(path(name), text);
    specs.push({
      name: entry.name,
      source: join(OUTSIDE_DIR, `${entry.name}.c`),
      headers: [],
      args: run.args.map((a) => (a.startsWith("@") ? path(a.slice(1)) : a)),
      stdin: run.stdin ? path(run.stdin) : undefined,
      inputs: Object.keys(run.files).map(path),
      expected: run.expected,
    });
  }
  return specs;
}

/**
 * Compiles every outside program with each compiler at each level and traces
 * each binary once on its run, checking its output (see {@linkcode buildStandalone}).
 *
 * @returns One entry per program, compiler and level (compiler, then level, then name).
 */
export async function buildOutsidePrograms(
  options: BuildOutsideOptions = {},
): Promise<OutsideProgram[]> {
  const tracesDir = options.tracesDir ?? OUTSIDE_TRACES_DIR;
  const built = await buildStandalone("outside", await outsideSpecs(join(tracesDir, "inputs")), {
    compilers: options.compilers,
    opts: options.opts ?? OUTSIDE_DEFAULT_OPTS,
    buildDir: options.buildDir ?? OUTSIDE_BUILD_DIR,
    tracesDir,
    jobs: options.jobs,
    quiet: options.quiet,
  });
  const classOf = new Map(OUTSIDE_PROGRAMS.map((p) => [p.name, p.class]));
  return built.map((b) => ({ ...b, class: classOf.get(b.name)! }));
}
