/**
 * The history-based baselines, run on a trace and recorded at exactly the
 * GNN's test instances (site, icount), cached by trace, split point and
 * instance list.
 *
 * - Branches: every predictor sees the whole branch stream online and is
 *   scored from `testFrom` on; per-site test executions and the
 *   hard-to-predict set (lib/baselines' rule) come with it.
 * - Addresses: stride, GHB PC/DC and Markov run online over every load;
 *   the embedding LSTM (one per seed) trains and predicts on the loads of
 *   the selected sites only, a filtered stream like the miss stream of
 *   Hashemi et al. 2018 (predicting every load of a trace costs minutes).
 *
 * @module
 */
import {
  ADDRESS_REFERENCE_NAMES,
  BRANCH_PREDICTOR_NAMES,
  BRANCH_REFERENCE_NAMES,
  BRANCH_SCORING_VERSION,
  type LoadStream,
  loadStreamFromTrace,
  LSTM_PREDICTOR,
  type LstmOptions,
  ONLINE_ADDRESS_PREDICTORS,
  scoreAddressStream,
  scoreBranchPredictors,
  type SiteBranchCounts,
} from "../baselines/mod.ts";
import { BRANCH, openTrace } from "../trace/mod.ts";
import { cachedJson, hashOf, traceIdentity } from "./cache.ts";
import type { TraceTests } from "./suite.ts";

/** Branch predictors the experiments compare, in the registry's order. */
export const BRANCH_BASELINES: readonly string[] = BRANCH_PREDICTOR_NAMES;
/** Trivial branch references scored beside them (the per-site majority is computed, not run). */
export const BRANCH_REFERENCES: readonly string[] = BRANCH_REFERENCE_NAMES;
/** The online address predictors (the LSTM is separate: it has a seed). */
export const ONLINE_ADDRESS_BASELINES: readonly string[] = Object.keys(ONLINE_ADDRESS_PREDICTORS);
/** Trivial address references scored beside them. */
export const ADDRESS_REFERENCES: readonly string[] = ADDRESS_REFERENCE_NAMES;

/** Executions to record at: parallel site and icount lists. */
export interface RecordPoints {
  site: number[];
  icount: number[];
}

/** Counts of one predictor on all test branches of a trace. */
export interface TraceBranchScore {
  mispredictionRate: number;
  mpki: number;
  hardMispredictionRate: number;
  hardMpki: number;
}

/** The branch baselines of one trace. */
export interface BranchBaselines {
  testFrom: number;
  testInstructions: number;
  testBranches: number;
  /** Hard-to-predict site ids (lib/baselines' rule, reference TAGE-SC-L 64KB). */
  hardSites: number[];
  /** Test executions of each recorded site, by site id. */
  siteExecutions: Record<string, number>;
  /** Per predictor and recorded site id: its mispredictions over the site's test executions. */
  siteMispredictions: Record<string, Record<string, number>>;
  /** Per recorded site id: taken executions in the train part (before `testFrom`). */
  trainTaken: Record<string, number>;
  /** Per recorded site id: executions in the train part. */
  trainExecutions: Record<string, number>;
  /** Per predictor: its score on every test branch of the trace. */
  trace: Record<string, TraceBranchScore>;
  /** Per predictor: its prediction (1 = taken) at each record point, in order. */
  predictions: Record<string, number[]>;
  /** The outcome at each record point. */
  taken: number[];
}

