/**
 * Throughput of the branch predictor baselines: conditional branches per
 * second of each predictor on the same branch stream (decoded once into
 * memory with the unconditional jumps, calls and returns rebuilt between the
 * conditional branches, so only the predictor is timed), and its ratio to
 * bimodal measured in the same run. Rates are given in wall-clock time and in
 * this process's CPU time (the machine is shared, so the CPU-time rate is the
 * steadier one). Also each predictor's MPKI on that stream, and without the
 * unconditional branches (conditional branches only, as before they were
 * rebuilt): what giving them to the predictor changes.
 *
 * Usage: deno run -A bench/baselines_branch.ts [TRACE] [options]
 *
 * @module
 */
import process from "node:process";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { atomicWriteJson, RESULTS_DIR, runMain, UserError } from "../lib/common/mod.ts";
import {
  BRANCH_PREDICTOR_NAMES,
  type BranchPredictor,
  CONDITIONAL,
  createBranchPredictor,
  streamBranches,
} from "../lib/baselines/branch/mod.ts";
import { openTrace } from "../lib/trace/mod.ts";
import { benchTrace } from "./suite_trace.ts";

const HELP = `Usage: deno run -A bench/baselines_branch.ts [TRACE] [options]

Times every branch predictor baseline on one branch stream (each after a warm-up run over
the first tenth of the stream, so the steady state is measured), and gives its MPKI with and
without the rebuilt unconditional branches.

TRACE                 a trace file (default: the suite's bzip2/text trace at the small scale,
                      traced first if it is missing)
--max-branches N      conditional branches read from the trace (default 2000000)
--out FILE            JSON results (default results/bench/baselines_branch.json)
--help                this text`;

/** An in-memory branch stream: conditional branches and the transfers between them. */
interface Branches {
  kind: Uint8Array;
  pc: Float64Array;
  taken: Uint8Array;
  target: Float64Array;
  /** Conditional branches among them. */
  conditional: number;
  /** Instructions the stream spans (to the last branch read). */
  instructions: number;
}

/** One array of all the `arrays` in order. */
function concatenate<T extends Uint8Array | Float64Array>(arrays: T[], make: (n: number) => T): T {
  const out = make(arrays.reduce((n, a) => n + a.length, 0));
  let at = 0;
  for (const a of arrays) {
    out.set(a, at);
    at += a.length;
  }
  return out;
}

/** Reads the branch stream of a trace up to its `max`-th conditional branch. */
async function traceBranches(path: string, max: number): Promise<Branches> {
  const parts: { kind: Uint8Array; pc: Float64Array; taken: Uint8Array; target: Float64Array }[] =
    [];
  let conditional = 0;
  let instructions = 0;
  await streamBranches(await openTrace(path), (c) => {
    let n = 0;
    while (n < c.length && conditional < max) {
      if (c.kind[n] === CONDITIONAL) conditional++;
      instructions = c.icount[n] + 1;
      n++;
    }
    if (n === 0) return;
    parts.push({
      kind: c.kind.subarray(0, n),
      pc: c.pc.subarray(0, n),
      taken: c.taken.subarray(0, n),
      target: c.target.subarray(0, n),
    });
  });
  if (conditional === 0) {
    throw new UserError(`trace ${path} has no conditional branches`, "give a trace of a program");
  }
  return {
    kind: concatenate(parts.map((p) => p.kind), (n) => new Uint8Array(n)),
    pc: concatenate(parts.map((p) => p.pc), (n) => new Float64Array(n)),
    taken: concatenate(parts.map((p) => p.taken), (n) => new Uint8Array(n)),
    target: concatenate(parts.map((p) => p.target), (n) => new Float64Array(n)),
    conditional,
    instructions,
  };
}

/** One predictor's timing and accuracy on the whole stream. */
interface Timing {
  /** Conditional branches per second (with the transfers between them). */
  branchesPerSecond: number;
  branchesPerCpuSecond: number;
  ratioToBimodal?: number;
  mpki: number;
  /** MPKI when the predictor sees the conditional branches only. */
  mpkiConditionalOnly: number;
  storageBits: number;
}

