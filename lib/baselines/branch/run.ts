/**
 * Runs branch predictors over a trace's branch stream and scores them on its
 * test part.
 *
 * Every predictor sees the whole stream in execution order and learns
 * online: the recorded conditional branches (predict, then update with the
 * outcome and the taken target) and the unconditional jumps, calls and
 * returns rebuilt from the disassembly between them (`stream.ts`), as the
 * CBP-5 driver hands them to a predictor. Conditional branches before
 * `testFrom` (an instruction count) only warm it up. The trace is decoded once
 * for all predictors. Scores: mispredictions, rate and MPKI on the test part,
 * per static site, and on the hard-to-predict sites (see
 * {@linkcode HardBranchOptions}); optionally the prediction made at chosen
 * branch executions, so that another model (the GNN) can be scored on
 * exactly the same events.
 *
 * @module
 */
import { Progress, UserError } from "../../common/mod.ts";
import { openTrace, readFooter } from "../../trace/mod.ts";
import type { PathSummary, PathTrace } from "./path.ts";
import { type BranchPredictor, CONDITIONAL } from "./predictor.ts";
import { BRANCH_SCORER_NAMES, createBranchPredictor } from "./registry.ts";
import { type BranchChunk, streamBranches } from "./stream.ts";

/**
 * Which static branch sites are hard to predict. By default a site is hard
 * when it executes at least `minExecutions` times in the test part and the
 * `reference` predictor's accuracy on those executions is below
 * `maxAccuracy` (after Lin & Tarsa's "H2P" branches, 2019). Give `sites` to
 * use a fixed set instead, e.g. the set of another run, so that all methods
 * are scored on the same sites.
 */
export interface HardBranchOptions {
  /** Explicit hard site ids; when given, the rule below is not used. */
  sites?: ArrayLike<number>;
  /** Predictor whose test accuracy defines the set (default `tage-sc-l-64kb`). */
  reference?: string;
  /** Accuracy below which a site is hard (default 0.99). */
  maxAccuracy?: number;
  /** Test executions a site needs to count (default 100). */
  minExecutions?: number;
}

/**
 * Version of what the scorer computes: changes whenever the same trace would
 * get other predictions, so that caches of scores can be keyed by it (2: the
 * rebuilt unconditional branches, TAGE-SC-L bit-exact with Seznec's code).
 */
export const BRANCH_SCORING_VERSION = 2;

/** Defaults of {@linkcode HardBranchOptions}. */
export const HARD_BRANCH_DEFAULTS = {
  reference: "tage-sc-l-64kb",
  maxAccuracy: 0.99,
  minExecutions: 100,
} as const;

/**
 * Branch executions at which to record every predictor's prediction: by
 * global event index (position among all events of the trace, loads
 * included, counting from 0), or by site and instruction count.
 */
export type BranchEvents =
  | { event: ArrayLike<number> }
  | { site: ArrayLike<number>; icount: ArrayLike<number> };

/** Options of {@linkcode scoreBranchPredictors}. */
export interface ScoreBranchOptions {
  /** A trace path or an open trace (its objects are disassembled to rebuild the path). */
  trace: string | PathTrace;
  /** Predictor and reference names (see `BRANCH_SCORER_NAMES`), reported in this order. */
  predictors: string[];
  /** Instruction count where the test part starts; earlier branches are warm-up. */
  testFrom: number;
  /** How the hard-to-predict sites are chosen (defaults: {@linkcode HARD_BRANCH_DEFAULTS}). */
  hard?: HardBranchOptions;
  /** Branch executions at which to return each predictor's prediction. */
  recordAt?: BranchEvents;
  /** No progress bar (default false). */
  quiet?: boolean;
}

/** Counts and rates of one predictor on a set of branch executions. */
export interface BranchCounts {
  /** Conditional-branch executions in the test part. */
  branches: number;
  mispredictions: number;
  /** mispredictions / branches (0 when there are no branches). */
  mispredictionRate: number;
  /** Mispredictions per 1000 instructions of the test part. */
  mpki: number;
}

/** Test-part counts of one static branch site. */
export interface SiteBranchCounts {
  /** Site id (index into the trace's `meta.sites`). */
  site: number;
  executions: number;
  mispredictions: number;
}

/** A predictor's score. */
export interface BranchScore extends BranchCounts {
  predictor: string;
  storageBits: number;
  /** The same counts restricted to the hard-to-predict sites. */
  hard: BranchCounts;
  /** Sites executed in the test part, by site id. */
  sites: SiteBranchCounts[];
}

