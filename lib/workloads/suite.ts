/**
 * Traces the whole suite (every workload x input) at one scale into
 * `data/cache/traces/<scale>/<workload>-<input>.trace`, skipping traces that
 * are up to date, and summarises them in a table and `summary.json`.
 *
 * Every program runs reproducibly (`traceProgram`'s `reproducible`: a fixed
 * environment, a fixed-length path, a copy of its inputs as working folder),
 * so the same inputs give the same trace whoever traces them, from wherever.
 * Beside each trace, `<trace>.json` records the exact run (program and its
 * SHA-256, arguments, the input files' SHA-256, environment, window, snapshot
 * spec, the tracer's SHA-256) and its numbers; a trace is up to date when
 * that record equals the one of the run about to be made. Content digests,
 * not mtimes: a fresh checkout or a rebuild that changes nothing keeps the
 * traces.
 *
 * @module
 */
import { join } from "node:path";
import { atomicWriteJson, CACHE_DIR, Progress, sha256File, UserError } from "../common/mod.ts";
import { SANDBOX_VERSION, summarizeTrace, traceProgram, TRACER_BINARY } from "../trace/mod.ts";
import { listWorkloads, type Scale, type WorkloadSpec } from "./manifest.ts";
import { type ResolvedRun, resolveWorkload } from "./resolve.ts";
import { formatTable } from "./table.ts";

/**
 * Snapshots recorded by default at each scale: what the GNN consumes. The tracer keeps every
 * execution of a site until K, then every 2nd, 4th, ...; the dataset builder draws uniformly from
 * the executions at the final stride, about K to 2K per site over the window, so K bounds the
 * instances per site a plan can ask for (lib/graph/sampling.ts).
 */
export const SUITE_SNAPSHOTS: Readonly<Record<Scale, string>> = {
  small: "branches,loads,max-per-site=1024",
  full: "branches,loads,max-per-site=4096",
};

/** Where the suite's traces of one scale go. */
export function tracesDir(scale: Scale): string {
  return join(CACHE_DIR, "traces", scale);
}

/** The trace file of one workload x input at one scale (in `dir`, default {@linkcode tracesDir}). */
export function tracePath(
  scale: Scale,
  workload: string,
  input: string,
  dir = tracesDir(scale),
): string {
  return join(dir, `${workload}-${input}.trace`);
}

/** Options of {@linkcode traceSuite}. */
export interface TraceSuiteOptions {
  scale: Scale;
  /** Workloads to trace (default: all of the manifest). */
  workloads?: WorkloadSpec[];
  /** Every input, or only each workload's first (default `all`). */
  inputs?: "all" | "first";
  /** Snapshot spec (default {@linkcode SUITE_SNAPSHOTS} of the scale). */
  snapshots?: string;
  /** Trace again even when up to date (default false). */
  force?: boolean;
  /** Folder for the traces and summary.json (default {@linkcode tracesDir} of the scale). */
  dir?: string;
  /** No progress bar and no table (default false). */
  quiet?: boolean;
}

/** One traced workload x input, as the summary lists it. */
export interface SuiteRow {
  workload: string;
  input: string;
  trace: string;
  instructions: number;
  branches: number;
  branches_taken: number;
  loads: number;
  /** Static conditional-branch sites seen. */
  branch_pcs: number;
  /** Static load sites seen. */
  load_pcs: number;
  snapshots: number;
  bytes: number;
  bytes_per_event: number;
  /** Seconds the traced run took (when it was traced). */
  seconds: number;
  /** How the program ended: `window` when the tracer stopped it at the window's end. */
  end: string;
  /** False when the program ended before filling the window. */
  window_full: boolean;
  /** True when an up-to-date trace was kept instead of tracing again. */
  reused: boolean;
}

/** A workload x input the experiments must leave out, and why. */
export interface UnusableTrace {
  workload: string;
  input: string;
  reason: string;
}

/** What {@linkcode traceSuite} did. */
export interface SuiteSummary {
  scale: Scale;
  snapshots: string;
  traces_dir: string;
  rows: SuiteRow[];
  /** Workload x input pairs whose tracing failed, with the reason. */
  failures: { workload: string; input: string; error: string }[];
  /**
   * Every workload x input the experiments leave out: the failures, and the traces that are empty,
   * ended by a signal or ended before the window was full (see {@linkcode traceProblem}).
   */
  unusable: UnusableTrace[];
}

/**
 * Why a traced run cannot stand for its workload, or `undefined` when it can: it recorded nothing,
 * a signal ended it, or the program ended before the window was full.
 */
