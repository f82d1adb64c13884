/**
 * Exports for the championship simulators, checked by reading them back. The
 * BT9 file must pass a validator that enforces what the stock CBP-2016 reader
 * (`bt9_reader.h`) and driver (`main.cc`) require, and replay the trace's
 * conditional branches with the rebuilt unconditional ones; the ChampSim
 * records carry the same branches and load addresses, one record per
 * instruction.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { type Bt9Summary, exportBt9, exportChampsim } from "../lib/baselines/export/mod.ts";
import { ROOT } from "../lib/common/mod.ts";
import { openTrace } from "../lib/trace/reader.ts";
import { traceProgram } from "../lib/trace/run.ts";
import { BRANCH } from "../lib/trace/types.ts";
import { compileTestProgram, ensureTracer, testTempDir } from "../lib/trace/testing.ts";

await ensureTracer();
const dir = await testTempDir("ncf-export-test-");
const program = await compileTestProgram("random_branch", dir);
const tracePath = join(dir, "t.trace");
await traceProgram({ program, args: ["2000"], out: tracePath, stdout: "null", quiet: true });

/** The trace's events in order: branches as [pc, taken], loads as [pc, addr, icount]. */
async function eventsOf(path: string) {
  const trace = await openTrace(path);
  const branches: [bigint, boolean][] = [];
  const loads: [bigint, bigint, number][] = [];
  for await (const c of trace.chunks()) {
    for (let i = 0; i < c.length; i++) {
      const pc = trace.meta.sites[c.site[i]].pc;
      if (c.kind[i] === BRANCH) branches.push([pc, c.taken[i] === 1]);
      else loads.push([pc, c.addr[i], c.icount[i]]);
    }
  }
  return { branches, loads, instructions: trace.meta.instructions };
}

async function exportTo<T>(
  path: string,
  run: (w: WritableStreamDefaultWriter<Uint8Array>) => Promise<T>,
) {
  const file = await Deno.open(path, { write: true, create: true, truncate: true });
  const writer = file.writable.getWriter();
  const summary = await run(writer);
  await writer.close();
  return summary;
}

/** A branch instance as the CBP-2016 driver sees it: the source node of one sequence entry. */
interface Bt9Branch {
  pc: bigint;
  conditional: boolean;
  taken: boolean;
  target: bigint;
}

interface Bt9Node {
  pc: bigint;
  size: number;
  conditional: boolean;
  taken: number;
  notTaken: number;
}

interface Bt9Edge {
  src: number;
  dest: number;
  taken: boolean;
  target: bigint;
  instCnt: number;
  traversals: number;
}

const CLASS_TOKENS = new Set(["JMP", "CALL", "RET", "DIR", "IND", "CND", "UCD"]);
const BEHAVIOR_TOKENS = new Set(["AT", "ANT", "DYN", "DIR", "IND"]);

/** `key: value` fields after the fixed ones of a NODE or EDGE line. */
function optionalFields(fields: string[], from: number): Map<string, string> {
  const map = new Map<string, string>();
  for (let k = from; k + 1 < fields.length; k += 2) map.set(fields[k], fields[k + 1]);
  return map;
}

function parseNode(fields: string[], nodes: Map<number, Bt9Node>): void {
  const id = Number(fields[1]);
  assert.ok(Number.isInteger(id) && !nodes.has(id), `node id ${fields[1]} is new`);
  const extra = optionalFields(fields, 6);
  const classTokens = (extra.get("class:") ?? "").split("+");
  const behavior = (extra.get("behavior:") ?? "").split("+");
  if (id !== 0) {
    assert.ok(classTokens.every((t) => CLASS_TOKENS.has(t)), `node ${id} class ${classTokens}`);
    assert.ok(behavior.every((t) => BEHAVIOR_TOKENS.has(t)), `node ${id} behavior ${behavior}`);
  }
  nodes.set(id, {
    pc: BigInt(fields[2]),
    size: Number(fields[5]),
    conditional: classTokens.includes("CND"),
    taken: Number(extra.get("taken_cnt:") ?? 0),
    notTaken: Number(extra.get("not_taken_cnt:") ?? 0),
  });
}

