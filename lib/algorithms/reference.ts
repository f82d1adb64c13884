/**
 * Reference results of every algorithm class, computed in TypeScript from the
 * generated input, as the checksum the C programs print
 * (`data/algorithms/common.h`: 64-bit FNV-1a-style mixing of each value).
 *
 * @module
 */
import type { GeneratorName, InputData } from "./inputs.ts";

const MASK64 = (1n << 64n) - 1n;
/** Start value of a checksum (FNV-1a's 64-bit offset basis). */
export const CHECKSUM_START = 14695981039346656037n;
const PRIME = 1099511628211n;

/** One mixing step, as `mix()` in common.h: `(h ^ value) * prime mod 2^64`. */
export function mix(h: bigint, value: number | bigint): bigint {
  return ((h ^ BigInt.asUintN(64, BigInt(value))) * PRIME) & MASK64;
}

/** The checksum of a sequence of values, from {@linkcode CHECKSUM_START}. */
export function checksumOf(values: Iterable<number | bigint>): bigint {
  let h = CHECKSUM_START;
  for (const v of values) h = mix(h, v);
  return h;
}

type Graph = Extract<InputData, { kind: "graph" }>;

/** Neighbour lists in ascending order (the order every DFS implementation follows). */
function adjacency(g: Graph): { to: number; w: number }[][] {
  const adj: { to: number; w: number }[][] = Array.from({ length: g.n }, () => []);
  for (const [u, v, w] of g.edges) {
    adj[u].push({ to: v, w });
    adj[v].push({ to: u, w });
  }
  for (const list of adj) list.sort((a, b) => a.to - b.to);
  return adj;
}

function bfsDistances(g: Graph, source: number): number[] {
  const adj = adjacency(g);
  const dist = new Array(g.n).fill(-1);
  const queue = [source];
  dist[source] = 0;
  for (let head = 0; head < queue.length; head++) {
    const u = queue[head];
    for (const { to } of adj[u]) {
      if (dist[to] < 0) {
        dist[to] = dist[u] + 1;
        queue.push(to);
      }
    }
  }
  return dist;
}

/**
 * Preorder of a recursive DFS from `source`, then from every unvisited vertex in ascending
 * order; neighbours are visited in ascending order.
 */
function dfsPreorder(g: Graph, source: number): number[] {
  const adj = adjacency(g);
  const seen = new Uint8Array(g.n);
  const order: number[] = [];
  for (const s of [source, ...Array.from({ length: g.n }, (_, i) => i)]) {
    if (seen[s]) continue;
    seen[s] = 1;
    order.push(s);
    const stack: [number, number][] = [[s, 0]];
    while (stack.length > 0) {
      const frame = stack[stack.length - 1];
      const list = adj[frame[0]];
      while (frame[1] < list.length && seen[list[frame[1]].to]) frame[1]++;
      if (frame[1] === list.length) {
        stack.pop();
        continue;
      }
      const v = list[frame[1]++].to;
      seen[v] = 1;
      order.push(v);
      stack.push([v, 0]);
    }
  }
  return order;
}

function dijkstraDistances(g: Graph, source: number): number[] {
  const adj = adjacency(g);
  const dist = new Array(g.n).fill(-1);
  const done = new Uint8Array(g.n);
  dist[source] = 0;
  for (;;) {
    let u = -1;
    for (let i = 0; i < g.n; i++) {
      if (!done[i] && dist[i] >= 0 && (u < 0 || dist[i] < dist[u])) u = i;
    }
    if (u < 0) break;
    done[u] = 1;
    for (const { to, w } of adj[u]) {
      if (dist[to] < 0 || dist[u] + w < dist[to]) dist[to] = dist[u] + w;
    }
  }
  return dist;
}

function matchPositions(text: string, pattern: string): number[] {
  const found: number[] = [];
  for (let at = text.indexOf(pattern); at >= 0; at = text.indexOf(pattern, at + 1)) {
    found.push(at);
  }
  return found;
}

function lcsLength(a: string, b: string): number {
  let prev = new Int32Array(b.length + 1);
  let cur = new Int32Array(b.length + 1);
  for (let i = 0; i < a.length; i++) {
    for (let j = 0; j < b.length; j++) {
      cur[j + 1] = a[i] === b[j] ? prev[j] + 1 : Math.max(prev[j + 1], cur[j]);
    }
    [prev, cur] = [cur, prev];
  }
  return prev[b.length];
}

function matrixProduct(n: number, a: number[], b: number[]): bigint[] {
  const c: bigint[] = [];
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      // Products stay below 2^53 for the allowed sizes; sums are taken exactly.
      let s = 0n;
      for (let k = 0; k < n; k++) s += BigInt(a[i * n + k] * b[k * n + j]);
      c.push(s);
    }
  }
  return c;
}

/** How to check a class: the input generator it reads and its expected checksum. */
export interface Reference {
  /** The generator of the inputs this class reads. */
  generator: GeneratorName;
  /** The checksum a correct implementation prints for `data`. */
  checksum(data: InputData): bigint;
}

function expect<K extends InputData["kind"]>(
  kind: K,
  compute: (data: Extract<InputData, { kind: K }>) => bigint,
): Reference {
  return {
    generator: kind,
    checksum(data) {
      if (data.kind !== kind) throw new Error(`expected a ${kind} input, got ${data.kind}`);
      return compute(data as Extract<InputData, { kind: K }>);
    },
  };
}

const sortReference = expect("array", (d) => checksumOf([...d.values].sort((x, y) => x - y)));

/** The reference of every class the manifest may use, by class name. */
export const REFERENCES: Record<string, Reference> = {
  bubble_sort: sortReference,
  insertion_sort: sortReference,
  merge_sort: sortReference,
  quick_sort: sortReference,
  heap_sort: sortReference,
  binary_search: expect("search", (d) => {
    const at = new Map(d.keys.map((k, i) => [k, i]));
    return checksumOf(d.queries.map((q) => at.get(q) ?? -1));
  }),
  bfs: expect("graph", (d) => checksumOf(d.sources.flatMap((s) => bfsDistances(d, s)))),
  dfs: expect("graph", (d) => checksumOf(d.sources.flatMap((s) => dfsPreorder(d, s)))),
  dijkstra: expect("graph", (d) => checksumOf(d.sources.flatMap((s) => dijkstraDistances(d, s)))),
  kmp: expect("text", (d) => {
    const found = matchPositions(d.text, d.pattern);
    return mix(checksumOf(found), found.length);
  }),
  lcs: expect("sequences", (d) => checksumOf([lcsLength(d.a, d.b)])),
  matmul: expect("matrices", (d) => checksumOf(matrixProduct(d.n, d.a, d.b))),
};

/** The checksum a correct implementation of `cls` prints for `data`. */
export function referenceChecksum(cls: string, data: InputData): bigint {
  const reference = REFERENCES[cls];
  if (!reference) throw new Error(`no reference for class ${cls}`);
  return reference.checksum(data);
}
