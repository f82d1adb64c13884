/**
 * The graph builder on real traces of small C programs: static graphs of known
 * sites, values read from snapshots, labels, sampling and splits.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { UserError } from "../lib/common/mod.ts";
import { loadObject } from "../lib/disasm/mod.ts";
import { buildDataset } from "../lib/graph/build.ts";
import { buildStaticGraph, EDGE_TYPES } from "../lib/graph/static.ts";
import { instanceAt, NODE_INSTRUCTION, NODE_PSEUDO, splitIndices } from "../lib/graph/types.ts";
import type { Dataset } from "../lib/graph/types.ts";
import { traceProgram } from "../lib/trace/run.ts";
import { openTrace } from "../lib/trace/reader.ts";
import { compileTestProgram, ensureTracer } from "../lib/trace/testing.ts";

await ensureTracer();
const dir = await Deno.makeTempDir({ prefix: "ncf-graph-test-" });
const branchProgram = await compileTestProgram("random_branch", dir);
const chaseProgram = await compileTestProgram("list_chase", dir);

async function traceOf(program: string, args: string[], name: string): Promise<string> {
  const out = join(dir, `${name}.trace`);
  await traceProgram({
    program,
    args,
    out,
    snapshots: "branches,loads,max-per-site=200",
    stdout: "null",
    quiet: true,
  });
  return out;
}

const branchTrace = await traceOf(branchProgram, ["3000"], "branch-a");
const branchTraceB = await traceOf(branchProgram, ["2000"], "branch-b");
const chaseTrace = await traceOf(chaseProgram, ["512"], "chase");

/** The trace site ids of the instructions of `func` in the main binary, by kind. */
async function sitesIn(tracePath: string, program: string, func: string, kind: "branch" | "load") {
  const code = await loadObject(program, { quiet: true });
  const f = code.functionNamed(func)!;
  const trace = await openTrace(tracePath);
  for await (const _ of trace.chunks()) { /* read all, so every site is defined */ }
  return trace.meta.sites.filter((s) => {
    if (s.kind !== kind || trace.meta.objects[s.object] !== program) return false;
    const i = code.indexAt(s.offset);
    return i >= f.start && i < f.end;
  });
}

function instancesOf(ds: Dataset, site: number, task: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < ds.instances.count; i++) {
    if (
      ds.instances.site[i] === site && ds.instances.task[i] === task &&
      ds.sources[ds.instances.source[i]].input === "a"
    ) out.push(i);
  }
  return out;
}

const dataset = await buildDataset({
  traces: [{ path: branchTrace, workload: "random_branch", input: "a" }],
  maxPerSite: 40,
  quiet: true,
});

Deno.test("static graph of a branch: task node is the jcc, flags def-use reaches it, bounded size", async () => {
  const code = await loadObject(branchProgram, { quiet: true });
  const f = code.functionNamed("count_big")!;
  let jcc = -1;
  for (let i = f.start; i < f.end; i++) if (code.instruction(i).flow === "branch") jcc = i;
  assert.ok(jcc >= 0, "count_big has a conditional branch");
  const g = buildStaticGraph(code, jcc, "branch", { maxInstructions: 12 });
  assert.equal(g.topology.nodeKind[g.topology.taskNode], NODE_INSTRUCTION);
  assert.equal(g.tokens[g.topology.taskNode], code.instruction(jcc).mnemonic);
  assert.equal(g.instructions[0], jcc);
  assert.ok(g.instructions.length <= 12);
  const defUse = EDGE_TYPES.indexOf("def_use");
  const intoTask = [...g.topology.edgeDst.keys()].filter((e) =>
    g.topology.edgeDst[e] === g.topology.taskNode && g.topology.edgeType[e] === defUse
  );
  assert.ok(intoTask.length >= 1, "the flags producer (cmp/test) feeds the branch through def-use");
  assert.equal(g.recipes.length, g.topology.valueNodes.length);
});

Deno.test("branch instances: label is the outcome, registers come from the snapshot", async () => {
  const branches = await sitesIn(branchTrace, branchProgram, "count_big", "branch");
  assert.ok(branches.length >= 2, "the loop and the data branch of count_big were traced");
  // The data-dependent branch and the loop branch run once per element; the loop guard once per call.
  const ids =
    branches.map((b) => instancesOf(dataset, b.id, 0)).sort((a, b) => b.length - a.length)[0];
  assert.ok(
    ids.length > 40 && ids.length <= 3 * 40,
    `${ids.length} instances within the per-split cap`,
  );
  const labels = new Set(ids.map((i) => instanceAt(dataset, i).label));
  assert.deepEqual([...labels].sort(), [0n, 1n], "random data takes both directions");
  for (const i of ids) {
    const inst = instanceAt(dataset, i);
    assert.ok(inst.known.some((k) => k === 1), "values are known");
  }
});

