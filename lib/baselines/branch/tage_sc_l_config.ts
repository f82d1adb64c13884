/**
 * Configurations of TAGE-SC-L after A. Seznec's CBP-5 (2016) winning
 * submissions, "TAGE-SC-L Branch Predictors Again" (64 KB and 8 KB tracks),
 * and the storage budget they imply.
 *
 * The sizes below (table counts, banks, entries, tag and counter widths,
 * history lengths, loop entries, SC components and their history lengths)
 * are those of the published `predictor.h` files; `design` names which of
 * the two programs the algorithm follows where they differ (see
 * `tage_sc_l.ts`).
 *
 * @module
 */

/** A history that indexes the tables of one statistical-corrector component. */
export type ScHistory =
  /** Global conditional outcomes. */
  | "taken"
  /** Global history of taken backward branches (the 64 KB "GHIST", the 8 KB "BWHIST"). */
  | "backward"
  /** TAGE's 27-bit path history. */
  | "path"
  /** First local history (per-PC outcomes, `localEntries` histories). */
  | "local"
  /** Second local history (16 histories, hashed with PC bits). */
  | "second-local"
  /** Third local history (16 histories, another PC hash). */
  | "third-local"
  /** The inner-most loop iteration count (IMLI-SIC). */
  | "imli-count"
  /** Outcomes per inner-most loop iteration (IMLI-OH). */
  | "imli-history";

/** One GEHL-like component of the statistical corrector. */
export interface ScComponent {
  history: ScHistory;
  /**
   * History length of each table, in bits (at most 3 tables: the index hash
   * is defined for 3). The reference masks a history with `(1 << n) - 1` on a
   * 32-bit `int`, which x86-64 evaluates with the shift count modulo 32: the
   * 64 KB global component's 40 keeps 8 bits, as the reference's does.
   */
  lengths: number[];
  /** log2 of the entries of a full-size table. */
  logEntries: number;
  /** Hash TAGE's prediction (after the loop predictor) into the index, as the 64 KB global component does. */
  withPrediction: boolean;
  /** Whether this component's weight adds to the SC threshold (VARTHRES). */
  inThreshold: boolean;
}

/** Everything that sizes one TAGE-SC-L predictor. */
export interface TageScLConfig {
  /** Registry name. */
  name: string;
  /**
   * Which of Seznec's two programs the algorithm follows: their index and
   * tag hashes, folded-history widths, allocation, u-counter aging, random
   * generator and path history differ (see `tage_sc_l.ts`).
   */
  design: "64kb" | "8kb";
  /** Tagged tables, numbered 1..tables; pairs (2k+1, 2k+2) share one history length (NHIST). */
  tables: number;
  /** Banks shared by tables below `born` (NBANKLOW) and from `born` on (NBANKHIGH). */
  banksLow: number;
  banksHigh: number;
  /** First table of the long-history group (BORN). */
  born: number;
  /** Tables in [assocFrom, assocTo) use both tables of a pair (2-way); elsewhere only even ones (BORNINFASSOC, BORNSUPASSOC). */
  assocFrom: number;
  assocTo: number;
  /** Tables switched off on top of that ("just eliminate some extra tables"). */
  disabledTables: number[];
  /** Shortest and longest global history, in history bits (MINHIST, MAXHIST). */
  minHistory: number;
  maxHistory: number;
  /** log2 of the entries of one bank (LOGG). */
  logBankEntries: number;
  /** Tag bits of the short-history tables; long-history tables have 4 more (TBITS). */
  tagBits: number;
  /** Width of the useful counters (UWIDTH). */
  usefulBits: number;
  /** log2 of the bimodal base predictor's entries (LOGB). */
  logBimodal: number;
  /** log2 of the USE_ALT_ON_NA counters (LOGSIZEUSEALT). */
  logUseAlt: number;
  /** The 64 KB code reduces the USE_ALT_ON_NA index modulo (entries - 1); the 8 KB code does not. */
  useAltModulo: boolean;
  /** log2 of the loop predictor's entries, 4-way skewed (LOGL). */
  logLoopEntries: number;
  /** log2 of the entries of each of the three bias tables (LOGBIAS). */
  logBias: number;
  /** The 64 KB BiasBank index includes PC bits; the 8 KB one does not. */
  biasBankWithPc: boolean;
  /** First local histories (NLOCAL). */
  localEntries: number;
  /** The two last tables of every component have half the entries (64 KB) or not (8 KB). */
  halveLastTwo: boolean;
  /**
   * Threshold increment per non-negative component weight (VARTHRES): 12 in
   * the 64 KB code. The 8 KB code's `+ 6 * (...)` follows a semicolon, so it
   * is never added: 0.
   */
  thresholdStep: number;
  components: ScComponent[];
}

/** Fixed widths shared by both budgets (bits). */
export const TAGE_SC_L_WIDTHS = {
  /** Prediction counters of the tagged tables (CWIDTH). */
  counter: 3,
  /** Path history (PHISTWIDTH). */
  pathHistory: 27,
  /** The u-reset TICK counter. */
  tick: 10,
  /** USE_ALT_ON_NA counters (ALTWIDTH). */
  useAlt: 5,
  /** Loop entry: iteration count, current iteration, tag, confidence, age, direction. */
  loopEntry: 10 + 10 + 10 + 4 + 4 + 1,
  /** The loop predictor's usefulness counter (WITHLOOP). */
  withLoop: 7,
  /** SC counters (PERCWIDTH). */
  scCounter: 6,
  /** Global and per-PC SC thresholds (WIDTHRES, WIDTHRESP) and the per-PC threshold entries (2^LOGSIZEUP). */
  threshold: 12,
  pcThreshold: 8,
  pcThresholdEntries: 64,
  /** Component weights (EWIDTH) and their entries (2^LOGSIZEUPS). */
  weight: 6,
  weightEntries: 8,
  /** The two chooser counters (CONFWIDTH). */
  chooser: 7,
  /** Second and third local histories, IMLI-OH histories. */
  secondLocalEntries: 16,
  thirdLocalEntries: 16,
  imliHistoryEntries: 256,
} as const;