export function traceProblem(row: SuiteRow): string | undefined {
  const recorded = `${(row.instructions / 1e6).toFixed(2)} M instructions`;
  if (row.instructions === 0 || row.branches === 0) {
    return `empty trace (${row.end} after ${recorded}): the program ended before the window started`;
  }
  if (row.end.startsWith("SIG")) return `ended by ${row.end} after ${recorded}`;
  if (!row.window_full) return `ended (${row.end}) after ${recorded}, before the window was full`;
  return undefined;
}

/** The runs among `rows` and `failures` that the experiments leave out, with the reason. */
export function unusableRuns(
  rows: readonly SuiteRow[],
  failures: SuiteSummary["failures"],
): UnusableTrace[] {
  return [
    ...failures.map((f) => ({
      workload: f.workload,
      input: f.input,
      reason: `tracing failed: ${f.error}`,
    })),
    ...rows.flatMap((r) => {
      const reason = traceProblem(r);
      return reason ? [{ workload: r.workload, input: r.input, reason }] : [];
    }),
  ];
}

/**
 * The share of a suite's workloads that must trace usably: fewer cannot stand for the suite (its
 * pooled numbers would rest on a different mix of programs than the one described).
 */
export const MIN_USABLE_SHARE = 2 / 3;

/** Workloads whose every selected input traced usably. */
export function usableWorkloads(summary: SuiteSummary): string[] {
  const bad = new Set(summary.unusable.map((u) => u.workload));
  return [...new Set(summary.rows.map((r) => r.workload))].filter((w) => !bad.has(w));
}

const digests = new Map<string, Promise<string>>();

/** SHA-256 of a file, computed once per process and file version. */
async function digestOf(path: string): Promise<string> {
  const info = await Deno.stat(path);
  const key = `${path}:${info.size}:${info.mtime?.getTime()}`;
  if (!digests.has(key)) digests.set(key, sha256File(path));
  return await digests.get(key)!;
}

/** The fields of a run that decide what a trace contains. */
async function runRecord(run: ResolvedRun, snapshots: string) {
  return {
    program: run.program,
    program_sha256: await digestOf(run.program),
    args: run.args,
    stdin: run.stdin ?? null,
    input_sha256: run.inputDigests,
    sandbox: SANDBOX_VERSION,
    env: run.env,
    skip: run.skip,
    window: run.window,
    after_window: "stop",
    snapshots,
    tracer_sha256: await digestOf(TRACER_BINARY).catch(() => "missing"),
  };
}

interface TraceStamp {
  run: Awaited<ReturnType<typeof runRecord>>;
  row: SuiteRow;
}

/** The recorded row of an existing trace made by exactly `record`'s run, if any. */
async function reusable(trace: string, record: unknown): Promise<SuiteRow | undefined> {
  let stamp: TraceStamp;
  try {
    stamp = JSON.parse(await Deno.readTextFile(`${trace}.json`));
    await Deno.stat(trace);
  } catch {
    return undefined;
  }
  if (JSON.stringify(stamp.run) !== JSON.stringify(record)) return undefined;
  return { ...stamp.row, reused: true };
}

async function traceOne(run: ResolvedRun, trace: string, snapshots: string): Promise<SuiteRow> {
  const started = performance.now();
  const result = await traceProgram({
    program: run.program,
    args: run.args,
    out: trace,
    skip: run.skip,
    window: run.window,
    afterWindow: "stop",
    snapshots,
    stdin: run.stdin,
    stdout: "null",
    reproducible: { inputs: run.cwd },
    env: run.env,
    quiet: true,
  });
  const seconds = (performance.now() - started) / 1000;
  const info = await summarizeTrace(trace);
  return {
    workload: run.workload,
    input: run.input,
    trace,
    instructions: info.instructions,
    branches: info.branches,
    branches_taken: info.branches_taken,
    loads: info.loads,
    branch_pcs: info.branch_pcs,
    load_pcs: info.load_pcs,
    snapshots: info.snapshots,
    bytes: info.bytes,
    bytes_per_event: info.bytes_per_event,
    seconds,
    end: result.end.how === "exit"
      ? `exit ${result.end.code}`
      : result.end.how === "signal"
      ? `${result.end.signal}`
      : result.end.how,
    window_full: info.window_full,
    reused: false,
  };
}

/** The summary as a text table. */
export function formatSummary(summary: SuiteSummary): string {
  const rows = summary.rows.map((r) => [
    r.workload,
    r.input,
    (r.instructions / 1e6).toFixed(2),
    (r.branches / 1e6).toFixed(3),
    r.branches ? (100 * r.branches_taken / r.branches).toFixed(1) : "-",
    (r.loads / 1e6).toFixed(3),
    String(r.branch_pcs),
    String(r.load_pcs),
    (r.bytes / 1e6).toFixed(1),
    r.bytes_per_event.toFixed(2),
    r.seconds.toFixed(1),
    [traceProblem(r) ? "left out" : "", r.reused ? "reused" : ""].filter(Boolean).join(", "),
  ]);
  return formatTable(
    [
      "workload",
      "input",
      "M instr",
      "M branches",
      "taken %",
      "M loads",
      "branch sites",
      "load sites",
      "MB",
      "B/event",
      "seconds",
      "note",
    ],
    rows,
  );
}