function parseEdge(fields: string[], edges: Map<number, Bt9Edge>): void {
  const id = Number(fields[1]);
  assert.ok(Number.isInteger(id) && !edges.has(id), `edge id ${fields[1]} is new`);
  assert.ok(fields[4] === "T" || fields[4] === "N", `edge ${id} direction ${fields[4]}`);
  const instCnt = Number(fields[7]);
  assert.ok(Number.isInteger(instCnt) && instCnt >= 0, `edge ${id} inst_cnt ${fields[7]}`);
  edges.set(id, {
    src: Number(fields[2]),
    dest: Number(fields[3]),
    taken: fields[4] === "T",
    target: BigInt(fields[5]),
    instCnt,
    traversals: Number(optionalFields(fields, 8).get("traverse_cnt:") ?? -1),
  });
}

/** Splits a BT9 file into its header fields, nodes, edges and edge sequence. */
function parseBt9(text: string) {
  const lines = text.split("\n").map((l) => l.replace(/#.*/, "").trim()).filter((l) => l);
  assert.equal(lines[0], "BT9_SPA_TRACE_FORMAT");
  assert.equal(lines.at(-1), "EOF");
  const header = new Map<string, string>();
  const nodes = new Map<number, Bt9Node>();
  const edges = new Map<number, Bt9Edge>();
  const sequence: number[] = [];
  const sections: string[] = [];
  for (const line of lines.slice(1, -1)) {
    const fields = line.split(/\s+/);
    if (line.startsWith("BT9_")) sections.push(line);
    else if (sections.length === 0) header.set(fields[0], fields[1] ?? "");
    else if (sections.at(-1) === "BT9_NODES" && fields[0] === "NODE") parseNode(fields, nodes);
    else if (sections.at(-1) === "BT9_EDGES" && fields[0] === "EDGE") parseEdge(fields, edges);
    else if (sections.at(-1) === "BT9_EDGE_SEQUENCE" && /^\d+$/.test(line)) sequence.push(+line);
    else assert.fail(`unexpected line in ${sections.at(-1) ?? "the header"}: ${line}`);
  }
  assert.deepEqual(sections, ["BT9_NODES", "BT9_EDGES", "BT9_EDGE_SEQUENCE"]);
  return { header, nodes, edges, sequence };
}

/** The reader's rules for nodes: node 0 is the dummy, every other node has its own address. */
function checkNodes(nodes: Map<number, Bt9Node>): void {
  assert.ok(nodes.get(0)?.size === 0, "node 0 is the dummy, of size 0");
  const addresses = new Set<bigint>();
  for (const [id, node] of nodes) {
    if (id === 0) continue;
    assert.ok(!addresses.has(node.pc), `duplicated node: ${node.pc.toString(16)}`);
    addresses.add(node.pc);
    // The reader takes an edge into a node of size 0 for the last edge.
    assert.ok(node.size > 0, `node ${id} has a size`);
  }
}

/** The reader's rule for edges: one per (source address, taken target or not-taken), and the last. */
function checkEdges(nodes: Map<number, Bt9Node>, edges: Map<number, Bt9Edge>): void {
  const keys = new Set<string>();
  for (const [id, e] of edges) {
    const src = nodes.get(e.src);
    const dest = nodes.get(e.dest);
    assert.ok(src && dest, `edge ${id} joins existing nodes`);
    if (!e.taken) {
      assert.ok(e.src === 0 || src.conditional, `edge ${id}: only a conditional falls through`);
    }
    const key = dest.size === 0 ? `${src.pc}:end` : `${src.pc}:${e.taken ? e.target : 0n}`;
    assert.ok(!keys.has(key), `duplicated edge: ${key}`);
    keys.add(key);
  }
}

/**
 * Checks a BT9 file as the CBP-2016 reader and driver read it (see the
 * module doc) and returns the branch instances the driver runs and the
 * instructions the file adds up to.
 */
function validateBt9(text: string): { branches: Bt9Branch[]; instructions: number } {
  const { header, nodes, edges, sequence } = parseBt9(text);
  checkNodes(nodes);
  checkEdges(nodes, edges);
  assert.ok(sequence.length > 0 && sequence.every((id) => edges.has(id)), "sequence names edges");
  assert.equal(edges.get(sequence[0])!.src, 0, "the first edge leaves the dummy node");
  assert.equal(edges.get(sequence.at(-1)!)!.dest, 0, "the last edge enters the dummy node");
  // Node and edge counts: the header counts the dummy start as a branch (main.cc prints it minus 1).
  assert.equal(Number(header.get("branch_instruction_count:")), sequence.length);
  const traversals = new Map<number, number>();
  const outcomes = new Map<number, { taken: number; notTaken: number }>();
  let instructions = sequence.length - 1;
  const branches: Bt9Branch[] = [];
  for (const id of sequence) {
    const e = edges.get(id)!;
    traversals.set(id, (traversals.get(id) ?? 0) + 1);
    instructions += e.instCnt;
    if (e.src === 0) continue;
    const counts = outcomes.get(e.src) ?? { taken: 0, notTaken: 0 };
    if (e.taken) counts.taken++;
    else counts.notTaken++;
    outcomes.set(e.src, counts);
    const src = nodes.get(e.src)!;
    branches.push({ pc: src.pc, conditional: src.conditional, taken: e.taken, target: e.target });
  }
  for (const [id, e] of edges) {
    assert.equal(e.traversals, traversals.get(id) ?? 0, `edge ${id} traverse_cnt`);
  }
  for (const [id, node] of nodes) {
    if (id === 0) continue;
    const seen = outcomes.get(id) ?? { taken: 0, notTaken: 0 };
    assert.deepEqual([node.taken, node.notTaken], [seen.taken, seen.notTaken], `node ${id} counts`);
  }
  // Instruction totals: the header states what the edges and branches add up to.
  assert.equal(Number(header.get("total_instruction_count:")), instructions);
  return { branches, instructions };
}

Deno.test("bt9 validator: rejects what the stock reader rejects", () => {
  const file = (edges: string) =>
    "BT9_SPA_TRACE_FORMAT\ntotal_instruction_count: 5\nbranch_instruction_count: 3\nBT9_NODES\n" +
    "NODE 0 0x0 - 0x0 0\n" +
    "NODE 1 0x1000 - 0x0 2 class: JMP+DIR+CND behavior: DYN+DIR taken_cnt: 1 not_taken_cnt: 1\n" +
    `BT9_EDGES\n${edges}BT9_EDGE_SEQUENCE\n0\n1\n2\nEOF\n`;
  const good = "EDGE 0 0 1 N 0x0 - 1 traverse_cnt: 1\nEDGE 1 1 1 T 0x1000 - 0 traverse_cnt: 1\n" +
    "EDGE 2 1 0 N 0x1000 - 2 traverse_cnt: 1\n";
  assert.equal(validateBt9(file(good)).instructions, 5);
  // The same (source, taken target) twice: "duplicated edge".
  const duplicated = good + "EDGE 3 1 1 T 0x1000 - 7 traverse_cnt: 0\n";
  assert.throws(() => validateBt9(file(duplicated)), /duplicated edge/);
  assert.throws(() =>
    validateBt9(file(good).replace("total_instruction_count: 5", "total_instruction_count: 6"))
  );
});

Deno.test("bt9: the stock reader's rules hold, and the file replays the trace's branches", async () => {
  const truth = await eventsOf(tracePath);
  const out = join(dir, "t.bt9");
  const summary: Bt9Summary = await exportTo(out, (w) => exportBt9(tracePath, w, { quiet: true }));
  const { branches, instructions } = validateBt9(await Deno.readTextFile(out));
  const conditional = branches.filter((b) => b.conditional);
  assert.deepEqual(conditional.map((b) => [b.pc, b.taken]), truth.branches);
  assert.equal(summary.conditional, truth.branches.length);
  assert.equal(summary.unconditional, branches.length - conditional.length);
  assert.ok(summary.unconditional > 0, "calls, returns and jumps are nodes of their own");
  assert.ok(branches.every((b) => b.conditional || b.taken), "unconditional branches are taken");
  // A conditional branch keeps its taken target on both edges (the backward test reads it).
  const targets = new Map<bigint, bigint>();
  for (const b of conditional) {
    assert.equal(targets.get(b.pc) ?? b.target, b.target, `one target for ${b.pc.toString(16)}`);
    targets.set(b.pc, b.target);
  }
  assert.equal(instructions, summary.instructions);
  if (summary.varyingEdges === 0) assert.equal(instructions, truth.instructions);
});

Deno.test("champsim: one 64-byte record per instruction, branches and load addresses where the trace has them", async () => {
  const truth = await eventsOf(tracePath);
  const out = join(dir, "t.champsim");
  const summary = await exportTo(out, (w) => exportChampsim(tracePath, w, { quiet: true }));
  const bytes = await Deno.readFile(out);
  assert.equal(bytes.length, 64 * truth.instructions);
  assert.equal(summary.instructions, truth.instructions);
  assert.ok(
    summary.approximated < 0.01 * truth.instructions,
    `${summary.approximated} approximated instructions`,
  );
  const view = new DataView(bytes.buffer);
  const branches: [bigint, boolean][] = [];
  const loadAddrs: bigint[] = [];
  for (let at = 0; at < bytes.length; at += 64) {
    const reads25 = [12, 13, 14, 15].some((k) => view.getUint8(at + k) === 25);
    if (view.getUint8(at + 8) === 1 && reads25) {
      branches.push([view.getBigUint64(at, true), view.getUint8(at + 9) === 1]);
    }
    for (let k = 0; k < 4; k++) {
      const a = view.getBigUint64(at + 32 + 8 * k, true);
      if (a !== 0n) loadAddrs.push(a);
    }
  }
  assert.deepEqual(
    branches,
    truth.branches,
    "conditional branches (IP written, flags read) in order",
  );
  // ChampSim keeps at most 4 source addresses per instruction (xrstor and the like read more).
  const perInstruction = new Map<number, bigint[]>();
  for (const [, addr, icount] of truth.loads) {
    const list = perInstruction.get(icount) ?? [];
    if (list.length < 4) list.push(addr);
    perInstruction.set(icount, list);
  }
  assert.deepEqual(loadAddrs, [...perInstruction.values()].flat().filter((a) => a !== 0n));
});

/** `deno task export ARGS`: exit code and standard error. */
async function exportCli(args: string[]) {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", join(ROOT, "lib/baselines/export/cli.ts"), "--quiet", ...args],
    stdout: "piped",
    stderr: "piped",
  }).output();
  return { code: out.code, stderr: new TextDecoder().decode(out.stderr) };
}