/** Runs a predictor over the first `n` stream entries; returns its mispredictions. */
function run(predictor: BranchPredictor, b: Branches, n: number, transfers = true): number {
  let misses = 0;
  for (let i = 0; i < n; i++) {
    const pc = b.pc[i];
    if (b.kind[i] !== CONDITIONAL) {
      if (transfers) predictor.track(pc, b.kind[i], b.target[i]);
      continue;
    }
    const outcome = b.taken[i] === 1;
    if (predictor.predict(pc) !== outcome) misses++;
    predictor.update(pc, outcome, b.target[i]);
  }
  return misses;
}

/**
 * Times a fresh predictor of `name` over the whole stream, after a warm-up
 * run of another instance over the stream's first tenth (so that the JIT has
 * compiled the hot path: what is measured is the steady state); then runs a
 * third instance without the transfers.
 */
function time(name: string, branches: Branches): Timing {
  const n = branches.kind.length;
  run(createBranchPredictor(name), branches, Math.ceil(n / 10));
  const predictor = createBranchPredictor(name);
  const cpuStart = process.cpuUsage();
  const started = performance.now();
  const misses = run(predictor, branches, n);
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuStart);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  const conditionalOnly = run(createBranchPredictor(name), branches, n, false);
  return {
    branchesPerSecond: branches.conditional / seconds,
    branchesPerCpuSecond: branches.conditional / cpuSeconds,
    mpki: (1000 * misses) / branches.instructions,
    mpkiConditionalOnly: (1000 * conditionalOnly) / branches.instructions,
    storageBits: predictor.storageBits,
  };
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      "max-branches": { type: "string", default: "2000000" },
      out: { type: "string", default: join(RESULTS_DIR, "bench", "baselines_branch.json") },
      help: { type: "boolean", default: false },
    },
  });
  if (values.help) {
    console.log(HELP);
    return;
  }
  const maxBranches = Number(values["max-branches"]);
  if (!Number.isInteger(maxBranches) || maxBranches < 1) {
    throw new UserError(
      `--max-branches must be a positive integer, got "${values["max-branches"]}"`,
      "pass e.g. --max-branches 1000000",
    );
  }
  const tracePath = positionals[0] ?? await benchTrace();
  const source = `trace ${tracePath}`;
  const branches = await traceBranches(tracePath, maxBranches);
  console.log(
    `source: ${source}, ${branches.conditional} conditional branches, ` +
      `${
        branches.kind.length - branches.conditional
      } unconditional, ${branches.instructions} instructions`,
  );

  const results: Record<string, Timing> = {};
  for (const name of BRANCH_PREDICTOR_NAMES) {
    results[name] = time(name, branches);
  }
  const bimodal = results["bimodal"];
  for (const r of Object.values(results)) {
    r.ratioToBimodal = r.branchesPerCpuSecond / bimodal.branchesPerCpuSecond;
  }
  console.log(
    "predictor          branches/s  per CPU s  x bimodal (CPU)    MPKI  conditional only  change    KiB",
  );
  for (const [name, r] of Object.entries(results)) {
    const change = (100 * (r.mpki - r.mpkiConditionalOnly)) / r.mpkiConditionalOnly;
    console.log(
      `${name.padEnd(17)} ${r.branchesPerSecond.toExponential(2).padStart(10)}  ` +
        `${r.branchesPerCpuSecond.toExponential(2).padStart(9)}  ` +
        `${r.ratioToBimodal!.toFixed(3).padStart(15)}  ${r.mpki.toFixed(3).padStart(6)}  ` +
        `${r.mpkiConditionalOnly.toFixed(3).padStart(16)}  ${change.toFixed(1).padStart(5)}%` +
        `  ${(r.storageBits / 8192).toFixed(1).padStart(5)}`,
    );
  }
  await atomicWriteJson(values.out, {
    source,
    conditional: branches.conditional,
    unconditional: branches.kind.length - branches.conditional,
    instructions: branches.instructions,
    predictors: results,
  });
  console.log(`results written to ${values.out}`);
}

if (import.meta.main) await runMain(main);
