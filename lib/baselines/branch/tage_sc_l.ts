/**
 * TAGE-SC-L, A. Seznec's CBP-5 (2016) winners, bit-exact with his 64 KB and
 * 8 KB `predictor.h` as the CBP-2016 driver runs them on x86-64 (checked
 * prediction for prediction: `tests/baselines_tage_test.ts`). A bimodal base
 * predictor, bank-interleaved tagged tables over geometric global-history
 * lengths with useful bits, allocation on a misprediction and USE_ALT_ON_NA;
 * a loop predictor (`tage_sc_l_loop.ts`); and a statistical corrector
 * (`tage_sc_l_corrector.ts`).
 *
 * Like the CBP driver, the predictor is given each conditional branch's taken
 * target (`target < PC` makes it a backward branch, for the corrector's
 * backward history and IMLI) and every unconditional jump, call and return
 * (`track`), which shift 2 bits (direct) or 3 bits (indirect, returns) of
 * their PC into the global and path histories.
 *
 * What the reference does as compiled on x86-64, kept on purpose:
 * - `(1 << m[BORN]) - 1`, the path mask of the long-history banks' start, is
 *   a 32-bit shift by m[BORN] modulo 32: 0x3fffff for the 64 KB (m = 54).
 * - The corrector's history masks: see `tage_sc_l_corrector.ts`.
 * - 8 KB: its allocation loop never sets its `Done` flag, so after
 *   allocating in the first table of a pair it goes on to the second table
 *   of the next pair in the same step, which can read `NOSKIP[NHIST + 1]`,
 *   one past the array: the zero padding byte after it in the x86-64 build
 *   (gcc 12), so that table counts as disabled here.
 * - 8 KB: its update threshold leaves out the component weights (see
 *   `thresholdStep` in `tage_sc_l_config.ts`), and its path history is never
 *   masked (only its low 32 bits reach anything).
 *
 * The two programs differ in (`design` of the configuration): the 8 KB one
 * folds the index history to 17 or 19 bits and folds that into the index,
 * hashes its tags with the previous table's index history and the path,
 * folds tags to 13 and 11 bits, protects a newly allocated entry at random
 * (1 in 32), frees a weak protected entry at random, weighs TICK by 5 per
 * allocation and counts true penalties twice, ages u by decrementing instead
 * of halving, mixes a table's tag into its random generator, does not
 * reduce the USE_ALT_ON_NA index modulo its size minus one, and leaves the PC
 * out of its bias-bank index (the last two are configuration fields).
 *
 * Storage counts every bit of state, including the loop predictor's WITHLOOP
 * counter and the SC threshold register the original's printout omits; see
 * {@linkcode tageScLStorage}.
 *
 * @module
 */
import { UserError } from "../../common/mod.ts";
import { type BranchPredictor, CALL, JUMP } from "./predictor.ts";
import { StatisticalCorrector, type TageView } from "./tage_sc_l_corrector.ts";
import { ctrUpdate, LoopPredictor } from "./tage_sc_l_loop.ts";
import {
  TAGE_SC_L_WIDTHS,
  type TageScLConfig,
  type TageScLStorage,
  tageScLStorage,
} from "./tage_sc_l_config.ts";

const HISTORY_BUFFER = 4096;
const PATH_BITS = TAGE_SC_L_WIDTHS.pathHistory;
const PATH_MASK = (1 << PATH_BITS) - 1;
const BORN_TICK = 1024;
const TWO_32 = 4294967296;
/**
 * Fields of one table pair (2k+1, 2k+2) in `#pair`: its odd table number,
 * the mask of the path bits F() mixes in, the PC shift of the index hash,
 * tag mask and width, whether it is in the long-history group (`born` is odd,
 * so a pair never straddles it), which tables are enabled (1 the odd one, 2
 * the even one), each table's position among the enabled tables of its group
 * modulo the group's banks, and (8 KB) the `#comp` slot of the previous
 * table's index history, or -1.
 */
