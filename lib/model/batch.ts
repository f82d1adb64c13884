/**
 * Batch planning: turns groups of instances that share a topology into the
 * row layout and constant sparse maps the GGNN runs on.
 *
 * Why groups: every instance of a topology has the same static graph, so the
 * index work (which rows send messages to which) is done once per topology
 * and only replicated over the B instances of a group.
 *
 * Why levels: the heads read the task node only. After T propagation steps
 * the task node depends on nodes at most T hops away, and at step t only on
 * nodes at most T - t hops away. With `prune`, nodes are ordered by their
 * distance to the task node and step t updates only the rows of nodes within
 * T - t hops, a prefix of the previous step's rows. The result and the
 * gradients are exactly those of the full computation; without `prune`
 * every node is updated at every step (needed for the graph readout).
 *
 * Why merging: instances of a group whose relevant values are identical give
 * identical outputs, and binary cross-entropy is linear in the label, so they
 * are computed once with the mean label and their count as weight (exact).
 * In static-only mode every instance of a group is identical.
 *
 * Row layout of the node states: rows sorted by (level, group, node, instance).
 *
 * @module
 */
import { type Dataset, TASK_ADDRESS, TASK_BRANCH, type Topology } from "../graph/types.ts";
import { halvesOf, type ValueEncoding } from "../graph/encode.ts";
import type { TaskHead } from "./heads.ts";
import { SparseMap } from "./kernels.ts";

/** Instances of one topology, computed together. */
export interface Group {
  topology: number;
  /** Dataset indices of the instances. */
  instances: ArrayLike<number>;
}

/** Groups `indices` by topology, then cuts each topology's list into chunks of at most `size`. */
export function groupByTopology(
  dataset: Dataset,
  indices: ArrayLike<number>,
  size: number,
): Group[] {
  const byTopology = new Map<number, number[]>();
  for (let k = 0; k < indices.length; k++) {
    const i = indices[k];
    const topo = dataset.instances.topology[i];
    const list = byTopology.get(topo);
    if (list) list.push(i);
    else byTopology.set(topo, [i]);
  }
  const groups: Group[] = [];
  for (const [topology, list] of [...byTopology.entries()].sort((a, b) => a[0] - b[0])) {
    for (let s = 0; s < list.length; s += size) {
      groups.push({ topology, instances: list.slice(s, s + size) });
    }
  }
  return groups;
}

/** Packs groups into batches of about `batchSize` instances (a batch never splits a group). */
export function packGroups(groups: Group[], batchSize: number): Group[][] {
  const batches: Group[][] = [];
  let current: Group[] = [];
  let count = 0;
  for (const g of groups) {
    current.push(g);
    count += g.instances.length;
    if (count >= batchSize) {
      batches.push(current);
      current = [];
      count = 0;
    }
  }
  if (current.length > 0) batches.push(current);
  return batches;
}

/** How batches are laid out. */
export interface PlanOptions {
  /** Propagation steps T. */
  steps: number;
  /** Update only what reaches the task node (exact for the task heads; off for graph readouts). */
  prune: boolean;
  /** Hide every dynamic value (the static-only baseline). */
  hideValues: boolean;
  /**
   * Token embedding row of each dataset token id (the model's vocabulary mapped by name, unknown
   * names to the "unknown" row), and the number of rows; null: no token embeddings.
   */
  tokens: { ids: Int32Array; unknown: number; rows: number } | null;
  encoding: ValueEncoding;
  /** Target rows of each task's head, by task kind; a task without a head gets no targets (inference). */
  heads: [TaskHead | undefined, TaskHead | undefined];
}

/** Per-topology layout: node order by distance and incoming messages per type. */
interface TopologyLayout {
  /** Position -> node. */
  order: Int32Array;
  /** Node -> position, or -1 when the node cannot influence the task node. */
  pos: Int32Array;
  /** `levelEnd[l]`: positions `[0, levelEnd[l])` have level <= l. One level when not pruned. */
  levelEnd: Int32Array;
  /** Position -> level. */
  level: Int32Array;
  /** Per message type: destination positions (ascending) and their source positions (CSR). */
  incoming: { dst: Int32Array; start: Int32Array; src: Int32Array }[];
}

