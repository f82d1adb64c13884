/**
 * Export a trace's branch stream in the BT9 text format of the 5th
 * Championship Branch Prediction (CBP-5), so that the championship's own
 * simulator and predictors run on the branches ours run on.
 *
 * BT9 describes the run as a graph: NODEs are static branches, an EDGE is one
 * kind of step "branch `src` went this way (to `target`), then `inst_cnt`
 * non-branch instructions ran, then branch `dest` came", and
 * BT9_EDGE_SEQUENCE lists the edges in execution order. Node 0 is a dummy:
 * the first edge leaves it and the last edge enters it.
 *
 * The stream is `lib/baselines/branch/stream.ts`'s: the recorded conditional
 * branches and the unconditional jumps, calls and returns rebuilt from the
 * disassembly, each its own node, so the simulator hands Seznec's code what
 * our predictors get. The stock reader (`bt9_reader.h`) keeps one edge per
 * source and direction: per (source address, target) for a taken edge, per
 * source for a not-taken one, and apart from those the edge into the end
 * node. A not-taken edge carries the branch's taken target, which the CBP-5
 * driver passes to the predictor (its backward-branch test reads it). Where a
 * `rep` string instruction or a lost stretch of the path makes one edge's
 * next branch or instruction count vary between traversals, the edge states
 * the first next branch (the reader does not use it) and the most frequent
 * count, and the header states the total the edges add up to: the summary
 * says how many edges vary and the trace's own count.
 *
 * @module
 */
import { Progress } from "../../common/mod.ts";
import type { PathSummary } from "../../baselines/branch/path.ts";
import {
  CALL,
  CALL_INDIRECT,
  CONDITIONAL,
  JUMP,
  JUMP_INDIRECT,
  RETURN,
} from "../../baselines/branch/predictor.ts";
import { type BranchChunk, streamBranches } from "../../baselines/branch/stream.ts";
import { openTrace } from "../../trace/reader.ts";

/** What {@linkcode exportBt9} wrote. */
export interface Bt9Summary {
  /** Branch executions (conditional and unconditional), without the dummy start. */
  branches: number;
  conditional: number;
  unconditional: number;
  /** Instructions the file states (what its edges add up to). */
  instructions: number;
  /** Instructions of the trace's window (differs only through `varyingEdges`). */
  traceInstructions: number;
  nodes: number;
  edges: number;
  /**
   * Edges whose next branch or instruction count differed between traversals
   * (written with the first next branch and the most frequent count).
   */
  varyingEdges: number;
  /** How well the path between recorded instructions was rebuilt. */
  path: PathSummary;
}

/** BT9's class of each branch kind. */
const CLASS: Record<number, string> = {
  [CONDITIONAL]: "JMP+DIR+CND",
  [JUMP]: "JMP+DIR+UCD",
  [JUMP_INDIRECT]: "JMP+IND+UCD",
  [CALL]: "CALL+DIR+UCD",
  [CALL_INDIRECT]: "CALL+IND+UCD",
  [RETURN]: "RET+UCD",
};

/** A static branch. */
interface Node {
  pc: number;
  kind: number;
  size: number;
  taken: number;
  notTaken: number;
  targets: Set<number>;
}

/** One edge: its ends, direction and target, and how often each instruction count was seen. */
interface Edge {
  src: number;
  dest: number;
  taken: boolean;
  target: number;
  traversals: number;
  /** Instruction counts seen and how often (one entry unless the count varies). */
  counts: Map<number, number>;
  /** A traversal led to another next branch than `dest`. */
  destVaries: boolean;
}

/** A growable Uint32Array for the edge sequence. */
class U32List {
  data = new Uint32Array(1 << 16);
  length = 0;
  push(v: number): void {
    if (this.length === this.data.length) {
      const grown = new Uint32Array(this.data.length * 2);
      grown.set(this.data);
      this.data = grown;
    }
    this.data[this.length++] = v;
  }
}

/** The graph of a branch stream, built as it streams by. */
class Bt9Graph {
  readonly nodes: Node[] = [{
    pc: 0,
    kind: -1,
    size: 0,
    taken: 0,
    notTaken: 0,
    targets: new Set(),
  }];
  readonly edges: Edge[] = [];
  readonly sequence = new U32List();
  readonly #nodeOf = new Map<number, number>();
  readonly #edgeOf = new Map<string, number>();
  #last = 0;
  #lastTaken = false;
  #lastTarget = 0;
  #lastIcount = -1;

  /** Adds the branches of a chunk. */
  add(c: BranchChunk): void {
    for (let i = 0; i < c.length; i++) {
      const node = this.#node(c.pc[i], c.kind[i], c.size[i]);
      this.#step(node, c.icount[i], false);
      const target = Number.isNaN(c.target[i]) ? 0 : c.target[i];
      const n = this.nodes[node];
      if (c.taken[i] === 1) {
        n.taken++;
        n.targets.add(target);
      } else n.notTaken++;
      this.#last = node;
      this.#lastTaken = c.taken[i] === 1;
      this.#lastTarget = target;
      this.#lastIcount = c.icount[i];
    }
  }

  /** The last edge, into the end node at instruction count `end`. */
  finish(end: number): void {
    if (this.#lastIcount >= 0) this.#step(0, end, true);
  }

  #node(pc: number, kind: number, size: number): number {
    let id = this.#nodeOf.get(pc);
    if (id === undefined) {
      id = this.nodes.length;
      this.#nodeOf.set(pc, id);
      // A size of 0 marks the end node to the reader: keep real nodes above it.
      this.nodes.push({
        pc,
        kind,
        size: Math.max(size, 1),
        taken: 0,
        notTaken: 0,
        targets: new Set(),
      });
    }
    return id;
  }