const PAIR_TABLE = 0;
const PAIR_PATH_MASK = 1;
const PAIR_PC_SHIFT = 2;
const PAIR_TAG_MASK = 3;
const PAIR_TAG_BITS = 4;
const PAIR_HIGH = 5;
const PAIR_ENABLED = 6;
const PAIR_RANK_ODD = 7;
const PAIR_RANK_EVEN = 8;
const PAIR_PREVIOUS = 9;
const PAIR_FIELDS = 10;
/** Fields of one folded history in `#fold`: width, mask, and the outpoint rotated by 0, 1, 2. */
const FOLD_FIELDS = 5;

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
  if (config.born + 2 > config.tables) bad("born + 2 must be a table");
  if (config.maxHistory >= HISTORY_BUFFER) bad(`maxHistory must be below ${HISTORY_BUFFER}`);
  if (config.logLoopEntries < 3) bad("logLoopEntries must be at least 3");
  for (const c of config.components) {
    if (c.lengths.length < 1 || c.lengths.length > 3) bad("an SC component has 1 to 3 tables");
    if (c.lengths.some((n) => n < 1 || n > 63)) bad("SC history lengths are 1..63 bits");
  }
}

/** Geometric history lengths m[1..tables] (pairs share one), as `reinit()` computes them. */
function historyLengths(config: TageScLConfig): Int32Array {
  const nHist = config.tables;
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
  return m;
}

/** Tag bits of table `i`: 4 more in the long-history group. */
function tagBitsOf(config: TageScLConfig, i: number): number {
  return config.tagBits + (i >= config.born ? 4 : 0);
}

/**
 * NOSKIP[0 .. tables + 2]: which tables are used (odd ones only between
 * assocFrom and assocTo, minus the disabled ones); the two entries past the
 * last table stay 0 (the 8 KB allocation reads up to there).
 */
function enabledTables(config: TageScLConfig): Uint8Array {
  const noSkip = new Uint8Array(config.tables + 3);
  for (let i = 1; i <= config.tables; i++) {
    noSkip[i] = ((i - 1) & 1) || (i >= config.assocFrom && i < config.assocTo) ? 1 : 0;
  }
  for (const i of config.disabledTables) noSkip[i] = 0;
  return noSkip;
}

/**
 * The three folded histories (index, tag, second tag) of each pair (odd
 * tables `pairs`), `FOLD_FIELDS` each: width, mask, outpoint rotated by 0, 1,
 * 2. The 8 KB design folds the index history to 17 or 19 bits and the tags to
 * 13 and 11.
 */
function foldGeometry(config: TageScLConfig, m: Int32Array, pairs: number[]): Int32Array {
  const fold = new Int32Array(pairs.length * 3 * FOLD_FIELDS);
  pairs.forEach((i, p) => {
    const tagBits = tagBitsOf(config, i);
    const widths = config.design === "8kb"
      ? [17 + ((2 * ((i - 1) >> 1)) % 4), 13, 11]
      : [config.logBankEntries, tagBits, tagBits - 1];
    widths.forEach((width, r) => {
      const outpoint = m[i] % width;
      fold.set(
        [width, (1 << width) - 1, outpoint, (outpoint + 1) % width, (outpoint + 2) % width],
        (3 * p + r) * FOLD_FIELDS,
      );
    });
  });
  return fold;
}

/** TAGE-SC-L with a configuration of `tage_sc_l_config.ts`. */
export class TageScLPredictor implements BranchPredictor {
  readonly name: string;
  readonly storageBits: number;
  /** The storage by part. */
  readonly storage: TageScLStorage;

  // --- TAGE geometry
  readonly #small: boolean;
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
  /** NOSKIP, see {@linkcode enabledTables}. */
  readonly #noSkip: Uint8Array;
  /** Table pairs kept (all in 8 KB; with an enabled table in 64 KB): see the `PAIR_` constants. */
  readonly #pair: Int32Array;
  /** Pairs from this one on mix the same path term into their index (whole path history, no rotation). */
  readonly #pathSharedFrom: number;
  /** History length of pair p. */
  readonly #foldLength: Int32Array;
  /** Folded histories of each pair: index, tag, second tag at `#comp[3p + r]` (geometry in `#fold`). */
  readonly #comp: Int32Array;
  readonly #fold: Int32Array;
  readonly #bankMaskHigh: number;
  readonly #bankMaskLow: number;
  readonly #useAltMask: number;
  readonly #useAltModulo: boolean;
  /** 8 KB: the pair whose odd table's tag (GTAG[BORN + 2]) the random generator mixes in. */
  readonly #randomTagPair: number;

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

