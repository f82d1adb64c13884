/**
 * TAGE-SC-L after A. Seznec's CBP-5 (2016) winner: a bimodal base predictor,
 * bank-interleaved tagged tables over geometric global-history lengths with
 * useful bits, allocation on a misprediction and USE_ALT_ON_NA; a loop
 * predictor; and a statistical corrector (bias tables and GEHL components
 * over global, path, local and inner-most-loop histories, per-PC dynamic
 * thresholds, component weights, and the TAGE/SC chooser).
 *
 * The algorithm follows the published 64 KB `predictor.h` step by step
 * (index and tag hashes, bank interleaving, allocation with the OPTREMP
 * replacement, TICK-driven u resets, the loop predictor's allocation and
 * confidence, the SC update rule). Deviations, all forced by the trace or
 * chosen for one shared implementation:
 *
 * - The trace holds conditional branches only, so only they update the
 *   global and path histories (2 bits each, as in the original); the original
 *   also inserts unconditional jumps, calls and returns.
 * - Branch targets are not in the trace. The SC's backward-branch history
 *   and the IMLI counter need "is this a backward branch": a taken branch
 *   counts as backward when the next conditional branch executed is at a
 *   lower or equal address, remembered per PC (a 4096-entry bit table that
 *   stands in for the target the fetch unit knows, not counted as predictor
 *   storage). So these updates happen when the next branch is predicted.
 * - SC history masks use 64-bit arithmetic (`1ULL << len`), as the CBP 2025
 *   port does; the 2016 code's `1 << 40` silently masked to 8 bits on x86.
 * - The 8 KB configuration keeps the 8 KB sizes, history lengths and SC
 *   composition but uses the 64 KB code's index/tag hashes, allocation and
 *   u-reset policy (the 8 KB submission has its own variants of these).
 * - Storage counts every bit of state, including the loop predictor's
 *   WITHLOOP counter and the SC threshold register the original's printout
 *   omits; see {@linkcode tageScLStorage}.
 *
 * @module
 */
import { UserError } from "../../common/mod.ts";
import type { BranchPredictor } from "./predictor.ts";
import {
  type ScHistory,
  scTableEntries,
  TAGE_SC_L_WIDTHS,
  type TageScLConfig,
  type TageScLStorage,
  tageScLStorage,
} from "./tage_sc_l_config.ts";

const HISTORY_BUFFER = 4096;
const PATH_BITS = TAGE_SC_L_WIDTHS.pathHistory;
const PATH_MASK = (1 << PATH_BITS) - 1;
const BORN_TICK = 1024;
const CONF_LOOP = 15;
const LOOP_ITER_MASK = (1 << 10) - 1;
const LOOP_TAG_BITS = 10;
const BACKWARD_BITS = 12;
const TWO_32 = 4294967296;
/**
 * Fields of one table pair in `#pair`: its odd table number, path-history
 * mask, PC shift of the index hash, tag mask, whether it is in the
 * long-history group (`born` is odd, so a pair never straddles it), which
 * tables are enabled (1 the odd one, 2 the even one), and each table's
 * position among the enabled tables of its group modulo the group's banks
 * (its bank is the group's first bank for this branch plus that).
 */
const PAIR_TABLE = 0;
const PAIR_PATH_MASK = 1;
const PAIR_PC_SHIFT = 2;
const PAIR_TAG_MASK = 3;
const PAIR_HIGH = 4;
const PAIR_ENABLED = 5;
const PAIR_RANK_ODD = 6;
const PAIR_RANK_EVEN = 7;
const PAIR_FIELDS = 8;
/** Index of each history kind in the per-predict history arrays. */
const HISTORY_KINDS: readonly ScHistory[] = [
  "taken",
  "backward",
  "path",
  "local",
  "second-local",
  "third-local",
  "imli-count",
  "imli-history",
];

/** Saturating signed counter update of `nbits` bits, as Seznec's `ctrupdate`. */
function ctrUpdate(value: number, taken: boolean, nbits: number): number {
  if (taken) return value < (1 << (nbits - 1)) - 1 ? value + 1 : value;
  return value > -(1 << (nbits - 1)) ? value - 1 : value;
}

/** The low 32 bits of `(hi:lo) >>> s` for 0 < s < 64. */
function shiftRight64(hi: number, lo: number, s: number): number {
  if (s < 32) return (lo >>> s) | (hi << (32 - s));
  return (hi >>> (s - 32)) | 0;
}

function checkConfig(config: TageScLConfig): void {
  const bad = (what: string) => {
    throw new UserError(
      `TAGE-SC-L configuration ${config.name}: ${what}`,
      "fix the configuration in lib/baselines/branch/tage_sc_l_config.ts",
    );
  };
  if (config.tables % 2 !== 0 || config.tables < 4 || config.tables > 40) {
    bad("tables must be even, 4..40");
  }
  if (config.born % 2 !== 1) bad("born must be odd (pairs of tables share a bank group)");
  if (config.maxHistory >= HISTORY_BUFFER) bad(`maxHistory must be below ${HISTORY_BUFFER}`);
  if (config.logLoopEntries < 3) bad("logLoopEntries must be at least 3");
  for (const c of config.components) {
    if (c.lengths.length < 1 || c.lengths.length > 3) bad("an SC component has 1 to 3 tables");
    if (c.lengths.some((n) => n < 1 || n > 48)) bad("SC history lengths are 1..48 bits");
  }
}

/** TAGE-SC-L with a configuration of `tage_sc_l_config.ts`. */
export class TageScLPredictor implements BranchPredictor {
  readonly name: string;
  readonly storageBits: number;
  /** The storage by part. */
  readonly storage: TageScLStorage;

