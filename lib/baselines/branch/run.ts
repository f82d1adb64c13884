/**
 * Runs branch predictors over a trace's conditional branches and scores them
 * on its test part.
 *
 * Every predictor sees the whole branch stream in execution order and learns
 * online; branches before `testFrom` (an instruction count) only warm it up.
 * The trace is decoded once for all predictors. Scores: mispredictions, rate
 * and MPKI on the test part, per static site, and on the hard-to-predict
 * sites (see {@linkcode HardBranchOptions}); optionally the prediction made
 * at chosen branch executions, so that another model (the GNN) can be scored
 * on exactly the same events.
 *
 * @module
 */
import { Progress, UserError } from "../../common/mod.ts";
import { BRANCH, type EventChunk, openTrace, readFooter, type TraceMeta } from "../../trace/mod.ts";
import type { BranchPredictor } from "./predictor.ts";
import { BRANCH_PREDICTOR_NAMES, createBranchPredictor } from "./registry.ts";

/** What the scorer needs of a trace; `TraceFile` of lib/trace provides it. */
export interface BranchTraceSource {
  /** Sites may be added while streaming; `instructions` is final after the stream ends. */
  readonly meta: TraceMeta;
  /** Path of the trace file, if it is one (used for the progress bar's total). */
  readonly path?: string;
  /** Events in execution order; each call starts a new pass. */
  chunks(): AsyncIterable<EventChunk> | Iterable<EventChunk>;
}

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
  /** A trace path or an open trace. */
  trace: string | BranchTraceSource;
  /** Predictor names (see `BRANCH_PREDICTOR_NAMES`), reported in this order. */
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
  /** The trace's path, when known. */
  trace?: string;
  testFrom: number;
  /** Instructions in the trace's window. */
  instructions: number;
  /** Instructions of the test part: `instructions - testFrom`. */
  testInstructions: number;
  /** Conditional-branch executions in the whole trace. */
  branches: number;
  /** Conditional-branch executions with `icount >= testFrom`. */
  testBranches: number;
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
      `name one or more of: ${BRANCH_PREDICTOR_NAMES.join(", ")}`,
    );
  }
  const seen = new Set<string>();
  for (const name of names) {
    if (!BRANCH_PREDICTOR_NAMES.includes(name)) {
      throw new UserError(
        `unknown branch predictor "${name}"`,
        `use one of: ${BRANCH_PREDICTOR_NAMES.join(", ")}`,
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
  const footer = trace.path ? await readFooter(trace.path) : undefined;

  // The reference of the hard set runs too, reported only if asked for.
  const names = useRule && !predictors.includes(hardRule.reference)
    ? [...predictors, hardRule.reference]
    : predictors;
  const runners: BranchPredictor[] = names.map((name) => createBranchPredictor(name));
  const misses = names.map(() => new SiteCounters());
  const executions = new SiteCounters();
  const recorder = options.recordAt ? new RecordCursor(options.recordAt, predictors) : undefined;

  const progress = new Progress({
    label: `branch baselines (${names.join(", ")})`,
    total: footer?.instructions || undefined,
    unit: "instr",
    quiet,
  });
  let sitePcs = new Float64Array(256);
  let knownSites = 0;
  let branches = 0;
  let testBranches = 0;
  let eventBase = 0;
  let lastIcount = 0;
  for await (const chunk of trace.chunks()) {
    const sites = trace.meta.sites;
    if (sites.length > knownSites) {
      if (sites.length > sitePcs.length) {
        const grown = new Float64Array(Math.max(sites.length, 2 * sitePcs.length));
        grown.set(sitePcs);
        sitePcs = grown;
      }
      for (let s = knownSites; s < sites.length; s++) sitePcs[s] = Number(sites[s].pc);
      knownSites = sites.length;
      executions.ensure(knownSites);
      for (const m of misses) m.ensure(knownSites);
    }
    // Gather this chunk's branches once for all predictors.
    let n = 0;
    for (let i = 0; i < chunk.length; i++) if (chunk.kind[i] === BRANCH) n++;
    const pc = new Float64Array(n);
    const taken = new Uint8Array(n);
    const site = new Uint32Array(n);
    const scored = new Uint8Array(n);
    const row = new Int32Array(n).fill(-1);
    let j = 0;
    for (let i = 0; i < chunk.length; i++) {
      if (chunk.kind[i] !== BRANCH) continue;
      const s = chunk.site[i];
      if (s >= knownSites) {
        throw new UserError(
          `the trace names branch site ${s} before defining it (${knownSites} sites known)`,
          "the trace is corrupt: record it again",
        );
      }
      pc[j] = sitePcs[s];
      taken[j] = chunk.taken[i];
      site[j] = s;
      if (chunk.icount[i] >= testFrom) {
        scored[j] = 1;
        executions.values[s]++;
        testBranches++;
      }
      if (recorder) row[j] = recorder.match(eventBase + i, s, chunk.icount[i], chunk.taken[i]);
      j++;
    }
    for (let p = 0; p < runners.length; p++) {
      const predictor = runners[p];
      const missed = misses[p].values;
      const record = recorder && p < predictors.length
        ? recorder.recorded.predictions[names[p]]
        : undefined;
      for (let k = 0; k < n; k++) {
        const predicted = predictor.predict(pc[k]);
        const outcome = taken[k] === 1;
        predictor.update(pc[k], outcome);
        if (predicted !== outcome && scored[k]) missed[site[k]]++;
        if (record && row[k] >= 0) record[row[k]] = predicted ? 1 : 0;
      }
    }
    branches += n;
    eventBase += chunk.length;
    if (chunk.length > 0) {
      const icount = chunk.icount[chunk.length - 1];
      progress.tick(icount - lastIcount);
      lastIcount = icount;
    }
  }
  progress.finish();
  recorder?.checkAllFound();

  const instructions = trace.meta.instructions;
  if (testFrom >= instructions) {
    throw new UserError(
      `the test part is empty: testFrom ${testFrom} is not below the trace's ${instructions} instructions`,
      "choose an earlier split point (testFrom)",
    );
  }
  const testInstructions = instructions - testFrom;
  const siteCount = knownSites;

  let hardSites: number[];
  if (useRule) {
    const refMisses = misses[names.indexOf(hardRule.reference)].values;
    hardSites = [];
    for (let s = 0; s < siteCount; s++) {
      const e = executions.values[s];
      if (e >= hardRule.minExecutions && 1 - refMisses[s] / e < hardRule.maxAccuracy) {
        hardSites.push(s);
      }
    }
  } else {
    hardSites = [...new Set(Array.from(hardOptions.sites!))].sort((a, b) => a - b);
  }

  const scores = predictors.map((name, p): BranchScore => {
    const missed = misses[p].values;
    const sites: SiteBranchCounts[] = [];
    let total = 0;
    for (let s = 0; s < siteCount; s++) {
      if (executions.values[s] === 0) continue;
      sites.push({ site: s, executions: executions.values[s], mispredictions: missed[s] });
      total += missed[s];
    }
    let hardBranches = 0;
    let hardMisses = 0;
    for (const s of hardSites) {
      if (s >= siteCount) continue;
      hardBranches += executions.values[s];
      hardMisses += missed[s];
    }
    return {
      predictor: name,
      storageBits: runners[p].storageBits,
      ...counts(testBranches, total, testInstructions),
      hard: counts(hardBranches, hardMisses, testInstructions),
      sites,
    };
  });
  return {
    ...(trace.path ? { trace: trace.path } : {}),
    testFrom,
    instructions,
    testInstructions,
    branches,
    testBranches,
    hard: useRule
      ? { sites: hardSites, source: "rule", ...hardRule }
      : { sites: hardSites, source: "given" },
    scores,
    ...(recorder ? { recorded: recorder.recorded } : {}),
  };
}