/**
 * The summary of the whole folder: `summary` plus the rows and unusable runs of the summary already
 * there for workload x input pairs this call did not trace (e.g. `--only`), when their traces exist.
 */
async function withEarlierRuns(
  path: string,
  summary: SuiteSummary,
  traced: string[][],
): Promise<SuiteSummary> {
  let earlier: SuiteSummary;
  try {
    earlier = JSON.parse(await Deno.readTextFile(path));
  } catch {
    return summary;
  }
  const done = new Set(traced.map(([w, i]) => `${w}/${i}`));
  const keep = (r: { workload: string; input: string }) => !done.has(`${r.workload}/${r.input}`);
  const rows: SuiteRow[] = [];
  for (const row of (earlier.rows ?? []).filter(keep)) {
    if (await Deno.stat(row.trace).then(() => true, () => false)) rows.push(row);
  }
  const failures = (earlier.failures ?? []).filter(keep);
  return {
    ...summary,
    rows: [...rows, ...summary.rows],
    failures: [...failures, ...summary.failures],
    unusable: [
      ...unusableRuns(rows, failures),
      ...summary.unusable,
    ],
  };
}

/**
 * Warns about every unusable trace (the experiments leave its workload out); throws a
 * {@linkcode UserError} when fewer than {@linkcode MIN_USABLE_SHARE} of the workloads are left.
 */
function reportUnusable(summary: SuiteSummary, workloads: number, quiet?: boolean): void {
  if (summary.unusable.length === 0) return;
  if (!quiet) {
    console.error(`\nwarning: the experiments leave out these workload runs:`);
    for (const u of summary.unusable) console.error(`  ${u.workload}/${u.input}: ${u.reason}`);
  }
  const usable = usableWorkloads(summary).length;
  const needed = Math.max(1, Math.ceil(workloads * MIN_USABLE_SHARE));
  if (usable < needed) {
    throw new UserError(
      `only ${usable} of ${workloads} workloads traced usably; at least ${needed} are needed for ` +
        `the suite's results to mean anything`,
      "see the reasons above (a program that dies under Valgrind, a window past the program's end); " +
        "fix the workload in data/workloads.json or trace fewer with --only",
      1,
    );
  }
}

/**
 * Traces every selected workload x input at `options.scale`. A failing or
 * unusable run (see {@linkcode traceProblem}) is reported and the others go
 * on; finished traces are kept. Throws a {@linkcode UserError} only when too
 * few workloads are left (see {@linkcode MIN_USABLE_SHARE}).
 */
export async function traceSuite(options: TraceSuiteOptions): Promise<SuiteSummary> {
  const snapshots = options.snapshots ?? SUITE_SNAPSHOTS[options.scale];
  const workloads = options.workloads ?? listWorkloads();
  const todo = workloads.flatMap((w) =>
    (options.inputs === "first" ? w.inputs.slice(0, 1) : w.inputs).map((i) => [w.name, i.name])
  );
  const dir = options.dir ?? tracesDir(options.scale);
  const summary: SuiteSummary = {
    scale: options.scale,
    snapshots,
    traces_dir: dir,
    rows: [],
    failures: [],
    unusable: [],
  };
  const progress = new Progress({
    label: `traces (${options.scale})`,
    total: todo.length,
    unit: "traces",
    quiet: options.quiet,
  });
  for (const [workload, input] of todo) {
    const trace = tracePath(options.scale, workload, input, dir);
    try {
      const run = await resolveWorkload(workload, { input, scale: options.scale });
      const record = await runRecord(run, snapshots);
      let row = options.force ? undefined : await reusable(trace, record);
      if (!row) {
        row = await traceOne(run, trace, snapshots);
        await atomicWriteJson(`${trace}.json`, { run: record, row } satisfies TraceStamp);
      }
      summary.rows.push(row);
    } catch (err) {
      if (!(err instanceof UserError)) throw err;
      summary.failures.push({ workload, input, error: err.message });
      if (!options.quiet) {
        console.error(`\n${workload}/${input}: ${err.message}\n  fix: ${err.fix}`);
      }
    }
    progress.tick();
  }
  summary.unusable = unusableRuns(summary.rows, summary.failures);
  const summaryPath = join(dir, "summary.json");
  await atomicWriteJson(summaryPath, await withEarlierRuns(summaryPath, summary, todo));
  progress.finish(`traces are in ${dir}/ (summary: ${summaryPath})`);
  if (!options.quiet) console.log(formatSummary(summary));
  reportUnusable(summary, workloads.length, options.quiet);
  return summary;
}
