/**
 * The static half of a fused graph: the code around one task instruction as
 * instruction, variable and pseudo nodes with typed edges, plus, for every
 * value node, a recipe saying how to read its value from a snapshot.
 *
 * Built once per task site and shared by every dynamic instance of it.
 *
 * @module
 */
import type { Instruction, MemOperand, ObjectCode, Operand, RegOperand } from "../disasm/mod.ts";
import { FLAGS, registerInfo } from "../disasm/mod.ts";
import { REGISTERS } from "../trace/types.ts";
import {
  NODE_INSTRUCTION,
  NODE_PSEUDO,
  NODE_VARIABLE,
  type TaskName,
  type Topology,
} from "./types.ts";

/**
 * Forward edge types (the model adds a reverse type for each).
 *
 * - `control_next` / `control_target`: fall-through and taken successor between instructions.
 * - `data_in_0..2`: operand -> instruction that reads it, by operand position (2 = third or later,
 *   and implicit operands such as the stack slot of `pop`).
 * - `data_out`: instruction -> operand it writes.
 * - `address_base` / `address_index` / `address_displacement`: address components -> pseudo node.
 * - `address_of`: pseudo node (the address) -> the memory operand it designates.
 * - `def_use`: instruction writing a register (or the flags) -> instruction reading that write.
 */
export const EDGE_TYPES = [
  "control_next",
  "control_target",
  "data_in_0",
  "data_in_1",
  "data_in_2",
  "data_out",
  "address_base",
  "address_index",
  "address_displacement",
  "address_of",
  "def_use",
] as const;

const EDGE = Object.fromEntries(EDGE_TYPES.map((name, i) => [name, i])) as Record<
  typeof EDGE_TYPES[number],
  number
>;

/** How a value node's value is read from a snapshot. */
export type ValueRecipe =
  /** A general-purpose register (index into REGISTERS), shifted and masked to the width named. */
  | { kind: "register"; reg: number; shift: number; width: number }
  /** A memory operand's effective address: base + index*scale + disp (run-time); `rip` base = next pc. */
  | { kind: "address"; base: number; index: number; scale: number; disp: bigint; ripNext?: bigint }
  /** The value a memory operand reads: the last value its load site read, masked to `width`. */
  | { kind: "memory"; offset: bigint; operand: number; width: number; isTask: boolean }
  /** A constant (immediate or displacement). */
  | { kind: "constant"; value: bigint }
  /** Never observable here (vector registers, segment-based addresses, ...). */
  | { kind: "unknown" };

/** Base/index register code for `rip` in an address recipe (not a snapshot register). */
export const RIP = 16;
/** Register code for "no register". */
export const NO_REG = -1;

/** Options of the neighbourhood around a task instruction. */
export interface NeighbourhoodOptions {
  /** Control-flow hops (either direction, within the function) from the task instruction (default 8). */
  hops?: number;
  /** At most this many instructions, nearest first (default 32). */
  maxInstructions?: number;
}

/** Defaults of {@linkcode NeighbourhoodOptions}. */
export const NEIGHBOURHOOD_DEFAULTS: Required<NeighbourhoodOptions> = {
  hops: 8,
  maxInstructions: 32,
};

/** String instructions, for which a `rep`/`repz`/`repnz` prefix changes what the instruction does. */
const STRING_MNEMONICS = new Set(["movs", "stos", "lods", "cmps", "scas", "ins", "outs"]);
/** Sign- and zero-extending moves: their token names the source width too. */
const EXTENDING_MOVES = new Set(["movzx", "movsx", "movsxd"]);

/** Normalised spelling of the prefixes a token keeps. */
const PREFIX_TOKENS: Record<string, string> = {
  lock: "lock",
  rep: "rep",
  repz: "repz",
  repe: "repz",
  repnz: "repnz",
  repne: "repnz",
};

/** Width in bits of a general-purpose register or sized memory operand, else undefined. */
function integerWidth(op: Operand | undefined): number | undefined {
  if (op?.kind === "reg") return GPR_INDEX.has(op.reg) ? op.width : undefined;
  if (op?.kind === "mem" && [8, 16, 32, 64].includes(op.width)) return op.width;
  return undefined;
}