Deno.test("address instances: the pointer chase's label is the pointer it loads", async () => {
  const ds = await buildDataset({
    traces: [{ path: chaseTrace, workload: "list_chase", input: "a" }],
    tasks: ["address"],
    quiet: true,
  });
  const loads = await sitesIn(chaseTrace, chaseProgram, "walk", "load");
  let checked = 0;
  for (const site of loads) {
    const ids = instancesOf(ds, site.id, 1);
    if (ids.length === 0) continue;
    const topo = ds.topologies[ds.instances.topology[ids[0]]];
    assert.equal(
      topo.nodeKind[topo.taskNode],
      NODE_PSEUDO,
      "address task reads out at the pseudo node",
    );
    // p = p->next: the next address of this load is the value it reads now (next is the first field).
    const taskMemory = topo.valueNodes.findIndex((v) =>
      [...topo.edgeSrc.keys()].some((e) =>
        topo.edgeSrc[e] === topo.taskNode && topo.edgeDst[e] === v
      )
    );
    const chases = ids.every((i) => {
      const inst = instanceAt(ds, i);
      return inst.known[taskMemory] === 1 && inst.values[taskMemory] === inst.label;
    });
    if (chases) checked++;
  }
  assert.ok(checked >= 1, "one load of walk() is the chase p = p->next");
});

Deno.test("time split: train before valid before test, by instruction count", () => {
  const last = (split: "train" | "valid" | "test") =>
    Math.max(...[...splitIndices(dataset, split)].map((i) => dataset.instances.icount[i]));
  const first = (split: "train" | "valid" | "test") =>
    Math.min(...[...splitIndices(dataset, split)].map((i) => dataset.instances.icount[i]));
  assert.ok(last("train") < first("valid"));
  assert.ok(last("valid") < first("test"));
});

Deno.test("input split: a held-out input is only in the test split; same site, same topology", async () => {
  const ds = await buildDataset({
    traces: [
      { path: branchTrace, workload: "random_branch", input: "a" },
      { path: branchTraceB, workload: "random_branch", input: "b" },
    ],
    split: { kind: "input", testInputs: ["b"] },
    tasks: ["branch"],
    quiet: true,
  });
  for (let i = 0; i < ds.instances.count; i++) {
    const isB = ds.sources[ds.instances.source[i]].input === "b";
    assert.equal(ds.instances.split[i] === 2, isB, "test iff input b");
  }
  const topologiesA = new Set<number>();
  const topologiesB = new Set<number>();
  for (let i = 0; i < ds.instances.count; i++) {
    (ds.sources[ds.instances.source[i]].input === "a" ? topologiesA : topologiesB).add(
      ds.instances.topology[i],
    );
  }
  assert.ok([...topologiesB].some((t) => topologiesA.has(t)), "the two inputs share static graphs");
});

Deno.test("bad input: no traces, an unknown test input", async () => {
  await assert.rejects(() => buildDataset({ traces: [] }), UserError);
  await assert.rejects(
    () =>
      buildDataset({
        traces: [{ path: branchTrace, workload: "w", input: "a" }],
        split: { kind: "input", testInputs: ["zzz"] },
      }),
    UserError,
  );
});

Deno.test("a program rebuilt after it was traced is refused, not paired with the wrong code", async () => {
  const rebuilt = join(dir, "rebuilt");
  await Deno.mkdir(rebuilt);
  const program = await compileTestProgram("random_branch", rebuilt);
  const trace = await traceOf(program, ["500"], "rebuilt");
  const later = new Date(Date.now() + 5000);
  await Deno.utime(program, later, later);
  await assert.rejects(
    () => buildDataset({ traces: [{ path: trace, workload: "w", input: "a" }], quiet: true }),
    (err: Error) => err instanceof UserError && err.message.includes("changed after"),
  );
});

Deno.test("lead: with an earlier snapshot the task load's own value (read after it) is hidden", async () => {
  const onTime = await buildDataset({
    traces: [{ path: chaseTrace, workload: "list_chase", input: "a" }],
    tasks: ["address"],
    quiet: true,
  });
  const out = join(dir, "chase-lead.trace");
  await traceProgram({
    program: chaseProgram,
    args: ["512"],
    out,
    snapshots: "loads,max-per-site=200,lead=32",
    stdout: "null",
    quiet: true,
  });
  const early = await buildDataset({
    traces: [{ path: out, workload: "list_chase", input: "a" }],
    tasks: ["address"],
    quiet: true,
  });
  /** Fraction of known values on the node that the task's pseudo node designates (its memory operand). */
  const knownTaskMemory = (ds: Dataset) => {
    let known = 0, total = 0;
    for (let i = 0; i < ds.instances.count; i++) {
      const topo = ds.topologies[ds.instances.topology[i]];
      const e = [...topo.edgeSrc.keys()].find((e) =>
        topo.edgeSrc[e] === topo.taskNode && topo.edgeType[e] === EDGE_TYPES.indexOf("address_of")
      );
      if (e === undefined) continue;
      const slot = topo.valueNodes.indexOf(topo.edgeDst[e]);
      known += ds.instances.known[ds.instances.valueStart[i] + slot];
      total++;
    }
    return known / total;
  };
  assert.equal(knownTaskMemory(onTime), 1);
  assert.equal(knownTaskMemory(early), 0);
});