/** The hard-to-predict sites used for every predictor of a report. */
export interface HardBranchSet {
  /** Site ids, ascending. */
  sites: number[];
  /** `given` (explicit sites) or `rule` (the fields below apply). */
  source: "given" | "rule";
  reference?: string;
  maxAccuracy?: number;
  minExecutions?: number;
}

/** Predictions at the executions asked for with `recordAt`, in the order asked. */
export interface RecordedBranchPredictions {
  /** Global event index of each execution. */
  event: Float64Array;
  site: Uint32Array;
  icount: Float64Array;
  /** The outcome (1 = taken). */
  taken: Uint8Array;
  /** Per predictor name, the prediction made (1 = taken). */
  predictions: Record<string, Uint8Array>;
}

/** What {@linkcode scoreBranchPredictors} returns. */
export interface BranchScoreReport {
  /** The trace's path. */
  trace: string;
  testFrom: number;
  /** Instructions in the trace's window. */
  instructions: number;
  /** Instructions of the test part: `instructions - testFrom`. */
  testInstructions: number;
  /** Conditional-branch executions in the whole trace. */
  branches: number;
  /** Conditional-branch executions with `icount >= testFrom`. */
  testBranches: number;
  /** Unconditional transfers rebuilt and given to the predictors. */
  transfers: number;
  /** How well the path between recorded instructions was rebuilt. */
  path: PathSummary;
  hard: HardBranchSet;
  /** One score per requested predictor, in the requested order. */
  scores: BranchScore[];
  /** Present when `recordAt` was given. */
  recorded?: RecordedBranchPredictions;
}

function checkNames(names: string[]): void {
  if (names.length === 0) {
    throw new UserError(
      "no branch predictor chosen",
      `name one or more of: ${BRANCH_SCORER_NAMES.join(", ")}`,
    );
  }
  const seen = new Set<string>();
  for (const name of names) {
    if (!BRANCH_SCORER_NAMES.includes(name)) {
      throw new UserError(
        `unknown branch predictor "${name}"`,
        `use one of: ${BRANCH_SCORER_NAMES.join(", ")}`,
      );
    }
    if (seen.has(name)) {
      throw new UserError(`branch predictor "${name}" is named twice`, "name each predictor once");
    }
    seen.add(name);
  }
}

function counts(branches: number, mispredictions: number, testInstructions: number): BranchCounts {
  return {
    branches,
    mispredictions,
    mispredictionRate: branches > 0 ? mispredictions / branches : 0,
    mpki: testInstructions > 0 ? (1000 * mispredictions) / testInstructions : 0,
  };
}

/** Per-site counters that grow with the trace's site table. */
class SiteCounters {
  values = new Float64Array(256);
  ensure(sites: number): void {
    if (sites <= this.values.length) return;
    const grown = new Float64Array(Math.max(sites, 2 * this.values.length));
    grown.set(this.values);
    this.values = grown;
  }
}

/** Finds asked-for branch executions in a stream that runs in execution order. */
class RecordCursor {
  readonly recorded: RecordedBranchPredictions;
  readonly #byEvent: boolean;
  /** Request rows sorted by their key (event index, or icount). */
  readonly #order: Uint32Array;
  readonly #key: Float64Array;
  readonly #found: Uint8Array;
  #cursor = 0;

  constructor(at: BranchEvents, predictors: string[]) {
    this.#byEvent = "event" in at;
    const n = "event" in at ? at.event.length : at.site.length;
    if (!("event" in at) && at.icount.length !== n) {
      throw new UserError(
        `recordAt has ${n} sites but ${at.icount.length} icounts`,
        "give one site and one icount per branch execution",
      );
    }
    this.recorded = {
      event: new Float64Array(n).fill(NaN),
      site: "event" in at ? new Uint32Array(n) : Uint32Array.from(at.site),
      icount: "event" in at ? new Float64Array(n).fill(NaN) : Float64Array.from(at.icount),
      taken: new Uint8Array(n),
      predictions: Object.fromEntries(predictors.map((name) => [name, new Uint8Array(n)])),
    };
    if ("event" in at) this.recorded.event.set(Float64Array.from(at.event));
    this.#key = this.#byEvent ? this.recorded.event : this.recorded.icount;
    const key = this.#key;
    this.#order = Uint32Array.from({ length: n }, (_, i) => i).sort((a, b) => key[a] - key[b]);
    this.#found = new Uint8Array(n);
  }