/**
 * The token of an instruction node: what an architect reads in the listing.
 *
 * - The mnemonic as objdump prints it, with its condition code (`jl`, `jge`,
 *   `jb`, `cmovae`, `setg`): signed and unsigned conditions stay distinct, as do
 *   `cmp`/`test`, `add`/`sub`/`xor`, `imul`/`mul`, `sar`/`shr`, `movsx`/`movzx`.
 * - `lock` and, on string instructions, `rep`/`repz`/`repnz` (`repz cmps`).
 * - The operation width in bits when the first operand of a non-control-flow
 *   instruction is an integer register or a sized memory operand (`cmp.32`,
 *   `add.64`, `test.8`, `rep stos.64`): 32-bit arithmetic
 *   wraps and compares differently from 64-bit. Extending moves name both
 *   widths (`movzx.32.8`: a byte zero-extended into 32 bits).
 */
export function instructionToken(inst: Instruction): string {
  const prefixes = inst.prefixes
    .map((p) => PREFIX_TOKENS[p])
    .filter((p) => p !== undefined && (p === "lock" || STRING_MNEMONICS.has(inst.mnemonic)));
  let token = [...prefixes, inst.mnemonic].join(" ");
  const width = inst.flow === "other" ? integerWidth(inst.operands[0]) : undefined;
  if (width !== undefined) {
    token += `.${width}`;
    const source = EXTENDING_MOVES.has(inst.mnemonic) ? integerWidth(inst.operands[1]) : undefined;
    if (source !== undefined) token += `.${source}`;
  }
  return token;
}

/** A task site's static graph, with tokens still as names (the dataset assigns ids). */
export interface StaticGraph {
  /** Topology with `token` left as -1; see {@linkcode tokens}. */
  topology: Topology;
  /**
   * Token name per node: an instruction's {@linkcode instructionToken} (`jl`, `cmp.32`); a
   * register as written (`eax`, `rax`, `al`: the name says the width); `imm`; `disp`; a memory
   * operand's `mem` with its width (`mem32`); `address` for a pseudo node.
   */
  tokens: string[];
  /** Recipe per value node, parallel to `topology.valueNodes`. */
  recipes: ValueRecipe[];
  /** Instruction indices (in the object) of the neighbourhood, task instruction first. */
  instructions: number[];
}

/** Why a site has no static graph. */
export class NoGraphError extends Error {}

/**
 * The instructions within `hops` control-flow edges of `start` (both directions,
 * not following calls), nearest first, at most `maxInstructions`.
 */
export function neighbourhood(
  code: ObjectCode,
  start: number,
  options: NeighbourhoodOptions = {},
): number[] {
  const { hops, maxInstructions } = { ...NEIGHBOURHOOD_DEFAULTS, ...options };
  const order = [start];
  const seen = new Set(order);
  let frontier = [start];
  for (let hop = 0; hop < hops && order.length < maxInstructions && frontier.length > 0; hop++) {
    const next: number[] = [];
    for (const i of frontier) {
      // Predecessors first: the code leading to the task computes its inputs.
      const edges = [
        ...code.predecessors(i).map((e) => e.from),
        ...code.successors(i).filter((e) => e.kind !== "call").map((e) => e.to),
      ];
      for (const j of edges) {
        if (seen.has(j) || code.functionOf(j).index !== code.functionOf(start).index) continue;
        seen.add(j);
        next.push(j);
        order.push(j);
        if (order.length >= maxInstructions) return order;
      }
    }
    frontier = next;
  }
  return order;
}

const GPR_INDEX = new Map<string, number>(REGISTERS.map((r, i) => [r, i]));
const HIGH_BYTE = new Set(["ah", "bh", "ch", "dh"]);

function registerRecipe(op: RegOperand): ValueRecipe {
  const reg = GPR_INDEX.get(op.reg);
  if (reg === undefined) return { kind: "unknown" };
  const width = registerInfo(op.name)?.width ?? op.width;
  return { kind: "register", reg, shift: HIGH_BYTE.has(op.name) ? 8 : 0, width };
}

function addressRegister(name: string | undefined): number | undefined {
  if (name === undefined) return NO_REG;
  if (name === "rip") return RIP;
  return GPR_INDEX.get(name);
}

