/**
 * Synthetic datasets with the shape of real fused graphs, for tests and the
 * benchmark while (and where) no traced dataset is needed.
 *
 * Each topology is a straight run of instructions (fall-through edges, a few
 * branch-target edges) whose operands are variable nodes (data-in with
 * operand position, data-out), with memory operands as a pseudo node fed by
 * base / index / displacement nodes, and def-use edges between instructions
 * through registers. Labels follow simple rules of one value, so that tests
 * can check the model learns them:
 *
 * - branch: taken = bit 3 of a register that reaches the branch in 2 hops
 *   (register -> compare instruction -> branch);
 * - address: next address = the load's address + a constant stride.
 *
 * @module
 */
import { DatasetBuilder } from "../graph/dataset.ts";
import {
  type Dataset,
  NODE_INSTRUCTION,
  NODE_PSEUDO,
  NODE_VARIABLE,
  type SplitName,
  type TaskName,
  type Topology,
} from "../graph/types.ts";
import { EDGE_TYPES } from "../graph/static.ts";
import { REGISTERS } from "../trace/types.ts";
import { Rng } from "../common/random.ts";

const OPCODES = [
  "mov",
  "add",
  "sub",
  "cmp",
  "test",
  "lea",
  "imul",
  "and",
  "or",
  "xor",
  "shl",
  "jcc",
  "jmp",
  "call",
];
/** Registers the synthetic code uses: the first twelve general-purpose ones. */
const REGISTER_NAMES = REGISTERS.slice(0, 12);

/** Options of {@linkcode syntheticDataset}. */
export interface SyntheticOptions {
  /** Task of every topology, or `multi` for half branch, half address. */
  task: TaskName | "multi";
  topologies: number;
  /** Instances per topology. */
  instances: number;
  /** Node count range of a topology (default 20..300). */
  minNodes?: number;
  maxNodes?: number;
  seed: number;
  /** Share of each topology's instances (earliest first) in train / valid; the rest is test (default 0.7 / 0.15). */
  trainShare?: number;
  validShare?: number;
  /** Address task: bytes between an address and the next one (default 64). */
  addressStride?: number;
}

interface Draft {
  kind: number[];
  token: number[];
  src: number[];
  dst: number[];
  type: number[];
  values: number[];
}

// Synthetic graphs use the graph builder's edge types (a subset of them).
const E = Object.fromEntries(EDGE_TYPES.map((name, i) => [name, i])) as Record<
  typeof EDGE_TYPES[number],
  number
>;

/** Draws one topology; returns it with the value node (index into valueNodes) that drives its label. */
function drawTopology(
  rng: Rng,
  builder: DatasetBuilder,
  task: TaskName,
  targetNodes: number,
): { topology: Topology; signal: number } {
  const d: Draft = { kind: [], token: [], src: [], dst: [], type: [], values: [] };
  const node = (kind: number, token: string, isValue: boolean) => {
    d.kind.push(kind);
    d.token.push(builder.token(token));
    if (isValue) d.values.push(d.kind.length - 1);
    return d.kind.length - 1;
  };
  const edge = (s: number, t: number, type: number) => {
    d.src.push(s);
    d.dst.push(t);
    d.type.push(type);
  };
  const instructions: number[] = [];
  const lastWriter = new Map<string, number>();
  const register = (instr: number, position: number) => {
    const name = REGISTER_NAMES[rng.int(0, REGISTER_NAMES.length)];
    const v = node(NODE_VARIABLE, name, true);
    edge(v, instr, E[`data_in_${position}` as "data_in_0"]);
    const writer = lastWriter.get(name);
    if (writer !== undefined) edge(writer, instr, E.def_use);
    return v;
  };
  const memory = (instr: number, position: number) => {
    const pseudo = node(NODE_PSEUDO, "addr", true);
    edge(
      node(NODE_VARIABLE, REGISTER_NAMES[rng.int(0, REGISTER_NAMES.length)], true),
      pseudo,
      E.address_base,
    );
    if (rng.float() < 0.4) {
      edge(node(NODE_VARIABLE, REGISTER_NAMES[rng.int(0, 8)], true), pseudo, E.address_index);
    }
    edge(node(NODE_VARIABLE, "imm", true), pseudo, E.address_displacement);
    const mem = node(NODE_VARIABLE, "mem", true);
    edge(pseudo, mem, E.address_base);
    edge(mem, instr, E[`data_in_${position}` as "data_in_0"]);
    return pseudo;
  };
  // Body: random instructions until the node budget is nearly used.
  while (d.kind.length < targetNodes - 8) {
    const instr = node(NODE_INSTRUCTION, OPCODES[rng.int(0, OPCODES.length - 3)], false);
    if (instructions.length > 0) {
      edge(instructions[instructions.length - 1], instr, E.control_next);
    }
    if (instructions.length > 2 && rng.float() < 0.05) {
      edge(instructions[rng.int(0, instructions.length - 1)], instr, E.control_target);
    }
    instructions.push(instr);
    const operands = 1 + rng.int(0, 2);
    for (let o = 0; o < operands; o++) {
      if (rng.float() < 0.2) memory(instr, o);
      else register(instr, o);
    }
    if (rng.float() < 0.7) {
      const name = REGISTER_NAMES[rng.int(0, REGISTER_NAMES.length)];
      edge(instr, node(NODE_VARIABLE, name, true), E.data_out);
      lastWriter.set(name, instr);
    }
  }
  // The task site at the end.
  const last = instructions[instructions.length - 1];
  let taskNode: number;
  let signalNode: number;
  if (task === "branch") {
    const compare = node(NODE_INSTRUCTION, "cmp", false);
    if (last !== undefined) edge(last, compare, E.control_next);
    signalNode = register(compare, 0);
    register(compare, 1);
    taskNode = node(NODE_INSTRUCTION, "jcc", false);
    edge(compare, taskNode, E.control_next);
  } else {
    const load = node(NODE_INSTRUCTION, "mov", false);
    if (last !== undefined) edge(last, load, E.control_next);
    taskNode = memory(load, 0);
    signalNode = taskNode;
  }
  const topology: Topology = {
    nodeKind: Uint8Array.from(d.kind),
    token: Int32Array.from(d.token),
    edgeSrc: Int32Array.from(d.src),
    edgeDst: Int32Array.from(d.dst),
    edgeType: Uint8Array.from(d.type),
    taskNode,
    valueNodes: Int32Array.from(d.values),
  };
  return { topology, signal: d.values.indexOf(signalNode) };
}