/** Runs (or loads) every branch baseline on `trace`, recorded at `at`. */
export async function branchBaselines(
  trace: string,
  testFrom: number,
  at: RecordPoints,
  options: { quiet?: boolean } = {},
): Promise<BranchBaselines> {
  const key = {
    trace: await traceIdentity(trace),
    testFrom,
    predictors: [...BRANCH_BASELINES, ...BRANCH_REFERENCES],
    scoring: BRANCH_SCORING_VERSION,
    at: await hashOf(at),
  };
  return await cachedJson("branch-baselines", key, async () => {
    const report = await scoreBranchPredictors({
      trace,
      predictors: [...BRANCH_BASELINES, ...BRANCH_REFERENCES],
      testFrom,
      recordAt: at,
      quiet: options.quiet,
    });
    const wanted = new Set(at.site);
    const bySite = (sites: { site: number }[], value: (s: SiteBranchCounts) => number) =>
      Object.fromEntries(
        (sites as SiteBranchCounts[]).filter((s) => wanted.has(s.site)).map((
          s,
        ) => [s.site, value(s)]),
      );
    const train = await trainOutcomes(trace, testFrom, wanted);
    return {
      testFrom,
      testInstructions: report.testInstructions,
      testBranches: report.testBranches,
      hardSites: report.hard.sites,
      siteExecutions: bySite(report.scores[0].sites, (s) => s.executions),
      siteMispredictions: Object.fromEntries(
        report.scores.map((s) => [s.predictor, bySite(s.sites, (c) => c.mispredictions)]),
      ),
      trainTaken: train.taken,
      trainExecutions: train.executions,
      trace: Object.fromEntries(report.scores.map((s) => [s.predictor, {
        mispredictionRate: s.mispredictionRate,
        mpki: s.mpki,
        hardMispredictionRate: s.hard.mispredictionRate,
        hardMpki: s.hard.mpki,
      }])),
      predictions: Object.fromEntries(
        Object.entries(report.recorded!.predictions).map(([k, v]) => [k, Array.from(v)]),
      ),
      taken: Array.from(report.recorded!.taken),
    };
  });
}

/** Scores of one address predictor on every test load of its stream. */
export interface TraceAddressScore {
  accuracyLine: number;
  accuracyExact: number;
  coverage: number;
}

/** Address baselines of one trace: predictions at the record points (null = no prediction). */
export interface AddressBaselines {
  /** Per predictor: its score on every test load of its stream (the LSTM's stream is filtered). */
  trace: Record<string, TraceAddressScore>;
  /** Per predictor: the predicted next address at each record point, or null. */
  predictions: Record<string, (number | null)[]>;
  /** The actual next address of the site at each record point (null if none). */
  nextAddr: (number | null)[];
  /** LSTM training statistics, when it ran. */
  lstmTraining?: Record<string, number>;
}

/** A load stream with only the loads of `sites`. */
export function filteredLoads(base: LoadStream, sites: Iterable<number>): LoadStream {
  const keep = new Set(sites);
  return {
    get instructions() {
      return base.instructions;
    },
    async *batches() {
      for await (const b of base.batches()) {
        const rows: number[] = [];
        for (let i = 0; i < b.length; i++) if (keep.has(b.site[i])) rows.push(i);
        if (rows.length === 0) continue;
        yield {
          length: rows.length,
          site: Uint32Array.from(rows, (i) => b.site[i]),
          pc: Float64Array.from(rows, (i) => b.pc[i]),
          addr: Float64Array.from(rows, (i) => b.addr[i]),
          icount: Float64Array.from(rows, (i) => b.icount[i]),
        };
      }
    },
  };
}

const toNullable = (a: Float64Array) => Array.from(a, (v) => (Number.isNaN(v) ? null : v));

/**
 * Runs (or loads) the online address baselines on `trace` recorded at `at`;
 * with `lstm`, instead the LSTM with that seed on the loads of `lstm.sites`.
 */
