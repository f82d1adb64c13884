/**
 * The graph builder on real traces of small C programs: static graphs of known
 * sites, values read from snapshots, labels, sampling and splits.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { UserError } from "../lib/common/mod.ts";
import { loadObject, parseInstructionText } from "../lib/disasm/mod.ts";
import { buildDataset } from "../lib/graph/build.ts";
import { SnapshotSchedule, thinningState } from "../lib/graph/sampling.ts";
import { buildStaticGraph, EDGE_TYPES, instructionToken } from "../lib/graph/static.ts";
import { instanceAt, NODE_INSTRUCTION, NODE_PSEUDO, splitIndices } from "../lib/graph/types.ts";
import type { Dataset } from "../lib/graph/types.ts";
import { traceProgram } from "../lib/trace/run.ts";
import { openTrace } from "../lib/trace/reader.ts";
import { BRANCH } from "../lib/trace/types.ts";
import { compileTestProgram, ensureTracer, testTempDir } from "../lib/trace/testing.ts";

await ensureTracer();
const dir = await testTempDir("ncf-graph-test-");
const branchProgram = await compileTestProgram("random_branch", dir);
const chaseProgram = await compileTestProgram("list_chase", dir);

async function traceOf(
  program: string,
  args: string[],
  name: string,
  snapshots = "branches,loads,max-per-site=200",
): Promise<string> {
  const out = join(dir, `${name}.trace`);
  await traceProgram({ program, args, out, snapshots, stdout: "null", quiet: true });
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

Deno.test("tokens say what an architect reads: condition codes, signedness, widths, rep/lock", async () => {
  const token = (text: string) => instructionToken(parseInstructionText(text));
  assert.equal(token("jl     1195 <f+0x3c>"), "jl");
  assert.equal(token("jge    1195 <f+0x3c>"), "jge");
  assert.equal(token("jae    1172 <f+0x19>"), "jae", "unsigned condition");
  assert.equal(token("cmp    edx,ecx"), "cmp.32");
  assert.equal(token("cmp    rsi,rax"), "cmp.64");
  assert.equal(token("test   al,al"), "test.8");
  assert.equal(token("add    QWORD PTR [r9+rcx*8],0x1"), "add.64");
  assert.equal(token("movzx  eax,BYTE PTR [rdi]"), "movzx.32.8");
  assert.equal(token("movsxd rax,DWORD PTR [rdi]"), "movsxd.64.32");
  assert.equal(token("rep stos QWORD PTR es:[rdi],rax"), "rep stos.64");
  assert.equal(token("repz cmps BYTE PTR ds:[rsi],BYTE PTR es:[rdi]"), "repz cmps.8");
  assert.equal(token("repz ret"), "ret", "rep on a non-string instruction is noise");
  assert.equal(token("lock cmpxchg DWORD PTR [rdi],edx"), "lock cmpxchg.32");
  assert.equal(token("bnd jmp rax"), "jmp", "bnd/notrack change nothing the model needs");

  // In a real graph: the unsigned data branch of count_big and the 32-bit compare feeding it.
  const code = await loadObject(branchProgram, { quiet: true });
  const f = code.functionNamed("count_big")!;
  let jae = -1;
  for (let i = f.start; i < f.end; i++) if (code.instruction(i).mnemonic === "jae") jae = i;
  assert.ok(jae >= 0, "count_big compares unsigned (gcc -O1)");
  const g = buildStaticGraph(code, jae, "branch");
  assert.equal(g.tokens[g.topology.taskNode], "jae");
  for (const t of ["cmp.32", "mov.32", "ecx", "edx", "mem32"]) {
    assert.ok(g.tokens.includes(t), `token ${t} in [${g.tokens}]`);
  }
});

Deno.test("per-instance references: current address, the site's previous outcome or address", async () => {
  const ds = await buildDataset({
    traces: [{ path: chaseTrace, workload: "list_chase", input: "a" }],
    quiet: true,
  });
  // Every execution of every site, in trace order, keyed by (site, icount).
  const previous = new Map<string, bigint | undefined>();
  const current = new Map<string, bigint>();
  const last = new Map<number, bigint>();
  const trace = await openTrace(chaseTrace);
  for await (const c of trace.chunks()) {
    for (let i = 0; i < c.length; i++) {
      const key = `${c.site[i]}:${c.icount[i]}`;
      const value = c.kind[i] === BRANCH ? BigInt(c.taken[i]) : c.addr[i];
      previous.set(key, last.get(c.site[i]));
      current.set(key, c.addr[i]);
      last.set(c.site[i], value);
    }
  }
  let branches = 0, loads = 0, firsts = 0;
  for (let i = 0; i < ds.instances.count; i++) {
    const inst = instanceAt(ds, i);
    const key = `${inst.site}:${inst.icount}`;
    assert.equal(inst.previous, previous.get(key), `previous of instance ${i}`);
    if (inst.previous === undefined) firsts++;
    if (inst.task === "address") {
      assert.equal(inst.currentAddress, current.get(key), `current address of instance ${i}`);
      loads++;
    } else {
      assert.equal(inst.currentAddress, 0n);
      branches++;
    }
  }
  assert.ok(branches > 100 && loads > 100, `${branches} branch and ${loads} address instances`);
  assert.ok(firsts > 0 && firsts < ds.instances.count / 2, `${firsts} first executions ("none")`);
});

Deno.test("instances are spread uniformly over each site's executions in the train part", async () => {
  const out = await traceOf(branchProgram, ["20000"], "spread", "branches,max-per-site=128");
  const ds = await buildDataset({
    traces: [{ path: out, workload: "random_branch", input: "a" }],
    tasks: ["branch"],
    maxPerSite: 100,
    quiet: true,
  });
  // Executions of every site, by time; the train part ends where the first valid instance starts.
  const executions = new Map<number, number[]>();
  const trace = await openTrace(out);
  for await (const c of trace.chunks()) {
    for (let i = 0; i < c.length; i++) {
      const list = executions.get(c.site[i]) ?? [];
      list.push(c.icount[i]);
      executions.set(c.site[i], list);
    }
  }
  const trainEnd = trace.meta.instructions * (1 - 0.3 - 0.1);
  let n = 0, early = 0;
  for (const i of splitIndices(ds, "train")) {
    const list = executions.get(ds.instances.site[i])!;
    const inTrain = list.filter((t) => t < trainEnd).length;
    if (inTrain < 10000) continue; // the hot sites: the tracer thinned them a lot
    const rank = list.indexOf(ds.instances.icount[i]);
    n++;
    if (rank < 0.1 * inTrain) early++;
  }
  const share = early / n;
  console.log(`${n} train instances of hot sites, ${(100 * share).toFixed(1)}% in the first 10%`);
  assert.ok(n >= 200, `${n} instances`);
  assert.ok(share > 0.06 && share < 0.14, `share in the first 10% of the train part: ${share}`);
  const record = (ds.meta.traces as { uniformCandidates: Record<string, number[]> }[])[0];
  const counts = Object.values(record.uniformCandidates);
  assert.ok(
    counts.length > 0 && counts.every((c) => c.length === 3),
    "candidates per site and part",
  );
});

/** The tracer's `want_snapshot` (lib/trace/tracer/ncftrace.c), as written there. */
function tracerSchedule(every: number, maxPerSite: number) {
  let executions = 0, eligible = 0, kept = 0, stride = 1;
  return () => {
    const n = executions++;
    if (every > 1 && n % every !== 0) return false;
    const c = eligible++;
    if (!maxPerSite) return true;
    if (c % stride !== 0) return false;
    if (++kept === maxPerSite) {
      kept = 0;
      stride *= 2;
    }
    return true;
  };
}