/** The 64 KB configuration of the CBP-5 submission. */
export const TAGE_SC_L_64KB: TageScLConfig = {
  name: "tage-sc-l-64kb",
  design: "64kb",
  tables: 36,
  banksLow: 10,
  banksHigh: 20,
  born: 13,
  assocFrom: 9,
  assocTo: 23,
  disabledTables: [4, 36 - 2, 8, 36 - 6],
  minHistory: 6,
  maxHistory: 3000,
  logBankEntries: 10,
  tagBits: 8,
  usefulBits: 1,
  logBimodal: 13,
  logUseAlt: 4,
  useAltModulo: true,
  logLoopEntries: 5,
  logBias: 8,
  biasBankWithPc: true,
  localEntries: 256,
  halveLastTwo: true,
  thresholdStep: 12,
  components: [
    {
      history: "backward",
      lengths: [40, 24, 10],
      logEntries: 10,
      withPrediction: true,
      inThreshold: true,
    },
    {
      history: "path",
      lengths: [25, 16, 9],
      logEntries: 9,
      withPrediction: false,
      inThreshold: true,
    },
    {
      history: "local",
      lengths: [11, 6, 3],
      logEntries: 10,
      withPrediction: false,
      inThreshold: true,
    },
    {
      history: "second-local",
      lengths: [16, 11, 6],
      logEntries: 9,
      withPrediction: false,
      inThreshold: true,
    },
    {
      history: "third-local",
      lengths: [9, 4],
      logEntries: 10,
      withPrediction: false,
      inThreshold: true,
    },
    {
      history: "imli-history",
      lengths: [10, 4],
      logEntries: 9,
      withPrediction: false,
      inThreshold: false,
    },
    {
      history: "imli-count",
      lengths: [8],
      logEntries: 8,
      withPrediction: false,
      inThreshold: true,
    },
  ],
};

/** The 8 KB configuration of the CBP-5 submission. */
export const TAGE_SC_L_8KB: TageScLConfig = {
  name: "tage-sc-l-8kb",
  design: "8kb",
  tables: 30,
  banksLow: 9,
  banksHigh: 17,
  born: 11,
  assocFrom: 7,
  assocTo: 21,
  disabledTables: [],
  minHistory: 4,
  maxHistory: 1000,
  logBankEntries: 7,
  tagBits: 8,
  usefulBits: 2,
  logBimodal: 12,
  logUseAlt: 3,
  useAltModulo: false,
  logLoopEntries: 3,
  logBias: 7,
  biasBankWithPc: false,
  localEntries: 64,
  halveLastTwo: false,
  thresholdStep: 0,
  components: [
    { history: "taken", lengths: [6, 3], logEntries: 7, withPrediction: false, inThreshold: true },
    {
      history: "backward",
      lengths: [16, 8],
      logEntries: 7,
      withPrediction: false,
      inThreshold: true,
    },
    { history: "local", lengths: [6, 3], logEntries: 7, withPrediction: false, inThreshold: true },
    {
      history: "imli-count",
      lengths: [8],
      logEntries: 7,
      withPrediction: false,
      inThreshold: true,
    },
  ],
};

/** Entries of table `j` (0-based) of a component. */
export function scTableEntries(config: TageScLConfig, component: ScComponent, j: number): number {
  const halved = config.halveLastTwo && j >= component.lengths.length - 2;
  return 1 << (component.logEntries - (halved ? 1 : 0));
}

/** Storage of a TAGE-SC-L configuration, in bits, by part. */
export interface TageScLStorage {
  /** Tagged tables, bimodal base, USE_ALT_ON_NA, global and path history, TICK. */
  tage: number;
  /** Loop predictor entries and its usefulness counter. */
  loop: number;
  /** Statistical corrector: tables, weights, thresholds, its own histories, the chooser. */
  sc: number;
  total: number;
}

/** Counts every bit of state a configuration holds (an honest sum; see `tage_sc_l.ts`). */
export function tageScLStorage(config: TageScLConfig): TageScLStorage {
  const w = TAGE_SC_L_WIDTHS;
  const bank = 1 << config.logBankEntries;
  const tage = config.banksHigh * bank * (w.counter + config.usefulBits + config.tagBits + 4) +
    config.banksLow * bank * (w.counter + config.usefulBits + config.tagBits) +
    (1 << config.logUseAlt) * w.useAlt +
    (1 << config.logBimodal) + (1 << (config.logBimodal - 2)) +
    config.maxHistory + w.pathHistory + w.tick;
  const loop = (1 << config.logLoopEntries) * w.loopEntry + w.withLoop;
  let sc = w.pcThreshold * w.pcThresholdEntries + w.threshold +
    w.weight * w.weightEntries * (1 + config.components.length) +
    w.scCounter * 3 * (1 << config.logBias) + 2 * w.chooser;
  const longest = (h: ScHistory) =>
    Math.max(0, ...config.components.filter((c) => c.history === h).flatMap((c) => c.lengths));
  for (const c of config.components) {
    c.lengths.forEach((_, j) => sc += scTableEntries(config, c, j) * w.scCounter);
  }
  sc += longest("taken") + longest("backward") + longest("imli-count") +
    config.localEntries * longest("local") +
    w.secondLocalEntries * longest("second-local") +
    w.thirdLocalEntries * longest("third-local") +
    w.imliHistoryEntries * longest("imli-history");
  return { tage, loop, sc, total: tage + loop + sc };
}
