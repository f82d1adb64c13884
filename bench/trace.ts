/**
 * Tracing benchmark (`make bench-trace`): how fast the tracer runs against
 * native execution, `valgrind --tool=none` and lackey, and how many bytes an
 * event takes on disk. Workload: bzip2 compressing the manifest's `text`
 * input (lib/workloads), full scale.
 *
 * Runs, one at a time:
 *   native, --tool=none, and the tracer without snapshots, on the whole run
 *   (same work: the 3x target compares these); the tracer with snapshots at
 *   every branch and load on the first WINDOW instructions (a whole-run trace
 *   with snapshots would take tens of GB); lackey --trace-mem=yes and
 *   --tool=none on a short run (the first 200 kB of the input).
 * Each tracer configuration runs twice: output discarded (/dev/null) and
 * written to a real file. Results also go to results/bench_trace.json.
 */
import { join } from "node:path";
import { parseArgs } from "node:util";
import { atomicWriteJson, CACHE_DIR, Progress, RESULTS_DIR, runMain } from "../lib/common/mod.ts";
import { readFooter, TRACER_DIR } from "../lib/trace/mod.ts";
import { ensureTracer } from "../lib/trace/testing.ts";
import { resolveWorkload } from "../lib/workloads/mod.ts";

interface Row {
  name: string;
  instructions: number;
  /** CPU seconds (user + system). */
  seconds: number;
  /** Instructions per CPU second. */
  instructions_per_second: number;
  /** Seconds relative to --tool=none on the same instructions (rate ratio). */
  vs_none: number;
  bytes?: number;
  bytes_per_branch?: number;
  bytes_per_load?: number;
  bytes_per_event?: number;
}

/**
 * Runs a command; returns its CPU seconds (user + system, from bash's `time`),
 * which other jobs on the machine disturb far less than wall-clock time.
 */
async function timed(cmd: string, args: string[]): Promise<number> {
  const script = 'TIMEFORMAT="%R %U %S"; time "$@" >/dev/null 2>"$NCF_BENCH_ERR"';
  const errFile = await Deno.makeTempFile();
  const out = await new Deno.Command("bash", {
    args: ["-c", script, "bash", cmd, ...args],
    env: { VALGRIND_LIB: TRACER_DIR, LC_ALL: "C", NCF_BENCH_ERR: errFile },
    stdin: "null",
    stdout: "null",
    stderr: "piped",
  }).output();
  const errors = await Deno.readTextFile(errFile);
  await Deno.remove(errFile);
  const times = new TextDecoder().decode(out.stderr).trim().split("\n").at(-1)!.split(" ").map(
    Number,
  );
  if (!out.success || times.length !== 3) {
    throw new Error(`${cmd} ${args.join(" ")} failed:\n${errors}`);
  }
  return times[1] + times[2];
}

