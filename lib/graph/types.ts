/**
 * The dataset contract between the graph builder and the model: fused graphs
 * (static assembly graph + dynamic values) as topologies shared by many
 * instances.
 *
 * Every dynamic instance of one task site has the same static graph, so a
 * {@linkcode Topology} is stored once and an instance holds only what changes:
 * the values of the topology's value nodes, the label, and where it came from.
 * Instances are columnar (typed arrays) so that 10^6 of them cost no objects.
 *
 * @module
 */

/** Node kinds in {@linkcode Topology.nodeKind}. */
export const NODE_INSTRUCTION = 0;
/** A variable node: a register, a memory operand or an immediate. */
export const NODE_VARIABLE = 1;
/** A pseudo node: a memory operand's address computation (base + index*scale + disp). */
export const NODE_PSEUDO = 2;

/** Task kinds in {@linkcode InstanceTable.task}. */
export const TASK_BRANCH = 0;
/** Predict the 64-bit address the same load accesses next. */
export const TASK_ADDRESS = 1;

/** A task's name, as CLIs spell it. */
export type TaskName = "branch" | "address";
/** Task names by task kind. */
export const TASK_NAMES: readonly TaskName[] = ["branch", "address"];

/** Split names by split id in {@linkcode InstanceTable.split}. */
export const SPLIT_NAMES = ["train", "valid", "test"] as const;
/** A split's name. */
export type SplitName = typeof SPLIT_NAMES[number];

/**
 * The static graph of one task site. Node indices are local (0..numNodes-1).
 * Edges are stored with their forward types only; the model adds one reverse
 * type per forward type.
 */
export interface Topology {
  /** `[numNodes]` {@linkcode NODE_INSTRUCTION}, {@linkcode NODE_VARIABLE} or {@linkcode NODE_PSEUDO}. */
  nodeKind: Uint8Array;
  /**
   * `[numNodes]` index into {@linkcode Dataset.vocabulary}: the opcode of an
   * instruction node, the operand's name (e.g. `rax`, `imm`, `mem`) of a
   * variable or pseudo node; -1 when unknown.
   */
  token: Int32Array;
  /** `[numEdges]` source node of each edge. */
  edgeSrc: Int32Array;
  /** `[numEdges]` destination node of each edge. */
  edgeDst: Int32Array;
  /** `[numEdges]` index into {@linkcode Dataset.edgeTypes}. */
  edgeType: Uint8Array;
  /** Where the prediction is read: the branch's instruction node, or the load's source pseudo node. */
  taskNode: number;
  /** Nodes (variable or pseudo) that carry a dynamic value, in the order of an instance's values. */
  valueNodes: Int32Array;
}

/**
 * All instances, columnar: index `i` in `[0, count)` is one instance. Values of
 * instance `i` are `values[valueStart[i] .. valueStart[i] + n)` with `n` the
 * number of value nodes of its topology.
 */
export interface InstanceTable {
  count: number;
  /** Topology id (index into {@linkcode Dataset.topologies}). */
  topology: Uint32Array;
  /** {@linkcode TASK_BRANCH} or {@linkcode TASK_ADDRESS}. */
  task: Uint8Array;
  /** Split id: index into {@linkcode SPLIT_NAMES}. */
  split: Uint8Array;
  /** First entry of this instance in `values` and `known`. */
  valueStart: Uint32Array;
  /** Values of the value nodes, as 64-bit patterns. */
  values: BigUint64Array;
  /** 1 where the value was observed, 0 where it is hidden (then `values` holds 0). */
  known: Uint8Array;
  /** Branch: 1n if taken, else 0n. Address: the next address the load accesses. */
  label: BigUint64Array;
  /** Instructions executed in the trace window before this instance (for time splits). */
  icount: Float64Array;
  /** Index into {@linkcode Dataset.sources}: the workload run it came from. */
  source: Uint32Array;
  /** Site id in that run's trace (see lib/trace/types.ts `Site.id`). */
  site: Uint32Array;
  /**
   * Address instances: the address the task load accesses at this execution (the label is the
   * one it accesses next), so that "next = current" and relative address heads can be scored
   * on the instance. Branch instances: 0n.
   */
  currentAddress: BigUint64Array;
  /**
   * Address instances: the value the task load reads at this execution (its low 8 bytes), so that
   * an address head can predict relative to it (a pointer the program just loaded). Branch
   * instances: 0n.
   */
  currentValue: BigUint64Array;
  /**
   * The same site's previous execution in the trace window (every execution counts, not only
   * sampled ones): a branch's outcome (0n or 1n), a load's address. Meaningful only where
   * {@linkcode hasPrevious} is 1. The trivial references on the same instances:
   * "previous outcome" predicts `previous` (branch); "next = current" predicts
   * `currentAddress`; "current + last delta" predicts `2 * currentAddress - previous` (mod 2^64),
   * the stride predictor without confidence (address). Without a previous execution they make no
   * prediction.
   */
  previous: BigUint64Array;
  /** 1 when the site ran before this instance in the trace window, 0 at its first execution ("none"). */
  hasPrevious: Uint8Array;
}