  /** The edge from the last branch to `dest` at instruction count `icount`, keyed as the reader keys it. */
  #step(dest: number, icount: number, end: boolean): void {
    const src = this.#last;
    const key = end ? `${src}:end` : this.#lastTaken ? `${src}:${this.#lastTarget}` : `${src}:N`;
    let id = this.#edgeOf.get(key);
    if (id === undefined) {
      id = this.edges.length;
      this.#edgeOf.set(key, id);
      this.edges.push({
        src,
        dest,
        taken: this.#lastTaken,
        target: this.#lastTarget,
        traversals: 0,
        counts: new Map(),
        destVaries: false,
      });
    }
    const edge = this.edges[id];
    if (edge.dest !== dest) edge.destVaries = true;
    const count = icount - this.#lastIcount - 1;
    edge.traversals++;
    edge.counts.set(count, (edge.counts.get(count) ?? 0) + 1);
    this.sequence.push(id);
  }
}

/** The most frequent instruction count of an edge (the smallest of equals). */
function modalCount(edge: Edge): number {
  let best = -1;
  let bestTimes = 0;
  for (const [count, times] of edge.counts) {
    if (times > bestTimes || (times === bestTimes && count < best)) {
      best = count;
      bestTimes = times;
    }
  }
  return best;
}

const hex = (v: number) => `0x${v.toString(16).padStart(12, "0")}`;

/**
 * Writes the branch stream of the trace at `tracePath` as BT9 text to
 * `writer` (see the module doc).
 */
export async function exportBt9(
  tracePath: string,
  writer: WritableStreamDefaultWriter<Uint8Array>,
  options: { quiet?: boolean } = {},
): Promise<Bt9Summary> {
  const trace = await openTrace(tracePath);
  const graph = new Bt9Graph();
  const progress = new Progress({ label: "export bt9", unit: "branches", quiet: options.quiet });
  const path = await streamBranches(trace, (chunk) => {
    graph.add(chunk);
    progress.tick(chunk.length);
  });
  const traceInstructions = trace.meta.instructions;
  graph.finish(traceInstructions);
  progress.finish();

  const branches = graph.sequence.length - 1;
  let instructions = branches;
  let varyingEdges = 0;
  const instCounts = graph.edges.map((edge) => {
    const count = modalCount(edge);
    instructions += count * edge.traversals;
    if (edge.counts.size > 1 || edge.destVaries) varyingEdges++;
    return count;
  });
  const encoder = new TextEncoder();
  const write = (text: string) => writer.write(encoder.encode(text));
  await write(header(tracePath, instructions, branches + 1));
  for (let id = 1; id < graph.nodes.length; id++) await write(nodeLine(id, graph.nodes[id]));
  await write("BT9_EDGES\n#EDGE id src_id dest_id taken br_virt_target br_phy_target inst_cnt\n");
  for (let id = 0; id < graph.edges.length; id++) {
    const e = graph.edges[id];
    await write(
      `EDGE ${id} ${e.src} ${e.dest} ${e.taken ? "T" : "N"} ${hex(e.target)} - ${
        instCounts[id]
      } traverse_cnt: ${e.traversals}\n`,
    );
  }
  await writeSequence(write, graph.sequence);
  const conditional = graph.nodes.reduce(
    (n, node) => node.kind === CONDITIONAL ? n + node.taken + node.notTaken : n,
    0,
  );
  return {
    branches,
    conditional,
    unconditional: branches - conditional,
    instructions,
    traceInstructions,
    nodes: graph.nodes.length,
    edges: graph.edges.length,
    varyingEdges,
    path,
  };
}

/** The header and the dummy node; `branchCount` includes the dummy start, as the reader expects. */
function header(tracePath: string, instructions: number, branchCount: number): string {
  return "BT9_SPA_TRACE_FORMAT\n" +
    "bt9_minor_version: 0\n" +
    "has_physical_address: 0\n" +
    "md5_checksum:\n" +
    `conversion_date: ${new Date().toISOString()}\n` +
    `original_stf_input_file: ${tracePath}\n` +
    `total_instruction_count: ${instructions}\n` +
    `branch_instruction_count: ${branchCount}\n` +
    "invalid_physical_branch_target_count: 0\n" +
    `A32_instruction_count: ${instructions}\n` +
    "A64_instruction_count: 0\n" +
    "T32_instruction_count: 0\n" +
    "unidentified_instruction_count: 0\n" +
    "BT9_NODES\n" +
    "#NODE id virtual_address physical_address opcode size\n" +
    "NODE 0 0x000000000000 - 0x00000000 0\n";
}

function nodeLine(id: number, n: Node): string {
  const direction = n.taken === 0 ? "ANT" : n.notTaken === 0 ? "AT" : "DYN";
  const directness = n.kind === JUMP || n.kind === CALL || n.kind === CONDITIONAL ? "DIR" : "IND";
  return `NODE ${id} ${hex(n.pc)} - 0x00000000 ${n.size} class: ${CLASS[n.kind]} ` +
    `behavior: ${direction}+${directness} taken_cnt: ${n.taken} not_taken_cnt: ${n.notTaken} ` +
    `tgt_cnt: ${n.targets.size}\n`;
}

async function writeSequence(
  write: (text: string) => Promise<void>,
  sequence: U32List,
): Promise<void> {
  await write("BT9_EDGE_SEQUENCE\n");
  const lines: string[] = [];
  for (let i = 0; i < sequence.length; i++) {
    lines.push(String(sequence.data[i]));
    if (lines.length === 65536) {
      await write(lines.join("\n") + "\n");
      lines.length = 0;
    }
  }
  await write(lines.join("\n") + (lines.length ? "\n" : "") + "EOF\n");
}
