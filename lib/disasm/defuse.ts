/**
 * Register def-use: reaching definitions inside one function, by iterative
 * data flow over its control-flow graph, one register at a time.
 *
 * @module
 */
import type { ControlFlow } from "./cfg.ts";
import type { ParsedObject } from "./listing.ts";
import { CALL_CLOBBERED, FLAGS, registerFamily } from "./registers.ts";
import type { Shape } from "./shape.ts";
import type { FunctionInfo } from "./types.ts";

/** The definitions that may have produced a register value an instruction reads. */
export interface ReachingDefs {
  /** The register as the reading instruction names it (canonical), or `rflags`. */
  reg: string;
  /**
   * Instruction indices whose write may reach the read, ascending. -1 stands
   * for a value from outside the analysed code: the function's entry, a block
   * reached only through edges the CFG cannot see (indirect jumps), or, in a
   * function analysed in chunks, code beyond the chunk's context.
   */
  defs: number[];
}

/** The reads a register write of an instruction may reach. */
export interface DefUses {
  /** The register as the reading instructions name it (canonical), or `rflags`. */
  reg: string;
  /** Instruction indices, ascending. */
  uses: number[];
}

/** One def-use pair between two instructions. */
export interface DefUseEdge {
  /** Index of the writing instruction. */
  def: number;
  /** Index of the reading instruction. */
  use: number;
  /** The register as the reading instruction names it (canonical), or `rflags`. */
  reg: string;
}

/** A register a shape reads, under its def-use key. */
interface Use {
  key: string;
  reg: string;
}

/** A register a shape writes; a partial write (8/16-bit) keeps the older definitions alive. */
interface Def {
  key: string;
  partial: boolean;
}

interface ShapeEffects {
  uses: Use[];
  defs: Def[];
}

const GPR_FULL = /^(r[a-z]{2}|r\d+)$/;

function effectsOf(shape: Shape): ShapeEffects {
  const uses: Use[] = [];
  for (const reg of shape.reads) {
    const key = registerFamily(reg);
    if (!uses.some((u) => u.key === key)) uses.push({ key, reg });
  }
  if (shape.readsFlags) uses.push({ key: FLAGS, reg: FLAGS });

  const defs: Def[] = [];
  const addDef = (key: string, partial: boolean) => {
    const existing = defs.find((d) => d.key === key);
    if (existing) existing.partial &&= partial;
    else defs.push({ key, partial });
  };
  for (const reg of shape.writes) {
    // A write of an 8- or 16-bit register name leaves the rest of the register as it was.
    const partial = GPR_FULL.test(reg) &&
      shape.operands.every((op, i) =>
        op.kind !== "reg" || op.reg !== reg || shape.access[i] === "read" ||
        shape.access[i] === "none" || op.width < 32
      ) &&
      !shape.implicit.some(({ operand, access }) =>
        operand.kind === "reg" && operand.reg === reg && access !== "read"
      );
    addDef(registerFamily(reg), partial);
  }
  if (shape.writesFlags) addDef(FLAGS, false);
  if (shape.flow === "call") { for (const reg of CALL_CLOBBERED) addDef(reg, false); }
  return { uses, defs };
}

/** Sorted union of two ascending arrays. */
function union(a: number[], b: number[]): number[] {
  if (a.length === 0) return b;
  if (b.length === 0) return a;
  const out: number[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    const x = i < a.length ? a[i] : Infinity;
    const y = j < b.length ? b[j] : Infinity;
    if (x === y) {
      out.push(x);
      i++;
      j++;
    } else if (x < y) out.push(a[i++]);
    else out.push(b[j++]);
  }
  return out;
}

const ENTRY = [-1];
const NONE: number[] = [];

const READ = 0;
const WRITE = 1;
const PARTIAL_WRITE = 2;

/** The reads and writes of one register in an analysed range, in row order. */
class KeyEvents {
  readonly rows: number[] = [];
  /** {@linkcode READ}, {@linkcode WRITE} or {@linkcode PARTIAL_WRITE}. */
  readonly kinds: number[] = [];
  /** For reads: the register as the instruction names it. */
  readonly regs: string[] = [];