  // --- TAGE geometry
  readonly #nHist: number;
  readonly #logG: number;
  readonly #gMask: number;
  readonly #banksLow: number;
  readonly #banksHigh: number;
  readonly #highOffset: number;
  /** The PC's bits above 32 seen last, and (those bits * 2^32) mod banksHigh, mod banksLow. */
  #bankPcHi = -1;
  #bankHiHigh = 0;
  #bankHiLow = 0;
  readonly #bMask: number;
  readonly #uMax: number;
  readonly #noSkip: Uint8Array;
  /**
   * Table pairs (2k+1, 2k+2) with at least one enabled table, by pair p, in
   * one array (`#pair[PAIR_FIELDS * p + PAIR_...]`) so the index loop keeps
   * few arrays live: see the `PAIR_` constants.
   */
  readonly #pair: Int32Array;
  /** Pairs from this one on mix the same path term into their index (whole path history, no rotation). */
  readonly #pathSharedFrom: number;
  /** History length of pair p. */
  readonly #foldLength: Int32Array;
  /**
   * Folded histories of each pair: index (logG bits), tag (TB bits) and
   * second tag (TB - 1 bits) at `#comp[3p + r]`; their geometry at
   * `#fold[4(3p + r) + ...]`: length, outpoint, (outpoint + 1) mod length, mask.
   */
  readonly #comp: Int32Array;
  readonly #fold: Int32Array;
  readonly #bankMaskHigh: number;
  readonly #bankMaskLow: number;
  readonly #useAltMask: number;
  readonly #useAltModulo: boolean;

  // --- TAGE state
  readonly #ctr: Int8Array;
  readonly #tag: Uint16Array;
  readonly #u: Uint8Array;
  readonly #bPred: Uint8Array;
  readonly #bHyst: Uint8Array;
  readonly #useAlt: Int8Array;
  readonly #ghist = new Uint8Array(HISTORY_BUFFER);
  #ptghist = 0;
  #phist = 0;
  #tick = 0;
  #seed = 0;

  // --- loop predictor
  readonly #logL: number;
  readonly #lNbIter: Uint16Array;
  readonly #lConfid: Uint8Array;
  readonly #lCurrent: Uint16Array;
  readonly #lTag: Uint16Array;
  readonly #lAge: Uint8Array;
  readonly #lDir: Uint8Array;
  #withLoop = -1;

  // --- statistical corrector
  readonly #logBias: number;
  readonly #biasBankWithPc: boolean;
  readonly #bias: Int8Array;
  readonly #biasSk: Int8Array;
  readonly #biasBank: Int8Array;
  readonly #weightBias = new Int8Array(TAGE_SC_L_WIDTHS.weightEntries);
  readonly #nComp: number;
  readonly #compKind: Int32Array;
  readonly #compWithPrediction: Uint8Array;
  readonly #compInThreshold: Uint8Array;
  readonly #compFirst: Int32Array;
  readonly #compWeights: Int8Array;
  readonly #thresholdStep: number;
  /**
   * Flat SC tables: per table t its offset, index mask, history-length mask
   * (two halves), whether the history needs 64 bits, and the 5 shifts of the
   * index hash; a shift at or above the length, whose term is 0 in the
   * original, is replaced by one that gives 0 here (31, or 63 for 64-bit
   * histories), so that every table XORs 5 terms without a loop.
   */
  readonly #scTables: Int8Array;
  readonly #tOffset: Int32Array;
  readonly #tMask: Int32Array;
  readonly #tLenLo: Int32Array;
  readonly #tLenHi: Int32Array;
  readonly #tWide: Uint8Array;
  readonly #tShifts: Int32Array;
  readonly #pcThreshold = new Int32Array(TAGE_SC_L_WIDTHS.pcThresholdEntries);
  #updateThreshold = 35 << 3;
  #firstH = 0;
  #secondH = 0;
  // SC histories; "taken" and "backward" are 64-bit pairs (hi, lo)
  #takenLo = 0;
  #takenHi = 0;
  #backLo = 0;
  #backHi = 0;
  readonly #localMask: number;
  readonly #local: Int32Array;
  readonly #secondLocal = new Int32Array(TAGE_SC_L_WIDTHS.secondLocalEntries);
  readonly #thirdLocal = new Int32Array(TAGE_SC_L_WIDTHS.thirdLocalEntries);
  readonly #thirdLocalShift: number;
  readonly #imliHistory = new Int32Array(TAGE_SC_L_WIDTHS.imliHistoryEntries);
  #imliCount = 0;
  readonly #imliMax: number;
  readonly #backward = new Uint8Array(1 << BACKWARD_BITS);
  #pendingValid = false;
  #pendingPc = 0;
  #pendingTaken = false;

  // --- state of the last prediction, used by update()
  #lastPc = -1;
  readonly #gi: Int32Array;
  readonly #gtag: Int32Array;
  #bi = 0;
  #bim = 0;
  #hitBank = 0;
  #altBank = 0;
  #longestMatchPred = false;
  #altTaken = false;
  #tagePred = false;
  #highConf = false;
  #medConf = false;
  #lowConf = false;
  #altConf = false;
  #predLoop = false;
  #loopValid = false;
  #loopHit = -1;
  #loopIndex = 0;
  #loopBank = 0;
  #loopTag = 0;
  #predInter = false;
  #pred = false;
  #lsum = 0;
  #thres = 0;
  #biasIdx = 0;
  #biasSkIdx = 0;
  #biasBankIdx = 0;
  readonly #scIdx: Int32Array;
  readonly #histLo = new Int32Array(HISTORY_KINDS.length);
  readonly #histHi = new Int32Array(HISTORY_KINDS.length);