/** Memory operands an instruction reads, explicit ones first, in the order the tracer numbers its reads. */
function memoryReads(inst: Instruction): MemOperand[] {
  const out: MemOperand[] = [];
  inst.operands.forEach((op, i) => {
    const a = inst.access[i];
    if (op.kind === "mem" && (a === "read" || a === "readwrite")) out.push(op);
  });
  for (const imp of inst.implicit) {
    if (imp.operand.kind === "mem" && (imp.access === "read" || imp.access === "readwrite")) {
      out.push(imp.operand);
    }
  }
  return out;
}

/** Accumulates nodes and edges of one graph. */
class GraphAccumulator {
  kinds: number[] = [];
  tokens: string[] = [];
  src: number[] = [];
  dst: number[] = [];
  type: number[] = [];
  valueNodes: number[] = [];
  recipes: ValueRecipe[] = [];

  node(kind: number, token: string, recipe?: ValueRecipe): number {
    this.kinds.push(kind);
    this.tokens.push(token);
    const id = this.kinds.length - 1;
    if (recipe) {
      this.valueNodes.push(id);
      this.recipes.push(recipe);
    }
    return id;
  }

  edge(from: number, to: number, type: number): void {
    this.src.push(from);
    this.dst.push(to);
    this.type.push(type);
  }
}

/**
 * Builds the static graph of a task site: the branch at instruction `index`
 * (`task` = "branch"), or the `operand`-th memory read of the load at `index`
 * (`task` = "address").
 *
 * @throws {NoGraphError} when the instruction has no such memory read.
 */
export function buildStaticGraph(
  code: ObjectCode,
  index: number,
  task: TaskName,
  options: NeighbourhoodOptions & { operand?: number } = {},
): StaticGraph {
  const taskInst = code.instruction(index);
  const taskReads = memoryReads(taskInst);
  if (task === "address" && taskReads.length === 0) {
    throw new NoGraphError(
      `${taskInst.text} at 0x${taskInst.address.toString(16)} reads no memory operand`,
    );
  }
  // The tracer numbers an instruction's reads in VEX's order; beyond the first this is approximate.
  const taskRead = task === "address" ? Math.min(options.operand ?? 0, taskReads.length - 1) : -1;

  const members = neighbourhood(code, index, options);
  const g = new GraphAccumulator();
  const instNode = new Map<number, number>();
  for (const i of members) {
    instNode.set(i, g.node(NODE_INSTRUCTION, instructionToken(code.instruction(i))));
  }

  let taskNode = task === "branch" ? instNode.get(index)! : -1;
  for (const i of members) {
    const inst = code.instruction(i);
    const site: OperandSite = {
      inst,
      node: instNode.get(i)!,
      reads: memoryReads(inst),
      taskRead: i === index ? taskRead : -1,
    };
    inst.operands.forEach((op, k) => {
      taskNode = addOperand(g, site, op, inst.access[k], k) ?? taskNode;
    });
    for (const imp of inst.implicit) {
      taskNode = addOperand(g, site, imp.operand, imp.access, 2) ?? taskNode;
    }
    addInstructionEdges(g, code, i, instNode);
  }
  if (taskNode < 0) throw new NoGraphError(`no task node for ${taskInst.text}`);

  return {
    topology: {
      nodeKind: Uint8Array.from(g.kinds),
      token: new Int32Array(g.kinds.length).fill(-1),
      edgeSrc: Int32Array.from(g.src),
      edgeDst: Int32Array.from(g.dst),
      edgeType: Uint8Array.from(g.type),
      taskNode,
      valueNodes: Int32Array.from(g.valueNodes),
    },
    tokens: g.tokens,
    recipes: g.recipes,
    instructions: members,
  };
}

/** The instruction whose operands are being added, and which of its memory reads is the task's. */
interface OperandSite {
  inst: Instruction;
  /** Its instruction node. */
  node: number;
  /** Its memory reads, in the tracer's order (see {@linkcode memoryReads}). */
  reads: MemOperand[];
  /** Index in `reads` of the task load's read; -1 when the task is elsewhere. */
  taskRead: number;
}

/**
 * Adds the nodes of one operand of `site.inst` and their data edges: a
 * register or immediate variable node, or for a memory operand its pseudo
 * (address) node with the address components and the memory value node.
 * Returns the pseudo node when this operand is the task load's read.
 */