/** Instructions of a whole run, counted by the tracer's cheap skip mode. */
async function countInstructions(command: string[], scratch: string): Promise<number> {
  const out = join(scratch, "count.ncf");
  await timed("valgrind", [
    "-q",
    "--tool=ncftrace",
    `--ncf-out=${out}`,
    "--ncf-skip=1000000000000000",
    "--ncf-window=1",
    ...command,
  ]);
  const f = await readFooter(out);
  await Deno.remove(out);
  return f!.instructionsTotal;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    args: Deno.args,
    options: { window: { type: "string" }, help: { type: "boolean" } },
  });
  if (values.help) {
    console.log(
      "usage: deno run -A bench/trace.ts [--window N]\n" +
        "  --window N  instructions traced with snapshots (default 100000000)",
    );
    return;
  }
  const window = Number(values.window ?? 100_000_000);
  await ensureTracer();
  const run = await resolveWorkload("bzip2", { input: "text", scale: "full" });
  // Input files by their full path: the benchmark runs Valgrind directly, from any folder.
  const command = [run.program, ...run.args.map((a) => a.startsWith("./") ? join(run.cwd, a) : a)];
  const scratch = join(CACHE_DIR, "bench-trace");
  await Deno.mkdir(scratch, { recursive: true });
  const shortInput = join(scratch, "short.bin");
  const inputPath = command.find((a) => a.endsWith("data.bin"))!;
  await Deno.writeFile(shortInput, (await Deno.readFile(inputPath)).subarray(0, 200_000));
  const shortCommand = command.map((a) => (a === inputPath ? shortInput : a));

  const progress = new Progress({ label: "bench-trace", total: 9, unit: "runs" });
  const total = await countInstructions(command, scratch);
  const shortTotal = await countInstructions(shortCommand, scratch);
  const rows: Row[] = [];
  let noneRate = 0, shortNoneRate = 0;
  const add = (
    name: string,
    instructions: number,
    seconds: number,
    base: number,
    trace?: { bytes: number; f: Awaited<ReturnType<typeof readFooter>> },
  ) => {
    const rate = instructions / seconds;
    const row: Row = {
      name,
      instructions,
      seconds: Math.round(seconds * 1000) / 1000,
      instructions_per_second: Math.round(rate),
      vs_none: base ? Math.round((base / rate) * 100) / 100 : 1,
    };
    if (trace?.f) {
      const f = trace.f;
      row.bytes = trace.bytes;
      row.bytes_per_branch = Math.round((f.bytesBlocks / f.branches) * 1000) / 1000;
      row.bytes_per_load = Math.round((f.bytesLoads / f.loads) * 1000) / 1000;
      row.bytes_per_event = Math.round((trace.bytes / (f.branches + f.loads)) * 1000) / 1000;
    }
    rows.push(row);
    progress.tick();
    console.error(
      `${name.padEnd(44)} ${(rate / 1e9).toFixed(3)} G instr/s  ${row.vs_none}x none` +
        (row.bytes_per_branch !== undefined
          ? `  ${row.bytes_per_branch} B/branch  ${row.bytes_per_load} B/load  ${row.bytes_per_event} B/event`
          : ""),
    );
  };
  const tracer = async (name: string, snapshots: string, win: number, toFile: boolean) => {
    const out = toFile ? join(scratch, "trace.ncf") : "/dev/null";
    const seconds = await timed("valgrind", [
      "-q",
      "--tool=ncftrace",
      `--ncf-out=${out}`,
      `--ncf-window=${win}`,
      `--ncf-snapshots=${snapshots}`,
      ...command,
    ]);
    const instructions = win || total;
    let trace;
    if (toFile) {
      trace = { bytes: (await Deno.stat(out)).size, f: await readFooter(out) };
      await Deno.remove(out);
    }
    add(name, instructions, seconds, noneRate, trace);
  };

  add("native", total, await timed(command[0], command.slice(1)), 0);
  const noneSeconds = await timed("valgrind", ["-q", "--tool=none", ...command]);
  noneRate = total / noneSeconds;
  add("valgrind --tool=none", total, noneSeconds, noneRate);
  await tracer("ncftrace, no snapshots, /dev/null", "none", 0, false);
  await tracer("ncftrace, no snapshots, file", "none", 0, true);
  await tracer(`ncftrace, snapshots all, /dev/null (${window / 1e6}M)`, "all", window, false);
  await tracer(`ncftrace, snapshots all, file (${window / 1e6}M)`, "all", window, true);
  await tracer(`ncftrace, no snapshots, /dev/null (${window / 1e6}M)`, "none", window, false);
  const shortNone = await timed("valgrind", ["-q", "--tool=none", ...shortCommand]);
  shortNoneRate = shortTotal / shortNone;
  add("valgrind --tool=none (short run)", shortTotal, shortNone, shortNoneRate);
  add(
    "lackey --trace-mem=yes (short run)",
    shortTotal,
    await timed("valgrind", [
      "-q",
      "--tool=lackey",
      "--trace-mem=yes",
      "--log-file=/dev/null",
      ...shortCommand,
    ]),
    shortNoneRate,
  );
  progress.finish();
  const out = join(RESULTS_DIR, "bench_trace.json");
  await atomicWriteJson(out, { workload: `${run.workload}/${run.input}`, command, window, rows });
  console.log(JSON.stringify(rows, null, 1));
  console.error(`results written to ${out}`);
}

if (import.meta.main) await runMain(main);