/** A plausible 64-bit value for a node: small integers, heap and stack pointers, or noise. */
function drawValue(rng: Rng): bigint {
  const r = rng.float();
  if (r < 0.4) return BigInt(rng.int(0, 1 << 16));
  if (r < 0.7) return 0x5555_5555_0000n + BigInt(rng.int(0, 1 << 24));
  if (r < 0.9) return 0x7ffd_0000_0000n + BigInt(rng.int(0, 1 << 30));
  return (BigInt(rng.u32()) << 32n) | BigInt(rng.u32());
}

/** A synthetic dataset (see the module doc for its label rules); splits are per topology by time. */
export function syntheticDataset(options: SyntheticOptions): Dataset {
  const rng = new Rng(`${options.seed}/synthetic`);
  const minNodes = options.minNodes ?? 20;
  const maxNodes = options.maxNodes ?? 300;
  const trainShare = options.trainShare ?? 0.7;
  const validShare = options.validShare ?? 0.15;
  const stride = BigInt(options.addressStride ?? 64);
  const builder = new DatasetBuilder({
    edgeTypes: [...EDGE_TYPES],
    vocabulary: [...OPCODES, ...REGISTER_NAMES, "imm", "mem", "addr"],
    meta: { generator: "synthetic", ...options },
  });
  const source = builder.source({ workload: "synthetic", input: `seed${options.seed}` });
  for (let t = 0; t < options.topologies; t++) {
    const task: TaskName = options.task === "multi"
      ? (t % 2 === 0 ? "branch" : "address")
      : options.task;
    // Log-uniform sizes: many small graphs, some large ones.
    const size = Math.round(minNodes * Math.pow(maxNodes / minNodes, rng.float()));
    const { topology, signal } = drawTopology(rng, builder, task, size);
    const id = builder.addTopology(topology);
    for (let k = 0; k < options.instances; k++) {
      const n = topology.valueNodes.length;
      const values = new BigUint64Array(n);
      const known = new Uint8Array(n).fill(1);
      for (let v = 0; v < n; v++) values[v] = drawValue(rng);
      let label: bigint;
      let currentAddress = 0n;
      if (task === "branch") {
        label = (values[signal] >> 3n) & 1n;
      } else {
        values[signal] = currentAddress = 0x5555_5555_0000n + BigInt(8 * rng.int(0, 1 << 12));
        label = values[signal] + stride;
      }
      const frac = k / options.instances;
      const split: SplitName = frac < trainShare
        ? "train"
        : frac < trainShare + validShare
        ? "valid"
        : "test";
      builder.addInstance({
        topology: id,
        task,
        split,
        values,
        known,
        label,
        icount: k,
        source,
        site: t,
        currentAddress,
      });
    }
  }
  return builder.finish();
}
