/**
 * Throughput of the branch predictor baselines: branches/s of each predictor
 * on the same branch stream (decoded once into memory, so only the predictor
 * is timed), and its ratio to bimodal measured in the same run. Rates are
 * given in wall-clock time and in this process's CPU time (the machine is
 * shared, so the CPU-time rate is the steadier one).
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
  createBranchPredictor,
} from "../lib/baselines/branch/mod.ts";
import { BRANCH, openTrace } from "../lib/trace/mod.ts";

import { benchTrace } from "./suite_trace.ts";
const HELP = `Usage: deno run -A bench/baselines_branch.ts [TRACE] [options]

Times every branch predictor baseline on one conditional-branch stream (each after a
warm-up run over the first tenth of the stream, so the steady state is measured).

TRACE                 a trace file (default: the suite's bzip2/text trace at the small scale,
                      traced first if it is missing)
--max-branches N      branches read from the trace (default 2000000)
--out FILE            JSON results (default results/bench/baselines_branch.json)
--help                this text`;

/** An in-memory branch stream. */
interface Branches {
  pc: Float64Array;
  taken: Uint8Array;
  sites: number;
}

/** Reads up to `max` conditional branches of a trace into memory. */
async function traceBranches(path: string, max: number): Promise<Branches> {
  const trace = await openTrace(path);
  const pc = new Float64Array(max);
  const taken = new Uint8Array(max);
  const sites = new Set<number>();
  let pcs = new Float64Array(0);
  let n = 0;
  for await (const chunk of trace.chunks()) {
    if (trace.meta.sites.length > pcs.length) {
      pcs = Float64Array.from(trace.meta.sites, (s) => Number(s.pc));
    }
    for (let i = 0; i < chunk.length && n < max; i++) {
      if (chunk.kind[i] !== BRANCH) continue;
      pc[n] = pcs[chunk.site[i]];
      taken[n++] = chunk.taken[i];
      sites.add(chunk.site[i]);
    }
    if (n >= max) break;
  }
  if (n === 0) {
    throw new UserError(`trace ${path} has no conditional branches`, "give a trace of a program");
  }
  return { pc: pc.subarray(0, n), taken: taken.subarray(0, n), sites: sites.size };
}

/** One predictor's timing and accuracy on the whole stream. */
interface Timing {
  branchesPerSecond: number;
  branchesPerCpuSecond: number;
  ratioToBimodal?: number;
  mispredictionRate: number;
  storageBits: number;
}

/** Runs a predictor over the stream; returns its mispredictions. */
function run(predictor: BranchPredictor, pc: Float64Array, taken: Uint8Array): number {
  let misses = 0;
  for (let i = 0; i < pc.length; i++) {
    const outcome = taken[i] === 1;
    if (predictor.predict(pc[i]) !== outcome) misses++;
    predictor.update(pc[i], outcome);
  }
  return misses;
}

/**
 * Times a fresh predictor of `name` over the whole stream, after a warm-up
 * run of another instance over the stream's first tenth (so that the JIT has
 * compiled the hot path: what is measured is the steady state).
 */
function time(name: string, branches: Branches): Timing {
  const { pc, taken } = branches;
  const warmup = Math.ceil(pc.length / 10);
  run(createBranchPredictor(name), pc.subarray(0, warmup), taken.subarray(0, warmup));
  const predictor = createBranchPredictor(name);
  const cpuStart = process.cpuUsage();
  const started = performance.now();
  const misses = run(predictor, pc, taken);
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuStart);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  return {
    branchesPerSecond: pc.length / seconds,
    branchesPerCpuSecond: pc.length / cpuSeconds,
    mispredictionRate: misses / pc.length,
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
  console.log(`source: ${source}, ${branches.pc.length} branches, ${branches.sites} sites`);

  const results: Record<string, Timing> = {};
  for (const name of BRANCH_PREDICTOR_NAMES) {
    results[name] = time(name, branches);
  }
  const bimodal = results["bimodal"];
  for (const r of Object.values(results)) {
    r.ratioToBimodal = r.branchesPerCpuSecond / bimodal.branchesPerCpuSecond;
  }
  console.log("predictor          branches/s  per CPU s  x bimodal (CPU)  mispredicted   KiB");
  for (const [name, r] of Object.entries(results)) {
    console.log(
      `${name.padEnd(17)} ${r.branchesPerSecond.toExponential(2).padStart(10)}  ` +
        `${r.branchesPerCpuSecond.toExponential(2).padStart(9)}  ` +
        `${r.ratioToBimodal!.toFixed(3).padStart(15)}  ${
          r.mispredictionRate.toFixed(4).padStart(12)
        }` +
        `  ${(r.storageBits / 8192).toFixed(1).padStart(5)}`,
    );
  }
  await atomicWriteJson(values.out, {
    source,
    branches: branches.pc.length,
    sites: branches.sites,
    predictors: results,
  });
  console.log(`results written to ${values.out}`);
}

if (import.meta.main) await runMain(main);