Deno.test("export cli: refuses to overwrite its trace or a folder, reports a full disk, keeps no partial output", async () => {
  const before = await Deno.readFile(tracePath);
  const same = await exportCli(["--format", "bt9", tracePath, "--out", tracePath]);
  assert.equal(same.code, 2);
  assert.match(same.stderr, /is the trace being exported: .*\n {2}fix: /);
  assert.deepEqual(await Deno.readFile(tracePath), before, "the trace is untouched");

  const folder = join(dir, "a-folder");
  await Deno.mkdir(folder);
  const toDir = await exportCli(["--format", "champsim", tracePath, "--out", folder]);
  assert.equal(toDir.code, 2);
  assert.match(toDir.stderr, /--out .*a-folder is a folder\n {2}fix: /);

  // A disk that is full: the partial output is /dev/full, where every write fails with ENOSPC.
  const full = join(dir, "full.bt9");
  await Deno.symlink("/dev/full", `${full}.partial`);
  const disk = await exportCli(["--format", "bt9", tracePath, "--out", full]);
  assert.equal(disk.code, 2, disk.stderr);
  assert.match(disk.stderr, /No space left on device.*\n {2}fix: free space/);
  assert.doesNotMatch(disk.stderr, /at .*\.ts:\d+/, "no stack trace");
  await assert.rejects(Deno.lstat(`${full}.partial`), Deno.errors.NotFound);
  await assert.rejects(Deno.stat(full), Deno.errors.NotFound);

  const bad = await exportCli(["--bogus"]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /^error: Unknown option/);
});