/** The message passing of one propagation step. */
export interface StepPlan {
  /** Rows updated at this step. */
  rows: number;
  /** Message types with at least one message at this step. */
  types: number[];
  /**
   * Per type in `types`: `[pairs, rows of the previous state]`, the sum of
   * the source states of each (destination row, type) pair.
   */
  gather: SparseMap[];
  /** Per type in `types`: `[rows, pairs]`, each pair's message to its destination row. */
  scatter: SparseMap[];
  /** `[rows, rows of the previous state]` the previous state of the updated rows; null when all rows stay. */
  keep: SparseMap | null;
}

/** The examples of one task in a batch (merged instances count once with a weight). */
export interface TaskExamples {
  /** Representatives of this task. */
  count: number;
  /** `[count, numIn = rows of the final state]` the task node rows. */
  finalRows: SparseMap;
  /** `[count, numIn = rows of the initial state]` the same rows in the initial state. */
  initialRows: SparseMap;
  /** `[count]` number of instances each representative stands for. */
  weight: Float32Array;
  /** `[count, head width]` the mean target row of each representative's instances (see heads.ts); empty without a head. */
  label: Float32Array;
  /** Dataset indices of the instances each representative stands for. */
  members: number[][];
}

/** Everything the GGNN needs for one batch, built in JS from constant per-topology layouts. */
export interface BatchPlan {
  /** `rows[t]`: rows of the node state after step t (t = 0 is the initial state). */
  rows: number[];
  /** `[numKnown, encoding.width]` encoded known values. */
  encoded: Float32Array;
  numKnown: number;
  /** `[rows[0], numKnown]` places each encoded value at its row; null without known values. */
  knownRows: SparseMap | null;
  /** `[rows[0], 1]` rows that start from the learned "unknown" vector; null when none. */
  unknownRows: SparseMap | null;
  /** `[rows[0], token rows]` token embedding of each row; null when tokens are off. */
  tokenRows: SparseMap | null;
  steps: StepPlan[];
  /** Indexed by task kind ({@linkcode TASK_BRANCH}, TASK_ADDRESS). */
  tasks: [TaskExamples, TaskExamples];
  /** `[representatives, rows of the final state]` all node rows of each representative graph (unpruned plans only). */
  graphRows: SparseMap | null;
  /** `[representatives]` node count of each representative graph (unpruned plans only). */
  graphSizes: Float32Array | null;
  /** Dataset indices of each representative's instances, in graph-row order (unpruned plans only). */
  graphMembers: number[][];
}

/**
 * Where each (group, node position, representative) lives in the node
 * states: rows sorted by (level, group, position, representative), so that
 * the rows updated at step t are a prefix of those of step t - 1.
 */
class RowLayout {
  /** `blockStart[level][group]`: first row of the group's nodes of that level. */
  readonly #blockStart: Int32Array[];
  /** Rows of the state after each step (index 0: the initial state). */
  readonly rows: number[];
  /** All rows (of the initial state). */
  readonly total: number;

  constructor(
    readonly layouts: TopologyLayout[],
    readonly reps: number[][][],
    steps: number,
    prune: boolean,
  ) {
    const numLevels = layouts[0]?.levelEnd.length ?? 1;
    this.#blockStart = Array.from({ length: numLevels }, () => new Int32Array(layouts.length));
    const levelRows = new Int32Array(numLevels);
    let running = 0;
    for (let l = 0; l < numLevels; l++) {
      for (let g = 0; g < layouts.length; g++) {
        this.#blockStart[l][g] = running;
        const lay = layouts[g];
        running += (lay.levelEnd[l] - (l > 0 ? lay.levelEnd[l - 1] : 0)) * reps[g].length;
      }
      levelRows[l] = running;
    }
    this.total = running;
    this.rows = Array.from({ length: steps + 1 }, (_, t) => prune ? levelRows[steps - t] : running);
  }