export async function addressBaselines(
  trace: string,
  testFrom: number,
  at: RecordPoints,
  options: { lstm?: { options: LstmOptions; seed: number; sites: number[] }; quiet?: boolean } = {},
): Promise<AddressBaselines> {
  const lstm = options.lstm;
  const predictors = lstm ? [LSTM_PREDICTOR] : [...ONLINE_ADDRESS_BASELINES, ...ADDRESS_REFERENCES];
  const key = {
    trace: await traceIdentity(trace),
    testFrom,
    predictors,
    lstm: lstm ? { ...lstm.options, seed: lstm.seed, sites: lstm.sites } : null,
    at: await hashOf(at),
  };
  return await cachedJson(lstm ? "lstm-baselines" : "address-baselines", key, async () => {
    const all = await loadStreamFromTrace(await openTrace(trace));
    const report = await scoreAddressStream({
      loads: lstm ? filteredLoads(all, lstm.sites) : all,
      predictors,
      testFrom,
      recordAt: at,
      lstm: lstm ? { ...lstm.options, seed: lstm.seed } : undefined,
      quiet: options.quiet,
    });
    const recorded = report.recorded!;
    return {
      trace: Object.fromEntries(report.scores.map((s) => [s.predictor, {
        accuracyLine: s.accuracyLine,
        accuracyExact: s.accuracyExact,
        coverage: s.coverage,
      }])),
      predictions: Object.fromEntries(
        Object.entries(recorded.predictions).map(([k, v]) => [k, toNullable(v)]),
      ),
      nextAddr: toNullable(recorded.nextAddr),
      ...(report.lstmTraining
        ? { lstmTraining: report.lstmTraining as unknown as Record<string, number> }
        : {}),
    };
  });
}

/** Every branch baseline on each trace of `tests`, recorded at its test instances, in order. */
export async function branchBaselinesAt(
  tests: readonly TraceTests[],
  options: { quiet?: boolean } = {},
): Promise<BranchBaselines[]> {
  const out: BranchBaselines[] = [];
  for (const t of tests) {
    out.push(await branchBaselines(t.trace.path, t.trace.stats.testFrom, t.at, options));
  }
  return out;
}

/** The address baselines of one trace: the online predictors, and the LSTM per seed. */
export interface TraceAddressBaselines {
  online: AddressBaselines;
  /** One per seed, in seed order. */
  lstm: AddressBaselines[];
}

/**
 * The online address baselines on each trace of `tests`, and the embedding LSTM per seed on the
 * loads of the trace's selected load sites, recorded at the test instances, in order.
 */
export async function addressBaselinesAt(
  tests: readonly TraceTests[],
  options: { lstm: LstmOptions; seeds: number[]; quiet?: boolean },
): Promise<TraceAddressBaselines[]> {
  const out: TraceAddressBaselines[] = [];
  for (const t of tests) {
    const testFrom = t.trace.stats.testFrom;
    const sites = t.trace.sites.filter((s) => t.trace.stats.kind[s] === "l");
    const quiet = options.quiet;
    const online = await addressBaselines(t.trace.path, testFrom, t.at, { quiet });
    const lstm: AddressBaselines[] = [];
    for (const seed of options.seeds) {
      lstm.push(
        await addressBaselines(t.trace.path, testFrom, t.at, {
          lstm: { options: options.lstm, seed, sites },
          quiet,
        }),
      );
    }
    out.push({ online, lstm });
  }
  return out;
}

/** Per site of `sites`: executions and taken executions of the train part (before `testFrom`). */
async function trainOutcomes(
  path: string,
  testFrom: number,
  sites: ReadonlySet<number>,
): Promise<{ executions: Record<string, number>; taken: Record<string, number> }> {
  const executions: Record<string, number> = {};
  const taken: Record<string, number> = {};
  for (const s of sites) executions[s] = taken[s] = 0;
  const trace = await openTrace(path);
  for await (const chunk of trace.chunks()) {
    for (let i = 0; i < chunk.length; i++) {
      if (chunk.icount[i] >= testFrom) return { executions, taken };
      const site = chunk.site[i];
      if (chunk.kind[i] !== BRANCH || !sites.has(site)) continue;
      executions[site]++;
      taken[site] += chunk.taken[i];
    }
  }
  return { executions, taken };
}