  add(row: number, kind: number, reg: string): void {
    this.rows.push(row);
    this.kinds.push(kind);
    this.regs.push(reg);
  }
}

/** Functions up to this many instructions are analysed whole. */
export const WHOLE_FUNCTION_LIMIT = 8192;
/** Larger ones (stripped code, where one symbol covers many functions) in chunks of this size... */
export const CHUNK = 4096;
/** ...each analysed with this many instructions of context on both sides. */
export const CHUNK_MARGIN = 2048;

/** Def-use results of one analysed unit (a function or a chunk of one). */
interface UnitDefUse {
  /** First instruction index the results cover. */
  start: number;
  /** The definitions reaching each instruction's reads (by index - start). */
  reaching: ReachingDefs[][];
  /** The reads reached by each instruction's writes (by index - start). */
  reached: DefUses[][];
}

/**
 * Computes register def-use lazily, per function, or per chunk of a function
 * with more than {@linkcode WHOLE_FUNCTION_LIMIT} instructions (data flow on
 * the chunk plus {@linkcode CHUNK_MARGIN} instructions around it, so values
 * from farther away count as coming from outside). Results are cached.
 */
export class DefUseAnalysis {
  readonly #parsed: ParsedObject;
  readonly #cfg: ControlFlow;
  readonly #effects: (ShapeEffects | undefined)[] = [];
  readonly #units = new Map<number, UnitDefUse>();

  constructor(parsed: ParsedObject, cfg: ControlFlow) {
    this.#parsed = parsed;
    this.#cfg = cfg;
  }

  #effectsOfRow(row: number): ShapeEffects {
    const id = this.#parsed.shapeIds[row];
    return (this.#effects[id] ??= effectsOf(this.#parsed.shapes.get(id)));
  }

  /** The definitions reaching the reads of instruction `row` of function `f`. */
  reachingDefs(f: FunctionInfo, row: number): ReachingDefs[] {
    const unit = this.#unitOf(f, row);
    return unit.reaching[row - unit.start];
  }

  /** The reads reached by the writes of instruction `row` of function `f`. */
  usesOf(f: FunctionInfo, row: number): DefUses[] {
    const unit = this.#unitOf(f, row);
    return unit.reached[row - unit.start];
  }

