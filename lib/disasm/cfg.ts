/**
 * Basic blocks and control-flow edges over a parsed object's rows.
 *
 * @module
 */
import type { ParsedObject } from "./listing.ts";
import { FLOW_CODES } from "./shape.ts";
import type { EdgeKind } from "./types.ts";

/** Edge kinds in {@linkcode ControlFlow.predecessorKinds}, by code. */
export const EDGE_KINDS: readonly EdgeKind[] = ["fallthrough", "target", "call"];
const FALLTHROUGH = 0;
const TARGET = 1;
const CALL = 2;
const CALL_FLOW = FLOW_CODES.indexOf("call");

/** Blocks and edges of every instruction, as columns. */
export interface ControlFlow {
  /** First row of each block; block `b` is rows `[blockStarts[b], blockStarts[b+1])`. Has one extra final entry (the row count). */
  blockStarts: Uint32Array;
  /** Block of each row. */
  blockOfRow: Uint32Array;
  /** Function (index into the parsed functions) of each row. */
  funcOfRow: Uint32Array;
  /** Row reached by falling through, -1 if none. */
  fallthrough: Int32Array;
  /** Row reached by the direct jump, branch (kind `target`) or call (kind `call`), -1 if none. */
  taken: Int32Array;
  /** Predecessors of row `r` are `predecessors[predecessorStarts[r] .. predecessorStarts[r+1])`. */
  predecessorStarts: Uint32Array;
  predecessors: Int32Array;
  /** Edge kind codes (index into {@linkcode EDGE_KINDS}), parallel to `predecessors`. */
  predecessorKinds: Uint8Array;
  /** Direct destinations that are not the start of any instruction (e.g. a jump over a `lock` prefix). */
  unresolvedTargets: number;
}

/** Row of the instruction starting at `address`, or -1 (binary search). */
export function rowAt(addresses: Float64Array, address: number): number {
  let lo = 0;
  let hi = addresses.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const a = addresses[mid];
    if (a < address) lo = mid + 1;
    else if (a > address) hi = mid - 1;
    else return mid;
  }
  return -1;
}

/** Row of the last instruction starting at or before `address`, or -1. */
export function rowAtOrBefore(addresses: Float64Array, address: number): number {
  let lo = 0;
  let hi = addresses.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    if (addresses[mid] <= address) lo = mid + 1;
    else hi = mid - 1;
  }
  return hi;
}

/** The kind of a `taken` edge from `row`. */
export function takenKind(parsed: ParsedObject, row: number): EdgeKind {
  return parsed.flows[row] === CALL_FLOW ? "call" : "target";
}

/**
 * Builds blocks and edges. Leaders are function starts, direct destinations,
 * the instruction after any control transfer (calls included) and after a
 * gap in the addresses. A call falls through to the next instruction only
 * inside the same function (calls to functions that never return are often
 * the last instruction of a function).
 */
export function buildControlFlow(parsed: ParsedObject): ControlFlow {
  const { addresses, lengths, targets, flows, functions } = parsed;
  const n = addresses.length;
  const funcOfRow = new Uint32Array(n);
  for (const f of functions) funcOfRow.fill(f.index, f.start, f.end);

  const leader = new Uint8Array(n + 1);
  const fallthrough = new Int32Array(n).fill(-1);
  const taken = new Int32Array(n).fill(-1);
  let unresolvedTargets = 0;
  for (const f of functions) leader[f.start] = 1;
  for (let row = 0; row < n; row++) {
    const flow = FLOW_CODES[flows[row]];
    // The next instruction normally follows at once; entries added at a jump over a prefix
    // start inside this instruction and are skipped.
    const end = addresses[row] + lengths[row];
    let next = row + 1;
    while (next < n && addresses[next] < end) next++;
    const contiguous = next < n && addresses[next] === end;
    if (!contiguous || flow !== "other" || next !== row + 1) leader[row + 1] = leader[next] = 1;
    if (
      contiguous &&
      (flow === "other" || flow === "branch" ||
        (flow === "call" && funcOfRow[next] === funcOfRow[row]))
    ) {
      fallthrough[row] = next;
    }
    if (targets[row] >= 0) {
      const to = rowAt(addresses, targets[row]);
      if (to < 0) {
        unresolvedTargets++;
      } else {
        taken[row] = to;
        leader[to] = 1;
      }
    }
  }
  leader[0] = 1;

  const starts: number[] = [];
  const blockOfRow = new Uint32Array(n);
  for (let row = 0; row < n; row++) {
    if (leader[row]) starts.push(row);
    blockOfRow[row] = starts.length - 1;
  }
  starts.push(n);

  // Predecessor lists (CSR): count, prefix-sum, fill.
  const predecessorStarts = new Uint32Array(n + 1);
  for (let row = 0; row < n; row++) {
    if (fallthrough[row] >= 0) predecessorStarts[fallthrough[row] + 1]++;
    if (taken[row] >= 0) predecessorStarts[taken[row] + 1]++;
  }
  for (let row = 0; row < n; row++) predecessorStarts[row + 1] += predecessorStarts[row];
  const fill = predecessorStarts.slice(0, n);
  const predecessors = new Int32Array(predecessorStarts[n]);
  const predecessorKinds = new Uint8Array(predecessorStarts[n]);
  for (let row = 0; row < n; row++) {
    if (fallthrough[row] >= 0) {
      const at = fill[fallthrough[row]]++;
      predecessors[at] = row;
      predecessorKinds[at] = FALLTHROUGH;
    }
    if (taken[row] >= 0) {
      const at = fill[taken[row]]++;
      predecessors[at] = row;
      predecessorKinds[at] = flows[row] === CALL_FLOW ? CALL : TARGET;
    }
  }
  return {
    blockStarts: Uint32Array.from(starts),
    blockOfRow,
    funcOfRow,
    fallthrough,
    taken,
    predecessorStarts,
    predecessors,
    predecessorKinds,
    unresolvedTargets,
  };
}