Deno.test("the snapshot schedule replays the tracer, and finds executions the trace does not show", () => {
  for (const [every, k] of [[1, 5], [1, 64], [3, 4], [1, 0]]) {
    // Seen from the start, the replay agrees with the tracer at every execution.
    const want = tracerSchedule(every, k);
    const replay = new SnapshotSchedule({ every, maxPerSite: k });
    replay.ensure(1);
    for (let n = 0; n < 5000; n++) {
      const kept = want();
      assert.equal(replay.next(0, kept) >= 0, kept, `every=${every} K=${k} execution ${n}`);
    }
    assert.equal(replay.resynchronised + replay.unexplained, 0);
    // The closed form of the thinning state equals the step-by-step one.
    let exponent = 0, kept = 0;
    for (let e = 0; e < 3000 && k > 0; e++) {
      assert.deepEqual(thinningState(k, e), { exponent, keptAtStride: kept }, `K=${k} after ${e}`);
      if (e % 2 ** exponent === 0 && ++kept === k) (kept = 0), exponent++;
    }
  }
  // The tracer counted two executions before the trace's first event (the window's first block).
  const want = tracerSchedule(1, 8);
  want(), want();
  const replay = new SnapshotSchedule({ every: 1, maxPerSite: 8 });
  replay.ensure(1);
  let agreed = 0;
  for (let n = 0; n < 2000; n++) {
    const kept = want();
    if ((replay.next(0, kept) >= 0) === kept) agreed++;
  }
  assert.equal(replay.unexplained, 0);
  assert.ok(replay.resynchronised >= 1 && replay.resynchronised <= 2, `${replay.resynchronised}`);
  assert.equal(agreed, 2000, "resynchronised at once");
});

Deno.test("a dataset of a deleted program, or with a test fraction of 2, is refused up front", async () => {
  const gone = join(dir, "gone");
  await Deno.mkdir(gone);
  const program = await compileTestProgram("random_branch", gone);
  const trace = await traceOf(program, ["300"], "gone");
  await Deno.remove(program);
  await assert.rejects(
    () => buildDataset({ traces: [{ path: trace, workload: "w", input: "a" }], quiet: true }),
    (err: Error) =>
      err instanceof UserError && err.message.includes(program) &&
      err.message.includes("no longer exists"),
  );
  for (
    const bad of [{ testFraction: 2 }, { validFraction: -0.1 }, {
      testFraction: 0.6,
      validFraction: 0.5,
    }]
  ) {
    await assert.rejects(
      () => buildDataset({ traces: [{ path: branchTrace, workload: "w", input: "a" }], ...bad }),
      (err: Error) => err instanceof UserError && /fraction/.test(err.message),
      JSON.stringify(bad),
    );
  }
  // On the command line: the message and its fix, exit code 2, no stack trace.
  const cli = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      "lib/graph/cli.ts",
      "--out",
      join(dir, "never"),
      "--trace",
      `${branchTrace}@w/a`,
      "--test-fraction",
      "2",
    ],
    cwd: join(import.meta.dirname!, ".."),
    stdout: "piped",
    stderr: "piped",
  }).output();
  const stderr = new TextDecoder().decode(cli.stderr);
  assert.equal(cli.code, 2, stderr);
  assert.match(stderr, /error: --test-fraction must be at least 0 and below 1, got 2\n {2}fix: /);
  assert.doesNotMatch(stderr, /^\s+at /m);
});