  #unitOf(f: FunctionInfo, row: number): UnitDefUse {
    const whole = f.end - f.start <= WHOLE_FUNCTION_LIMIT;
    const coreStart = whole ? f.start : f.start + Math.floor((row - f.start) / CHUNK) * CHUNK;
    let unit = this.#units.get(coreStart);
    if (!unit) {
      const coreEnd = whole ? f.end : Math.min(f.end, coreStart + CHUNK);
      const margin = whole ? 0 : CHUNK_MARGIN;
      unit = this.#analyse(
        Math.max(f.start, coreStart - margin),
        Math.min(f.end, coreEnd + margin),
        coreStart,
        coreEnd,
      );
      this.#units.set(coreStart, unit);
    }
    return unit;
  }

  /** Data flow over rows `[start, end)`; results kept for `[coreStart, coreEnd)`. */
  #analyse(start: number, end: number, coreStart: number, coreEnd: number): UnitDefUse {
    const cfg = this.#cfg;
    // Blocks overlapping the range, clipped to it (a clipped first block is an entry).
    const firstBlock = cfg.blockOfRow[start];
    const blockCount = cfg.blockOfRow[end - 1] - firstBlock + 1;
    const blockStart = (b: number) => Math.max(cfg.blockStarts[firstBlock + b], start);

    // Predecessor blocks inside the range; entry blocks also get the outside value.
    const preds: number[][] = [];
    const isEntry = new Uint8Array(blockCount);
    for (let b = 0; b < blockCount; b++) {
      const row = blockStart(b);
      const list: number[] = [];
      for (let k = cfg.predecessorStarts[row]; k < cfg.predecessorStarts[row + 1]; k++) {
        const from = cfg.predecessors[k];
        if (cfg.predecessorKinds[k] === 2 /* call */) continue;
        if (from < start || from >= end) isEntry[b] = 1;
        else list.push(cfg.blockOfRow[from] - firstBlock);
      }
      if (b === 0 || list.length === 0) isEntry[b] = 1;
      preds.push(list);
    }
    const succs: number[][] = Array.from({ length: blockCount }, () => []);
    preds.forEach((list, b) => list.forEach((p) => succs[p].push(b)));

    // Reads and writes of each register key, in row order (a read before a write in one row).
    const events = new Map<string, KeyEvents>();
    const eventsOf = (key: string) => {
      let e = events.get(key);
      if (!e) events.set(key, e = new KeyEvents());
      return e;
    };
    for (let row = start; row < end; row++) {
      const { uses, defs } = this.#effectsOfRow(row);
      for (const use of uses) eventsOf(use.key).add(row, READ, use.reg);
      for (const def of defs) eventsOf(def.key).add(row, def.partial ? PARTIAL_WRITE : WRITE, "");
    }

    const reaching: ReachingDefs[][] = Array.from({ length: end - start }, () => []);
    for (const { rows, kinds, regs } of events.values()) {
      if (!kinds.includes(READ)) continue;
      // Per block: definitions live at its end, and whether it kills incoming ones.
      const gen: number[][] = new Array(blockCount).fill(NONE);
      const kills = new Uint8Array(blockCount);
      for (let k = 0; k < rows.length; k++) {
        if (kinds[k] === READ) continue;
        const b = cfg.blockOfRow[rows[k]] - firstBlock;
        if (kinds[k] === WRITE) {
          gen[b] = [rows[k]];
          kills[b] = 1;
        } else gen[b] = union(gen[b], [rows[k]]);
      }
      const inSets: number[][] = Array.from(
        { length: blockCount },
        (_, b) => isEntry[b] ? ENTRY : NONE,
      );
      const outSets: number[][] = gen.map((g, b) => kills[b] ? g : union(inSets[b], g));
      const queue = Array.from({ length: blockCount }, (_, b) => b);
      const queued = new Uint8Array(blockCount).fill(1);
      while (queue.length > 0) {
        const b = queue.pop()!;
        queued[b] = 0;
        let incoming = isEntry[b] ? ENTRY : NONE;
        for (const p of preds[b]) incoming = union(incoming, outSets[p]);
        inSets[b] = incoming;
        if (kills[b]) continue;
        const out = union(incoming, gen[b]);
        if (out.length !== outSets[b].length) {
          outSets[b] = out;
          for (const s of succs[b]) {
            if (!queued[s]) {
              queued[s] = 1;
              queue.push(s);
            }
          }
        }
      }
      // Replay the events to attach the reaching set to every read.
      let block = -1;
      let current = NONE;
      for (let k = 0; k < rows.length; k++) {
        const row = rows[k];
        const b = cfg.blockOfRow[row] - firstBlock;
        if (b !== block) {
          block = b;
          current = inSets[b];
        }
        if (kinds[k] === READ) reaching[row - start].push({ reg: regs[k], defs: current });
        else current = kinds[k] === WRITE ? [row] : union(current, [row]);
      }
    }

    const reached: DefUses[][] = Array.from({ length: coreEnd - coreStart }, () => []);
    reaching.forEach((list, offset) => {
      for (const { reg, defs } of list) {
        for (const def of defs) {
          if (def < coreStart || def >= coreEnd) continue;
          const uses = reached[def - coreStart];
          let entry = uses.find((u) => u.reg === reg);
          if (!entry) uses.push(entry = { reg, uses: [] });
          entry.uses.push(start + offset);
        }
      }
    });
    return {
      start: coreStart,
      reaching: reaching.slice(coreStart - start, coreEnd - start),
      reached,
    };
  }
}