  constructor(config: TageScLConfig) {
    checkConfig(config);
    this.name = config.name;
    this.storage = tageScLStorage(config);
    this.storageBits = this.storage.total;

    const nHist = config.tables;
    const logG = config.logBankEntries;
    this.#nHist = nHist;
    this.#logG = logG;
    this.#gMask = (1 << logG) - 1;
    this.#banksLow = config.banksLow;
    this.#banksHigh = config.banksHigh;
    this.#highOffset = config.banksLow << logG;
    this.#bMask = (1 << config.logBimodal) - 1;
    this.#uMax = (1 << config.usefulBits) - 1;

    // Geometric history lengths: m[1..nHist/2], then each pair shares one.
    const m = new Int32Array(nHist + 1);
    const half = nHist / 2;
    m[1] = config.minHistory;
    m[half] = config.maxHistory;
    for (let i = 2; i <= half; i++) {
      m[i] = Math.floor(
        config.minHistory *
            Math.pow(config.maxHistory / config.minHistory, (i - 1) / (half - 1)) + 0.5,
      );
    }
    for (let i = nHist; i > 1; i--) m[i] = m[(i + 1) >> 1];
    this.#noSkip = new Uint8Array(nHist + 1);
    for (let i = 1; i <= nHist; i++) {
      this.#noSkip[i] = ((i - 1) & 1) || (i >= config.assocFrom && i < config.assocTo) ? 1 : 0;
    }
    for (const i of config.disabledTables) this.#noSkip[i] = 0;
    const enabled = [...this.#noSkip.keys()].filter((i) => this.#noSkip[i] === 1);
    const bankRank = new Int32Array(nHist + 2);
    const low = enabled.filter((i) => i < config.born);
    const high = enabled.filter((i) => i >= config.born);
    low.forEach((i, k) => bankRank[i] = k % config.banksLow);
    high.forEach((i, k) => bankRank[i] = k % config.banksHigh);
    const activePairs: number[] = [];
    for (let i = 1; i < nHist; i += 2) {
      if (this.#noSkip[i] || this.#noSkip[i + 1]) activePairs.push(i);
    }
    const pairs = activePairs.length;
    const shared = activePairs.findIndex((i) => i >= logG && m[i] >= PATH_BITS);
    this.#pathSharedFrom = shared < 0 ? pairs : shared;
    this.#pair = new Int32Array(pairs * PAIR_FIELDS);
    this.#foldLength = new Int32Array(pairs);
    this.#comp = new Int32Array(pairs * 3);
    this.#fold = new Int32Array(pairs * 12);
    activePairs.forEach((i, p) => {
      const tb = config.tagBits + (i >= config.born ? 4 : 0);
      const fields = new Int32Array(PAIR_FIELDS);
      fields[PAIR_TABLE] = i;
      fields[PAIR_PATH_MASK] = (1 << Math.min(m[i], PATH_BITS)) - 1;
      fields[PAIR_PC_SHIFT] = Math.abs(logG - i) + 1;
      fields[PAIR_TAG_MASK] = (1 << tb) - 1;
      fields[PAIR_HIGH] = i >= config.born ? 1 : 0;
      fields[PAIR_ENABLED] = this.#noSkip[i] + 2 * this.#noSkip[i + 1];
      fields[PAIR_RANK_ODD] = bankRank[i];
      fields[PAIR_RANK_EVEN] = bankRank[i + 1];
      this.#pair.set(fields, p * PAIR_FIELDS);
      this.#foldLength[p] = m[i];
      [logG, tb, tb - 1].forEach((length, r) => {
        const outpoint = m[i] % length;
        this.#fold.set(
          [length, outpoint, (outpoint + 1) % length, (1 << length) - 1],
          (3 * p + r) * 4,
        );
      });
    });
    this.#bankMaskHigh = m[config.born] >= PATH_BITS ? PATH_MASK : (1 << m[config.born]) - 1;
    this.#bankMaskLow = m[1] >= PATH_BITS ? PATH_MASK : (1 << m[1]) - 1;
    this.#useAltMask = (1 << config.logUseAlt) - 1;
    this.#useAltModulo = config.useAltModulo;

    const entries = (config.banksLow + config.banksHigh) << logG;
    this.#ctr = new Int8Array(entries);
    this.#tag = new Uint16Array(entries);
    this.#u = new Uint8Array(entries);
    this.#bPred = new Uint8Array(1 << config.logBimodal);
    this.#bHyst = new Uint8Array(1 << (config.logBimodal - 2)).fill(1);
    this.#useAlt = new Int8Array(1 << config.logUseAlt);
    this.#gi = new Int32Array(nHist + 1);
    this.#gtag = new Int32Array(nHist + 1);

    const loopEntries = 1 << config.logLoopEntries;
    this.#logL = config.logLoopEntries;
    this.#lNbIter = new Uint16Array(loopEntries);
    this.#lConfid = new Uint8Array(loopEntries);
    this.#lCurrent = new Uint16Array(loopEntries);
    this.#lTag = new Uint16Array(loopEntries);
    this.#lAge = new Uint8Array(loopEntries);
    this.#lDir = new Uint8Array(loopEntries);

    // Statistical corrector.
    this.#logBias = config.logBias;
    this.#biasBankWithPc = config.biasBankWithPc;
    const biasEntries = 1 << config.logBias;
    const pattern = (values: number[]) =>
      Int8Array.from({ length: biasEntries }, (_, j) => values[j & 3]);
    this.#bias = pattern([-32, 31, -1, 0]);
    this.#biasSk = pattern([-8, 7, -32, 31]);
    this.#biasBank = pattern([-32, 31, -1, 0]);
    this.#weightBias.fill(4);
    const comps = config.components;
    this.#nComp = comps.length;
    this.#compKind = Int32Array.from(comps, (c) => HISTORY_KINDS.indexOf(c.history));
    this.#compWithPrediction = Uint8Array.from(comps, (c) => (c.withPrediction ? 1 : 0));
    this.#compInThreshold = Uint8Array.from(comps, (c) => (c.inThreshold ? 1 : 0));
    this.#compWeights = new Int8Array(comps.length * TAGE_SC_L_WIDTHS.weightEntries);
    comps.forEach((c, ci) => {
      // WIM (IMLI-OH) starts at 0 in the original; the others at 7.
      const start = c.history === "imli-history" ? 0 : 7;
      this.#compWeights.fill(start, ci * 8, ci * 8 + 8);
    });
    this.#thresholdStep = config.thresholdStep;
    const tableCount = comps.reduce((n, c) => n + c.lengths.length, 0);
    this.#compFirst = new Int32Array(comps.length + 1);
    this.#tOffset = new Int32Array(tableCount);
    this.#tMask = new Int32Array(tableCount);
    this.#tLenLo = new Int32Array(tableCount);
    this.#tLenHi = new Int32Array(tableCount);
    this.#tWide = new Uint8Array(tableCount);
    this.#tShifts = new Int32Array(tableCount * 5);
    this.#scIdx = new Int32Array(tableCount);
    let t = 0;
    let offset = 0;
    comps.forEach((c, ci) => {
      this.#compFirst[ci] = t;
      c.lengths.forEach((length, j) => {
        const size = scTableEntries(config, c, j);
        this.#tOffset[t] = offset;
        this.#tMask[t] = size - 1;
        this.#tLenLo[t] = length >= 32 ? -1 : (2 ** length - 1) | 0;
        this.#tLenHi[t] = length > 32 ? (2 ** (length - 32) - 1) | 0 : 0;
        this.#tWide[t] = length > 31 ? 1 : 0;
        const none = length > 31 ? 63 : 31;
        const shifts = [8 - j, 16 - 2 * j, 24 - 3 * j, 32 - 3 * j, 40 - 4 * j]
          .map((shift) => shift < length ? shift : none);
        this.#tShifts.set(shifts, t * 5);
        offset += size;
        t++;
      });
    });
    this.#compFirst[comps.length] = t;
    this.#scTables = new Int8Array(offset);
    // Every table starts with even entries at -1 (weakly not taken), odd ones at 0.
    for (let ti = 0; ti < tableCount; ti++) {
      for (let j = 0; j <= this.#tMask[ti]; j += 2) this.#scTables[this.#tOffset[ti] + j] = -1;
    }
    this.#localMask = config.localEntries - 1;
    this.#local = new Int32Array(config.localEntries);
    const third = comps.find((c) => c.history === "third-local");
    this.#thirdLocalShift = third ? third.logEntries : 10;
    const imli = comps.find((c) => c.history === "imli-count");
    this.#imliMax = imli ? (1 << imli.lengths[0]) - 1 : 255;
  }

  /** Seznec's pseudo-random generator, fed by the histories (deterministic). */
  #random(): number {
    let s = (this.#seed + 1) | 0;
    s ^= this.#phist;
    s = ((s >> 21) + (s << 11)) | 0;
    s ^= this.#ptghist;
    s = ((s >> 10) + (s << 22)) | 0;
    this.#seed = s;
    return s;
  }

  /** Applies the backward-branch-dependent history updates of the previous branch, now that `pc` follows it. */
  #resolvePending(pc: number): void {
    if (!this.#pendingValid) return;
    this.#pendingValid = false;
    const prev = this.#pendingPc;
    const prevLo = prev >>> 0;
    const slot = (prevLo ^ (prevLo >>> BACKWARD_BITS)) & ((1 << BACKWARD_BITS) - 1);
    const taken = this.#pendingTaken;
    if (taken) this.#backward[slot] = pc <= prev ? 1 : 0;
    const backward = this.#backward[slot] === 1;
    const t = taken ? 1 : 0;
    this.#imliHistory[this.#imliCount] = (this.#imliHistory[this.#imliCount] << 1) + t;
    if (backward) {
      if (!taken) this.#imliCount = 0;
      else if (this.#imliCount < this.#imliMax) this.#imliCount++;
    }
    const bit = taken && backward ? 1 : 0;
    this.#backHi = (this.#backHi << 1) | (this.#backLo >>> 31);
    this.#backLo = (this.#backLo << 1) | bit;
  }

  #getBim(): boolean {
    const bi = this.#bi;
    const bim = (this.#bPred[bi] << 1) + this.#bHyst[bi >> 2];
    this.#bim = bim;
    this.#highConf = bim === 0 || bim === 3;
    this.#lowConf = !this.#highConf;
    this.#altConf = this.#highConf;
    this.#medConf = false;
    return this.#bPred[bi] > 0;
  }

  #baseUpdate(taken: boolean): void {
    let inter = this.#bim;
    if (taken) {
      if (inter < 3) inter++;
    } else if (inter > 0) inter--;
    this.#bPred[this.#bi] = inter >> 1;
    this.#bHyst[this.#bi >> 2] = inter & 1;
  }

  #useAltIndex(): number {
    const i = (((this.#hitBank - 1) >> 3) << 1) + (this.#altConf ? 1 : 0);
    return this.#useAltModulo ? i % this.#useAltMask : i;
  }

  #setBankPcHi(pcHi: number): void {
    this.#bankPcHi = pcHi;
    // `| 0` keeps these fields small integers (not boxed doubles) for the JIT.
    this.#bankHiHigh = (((pcHi % this.#banksHigh) * (TWO_32 % this.#banksHigh)) % this.#banksHigh) |
      0;
    this.#bankHiLow = (((pcHi % this.#banksLow) * (TWO_32 % this.#banksLow)) % this.#banksLow) | 0;
  }

  #tagePredict(pc: number, lo: number): void {
    const logG = this.#logG;
    const gMask = this.#gMask;
    const phist = this.#phist;
    const gi = this.#gi;
    const gtag = this.#gtag;
    const pair = this.#pair;
    const comp = this.#comp;
    const tags = this.#tag;
    // Bank interleaving: consecutive enabled tables of a group go to
    // consecutive banks, from bank (PC ^ masked path history) mod banks, the
    // PC taken whole. (hi * 2^32 + x) mod B = ((hi * 2^32) mod B + x mod B)
    // mod B keeps this on small integers; the PC's high part rarely changes.
    const pcHi = (pc - lo) / TWO_32;
    if (pcHi !== this.#bankPcHi) this.#setBankPcHi(pcHi);
    const banksHigh = this.#banksHigh;
    const banksLow = this.#banksLow;
    let firstHigh = this.#bankHiHigh +
      ((((lo ^ (phist & this.#bankMaskHigh)) >>> 0) % banksHigh) | 0);
    if (firstHigh >= banksHigh) firstHigh -= banksHigh;
    let firstLow = this.#bankHiLow + ((((lo ^ (phist & this.#bankMaskLow)) >>> 0) % banksLow) | 0);
    if (firstLow >= banksLow) firstLow -= banksLow;
    const highOffset = this.#highOffset;
    // F() of the pairs that mask no path bits and do not rotate.
    const sharedFrom = this.#pathSharedFrom;
    const sharedPath = (phist & gMask) ^ (phist >>> logG);
    // Longest history first, so the two longest matching tables (hit and
    // alternate) are found while the indices are computed.
    let hit = 0;
    let alt = 0;
    for (let p = this.#foldLength.length - 1; p >= 0; p--) {
      const f = p * PAIR_FIELDS;
      const i = pair[f + PAIR_TABLE];
      let a = sharedPath;
      if (p < sharedFrom) {
        // F(): mixes the path history into the index (Seznec's OGEHL-style hash).
        a = phist & pair[f + PAIR_PATH_MASK];
        const a1 = a & gMask;
        let a2 = a >>> logG;
        if (i < logG) a2 = ((a2 << i) & gMask) + (a2 >>> (logG - i));
        a = a1 ^ a2;
        if (i < logG) a = ((a << i) & gMask) + (a >>> (logG - i));
      }
      const index = (lo ^ (lo >>> pair[f + PAIR_PC_SHIFT]) ^ comp[3 * p] ^ a) & gMask;
      const tag = (lo ^ comp[3 * p + 1] ^ (comp[3 * p + 2] << 1)) & pair[f + PAIR_TAG_MASK];
      const high = pair[f + PAIR_HIGH] === 1;
      const first = high ? firstHigh : firstLow;
      const banks = high ? banksHigh : banksLow;
      const base = high ? highOffset : 0;
      let bank = first + pair[f + PAIR_RANK_EVEN];
      if (bank >= banks) bank -= banks;
      const e1 = (index ^ (tag & gMask)) + (bank << logG) + base;
      bank = first + pair[f + PAIR_RANK_ODD];
      if (bank >= banks) bank -= banks;
      const e0 = index + (bank << logG) + base;
      gi[i] = e0;
      gi[i + 1] = e1;
      gtag[i] = tag;
      gtag[i + 1] = tag;
      if (alt === 0) {
        const enabled = pair[f + PAIR_ENABLED];
        if ((enabled & 2) !== 0 && tags[e1] === tag) {
          if (hit === 0) hit = i + 1;
          else alt = i + 1;
        }
        if ((enabled & 1) !== 0 && alt === 0 && tags[e0] === tag) {
          if (hit === 0) hit = i;
          else alt = i;
        }
      }
    }
    this.#bi = (lo ^ (lo >>> 2)) & this.#bMask;
    this.#altTaken = this.#getBim();
    this.#tagePred = this.#altTaken;
    this.#longestMatchPred = this.#altTaken;
    const ctr = this.#ctr;
    this.#hitBank = hit;
    this.#altBank = alt;
    if (hit > 0) {
      const c = ctr[gi[hit]];
      this.#longestMatchPred = c >= 0;
      if (alt > 0) {
        const ca = ctr[gi[alt]];
        this.#altTaken = ca >= 0;
        this.#altConf = Math.abs(2 * ca + 1) > 1;
      } else this.#altTaken = this.#getBim();
      const strength = Math.abs(2 * c + 1);
      const useAlt = this.#useAlt[this.#useAltIndex()] >= 0;
      this.#tagePred = !useAlt || strength > 1 ? this.#longestMatchPred : this.#altTaken;
      this.#highConf = strength >= 7;
      this.#lowConf = strength === 1;
      this.#medConf = strength === 5;
    }
  }

  #loopPredict(lo: number): boolean {
    const sub = this.#logL - 2;
    const li = ((lo ^ (lo >>> 2)) & ((1 << sub) - 1)) << 2;
    const lib = (lo >>> sub) & ((1 << sub) - 1);
    let ltag = (lo >>> sub) & ((1 << (2 * LOOP_TAG_BITS)) - 1);
    ltag ^= ltag >>> LOOP_TAG_BITS;
    ltag &= (1 << LOOP_TAG_BITS) - 1;
    this.#loopIndex = li;
    this.#loopBank = lib;
    this.#loopTag = ltag;
    this.#loopHit = -1;
    for (let i = 0; i < 4; i++) {
      const index = (li ^ ((lib >> i) << 2)) + i;
      if (this.#lTag[index] === ltag) {
        this.#loopHit = i;
        const confid = this.#lConfid[index];
        this.#loopValid = confid === CONF_LOOP || confid * this.#lNbIter[index] > 128;
        const dir = this.#lDir[index] === 1;
        return this.#lCurrent[index] + 1 === this.#lNbIter[index] ? !dir : dir;
      }
    }
    this.#loopValid = false;
    return false;
  }

  #loopUpdate(taken: boolean, allocate: boolean): void {
    const li = this.#loopIndex;
    const lib = this.#loopBank;
    if (this.#loopHit >= 0) {
      const index = (li ^ ((lib >> this.#loopHit) << 2)) + this.#loopHit;
      if (this.#loopValid) {
        if (taken !== this.#predLoop) {
          this.#lNbIter[index] = 0;
          this.#lAge[index] = 0;
          this.#lConfid[index] = 0;
          this.#lCurrent[index] = 0;
          return;
        } else if (this.#predLoop !== this.#tagePred || (this.#random() & 7) === 0) {
          if (this.#lAge[index] < CONF_LOOP) this.#lAge[index]++;
        }
      }
      const current = (this.#lCurrent[index] + 1) & LOOP_ITER_MASK;
      this.#lCurrent[index] = current;
      if (current > this.#lNbIter[index]) {
        this.#lConfid[index] = 0;
        this.#lNbIter[index] = 0;
      }
      if (taken !== (this.#lDir[index] === 1)) {
        if (current === this.#lNbIter[index]) {
          if (this.#lConfid[index] < CONF_LOOP) this.#lConfid[index]++;
          if (this.#lNbIter[index] < 3) {
            // Do not predict loops of 1 or 2 iterations: free the entry.
            this.#lDir[index] = taken ? 1 : 0;
            this.#lNbIter[index] = 0;
            this.#lAge[index] = 0;
            this.#lConfid[index] = 0;
          }
        } else {
          if (this.#lNbIter[index] === 0) {
            this.#lConfid[index] = 0;
            this.#lNbIter[index] = current;
          } else {
            this.#lNbIter[index] = 0;
            this.#lConfid[index] = 0;
          }
        }
        this.#lCurrent[index] = 0;
      }
    } else if (allocate) {
      const x = this.#random() & 3;
      if ((this.#random() & 3) === 0) {
        const index = (li ^ ((lib >> x) << 2)) + x;
        if (this.#lAge[index] === 0) {
          // Most mispredictions are on the last iteration: the loop runs the other way.
          this.#lDir[index] = taken ? 0 : 1;
          this.#lTag[index] = this.#loopTag;
          this.#lNbIter[index] = 0;
          this.#lAge[index] = 7;
          this.#lConfid[index] = 0;
          this.#lCurrent[index] = 0;
        } else this.#lAge[index]--;
      }
    }
  }

  /** Loads the SC histories of this branch into `#histLo`/`#histHi`. */
  #loadHistories(lo: number): void {
    const hl = this.#histLo;
    const hh = this.#histHi;
    hl[0] = this.#takenLo;
    hh[0] = this.#takenHi;
    hl[1] = this.#backLo;
    hh[1] = this.#backHi;
    hl[2] = this.#phist;
    hl[3] = this.#local[(lo ^ (lo >>> 2)) & this.#localMask];
    hl[4] = this.#secondLocal[(lo ^ (lo >>> 5)) & 15];
    hl[5] = this.#thirdLocal[(lo ^ (lo >>> this.#thirdLocalShift)) & 15];
    hl[6] = this.#imliCount;
    hl[7] = this.#imliHistory[this.#imliCount];
  }

  /** Computes the SC table indices and returns the weighted GEHL sum. */
  #scSum(lo: number): number {
    const upds = (lo ^ (lo >>> 2)) & 7;
    const tables = this.#scTables;
    const shifts = this.#tShifts;
    const wide = this.#tWide;
    const lenLo = this.#tLenLo;
    const lenHi = this.#tLenHi;
    const offset = this.#tOffset;
    const mask = this.#tMask;
    const scIdx = this.#scIdx;
    const first = this.#compFirst;
    const kinds = this.#compKind;
    const weights = this.#compWeights;
    const withPrediction = this.#compWithPrediction;
    const predicted = this.#predInter ? 1 : 0;
    let sum = 0;
    for (let c = 0; c < kinds.length; c++) {
      const kind = kinds[c];
      const histLo = this.#histLo[kind];
      const histHi = this.#histHi[kind];
      const pcPart = withPrediction[c] ? (lo << 1) + predicted : lo;
      let percsum = 0;
      for (let t = first[c]; t < first[c + 1]; t++) {
        // GINDEX: PC ^ h ^ (h >> (8 - j)) ^ (h >> (16 - 2j)) ^ ... for the masked history h.
        const bl = histLo & lenLo[t];
        let x = pcPart ^ bl;
        const s = t * 5;
        if (wide[t]) {
          const bh = histHi & lenHi[t];
          for (let k = s; k < s + 5; k++) x ^= shiftRight64(bh, bl, shifts[k]);
        } else {
          x ^= (bl >>> shifts[s]) ^ (bl >>> shifts[s + 1]) ^ (bl >>> shifts[s + 2]) ^
            (bl >>> shifts[s + 3]) ^ (bl >>> shifts[s + 4]);
        }
        const index = offset[t] + (x & mask[t]);
        scIdx[t] = index;
        percsum += 2 * tables[index] + 1;
      }
      sum += (weights[c * 8 + upds] >= 0 ? 2 : 1) * percsum;
    }
    return sum;
  }

  predict(pc: number): boolean {
    this.#resolvePending(pc);
    const lo = pc >>> 0;
    this.#lastPc = pc;
    this.#tagePredict(pc, lo);
    let pred = this.#tagePred;
    this.#predLoop = this.#loopPredict(lo);
    if (this.#withLoop >= 0 && this.#loopValid) pred = this.#predLoop;
    this.#predInter = pred;

    // Statistical corrector.
    const pi = pred ? 1 : 0;
    const pcHash = lo ^ (lo >>> 2);
    const biasMask = (1 << this.#logBias) - 1;
    this.#biasIdx =
      ((((pcHash << 1) ^ (this.#lowConf && this.#longestMatchPred !== this.#altTaken ? 1 : 0)) <<
        1) + pi) & biasMask;
    this.#biasSkIdx =
      (((((lo ^ (lo >>> (this.#logBias - 2))) << 1) ^ (this.#highConf ? 1 : 0)) << 1) + pi) &
      biasMask;
    this.#biasBankIdx = (pi + (((this.#hitBank + 1) >> 2) << 4) + (this.#highConf ? 2 : 0) +
      (this.#lowConf ? 4 : 0) + (this.#altBank !== 0 ? 8 : 0) +
      (this.#biasBankWithPc ? pcHash << 7 : 0)) & biasMask;
    const upds = pcHash & 7;
    const biasSum = 2 * this.#bias[this.#biasIdx] + 1 + 2 * this.#biasSk[this.#biasSkIdx] + 1 +
      2 * this.#biasBank[this.#biasBankIdx] + 1;
    let lsum = (this.#weightBias[upds] >= 0 ? 2 : 1) * biasSum;
    this.#loadHistories(lo);
    lsum += this.#scSum(lo);
    let weightsOn = this.#weightBias[upds] >= 0 ? 1 : 0;
    for (let c = 0; c < this.#nComp; c++) {
      if (this.#compInThreshold[c] && this.#compWeights[c * 8 + upds] >= 0) weightsOn++;
    }
    const thres = (this.#updateThreshold >> 3) + this.#pcThreshold[pcHash & 63] +
      this.#thresholdStep * weightsOn;
    this.#lsum = lsum;
    this.#thres = thres;
    const scPred = lsum >= 0;
    if (pred !== scPred) {
      // The chooser: trust SC unless TAGE is confident and |sum| is small.
      const mag = Math.abs(lsum);
      let choice = scPred;
      if (this.#highConf) {
        if (mag < ((thres / 4) | 0)) choice = pred;
        else if (mag < ((thres / 2) | 0)) choice = this.#secondH < 0 ? scPred : pred;
      }
      if (this.#medConf && mag < ((thres / 4) | 0)) choice = this.#firstH < 0 ? scPred : pred;
      pred = choice;
    }
    this.#pred = pred;
    return pred;
  }

  update(pc: number, taken: boolean): void {
    if (pc !== this.#lastPc) this.predict(pc);
    const lo = pc >>> 0;
    const pred = this.#pred;

    // Loop predictor.
    if (this.#loopValid && pred !== this.#predLoop) {
      this.#withLoop = ctrUpdate(this.#withLoop, this.#predLoop === taken, 7);
    }
    this.#loopUpdate(taken, pred !== taken);

    this.#scUpdate(lo, taken);
    this.#tageUpdate(taken);
    this.#historyUpdate(pc, lo, taken);
    this.#lastPc = -1;
  }

  #scUpdate(lo: number, taken: boolean): void {
    const lsum = this.#lsum;
    const thres = this.#thres;
    const mag = Math.abs(lsum);
    const scPred = lsum >= 0;
    const predInter = this.#predInter;
    if (predInter !== scPred) {
      if (mag < thres && this.#highConf && mag < ((thres / 2) | 0) && mag >= ((thres / 4) | 0)) {
        this.#secondH = ctrUpdate(this.#secondH, predInter === taken, TAGE_SC_L_WIDTHS.chooser);
      }
      if (this.#medConf && mag < ((thres / 4) | 0)) {
        this.#firstH = ctrUpdate(this.#firstH, predInter === taken, TAGE_SC_L_WIDTHS.chooser);
      }
    }
    if (scPred === taken && mag >= thres) return;

    const pcHash = lo ^ (lo >>> 2);
    const upd = pcHash & 63;
    const upds = pcHash & 7;
    const delta = scPred !== taken ? 1 : -1;
    const pMax = (1 << (TAGE_SC_L_WIDTHS.pcThreshold - 1)) - 1;
    const gMax = (1 << (TAGE_SC_L_WIDTHS.threshold - 1)) - 1;
    this.#pcThreshold[upd] = Math.max(-pMax - 1, Math.min(pMax, this.#pcThreshold[upd] + delta));
    this.#updateThreshold = Math.max(-gMax - 1, Math.min(gMax, this.#updateThreshold + delta));

    const pc6 = TAGE_SC_L_WIDTHS.scCounter;
    const ew = TAGE_SC_L_WIDTHS.weight;
    const biasSum = 2 * this.#bias[this.#biasIdx] + 1 + 2 * this.#biasSk[this.#biasSkIdx] + 1 +
      2 * this.#biasBank[this.#biasBankIdx] + 1;
    const xb = lsum - (this.#weightBias[upds] >= 0 ? biasSum : 0);
    if ((xb + biasSum >= 0) !== (xb >= 0)) {
      this.#weightBias[upds] = ctrUpdate(this.#weightBias[upds], (biasSum >= 0) === taken, ew);
    }
    this.#bias[this.#biasIdx] = ctrUpdate(this.#bias[this.#biasIdx], taken, pc6);
    this.#biasSk[this.#biasSkIdx] = ctrUpdate(this.#biasSk[this.#biasSkIdx], taken, pc6);
    this.#biasBank[this.#biasBankIdx] = ctrUpdate(this.#biasBank[this.#biasBankIdx], taken, pc6);

    const tables = this.#scTables;
    for (let c = 0; c < this.#nComp; c++) {
      let percsum = 0;
      for (let t = this.#compFirst[c]; t < this.#compFirst[c + 1]; t++) {
        const index = this.#scIdx[t];
        percsum += 2 * tables[index] + 1;
        tables[index] = ctrUpdate(tables[index], taken, pc6);
      }
      const w = c * 8 + upds;
      const xs = lsum - (this.#compWeights[w] >= 0 ? percsum : 0);
      if ((xs + percsum >= 0) !== (xs >= 0)) {
        this.#compWeights[w] = ctrUpdate(this.#compWeights[w], (percsum >= 0) === taken, ew);
      }
    }
  }

  #tageUpdate(taken: boolean): void {
    const gi = this.#gi;
    const ctr = this.#ctr;
    const u = this.#u;
    const hit = this.#hitBank;
    const alt = this.#altBank;
    const nHist = this.#nHist;
    let allocate = this.#tagePred !== taken && hit < nHist;
    if (hit > 0 && Math.abs(2 * ctr[gi[hit]] + 1) <= 1) {
      // A weak longest match is treated as newly allocated.
      if (this.#longestMatchPred === taken) allocate = false;
      if (this.#longestMatchPred !== this.#altTaken) {
        const i = this.#useAltIndex();
        this.#useAlt[i] = ctrUpdate(
          this.#useAlt[i],
          this.#altTaken === taken,
          TAGE_SC_L_WIDTHS.useAlt,
        );
      }
    }
    if (this.#pred === taken && (this.#random() & 31) !== 0) allocate = false;

    if (allocate) {
      let remaining = 1; // NNN: allocate up to 1 + NNN entries
      const a = (this.#random() & 127) < 32 ? 2 : 1;
      let penalty = 0;
      let allocated = 0;
      const noSkip = this.#noSkip;
      const tags = this.#tag;
      const gtag = this.#gtag;
      const dep = ((hit - 1 + 2 * a) & 0xffe) ^ (this.#random() & 1);
      outer: for (let bigI = dep; bigI < nHist; bigI += 2) {
        let done = false;
        for (let pass = 0; pass < 2 && !done; pass++) {
          const i = pass === 0 ? bigI + 1 : (bigI ^ 1) + 1;
          if (!noSkip[i]) continue;
          const e = gi[i];
          if (u[e] === 0) {
            if (Math.abs(2 * ctr[e] + 1) <= 3) {
              tags[e] = gtag[i];
              ctr[e] = taken ? 0 : -1;
              allocated++;
              if (remaining <= 0) break outer;
              bigI += 2;
              done = true;
              remaining--;
            } else if (ctr[e] > 0) ctr[e]--;
            else ctr[e]++;
          } else penalty++;
        }
      }
      this.#tick += penalty - 2 * allocated;
      if (this.#tick < 0) this.#tick = 0;
      if (this.#tick >= BORN_TICK) {
        for (let j = 0; j < u.length; j++) u[j] >>= 1;
        this.#tick = 0;
      }
    }

    if (hit > 0) {
      const e = gi[hit];
      if (Math.abs(2 * ctr[e] + 1) === 1 && this.#longestMatchPred !== taken) {
        if (alt > 0) {
          ctr[gi[alt]] = ctrUpdate(ctr[gi[alt]], taken, TAGE_SC_L_WIDTHS.counter);
        } else this.#baseUpdate(taken);
      }
      ctr[e] = ctrUpdate(ctr[e], taken, TAGE_SC_L_WIDTHS.counter);
      if (Math.abs(2 * ctr[e] + 1) === 1) u[e] = 0;
      if (
        this.#altTaken === taken && alt > 0 && Math.abs(2 * ctr[gi[alt]] + 1) === 7 &&
        u[e] === 1 && this.#longestMatchPred === taken
      ) u[e] = 0;
      if (this.#longestMatchPred !== this.#altTaken && this.#longestMatchPred === taken) {
        if (u[e] < this.#uMax) u[e]++;
      }
    } else this.#baseUpdate(taken);
  }

  #historyUpdate(pc: number, lo: number, taken: boolean): void {
    const t = taken ? 1 : 0;
    // SC histories that do not need the branch direction (backward ones wait for the next branch).
    this.#takenHi = (this.#takenHi << 1) | (this.#takenLo >>> 31);
    this.#takenLo = (this.#takenLo << 1) | t;
    const li = (lo ^ (lo >>> 2)) & this.#localMask;
    this.#local[li] = (this.#local[li] << 1) + t;
    const si = (lo ^ (lo >>> 5)) & 15;
    this.#secondLocal[si] = ((this.#secondLocal[si] << 1) + t) ^ (lo & 15);
    const ti = (lo ^ (lo >>> this.#thirdLocalShift)) & 15;
    this.#thirdLocal[ti] = (this.#thirdLocal[ti] << 1) + t;
    this.#pendingValid = true;
    this.#pendingPc = pc;
    this.#pendingTaken = taken;

    // Global and path histories: 2 bits per conditional branch, the first
    // one carrying the outcome. Folding both at once: one fold step is a
    // rotate left by 1 XOR the incoming bit XOR the outgoing bit at the
    // outpoint, so two steps are a rotate by 2 with the first step's bits
    // rotated once more.
    const hash = lo ^ (lo >>> 2);
    const path = hash ^ (lo >>> 4);
    const first = (hash ^ t) & 1;
    const second = (hash >>> 1) & 1;
    const incoming = (first << 1) | second;
    const ghist = this.#ghist;
    const y1 = (this.#ptghist - 1) | 0;
    const y2 = (y1 - 1) | 0;
    ghist[y1 & (HISTORY_BUFFER - 1)] = first;
    ghist[y2 & (HISTORY_BUFFER - 1)] = second;
    this.#ptghist = y2;
    const phist = (((this.#phist << 1) ^ (path & 127)) << 1) ^ ((path >>> 1) & 127);
    const foldLength = this.#foldLength;
    const comp = this.#comp;
    const fold = this.#fold;
    for (let p = 0, r = 0, g = 0; p < foldLength.length; p++, r += 3, g += 12) {
      const out1 = ghist[(y1 + foldLength[p]) & (HISTORY_BUFFER - 1)];
      const out2 = ghist[(y2 + foldLength[p]) & (HISTORY_BUFFER - 1)];
      // The pair's three folds (index, tag, second tag), unrolled.
      const c0 = comp[r];
      comp[r] = (((c0 << 2) | (c0 >>> (fold[g] - 2))) & fold[g + 3]) ^ incoming ^
        (out1 << fold[g + 2]) ^ (out2 << fold[g + 1]);
      const c1 = comp[r + 1];
      comp[r + 1] = (((c1 << 2) | (c1 >>> (fold[g + 4] - 2))) & fold[g + 7]) ^ incoming ^
        (out1 << fold[g + 6]) ^ (out2 << fold[g + 5]);
      const c2 = comp[r + 2];
      comp[r + 2] = (((c2 << 2) | (c2 >>> (fold[g + 8] - 2))) & fold[g + 11]) ^ incoming ^
        (out1 << fold[g + 10]) ^ (out2 << fold[g + 9]);
    }
    this.#phist = phist & PATH_MASK;
  }
}