/** One workload run that instances come from. */
export interface Source {
  workload: string;
  input: string;
}

/** Topologies and their instances, with vocabularies and how the dataset was built. */
export interface Dataset {
  /** Names of the forward edge types; {@linkcode Topology.edgeType} indexes this. */
  edgeTypes: string[];
  /** Node tokens (opcodes, operand names); {@linkcode Topology.token} indexes this. */
  vocabulary: string[];
  topologies: Topology[];
  instances: InstanceTable;
  sources: Source[];
  /** How the dataset was built (builder options, trace files, ...): free-form JSON. */
  meta: Record<string, unknown>;
}

/** One instance as an object, for builders and tests (see {@linkcode instanceAt}). */
export interface Instance {
  topology: number;
  task: TaskName;
  split: SplitName;
  /** One value per value node of the topology. */
  values: BigUint64Array;
  /** `[values.length]` 1 = known. */
  known: Uint8Array;
  /** Branch: 0n or 1n. Address: the next address. */
  label: bigint;
  icount: number;
  source: number;
  site: number;
  /** Address instances: the address accessed now (default 0n; see {@linkcode InstanceTable.currentAddress}). */
  currentAddress?: bigint;
  /** Address instances: the value read now (default 0n; see {@linkcode InstanceTable.currentValue}). */
  currentValue?: bigint;
  /** The site's previous outcome or address; undefined at its first execution ("none"). */
  previous?: bigint;
}

/** Number of nodes of a topology. */
export function numNodes(topology: Topology): number {
  return topology.nodeKind.length;
}

/** Instance `i` of `dataset` as an object (values are copies). */
export function instanceAt(dataset: Dataset, i: number): Instance {
  const t = dataset.instances;
  if (!(i >= 0 && i < t.count)) throw new RangeError(`instance ${i} out of range [0, ${t.count})`);
  const n = dataset.topologies[t.topology[i]].valueNodes.length;
  const start = t.valueStart[i];
  return {
    topology: t.topology[i],
    task: TASK_NAMES[t.task[i]],
    split: SPLIT_NAMES[t.split[i]],
    values: t.values.slice(start, start + n),
    known: t.known.slice(start, start + n),
    label: t.label[i],
    icount: t.icount[i],
    source: t.source[i],
    site: t.site[i],
    currentAddress: t.currentAddress[i],
    currentValue: t.currentValue[i],
    previous: t.hasPrevious[i] ? t.previous[i] : undefined,
  };
}

/** Indices of the instances in `split`, in dataset order. */
export function splitIndices(dataset: Dataset, split: SplitName): Uint32Array {
  const id = SPLIT_NAMES.indexOf(split);
  const t = dataset.instances;
  let n = 0;
  for (let i = 0; i < t.count; i++) if (t.split[i] === id) n++;
  const out = new Uint32Array(n);
  for (let i = 0, k = 0; i < t.count; i++) if (t.split[i] === id) out[k++] = i;
  return out;
}