function addOperand(
  g: GraphAccumulator,
  site: OperandSite,
  op: Operand | undefined,
  access: string,
  position: number,
): number | undefined {
  if (!op || access === "none" || op.kind === "target") return undefined;
  const dataIn = EDGE.data_in_0 + Math.min(position, 2);
  const connect = (node: number) => {
    if (access === "read" || access === "readwrite" || access === "address") {
      g.edge(node, site.node, dataIn);
    }
    if (access === "write" || access === "readwrite") g.edge(site.node, node, EDGE.data_out);
  };
  if (op.kind === "reg") {
    connect(g.node(NODE_VARIABLE, op.name, registerRecipe(op)));
    return undefined;
  }
  if (op.kind === "imm") {
    connect(
      g.node(NODE_VARIABLE, "imm", { kind: "constant", value: BigInt.asUintN(64, op.value) }),
    );
    return undefined;
  }
  const pseudo = addAddressNodes(g, op, site.inst.address + BigInt(site.inst.length));
  if (access === "address") {
    connect(pseudo);
    return undefined;
  }
  // Operand objects are compared within one Instruction object only (they are not shared across calls).
  const readIndex = site.reads.indexOf(op);
  const isTask = readIndex >= 0 && readIndex === site.taskRead;
  const memRecipe: ValueRecipe = readIndex >= 0
    ? {
      kind: "memory",
      offset: site.inst.address,
      operand: readIndex,
      width: op.width || 64,
      isTask,
    }
    : { kind: "unknown" };
  const mem = g.node(NODE_VARIABLE, `mem${op.width || ""}`, memRecipe);
  g.edge(pseudo, mem, EDGE.address_of);
  connect(mem);
  return isTask ? pseudo : undefined;
}

/** A memory operand's pseudo (address) node fed by its base, index and displacement nodes. */
function addAddressNodes(g: GraphAccumulator, op: MemOperand, nextPc: bigint): number {
  const pseudo = g.node(NODE_PSEUDO, "address", addressRecipe(op, nextPc));
  const register = (name: string) =>
    g.node(NODE_VARIABLE, name, registerRecipe({ kind: "reg", reg: name, name, width: 64 }));
  if (op.base && op.base !== "rip") g.edge(register(op.base), pseudo, EDGE.address_base);
  if (op.index) g.edge(register(op.index), pseudo, EDGE.address_index);
  if (op.disp !== 0n || op.base === "rip") {
    const disp = op.ripRelative && op.absolute !== undefined ? op.absolute : op.disp;
    g.edge(
      g.node(NODE_VARIABLE, "disp", { kind: "constant", value: BigInt.asUintN(64, disp) }),
      pseudo,
      EDGE.address_displacement,
    );
  }
  return pseudo;
}

/** Control-flow edges from instruction `i` and def-use edges into it, within the neighbourhood. */
function addInstructionEdges(
  g: GraphAccumulator,
  code: ObjectCode,
  i: number,
  instNode: Map<number, number>,
): void {
  const me = instNode.get(i)!;
  for (const e of code.successors(i)) {
    const to = instNode.get(e.to);
    if (to === undefined || e.kind === "call") continue;
    g.edge(me, to, e.kind === "target" ? EDGE.control_target : EDGE.control_next);
  }
  for (const { reg, defs } of code.reachingDefs(i)) {
    if (
      reg !== FLAGS && !GPR_INDEX.has(reg) && !reg.startsWith("xmm") && !reg.startsWith("ymm")
    ) continue;
    for (const d of defs) {
      const from = instNode.get(d);
      if (from !== undefined && d !== i) g.edge(from, me, EDGE.def_use);
    }
  }
}

function addressRecipe(op: MemOperand, nextPc: bigint): ValueRecipe {
  const base = addressRegister(op.base);
  const index = addressRegister(op.index);
  // fs/gs-relative addresses need the segment base, which no snapshot holds.
  const segmented = op.segment === "fs" || op.segment === "gs";
  if (base === undefined || index === undefined || index === RIP || segmented) {
    return { kind: "unknown" };
  }
  return {
    kind: "address",
    base,
    index,
    scale: op.scale,
    disp: op.disp,
    ripNext: base === RIP ? nextPc : undefined,
  };
}