  /**
   * The request row of a branch execution (global event index `event`), or
   * -1. Executions must come in execution order.
   */
  match(event: number, site: number, icount: number, taken: number): number {
    const key = this.#byEvent ? event : icount;
    const order = this.#order;
    while (this.#cursor < order.length && this.#key[order[this.#cursor]] < key) this.#cursor++;
    for (let k = this.#cursor; k < order.length && this.#key[order[k]] === key; k++) {
      const row = order[k];
      if (this.#found[row] || (!this.#byEvent && this.recorded.site[row] !== site)) continue;
      this.#found[row] = 1;
      this.recorded.event[row] = event;
      this.recorded.site[row] = site;
      this.recorded.icount[row] = icount;
      this.recorded.taken[row] = taken;
      return row;
    }
    return -1;
  }

  /** Throws unless every asked-for execution was a branch execution of the trace. */
  checkAllFound(): void {
    const missed = this.#found.indexOf(0);
    if (missed < 0) return;
    const what = this.#byEvent
      ? `event ${this.recorded.event[missed]}`
      : `site ${this.recorded.site[missed]} at icount ${this.recorded.icount[missed]}`;
    throw new UserError(
      `recordAt row ${missed} (${what}) is not a conditional-branch execution of this trace (or is named twice)`,
      "ask only for branch executions of this trace, each once",
    );
  }
}

/** Runs the predictors over a branch stream, chunk by chunk, and counts their misses. */
class StreamScorer {
  readonly runners: BranchPredictor[];
  readonly misses: SiteCounters[];
  readonly executions = new SiteCounters();
  branches = 0;
  testBranches = 0;
  transfers = 0;
  readonly #names: string[];
  readonly #recorded: number;
  readonly #testFrom: number;
  readonly #recorder?: RecordCursor;

  /** `names` run; the first `recorded` of them are recorded at `recorder`'s executions. */
  constructor(names: string[], recorded: number, testFrom: number, recorder?: RecordCursor) {
    this.#names = names;
    this.runners = names.map((name) => createBranchPredictor(name));
    this.misses = names.map(() => new SiteCounters());
    this.#recorded = recorded;
    this.#testFrom = testFrom;
    this.#recorder = recorder;
  }

  /** Makes room for the counters of `sites` sites. */
  ensure(sites: number): void {
    this.executions.ensure(sites);
    for (const m of this.misses) m.ensure(sites);
  }

  /** Sites with enough test executions where predictor `p` is less accurate than the rule allows. */
  hardSites(p: number, rule: { maxAccuracy: number; minExecutions: number }): number[] {
    const missed = this.misses[p].values;
    const hard: number[] = [];
    for (let s = 0; s < this.executions.values.length; s++) {
      const e = this.executions.values[s];
      if (e >= rule.minExecutions && 1 - missed[s] / e < rule.maxAccuracy) hard.push(s);
    }
    return hard;
  }

  /** The score of predictor `p` (named `name`) on the test part. */
  score(p: number, name: string, hardSites: number[], testInstructions: number): BranchScore {
    const missed = this.misses[p].values;
    const executions = this.executions.values;
    const sites: SiteBranchCounts[] = [];
    let total = 0;
    for (let s = 0; s < executions.length; s++) {
      if (executions[s] === 0) continue;
      sites.push({ site: s, executions: executions[s], mispredictions: missed[s] });
      total += missed[s];
    }
    let hardBranches = 0;
    let hardMisses = 0;
    for (const s of hardSites) {
      if (s >= executions.length) continue;
      hardBranches += executions[s];
      hardMisses += missed[s];
    }
    return {
      predictor: name,
      storageBits: this.runners[p].storageBits,
      ...counts(this.testBranches, total, testInstructions),
      hard: counts(hardBranches, hardMisses, testInstructions),
      sites,
    };
  }

  /** Runs every predictor over the chunk (`sites`: how many sites the trace has defined so far). */
  add(c: BranchChunk, sites: number): void {
    this.ensure(sites);
    // Which conditional branches are scored or recorded, found once for all predictors.
    const scored = new Uint8Array(c.length);
    const row = new Int32Array(c.length).fill(-1);
    for (let k = 0; k < c.length; k++) {
      if (c.kind[k] !== CONDITIONAL) {
        this.transfers++;
        continue;
      }
      this.branches++;
      if (c.icount[k] >= this.#testFrom) {
        scored[k] = 1;
        this.executions.values[c.site[k]]++;
        this.testBranches++;
      }
      if (this.#recorder) {
        row[k] = this.#recorder.match(c.event[k], c.site[k], c.icount[k], c.taken[k]);
      }
    }
    for (let p = 0; p < this.runners.length; p++) {
      const record = this.#recorder && p < this.#recorded
        ? this.#recorder.recorded.predictions[this.#names[p]]
        : undefined;
      runPredictor(this.runners[p], c, scored, this.misses[p].values, record, row);
    }
  }
}

/** One predictor over a chunk: counts misses of scored branches per site, records at `row`. */
function runPredictor(
  predictor: BranchPredictor,
  c: BranchChunk,
  scored: Uint8Array,
  missed: Float64Array,
  record: Uint8Array | undefined,
  row: Int32Array,
): void {
  for (let k = 0; k < c.length; k++) {
    const pc = c.pc[k];
    if (c.kind[k] !== CONDITIONAL) {
      predictor.track(pc, c.kind[k], c.target[k]);
      continue;
    }
    const predicted = predictor.predict(pc);
    const outcome = c.taken[k] === 1;
    predictor.update(pc, outcome, c.target[k]);
    if (predicted !== outcome && scored[k]) missed[c.site[k]]++;
    if (record && row[k] >= 0) record[row[k]] = predicted ? 1 : 0;
  }
}

/** Scores `predictors` on the test part of a trace (see the module doc). */
export async function scoreBranchPredictors(
  options: ScoreBranchOptions,
): Promise<BranchScoreReport> {
  const { predictors, testFrom, quiet = false } = options;
  checkNames(predictors);
  if (!Number.isFinite(testFrom) || testFrom < 0) {
    throw new UserError(
      `testFrom must be an instruction count (>= 0), got ${testFrom}`,
      "pass the split point as a number of instructions",
    );
  }
  const hardOptions = options.hard ?? {};
  const hardRule = {
    reference: hardOptions.reference ?? HARD_BRANCH_DEFAULTS.reference,
    maxAccuracy: hardOptions.maxAccuracy ?? HARD_BRANCH_DEFAULTS.maxAccuracy,
    minExecutions: hardOptions.minExecutions ?? HARD_BRANCH_DEFAULTS.minExecutions,
  };
  const useRule = hardOptions.sites === undefined;
  if (useRule) checkNames([hardRule.reference]);
  const trace = typeof options.trace === "string" ? await openTrace(options.trace) : options.trace;

  // The reference of the hard set runs too, reported only if asked for.
  const names = useRule && !predictors.includes(hardRule.reference)
    ? [...predictors, hardRule.reference]
    : predictors;
  const recorder = options.recordAt ? new RecordCursor(options.recordAt, predictors) : undefined;
  const run = new StreamScorer(names, predictors.length, testFrom, recorder);
  const path = await runOverTrace(run, trace, quiet);
  recorder?.checkAllFound();

  const instructions = trace.meta.instructions;
  if (testFrom >= instructions) {
    throw new UserError(
      `the test part is empty: testFrom ${testFrom} is not below the trace's ${instructions} instructions`,
      "choose an earlier split point (testFrom)",
    );
  }
  const testInstructions = instructions - testFrom;
  const hardSites = useRule
    ? run.hardSites(names.indexOf(hardRule.reference), hardRule)
    : [...new Set(Array.from(hardOptions.sites!))].sort((a, b) => a - b);
  return {
    trace: trace.path,
    testFrom,
    instructions,
    testInstructions,
    branches: run.branches,
    testBranches: run.testBranches,
    transfers: run.transfers,
    path,
    hard: useRule
      ? { sites: hardSites, source: "rule", ...hardRule }
      : { sites: hardSites, source: "given" },
    scores: predictors.map((name, p) => run.score(p, name, hardSites, testInstructions)),
    ...(recorder ? { recorded: recorder.recorded } : {}),
  };
}

/** Streams the trace's branches through `run`, with a progress bar; returns the path summary. */
async function runOverTrace(run: StreamScorer, trace: PathTrace, quiet: boolean) {
  const footer = await readFooter(trace.path);
  const progress = new Progress({
    label: `branch baselines (${run.runners.map((r) => r.name).join(", ")})`,
    total: footer?.instructions || undefined,
    unit: "instr",
    quiet,
  });
  let lastIcount = 0;
  const path = await streamBranches(trace, (chunk) => {
    run.add(chunk, trace.meta.sites.length);
    if (chunk.length > 0) {
      const icount = chunk.icount[chunk.length - 1];
      progress.tick(icount - lastIcount);
      lastIcount = icount;
    }
  });
  progress.finish();
  run.ensure(trace.meta.sites.length);
  return path;
}
