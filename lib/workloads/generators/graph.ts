/**
 * Graphs for the irregular kernels, in the spirit of the GAP benchmark suite:
 * a power-law R-MAT (Kronecker) graph or a uniform random graph, symmetrised,
 * deduplicated, vertex ids shuffled, stored in CSR.
 *
 * File format of `graph.csr` (little-endian): the 8 bytes `NCFGRAPH`, u32
 * node count N, u32 edge count M, u32 offsets[N + 1], u32 targets[M]; the
 * neighbours of node v are targets[offsets[v] .. offsets[v + 1]), sorted.
 *
 * @module
 */
import { join } from "node:path";
import { atomicWriteFile } from "../../common/mod.ts";
import type { Rng } from "../../common/random.ts";
import type { InputGenerator } from "./types.ts";

/** Directed edges (src[i] -> dst[i]) of an R-MAT graph with 2^scale nodes. */
function rmatEdges(rng: Rng, scale: number, edges: number): [Uint32Array, Uint32Array] {
  const src = new Uint32Array(edges), dst = new Uint32Array(edges);
  // GAP's Kronecker parameters: A=0.57, B=0.19, C=0.19, D=0.05.
  for (let e = 0; e < edges; e++) {
    let s = 0, d = 0;
    for (let bit = 0; bit < scale; bit++) {
      const x = rng.u32() / 4294967296;
      const right = x >= 0.57 && x < 0.76 || x >= 0.95;
      const down = x >= 0.76;
      s = (s << 1) | (down ? 1 : 0);
      d = (d << 1) | (right ? 1 : 0);
    }
    src[e] = s;
    dst[e] = d;
  }
  return [src, dst];
}

function uniformEdges(rng: Rng, nodes: number, edges: number): [Uint32Array, Uint32Array] {
  const src = new Uint32Array(edges), dst = new Uint32Array(edges);
  for (let e = 0; e < edges; e++) {
    src[e] = rng.int(0, nodes);
    dst[e] = rng.int(0, nodes);
  }
  return [src, dst];
}

/** Symmetrised, deduplicated CSR without self-loops. */
function toCsr(nodes: number, src: Uint32Array, dst: Uint32Array): [Uint32Array, Uint32Array] {
  const degree = new Uint32Array(nodes + 1);
  for (let e = 0; e < src.length; e++) {
    if (src[e] === dst[e]) continue;
    degree[src[e]]++;
    degree[dst[e]]++;
  }
  const start = new Uint32Array(nodes + 1);
  for (let v = 0; v < nodes; v++) start[v + 1] = start[v] + degree[v];
  const fill = start.slice(0, nodes);
  const targets = new Uint32Array(start[nodes]);
  for (let e = 0; e < src.length; e++) {
    const s = src[e], d = dst[e];
    if (s === d) continue;
    targets[fill[s]++] = d;
    targets[fill[d]++] = s;
  }
  // Sort and deduplicate each neighbour list, compacting in place.
  const offsets = new Uint32Array(nodes + 1);
  let out = 0;
  for (let v = 0; v < nodes; v++) {
    const list = targets.subarray(start[v], start[v + 1]).sort();
    offsets[v] = out;
    for (let i = 0; i < list.length; i++) {
      if (i === 0 || list[i] !== list[i - 1]) targets[out++] = list[i];
    }
  }
  offsets[nodes] = out;
  return [offsets, targets.slice(0, out)];
}

/** The `csr-graph` generator: `graph.csr` (see the module doc for the format). */
export const csrGraph: InputGenerator = {
  description: "graph.csr: R-MAT (power-law) or uniform random graph, symmetric CSR",
  defaults: { kind: "rmat", scale: 18, degree: 8 },
  generate({ dir, params, rng }) {
    const scale = params.scale as number;
    const nodes = 2 ** scale;
    const edges = nodes * (params.degree as number);
    let src: Uint32Array, dst: Uint32Array;
    if (params.kind === "rmat") [src, dst] = rmatEdges(rng, scale, edges);
    else if (params.kind === "uniform") [src, dst] = uniformEdges(rng, nodes, edges);
    else throw new Error(`csr-graph: kind must be rmat or uniform, got ${params.kind}`);
    // Shuffle vertex ids so that hubs are not all at small ids (as GAP does).
    const perm = rng.shuffle(Uint32Array.from({ length: nodes }, (_, i) => i));
    for (let e = 0; e < edges; e++) {
      src[e] = perm[src[e]];
      dst[e] = perm[dst[e]];
    }
    const [offsets, targets] = toCsr(nodes, src, dst);
    const bytes = new Uint8Array(16 + 4 * (offsets.length + targets.length));
    const view = new DataView(bytes.buffer);
    bytes.set(new TextEncoder().encode("NCFGRAPH"), 0);
    view.setUint32(8, nodes, true);
    view.setUint32(12, targets.length, true);
    // Typed arrays are little-endian on every platform Deno runs on here (x86-64).
    bytes.set(new Uint8Array(offsets.buffer), 16);
    bytes.set(new Uint8Array(targets.buffer), 16 + 4 * offsets.length);
    return atomicWriteFile(join(dir, "graph.csr"), bytes);
  },
};