  /** The row of representative `b` of group `g` at node position `p`. */
  rowOf(g: number, p: number, b: number): number {
    const lay = this.layouts[g];
    const l = lay.level[p];
    return this.#blockStart[l][g] + (p - (l > 0 ? lay.levelEnd[l - 1] : 0)) * this.reps[g].length +
      b;
  }
}

/** Builds {@linkcode BatchPlan}s for one dataset, caching each topology's layout. */
export class Planner {
  #layouts = new Map<number, TopologyLayout>();
  #numEdgeTypes: number;

  constructor(readonly dataset: Dataset, readonly options: PlanOptions) {
    this.#numEdgeTypes = dataset.edgeTypes.length;
  }

  /** Message types: each forward edge type, then its reverse. */
  get numMessageTypes(): number {
    return 2 * this.#numEdgeTypes;
  }

  #layout(id: number): TopologyLayout {
    let layout = this.#layouts.get(id);
    if (!layout) {
      layout = buildLayout(this.dataset.topologies[id], this.#numEdgeTypes, this.options);
      this.#layouts.set(id, layout);
    }
    return layout;
  }

  /** The plan of a batch made of `groups`. */
  plan(groups: Group[]): BatchPlan {
    const layouts = groups.map((g) => this.#layout(g.topology));
    const reps = groups.map((g, gi) => this.#merge(g, layouts[gi]));
    const rows = new RowLayout(layouts, reps, this.options.steps, this.options.prune);
    return {
      rows: rows.rows,
      ...this.#initialState(groups, rows),
      steps: Array.from({ length: this.options.steps }, (_, t) => this.#step(t + 1, rows)),
      tasks: [this.#taskExamples(TASK_BRANCH, rows), this.#taskExamples(TASK_ADDRESS, rows)],
      ...(this.options.prune ? NO_READOUT : graphReadout(rows)),
    };
  }

  /**
   * Merges a group's instances whose relevant values (those of nodes that
   * reach the task node) are identical: lists of dataset indices, one per
   * representative, in first-seen order.
   */
  #merge(group: Group, layout: TopologyLayout): number[][] {
    const inst = this.dataset.instances;
    const topo = this.dataset.topologies[group.topology];
    const halves = halvesOf(inst.values);
    const byKey = new Map<string, number[]>();
    for (let k = 0; k < group.instances.length; k++) {
      const i = group.instances[k];
      let key = `${inst.task[i]}`;
      if (!this.options.hideValues) {
        const start = inst.valueStart[i];
        for (let v = 0; v < topo.valueNodes.length; v++) {
          if (layout.pos[topo.valueNodes[v]] < 0) continue;
          key += inst.known[start + v]
            ? `,${halves[2 * (start + v)]}:${halves[2 * (start + v) + 1]}`
            : ",?";
        }
      }
      const members = byKey.get(key);
      if (members) members.push(i);
      else byKey.set(key, [i]);
    }
    return [...byKey.values()];
  }

  /** The initial state's inputs: encoded known values, unknown values and tokens, by row. */
  #initialState(groups: Group[], rows: RowLayout) {
    const { hideValues, tokens, encoding } = this.options;
    const ds = this.dataset;
    const inst = ds.instances;
    const halves = halvesOf(inst.values);
    const R0 = rows.rows[0];
    const knownSource = new Int32Array(R0).fill(-1);
    const unknownSource = new Int32Array(R0).fill(-1);
    const tokenSource = new Int32Array(R0).fill(-1);
    let numKnown = 0;
    let anyUnknown = false;
    const width = encoding.width;
    let encoded = new Float32Array(64 * width);
    groups.forEach((g, gi) => {
      const topo = ds.topologies[g.topology];
      const lay = rows.layouts[gi];
      rows.reps[gi].forEach((members, b) => {
        const i = members[0];
        const start = inst.valueStart[i];
        for (let v = 0; v < topo.valueNodes.length; v++) {
          const p = lay.pos[topo.valueNodes[v]];
          if (p < 0) continue;
          const row = rows.rowOf(gi, p, b);
          if (hideValues || !inst.known[start + v]) {
            unknownSource[row] = 0;
            anyUnknown = true;
            continue;
          }
          if ((numKnown + 1) * width > encoded.length) {
            const bigger = new Float32Array(encoded.length * 2);
            bigger.set(encoded);
            encoded = bigger;
          }
          encoding.encodeInto(
            halves[2 * (start + v)],
            halves[2 * (start + v) + 1],
            encoded,
            numKnown * width,
          );
          knownSource[row] = numKnown++;
        }
        if (tokens) {
          for (let p = 0; p < lay.order.length; p++) {
            const token = topo.token[lay.order[p]];
            tokenSource[rows.rowOf(gi, p, b)] = token < 0 ? tokens.unknown : tokens.ids[token];
          }
        }
      });
    });
    return {
      encoded: encoded.subarray(0, numKnown * width),
      numKnown,
      knownRows: numKnown > 0 ? SparseMap.fromSources(knownSource, numKnown) : null,
      unknownRows: anyUnknown ? SparseMap.fromSources(unknownSource, 1) : null,
      tokenRows: tokens ? SparseMap.fromSources(tokenSource, tokens.rows) : null,
    };
  }

  /** The messages of propagation step `t` (1-based): per type, who sends to whom. */
  #step(t: number, rows: RowLayout): StepPlan {
    const limitLevel = this.options.prune ? this.options.steps - t : 0;
    const step: StepPlan = { rows: rows.rows[t], types: [], gather: [], scatter: [], keep: null };
    for (let m = 0; m < this.numMessageTypes; m++) {
      const pairStart: number[] = [0];
      const pairSrc: number[] = [];
      const pairDst: number[] = [];
      rows.layouts.forEach((lay, gi) => {
        const inc = lay.incoming[m];
        const limit = lay.levelEnd[limitLevel];
        const B = rows.reps[gi].length;
        for (let k = 0; k < inc.dst.length && inc.dst[k] < limit; k++) {
          for (let b = 0; b < B; b++) {
            for (let s = inc.start[k]; s < inc.start[k + 1]; s++) {
              pairSrc.push(rows.rowOf(gi, inc.src[s], b));
            }
            pairStart.push(pairSrc.length);
            pairDst.push(rows.rowOf(gi, inc.dst[k], b));
          }
        }
      });
      if (pairDst.length === 0) continue;
      step.types.push(m);
      step.gather.push(
        new SparseMap(
          pairDst.length,
          rows.rows[t - 1],
          Int32Array.from(pairStart),
          Int32Array.from(pairSrc),
        ),
      );
      step.scatter.push(SparseMap.fromTargets(Int32Array.from(pairDst), rows.rows[t]));
    }
    if (rows.rows[t] !== rows.rows[t - 1]) {
      step.keep = SparseMap.prefix(rows.rows[t], rows.rows[t - 1]);
    }
    return step;
  }

  /** The representatives of task `kind`: task node rows (position 0 of every layout), weights, mean targets. */
  #taskExamples(kind: number, rows: RowLayout): TaskExamples {
    const inst = this.dataset.instances;
    const head = this.options.heads[kind];
    const width = head?.width ?? 0;
    const finalSrc: number[] = [];
    const weight: number[] = [];
    const members: number[][] = [];
    rows.reps.forEach((groupReps, gi) => {
      groupReps.forEach((ms, b) => {
        if (inst.task[ms[0]] !== kind) return;
        finalSrc.push(rows.rowOf(gi, 0, b));
        weight.push(ms.length);
        members.push(ms);
      });
    });
    const label = new Float32Array(members.length * width);
    if (head) {
      const target = new Float64Array(width);
      members.forEach((ms, r) => {
        target.fill(0);
        for (const i of ms) head.addTarget(inst, i, target, 0);
        for (let j = 0; j < width; j++) label[r * width + j] = target[j] / ms.length;
      });
    }
    const src = Int32Array.from(finalSrc);
    return {
      count: src.length,
      finalRows: SparseMap.fromSources(src, rows.rows[this.options.steps]),
      initialRows: SparseMap.fromSources(src, rows.rows[0]),
      weight: Float32Array.from(weight),
      label,
      members,
    };
  }
}

