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

// Synthetic graphs use the graph builder's edge types (a subset of them).
const E = Object.fromEntries(EDGE_TYPES.map((name, i) => [name, i])) as Record<
  typeof EDGE_TYPES[number],
  number
>;

/** A topology being drawn: nodes, edges and which registers instructions last wrote. */
class Draft {
  kind: number[] = [];
  token: number[] = [];
  src: number[] = [];
  dst: number[] = [];
  type: number[] = [];
  values: number[] = [];
  instructions: number[] = [];
  lastWriter = new Map<string, number>();

  constructor(readonly rng: Rng, readonly builder: DatasetBuilder) {}

  node(kind: number, token: string, isValue: boolean): number {
    this.kind.push(kind);
    this.token.push(this.builder.token(token));
    if (isValue) this.values.push(this.kind.length - 1);
    return this.kind.length - 1;
  }

  edge(s: number, t: number, type: number): void {
    this.src.push(s);
    this.dst.push(t);
    this.type.push(type);
  }

  /** A random register read by `instr` as operand `position` (with a def-use edge from its last writer). */
  register(instr: number, position: number): number {
    const name = REGISTER_NAMES[this.rng.int(0, REGISTER_NAMES.length)];
    const v = this.node(NODE_VARIABLE, name, true);
    this.edge(v, instr, E[`data_in_${position}` as "data_in_0"]);
    const writer = this.lastWriter.get(name);
    if (writer !== undefined) this.edge(writer, instr, E.def_use);
    return v;
  }

  /** A memory operand of `instr`: pseudo node from base (+ index) + displacement; returns the pseudo node. */
  memory(instr: number, position: number): number {
    const rng = this.rng;
    const pseudo = this.node(NODE_PSEUDO, "addr", true);
    this.edge(
      this.node(NODE_VARIABLE, REGISTER_NAMES[rng.int(0, REGISTER_NAMES.length)], true),
      pseudo,
      E.address_base,
    );
    if (rng.float() < 0.4) {
      this.edge(
        this.node(NODE_VARIABLE, REGISTER_NAMES[rng.int(0, 8)], true),
        pseudo,
        E.address_index,
      );
    }
    this.edge(this.node(NODE_VARIABLE, "imm", true), pseudo, E.address_displacement);
    const mem = this.node(NODE_VARIABLE, "mem", true);
    this.edge(pseudo, mem, E.address_base);
    this.edge(mem, instr, E[`data_in_${position}` as "data_in_0"]);
    return pseudo;
  }

  /** One random instruction after the previous one, with its operands. */
  instruction(): void {
    const { rng, instructions } = this;
    const instr = this.node(NODE_INSTRUCTION, OPCODES[rng.int(0, OPCODES.length - 3)], false);
    if (instructions.length > 0) {
      this.edge(instructions[instructions.length - 1], instr, E.control_next);
    }
    if (instructions.length > 2 && rng.float() < 0.05) {
      this.edge(instructions[rng.int(0, instructions.length - 1)], instr, E.control_target);
    }
    instructions.push(instr);
    const operands = 1 + rng.int(0, 2);
    for (let o = 0; o < operands; o++) {
      if (rng.float() < 0.2) this.memory(instr, o);
      else this.register(instr, o);
    }
    if (rng.float() < 0.7) {
      const name = REGISTER_NAMES[rng.int(0, REGISTER_NAMES.length)];
      this.edge(instr, this.node(NODE_VARIABLE, name, true), E.data_out);
      this.lastWriter.set(name, instr);
    }
  }

  /**
   * The task site after the last instruction: `cmp` + `jcc` (branch) or a
   * load's pseudo node (address); returns the task node and the node whose
   * value decides the label.
   */
  taskSite(task: TaskName): { taskNode: number; signalNode: number } {
    const last = this.instructions[this.instructions.length - 1];
    if (task === "branch") {
      const compare = this.node(NODE_INSTRUCTION, "cmp", false);
      if (last !== undefined) this.edge(last, compare, E.control_next);
      const signalNode = this.register(compare, 0);
      this.register(compare, 1);
      const taskNode = this.node(NODE_INSTRUCTION, "jcc", false);
      this.edge(compare, taskNode, E.control_next);
      return { taskNode, signalNode };
    }
    const load = this.node(NODE_INSTRUCTION, "mov", false);
    if (last !== undefined) this.edge(last, load, E.control_next);
    const taskNode = this.memory(load, 0);
    return { taskNode, signalNode: taskNode };
  }
}

/** Draws one topology; returns it with the value node (index into valueNodes) that drives its label. */
function drawTopology(
  rng: Rng,
  builder: DatasetBuilder,
  task: TaskName,
  targetNodes: number,
): { topology: Topology; signal: number } {
  const d = new Draft(rng, builder);
  // Body: random instructions until the node budget is nearly used.
  while (d.kind.length < targetNodes - 8) d.instruction();
  const { taskNode, signalNode } = d.taskSite(task);
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
