/**
 * Exports for the championship simulators, checked by reading them back: the
 * BT9 edge sequence replays the trace's branch stream exactly, and the
 * ChampSim records carry the same branches and load addresses, one record per
 * instruction.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { exportBt9, exportChampsim } from "../lib/baselines/export/mod.ts";
import { ROOT } from "../lib/common/mod.ts";
import { openTrace } from "../lib/trace/reader.ts";
import { traceProgram } from "../lib/trace/run.ts";
import { BRANCH } from "../lib/trace/types.ts";
import { compileTestProgram, ensureTracer } from "../lib/trace/testing.ts";

await ensureTracer();
const dir = await Deno.makeTempDir({ prefix: "ncf-export-test-" });
const program = await compileTestProgram("random_branch", dir);
const tracePath = join(dir, "t.trace");
await traceProgram({ program, args: ["2000"], out: tracePath, stdout: "null", quiet: true });

/** The trace's events in order: branches as [pc, taken], loads as [pc, addr]. */
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

async function exportTo(
  path: string,
  run: (w: WritableStreamDefaultWriter<Uint8Array>) => Promise<unknown>,
) {
  const file = await Deno.open(path, { write: true, create: true, truncate: true });
  const writer = file.writable.getWriter();
  const summary = await run(writer);
  await writer.close();
  return summary;
}

Deno.test("bt9: replaying the edge sequence gives the trace's branch stream and instruction count", async () => {
  const truth = await eventsOf(tracePath);
  const out = join(dir, "t.bt9");
  await exportTo(out, (w) => exportBt9(tracePath, w, { quiet: true }));
  const lines = (await Deno.readTextFile(out)).split("\n");
  assert.equal(lines[0], "BT9_SPA_TRACE_FORMAT");
  const nodes = new Map<number, bigint>();
  const edges = new Map<number, { src: number; taken: boolean; instCnt: number }>();
  let section = "";
  const sequence: number[] = [];
  for (const line of lines) {
    if (line.startsWith("BT9_")) section = line;
    else if (line.startsWith("NODE ")) {
      const f = line.split(/\s+/);
      nodes.set(Number(f[1]), BigInt(f[2]));
    } else if (line.startsWith("EDGE ")) {
      const f = line.split(/\s+/);
      edges.set(Number(f[1]), { src: Number(f[2]), taken: f[4] === "T", instCnt: Number(f[7]) });
    } else if (section === "BT9_EDGE_SEQUENCE" && /^\d+$/.test(line)) sequence.push(Number(line));
  }
  assert.equal(lines.filter((l) => l.length > 0).at(-1), "EOF");
  const replay: [bigint, boolean][] = [];
  let instructions = 0;
  for (const id of sequence) {
    const e = edges.get(id)!;
    instructions += e.instCnt;
    if (e.src !== 0) {
      replay.push([nodes.get(e.src)!, e.taken]);
      instructions++;
    }
  }
  assert.deepEqual(replay, truth.branches);
  assert.equal(instructions, truth.instructions);
});

Deno.test("champsim: one 64-byte record per instruction, branches and load addresses where the trace has them", async () => {
  const truth = await eventsOf(tracePath);
  const out = join(dir, "t.champsim");
  const summary = await exportTo(out, (w) => exportChampsim(tracePath, w, { quiet: true })) as {
    approximated: number;
    instructions: number;
  };
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