/** The readout fields of a pruned plan (which has no readout). */
const NO_READOUT = { graphRows: null, graphSizes: null, graphMembers: [] as number[][] };

/** Every node row of each representative graph, for the graph readout of an unpruned plan. */
function graphReadout(rows: RowLayout) {
  const rowPtr: number[] = [0];
  const col: number[] = [];
  const sizes: number[] = [];
  const graphMembers: number[][] = [];
  rows.reps.forEach((groupReps, gi) => {
    const size = rows.layouts[gi].order.length;
    groupReps.forEach((ms, b) => {
      for (let p = 0; p < size; p++) col.push(rows.rowOf(gi, p, b));
      rowPtr.push(col.length);
      sizes.push(size);
      graphMembers.push(ms);
    });
  });
  return {
    graphRows: new SparseMap(
      sizes.length,
      rows.rows[rows.rows.length - 1],
      Int32Array.from(rowPtr),
      Int32Array.from(col),
    ),
    graphSizes: Float32Array.from(sizes),
    graphMembers,
  };
}

/** Orders a topology's nodes by distance to the task node and lists incoming messages per type. */
function buildLayout(topo: Topology, numEdgeTypes: number, options: PlanOptions): TopologyLayout {
  const n = topo.nodeKind.length;
  const T = options.steps;
  // Incoming message edges: type e carries src -> dst, type E + e carries dst -> src.
  const inEdges: [number, number, number][] = []; // [dst, src, type]
  for (let e = 0; e < topo.edgeSrc.length; e++) {
    const s = topo.edgeSrc[e], d = topo.edgeDst[e], ty = topo.edgeType[e];
    inEdges.push([d, s, ty], [s, d, numEdgeTypes + ty]);
  }
  // Distance to the task node along message edges, walked backwards (BFS).
  const senders: number[][] = Array.from({ length: n }, () => []);
  for (const [d, s] of inEdges) senders[d].push(s);
  const dist = new Int32Array(n).fill(-1);
  dist[topo.taskNode] = 0;
  const queue = [topo.taskNode];
  for (let q = 0; q < queue.length; q++) {
    for (const s of senders[queue[q]]) {
      if (dist[s] < 0) {
        dist[s] = dist[queue[q]] + 1;
        queue.push(s);
      }
    }
  }
  const nodes = Array.from({ length: n }, (_, v) => v).filter((v) =>
    !options.prune || (dist[v] >= 0 && dist[v] <= T)
  );
  const key = (v: number) => (dist[v] < 0 ? n + 1 : dist[v]);
  nodes.sort((a, b) => key(a) - key(b) || a - b);
  const order = Int32Array.from(nodes);
  const pos = new Int32Array(n).fill(-1);
  order.forEach((v, p) => (pos[v] = p));
  const numLevels = options.prune ? T + 1 : 1;
  const level = new Int32Array(order.length);
  const levelEnd = new Int32Array(numLevels);
  for (let p = 0; p < order.length; p++) level[p] = options.prune ? dist[order[p]] : 0;
  for (let l = 0; l < numLevels; l++) {
    let end = 0;
    while (end < order.length && level[end] <= l) end++;
    levelEnd[l] = end;
  }
  // Incoming messages per type, for destinations that are ever updated.
  const maxDstLevel = options.prune ? T - 1 : 0;
  const incoming = Array.from({ length: 2 * numEdgeTypes }, (_, m) => {
    const pairs = inEdges
      .filter(([d, s, ty]) =>
        ty === m && pos[d] >= 0 && pos[s] >= 0 && level[pos[d]] <= maxDstLevel
      )
      .map(([d, s]) => [pos[d], pos[s]])
      .sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    const dst: number[] = [];
    const start: number[] = [0];
    const src: number[] = [];
    for (const [d, s] of pairs) {
      if (dst.length === 0 || dst[dst.length - 1] !== d) {
        if (dst.length > 0) start.push(src.length);
        dst.push(d);
      }
      src.push(s);
    }
    start.push(src.length);
    if (dst.length === 0) start.length = 1;
    return { dst: Int32Array.from(dst), start: Int32Array.from(start), src: Int32Array.from(src) };
  });
  return { order, pos, levelEnd, level, incoming };
}
