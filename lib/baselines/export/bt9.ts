/**
 * Export a trace's conditional-branch stream in the BT9 text format of the
 * 5th Championship Branch Prediction (CBP-5), so that the championship's own
 * simulator and predictors can be run on the same branches as ours.
 *
 * BT9 describes the run as a graph: NODEs are static branches, an EDGE is one
 * kind of step "branch `src` went this way, then `inst_cnt` non-branch
 * instructions ran, then branch `dest` came", and BT9_EDGE_SEQUENCE lists the
 * edges in execution order. Node 0 and edge 0 are the start of the trace.
 *
 * Our traces record conditional branches only, so calls, returns and
 * unconditional jumps count among the non-branch instructions of an edge: the
 * CBP-5 simulator then sees exactly the stream our predictors see.
 *
 * @module
 */
import { assertObjectsUnchanged } from "../../trace/objects.ts";
import { openTrace } from "../../trace/reader.ts";
import { BRANCH } from "../../trace/types.ts";
import { loadObject, type ObjectCode } from "../../disasm/mod.ts";
import { Progress } from "../../common/mod.ts";

/** What {@linkcode exportBt9} wrote. */
export interface Bt9Summary {
  branches: number;
  instructions: number;
  nodes: number;
  edges: number;
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

const hex = (v: bigint | number) => `0x${v.toString(16).padStart(12, "0")}`;

/**
 * Writes the branch stream of the trace at `tracePath` as BT9 text to
 * `writer`. Instruction sizes and branch targets come from the disassembly of
 * each branch's object (0 when an object cannot be disassembled).
 */
export async function exportBt9(
  tracePath: string,
  writer: WritableStreamDefaultWriter<Uint8Array>,
  options: { quiet?: boolean } = {},
): Promise<Bt9Summary> {
  const trace = await openTrace(tracePath);
  const nodeOfSite = new Map<number, number>(); // trace site id -> node id (1..)
  const nodeSites: number[] = [0];
  const taken: number[] = [0];
  const notTaken: number[] = [0];
  const edgeIds = new Map<string, number>();
  const edges: { src: number; dest: number; taken: boolean; instCnt: number; count: number }[] = [];
  const sequence = new U32List();
  const progress = new Progress({ label: "export bt9", unit: "branches", quiet: options.quiet });

  let lastNode = 0, lastTaken = false, lastIcount = -1, branches = 0;
  const step = (dest: number, icount: number) => {
    const instCnt = icount - lastIcount - 1;
    const key = `${lastNode},${dest},${lastTaken ? 1 : 0},${instCnt}`;
    let id = edgeIds.get(key);
    if (id === undefined) {
      id = edges.length;
      edgeIds.set(key, id);
      edges.push({ src: lastNode, dest, taken: lastTaken, instCnt, count: 0 });
    }
    edges[id].count++;
    sequence.push(id);
  };

  for await (const chunk of trace.chunks()) {
    for (let i = 0; i < chunk.length; i++) {
      if (chunk.kind[i] !== BRANCH) continue;
      const site = chunk.site[i];
      let node = nodeOfSite.get(site);
      if (node === undefined) {
        node = nodeSites.length;
        nodeOfSite.set(site, node);
        nodeSites.push(site);
        taken.push(0);
        notTaken.push(0);
      }
      step(node, chunk.icount[i]);
      const isTaken = chunk.taken[i] === 1;
      if (isTaken) taken[node]++;
      else notTaken[node]++;
      lastNode = node;
      lastTaken = isTaken;
      lastIcount = chunk.icount[i];
      branches++;
    }
    progress.tick(chunk.length);
  }
  // The last branch's edge leads to the end node (0).
  const instructions = trace.meta.instructions;
  if (branches > 0) step(0, instructions);

  await assertObjectsUnchanged(tracePath, trace.meta.objects);
  const codes = new Map<string, Promise<ObjectCode | undefined>>();
  const codeOf = (path: string) => {
    let c = codes.get(path);
    if (!c) codes.set(path, c = loadObject(path, { quiet: true }).catch(() => undefined));
    return c;
  };
  const encoder = new TextEncoder();
  const write = (text: string) => writer.write(encoder.encode(text));

  await write(
    "BT9_SPA_TRACE_FORMAT\n" +
      "bt9_minor_version: 0\n" +
      "has_physical_address: 0\n" +
      "md5_checksum:\n" +
      `conversion_date: ${new Date().toISOString()}\n` +
      `original_stf_input_file: ${tracePath}\n` +
      `total_instruction_count: ${instructions}\n` +
      `branch_instruction_count: ${branches}\n` +
      "invalid_physical_branch_target_count: 0\n" +
      `A32_instruction_count: ${instructions}\n` +
      "A64_instruction_count: 0\n" +
      "T32_instruction_count: 0\n" +
      "unidentified_instruction_count: 0\n" +
      "BT9_NODES\n" +
      "#NODE id virtual_address physical_address opcode size\n" +
      "NODE 0 0x000000000000 - 0x00000000 0\n",
  );
  const targets: bigint[] = [0n];
  for (let node = 1; node < nodeSites.length; node++) {
    const site = trace.meta.sites[nodeSites[node]];
    const code = await codeOf(trace.meta.objects[site.object]);
    const inst = code?.instructionAt(site.offset);
    const size = inst?.length ?? 0;
    targets.push(inst?.target !== undefined ? inst.target + (site.pc - site.offset) : 0n);
    const behavior = taken[node] === 0 ? "ANT" : notTaken[node] === 0 ? "AT" : "DYN";
    await write(
      `NODE ${node} ${
        hex(site.pc)
      } - 0x00000000 ${size} class: JMP+DIR+CND behavior: ${behavior}+DIR ` +
        `taken_cnt: ${taken[node]} not_taken_cnt: ${notTaken[node]} tgt_cnt: 1\n`,
    );
  }
  await write("BT9_EDGES\n#EDGE id src_id dest_id taken br_virt_target br_phy_target inst_cnt\n");
  for (let id = 0; id < edges.length; id++) {
    const e = edges[id];
    const target = e.taken ? targets[e.src] : 0n;
    await write(
      `EDGE ${id} ${e.src} ${e.dest} ${e.taken ? "T" : "N"} ${
        hex(target)
      } - ${e.instCnt} traverse_cnt: ${e.count}\n`,
    );
  }
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
  progress.finish();
  return { branches, instructions, nodes: nodeSites.length, edges: edges.length };
}
