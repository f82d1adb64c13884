/**
 * The branch stream of a real trace (lib/baselines/branch/path.ts and
 * stream.ts): the recorded conditional branches in order, with the calls and
 * returns the program made between them rebuilt from the disassembly.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { CALL, CONDITIONAL, RETURN, streamBranches } from "../lib/baselines/branch/mod.ts";
import { BRANCH, openTrace, traceProgram } from "../lib/trace/mod.ts";
import { compileTestProgram, ensureTracer, symbolRange } from "../lib/trace/testing.ts";

Deno.test("branch stream: the trace's branches, and the 4 calls to count_big with their returns", async () => {
  await ensureTracer();
  const dir = await Deno.makeTempDir({ prefix: "ncf-path-test-" });
  try {
    const program = await compileTestProgram("random_branch", dir);
    const tracePath = join(dir, "t.trace");
    await traceProgram({ program, args: ["500"], out: tracePath, stdout: "null", quiet: true });
    const recorded: number[] = [];
    const trace = await openTrace(tracePath);
    for await (const c of trace.chunks()) {
      for (let i = 0; i < c.length; i++) {
        if (c.kind[i] === BRANCH) recorded.push(Number(trace.meta.sites[c.site[i]].pc));
      }
    }
    const kind: number[] = [];
    const pc: number[] = [];
    const target: number[] = [];
    const summary = await streamBranches(await openTrace(tracePath), (c) => {
      kind.push(...c.kind);
      pc.push(...c.pc);
      target.push(...c.target);
    });
    assert.deepEqual(pc.filter((_, i) => kind[i] === CONDITIONAL), recorded);
    assert.ok(summary.lostInstructions < 0.01 * trace.meta.instructions, JSON.stringify(summary));

    // count_big runs at its static address plus the program's load bias (a site of main says it).
    const site = trace.meta.sites.find((s) => trace.meta.objects[s.object] === program)!;
    const bias = Number(site.pc - site.offset);
    const { start, end } = await symbolRange(program, "count_big");
    const [low, high] = [Number(start) + bias, Number(end) + bias];
    const calls = kind.flatMap((k, i) => (k === CALL && target[i] === low ? [i] : []));
    const returns = kind.flatMap((
      k,
      i,
    ) => (k === RETURN && pc[i] >= low && pc[i] < high ? [i] : []));
    assert.equal(calls.length, 4);
    assert.equal(returns.length, 4);
    // Each return comes back to the instruction after its call (a call is 5 bytes).
    calls.forEach((c, k) => {
      assert.ok(returns[k] > c);
      assert.equal(target[returns[k]], pc[c] + 5);
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