  readonly #loop: LoopPredictor;
  readonly #sc: StatisticalCorrector;

  // --- state of the last prediction, used by update()
  #lastPc = -1;
  readonly #gi: Int32Array;
  readonly #gtag: Int32Array;
  #randomTag = 0;
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
  #pred = false;
  readonly #view: TageView = {
    prediction: false,
    highConf: false,
    medConf: false,
    lowConf: false,
    disagree: false,
    hitBank: 0,
    altBank: 0,
  };

  constructor(config: TageScLConfig) {
    checkConfig(config);
    this.name = config.name;
    this.storage = tageScLStorage(config);
    this.storageBits = this.storage.total;
    this.#small = config.design === "8kb";
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
    const m = historyLengths(config);
    this.#noSkip = enabledTables(config);
    const pairs: number[] = [];
    for (let i = 1; i < nHist; i += 2) {
      if (this.#small || this.#noSkip[i] || this.#noSkip[i + 1]) pairs.push(i);
    }
    const shared = pairs.findIndex((i) => i >= logG && m[i] >= PATH_BITS);
    this.#pathSharedFrom = shared < 0 ? pairs.length : shared;
    this.#pair = this.#pairFields(config, m, pairs);
    this.#foldLength = Int32Array.from(pairs, (i) => m[i]);
    this.#comp = new Int32Array(pairs.length * 3);
    this.#fold = foldGeometry(config, m, pairs);
    // The reference's `(1 << m) - 1` on a 32-bit int, shift count modulo 32.
    this.#bankMaskHigh = ((1 << m[config.born]) - 1) | 0;
    this.#bankMaskLow = ((1 << m[1]) - 1) | 0;
    this.#useAltMask = (1 << config.logUseAlt) - 1;
    this.#useAltModulo = config.useAltModulo;
    const randomTable = config.born + 2;
    this.#randomTagPair = pairs.indexOf(randomTable - ((randomTable - 1) & 1));

    const entries = (config.banksLow + config.banksHigh) << logG;
    this.#ctr = new Int8Array(entries);
    this.#tag = new Uint16Array(entries);
    this.#u = new Uint8Array(entries);
    this.#bPred = new Uint8Array(1 << config.logBimodal);
    this.#bHyst = new Uint8Array(1 << (config.logBimodal - 2)).fill(1);
    this.#useAlt = new Int8Array(1 << config.logUseAlt);
    this.#gi = new Int32Array(nHist + 1);
    this.#gtag = new Int32Array(nHist + 1);
    this.#loop = new LoopPredictor(config.logLoopEntries, () => this.#random());
    this.#sc = new StatisticalCorrector(config);
  }

  /** The `PAIR_` fields of every kept pair, in one array. */
  #pairFields(config: TageScLConfig, m: Int32Array, pairs: number[]): Int32Array {
    const logG = config.logBankEntries;
    const enabled = [...this.#noSkip.keys()].filter((i) => i <= config.tables && this.#noSkip[i]);
    const bankRank = new Int32Array(config.tables + 2);
    enabled.filter((i) => i < config.born).forEach((i, k) => bankRank[i] = k % config.banksLow);
    enabled.filter((i) => i >= config.born).forEach((i, k) => bankRank[i] = k % config.banksHigh);
    const fields = new Int32Array(pairs.length * PAIR_FIELDS);
    pairs.forEach((i, p) => {
      const tagBits = tagBitsOf(config, i);
      fields.set([
        i,
        (1 << Math.min(m[i], PATH_BITS)) - 1,
        Math.abs(logG - i) + 1,
        (1 << tagBits) - 1,
        tagBits,
        i >= config.born ? 1 : 0,
        this.#noSkip[i] + 2 * this.#noSkip[i + 1],
        bankRank[i],
        bankRank[i + 1],
        this.#small && p > 0 ? 3 * (p - 1) : -1,
      ], p * PAIR_FIELDS);
    });
    return fields;
  }

  /** Seznec's pseudo-random generator, fed by the histories (deterministic). */
  #random(): number {
    let s = (this.#seed + 1) | 0;
    s ^= this.#phist;
    s = ((s >> 21) + (s << 11)) | 0;
    s ^= this.#ptghist;
    s = ((s >> 10) + (s << 22)) | 0;
    if (this.#small) s ^= this.#randomTag;
    this.#seed = s;
    return s;
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

  /**
   * The first bank of each group for this branch: (PC ^ masked path history)
   * mod banks, the PC taken whole. (hi * 2^32 + x) mod B = ((hi * 2^32) mod B
   * + x mod B) mod B keeps this on small integers; the PC's high part rarely
   * changes. Returns the high group's in the high 16 bits.
   */
  #firstBanks(pc: number, lo: number): number {
    const pcHi = (pc - lo) / TWO_32;
    if (pcHi !== this.#bankPcHi) this.#setBankPcHi(pcHi);
    const phist = this.#phist;
    const banksHigh = this.#banksHigh;
    const banksLow = this.#banksLow;
    let high = this.#bankHiHigh + ((((lo ^ (phist & this.#bankMaskHigh)) >>> 0) % banksHigh) | 0);
    if (high >= banksHigh) high -= banksHigh;
    let low = this.#bankHiLow + ((((lo ^ (phist & this.#bankMaskLow)) >>> 0) % banksLow) | 0);
    if (low >= banksLow) low -= banksLow;
    return (high << 16) | low;
  }

  /** F(): mixes the path history into the index of pair field offset `f` (the OGEHL-style hash). */
  #pathHash(f: number, path: number): number {
    const logG = this.#logG;
    const gMask = this.#gMask;
    const i = this.#pair[f + PAIR_TABLE];
    const a = path & this.#pair[f + PAIR_PATH_MASK];
    let a2 = a >>> logG;
    if (i < logG) a2 = ((a2 << i) & gMask) + (a2 >>> (logG - i));
    const mixed = (a & gMask) ^ a2;
    return i < logG ? ((mixed << i) & gMask) + (mixed >>> (logG - i)) : mixed;
  }

  /** The 8 KB tag of pair field offset `f` (pair p), given F()'s value `a`. */
  #smallTag(f: number, p: number, lo: number, a: number): number {
    const comp = this.#comp;
    const previous = this.#pair[f + PAIR_PREVIOUS];
    let tag = ((previous < 0 ? 0 : comp[previous]) << 2) ^ lo ^ (lo >>> 2) ^ comp[3 * p];
    tag = (tag >> 1) ^ ((tag & 1) << 10) ^ a;
    tag ^= comp[3 * p + 1] ^ (comp[3 * p + 2] << 1);
    return (tag ^ (tag >> this.#pair[f + PAIR_TAG_BITS])) & this.#pair[f + PAIR_TAG_MASK];
  }

  #tagePredict(pc: number, lo: number): void {
    const logG = this.#logG;
    const gMask = this.#gMask;
    const small = this.#small;
    const path = this.#phist & PATH_MASK;
    const gi = this.#gi;
    const gtag = this.#gtag;
    const pair = this.#pair;
    const comp = this.#comp;
    const tags = this.#tag;
    const banks = this.#firstBanks(pc, lo);
    const firstHigh = banks >>> 16;
    const firstLow = banks & 0xffff;
    const highOffset = this.#highOffset;
    const banksHigh = this.#banksHigh;
    const banksLow = this.#banksLow;
    const sharedFrom = this.#pathSharedFrom;
    const sharedPath = (path & gMask) ^ (path >>> logG);
    // Longest history first, so the two longest matching tables (hit and
    // alternate) are found while the indices are computed.
    let hit = 0;
    let alt = 0;
    for (let p = this.#foldLength.length - 1; p >= 0; p--) {
      const f = p * PAIR_FIELDS;
      const i = pair[f + PAIR_TABLE];
      const a = p < sharedFrom ? this.#pathHash(f, path) : sharedPath;
      let index = lo ^ (lo >>> pair[f + PAIR_PC_SHIFT]) ^ comp[3 * p] ^ a;
      let tag: number;
      if (small) {
        index = (index ^ (index >> logG) ^ (index >> (2 * logG))) & gMask;
        tag = this.#smallTag(f, p, lo, a);
        if (p === this.#randomTagPair) this.#randomTag = tag;
      } else {
        index &= gMask;
        tag = (lo ^ comp[3 * p + 1] ^ (comp[3 * p + 2] << 1)) & pair[f + PAIR_TAG_MASK];
      }
      const high = pair[f + PAIR_HIGH] === 1;
      const first = high ? firstHigh : firstLow;
      const groupBanks = high ? banksHigh : banksLow;
      const base = high ? highOffset : 0;
      let bank = first + pair[f + PAIR_RANK_EVEN];
      if (bank >= groupBanks) bank -= groupBanks;
      const e1 = (index ^ (tag & gMask)) + (bank << logG) + base;
      bank = first + pair[f + PAIR_RANK_ODD];
      if (bank >= groupBanks) bank -= groupBanks;
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
    this.#choose(lo, hit, alt);
  }

  /** TAGE's prediction from the hitting and alternate tables (0: none). */
  #choose(lo: number, hit: number, alt: number): void {
    this.#bi = (lo ^ (lo >>> 2)) & this.#bMask;
    this.#altTaken = this.#getBim();
    this.#tagePred = this.#altTaken;
    this.#longestMatchPred = this.#altTaken;
    this.#hitBank = hit;
    this.#altBank = alt;
    if (hit === 0) return;
    const ctr = this.#ctr;
    const gi = this.#gi;
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

  predict(pc: number): boolean {
    const lo = pc >>> 0;
    this.#lastPc = pc;
    this.#tagePredict(pc, lo);
    const loop = this.#loop;
    loop.predict(lo);
    const view = this.#view;
    view.prediction = loop.usefulness >= 0 && loop.valid ? loop.prediction : this.#tagePred;
    view.highConf = this.#highConf;
    view.medConf = this.#medConf;
    view.lowConf = this.#lowConf;
    view.disagree = this.#longestMatchPred !== this.#altTaken;
    view.hitBank = this.#hitBank;
    view.altBank = this.#altBank;
    this.#pred = this.#sc.predict(lo, view, this.#phist);
    return this.#pred;
  }

  update(pc: number, taken: boolean, target: number): void {
    if (pc !== this.#lastPc) this.predict(pc);
    const lo = pc >>> 0;
    this.#loop.update(taken, this.#pred, this.#tagePred);
    this.#sc.update(lo, taken);
    this.#tageUpdate(taken);
    this.#sc.recordOutcome(lo, taken, target < pc);
    this.#pushHistory(lo, taken ? 1 : 0, 2);
    this.#lastPc = -1;
  }

  track(pc: number, kind: number, _target: number): void {
    // Direct jumps and calls shift 2 bits, indirect ones and returns 3 (the target is not hashed).
    this.#pushHistory(pc >>> 0, 1, kind === JUMP || kind === CALL ? 2 : 3);
  }

  /** USE_ALT_ON_NA and the pseudo-new-allocation rule; returns whether to allocate. */
  #weakHit(taken: boolean, allocate: boolean): boolean {
    const hit = this.#hitBank;
    if (hit === 0 || Math.abs(2 * this.#ctr[this.#gi[hit]] + 1) > 1) return allocate;
    if (this.#longestMatchPred !== this.#altTaken) {
      const i = this.#useAltIndex();
      this.#useAlt[i] = ctrUpdate(
        this.#useAlt[i],
        this.#altTaken === taken,
        TAGE_SC_L_WIDTHS.useAlt,
      );
    }
    // A weak longest match that was right needs no new entry.
    return this.#longestMatchPred === taken ? false : allocate;
  }

  #tageUpdate(taken: boolean): void {
    let allocate = this.#weakHit(taken, this.#tagePred !== taken && this.#hitBank < this.#nHist);
    if (this.#pred === taken && (this.#random() & 31) !== 0) allocate = false;
    if (allocate && this.#small) this.#allocateSmall(taken);
    else if (allocate) this.#allocate(taken);
    const hit = this.#hitBank;
    if (hit === 0) {
      this.#baseUpdate(taken);
      return;
    }
    const gi = this.#gi;
    const ctr = this.#ctr;
    const alt = this.#altBank;
    const small = this.#small;
    const e = gi[hit];
    if (Math.abs(2 * ctr[e] + 1) === 1 && this.#longestMatchPred !== taken) {
      if (alt > 0) {
        // The 8 KB code also mutes a weak alternate entry before updating it.
        const ea = gi[alt];
        if (small) this.#muteWeak(ea);
        ctr[ea] = ctrUpdate(ctr[ea], taken, TAGE_SC_L_WIDTHS.counter);
        if (small) this.#muteWeak(ea);
      } else this.#baseUpdate(taken);
    }
    if (small) this.#muteWeak(e);
    ctr[e] = ctrUpdate(ctr[e], taken, TAGE_SC_L_WIDTHS.counter);
    this.#muteWeak(e); // a sign change: it cannot have been useful
    if (
      this.#altTaken === taken && alt > 0 && Math.abs(2 * ctr[gi[alt]] + 1) === 7 &&
      this.#u[e] === 1 && this.#longestMatchPred === taken
    ) this.#u[e] = 0;
    this.#usefulUp(taken);
  }

  /** A weak entry is not useful (u = 0). */
  #muteWeak(e: number): void {
    if (Math.abs(2 * this.#ctr[e] + 1) === 1) this.#u[e] = 0;
  }

  /** The longest match was right where the alternate was not: it is useful. */
  #usefulUp(taken: boolean): void {
    const e = this.#gi[this.#hitBank];
    if (this.#longestMatchPred !== this.#altTaken && this.#longestMatchPred === taken) {
      if (this.#u[e] < this.#uMax) this.#u[e]++;
    }
  }

  /** 64 KB allocation of up to two entries above the hit, with the OPTREMP replacement. */
  #allocate(taken: boolean): void {
    const gi = this.#gi;
    const ctr = this.#ctr;
    const u = this.#u;
    const nHist = this.#nHist;
    let remaining = 1; // NNN: allocate up to 1 + NNN entries
    const a = (this.#random() & 127) < 32 ? 2 : 1;
    let penalty = 0;
    let allocated = 0;
    const dep = ((this.#hitBank - 1 + 2 * a) & 0xffe) ^ (this.#random() & 1);
    outer: for (let bigI = dep; bigI < nHist; bigI += 2) {
      let done = false;
      for (let pass = 0; pass < 2 && !done; pass++) {
        const i = pass === 0 ? bigI + 1 : (bigI ^ 1) + 1;
        if (!this.#noSkip[i]) continue;
        const e = gi[i];
        if (u[e] !== 0) {
          penalty++;
        } else if (Math.abs(2 * ctr[e] + 1) <= 3) {
          this.#tag[e] = this.#gtag[i];
          ctr[e] = taken ? 0 : -1;
          allocated++;
          if (remaining <= 0) break outer;
          bigI += 2;
          done = true;
          remaining--;
        } else if (ctr[e] > 0) ctr[e]--;
        else ctr[e]++;
      }
    }
    this.#tick += penalty - 2 * allocated;
    if (this.#tick < 0) this.#tick = 0;
    if (this.#tick >= BORN_TICK) {
      for (let j = 0; j < u.length; j++) u[j] >>= 1;
      this.#tick = 0;
    }
  }

  /**
   * 8 KB allocation: the reference's loop, with its `Done` flag that is never
   * set (after allocating in one table of a pair it goes on to the other
   * table of the next pair in the same step).
   */
  #allocateSmall(taken: boolean): void {
    const state = { remaining: 1, penalty: 0, truePenalty: 0, allocated: 0 };
    const a = (this.#random() & 127) < 32 ? 2 : 1;
    const dep = ((this.#hitBank - 1 + 2 * a) & 0xffe) ^ (this.#random() & 1);
    for (let bigI = dep; bigI < this.#nHist; bigI += 2) {
      if (!this.#noSkip[bigI + 1]) continue;
      let step = this.#tryAllocateSmall(bigI + 1, taken, state);
      if (step < 0) break;
      bigI += step;
      const i = (bigI ^ 1) + 1;
      if (!this.#noSkip[i]) continue;
      step = this.#tryAllocateSmall(i, taken, state);
      if (step < 0) break;
      bigI += step;
    }
    this.#tick += state.truePenalty + state.penalty - 5 * state.allocated;
    if (this.#tick < 0) this.#tick = 0;
    if (this.#tick >= BORN_TICK) {
      const u = this.#u;
      for (let j = 0; j < u.length; j++) if (u[j] > 0) u[j]--;
      this.#tick = 0;
    }
  }

  /**
   * One 8 KB allocation attempt in table `i`: -1 to stop (the last entry was
   * allocated), 2 after an allocation (the loop skips a pair), else 0.
   */
  #tryAllocateSmall(
    i: number,
    taken: boolean,
    state: { remaining: number; penalty: number; truePenalty: number; allocated: number },
  ): number {
    const e = this.#gi[i];
    const u = this.#u;
    if (u[e] === 0) {
      u[e] = (this.#random() & 31) === 0 ? 1 : 0; // protected at random
      this.#tag[e] = this.#gtag[i];
      this.#ctr[e] = taken ? 0 : -1;
      state.allocated++;
      if (state.remaining <= 0) return -1;
      state.remaining--;
      return 2;
    }
    if (u[e] === 1 && Math.abs(2 * this.#ctr[e] + 1) === 1) {
      if ((this.#random() & 7) === 0) u[e] = 0;
    } else state.truePenalty++;
    state.penalty++;
    return 0;
  }

  /**
   * Shifts `steps` bits into the global and path histories (Seznec's
   * HistoryUpdate): bit t of `(PC ^ (PC >> 2)) ^ taken` and bits t..t+6 of
   * `PC ^ (PC >> 2) ^ (PC >> 4)`, then updates every folded history by the
   * same `steps` at once: one step is a rotate left by 1, XOR the incoming bit
   * at 0, XOR the outgoing bit at the outpoint.
   */
  #pushHistory(lo: number, taken: number, steps: number): void {
    const hash = lo ^ (lo >>> 2);
    const bits = hash ^ taken;
    const path = hash ^ (lo >>> 4);
    const ghist = this.#ghist;
    let y = this.#ptghist;
    let phist = this.#phist;
    let incoming = 0;
    for (let t = 0; t < steps; t++) {
      const dir = (bits >> t) & 1;
      y = (y - 1) | 0;
      ghist[y & (HISTORY_BUFFER - 1)] = dir;
      phist = (phist << 1) ^ ((path >> t) & 127);
      incoming = (incoming << 1) | dir;
    }
    this.#ptghist = y;
    this.#phist = this.#small ? phist | 0 : phist & PATH_MASK;
    const foldLength = this.#foldLength;
    const comp = this.#comp;
    const fold = this.#fold;
    const mask = HISTORY_BUFFER - 1;
    // y is the pointer after the last step; step j (1-based) wrote at y + steps - j.
    const y1 = y + steps - 1;
    const s1 = 1 + steps; // o1 is rotated steps - 1 times: outpoint field 2 + steps - 1
    for (let p = 0; p < foldLength.length; p++) {
      const length = foldLength[p];
      const o1 = ghist[(y1 + length) & mask];
      const o2 = ghist[(y1 - 1 + length) & mask];
      const o3 = steps === 3 ? ghist[(y + length) & mask] : 0;
      // The pair's three folds (index, tag, second tag), unrolled.
      const r = 3 * p;
      const k = r * FOLD_FIELDS;
      const c0 = comp[r];
      comp[r] = (((c0 << steps) | (c0 >>> (fold[k] - steps))) & fold[k + 1]) ^ incoming ^
        (o1 << fold[k + s1]) ^ (o2 << fold[k + s1 - 1]) ^ (o3 << fold[k + 2]);
      const c1 = comp[r + 1];
      const k1 = k + FOLD_FIELDS;
      comp[r + 1] = (((c1 << steps) | (c1 >>> (fold[k1] - steps))) & fold[k1 + 1]) ^ incoming ^
        (o1 << fold[k1 + s1]) ^ (o2 << fold[k1 + s1 - 1]) ^ (o3 << fold[k1 + 2]);
      const c2 = comp[r + 2];
      const k2 = k1 + FOLD_FIELDS;
      comp[r + 2] = (((c2 << steps) | (c2 >>> (fold[k2] - steps))) & fold[k2 + 1]) ^ incoming ^
        (o1 << fold[k2 + s1]) ^ (o2 << fold[k2 + s1 - 1]) ^ (o3 << fold[k2 + 2]);
    }
  }
}
