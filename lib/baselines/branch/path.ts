/**
 * The executed path between a trace's recorded instructions, rebuilt from the
 * disassembly: the unconditional jumps, calls and returns that a trace does
 * not record but that a processor's front end (and the CBP-5 and ChampSim
 * drivers) hands to a branch predictor.
 *
 * A trace records every conditional branch and every load, each with its
 * instruction count. Between two recorded instructions a program runs
 * straight-line code, direct jumps and calls (followed here to their
 * disassembled destinations), returns and jumps or calls through memory (each
 * a recorded load whose value is the destination), and jumps or calls through
 * a register (destination not recorded: inferred as the start of the
 * straight-line run that ends at the next recorded instruction, when the
 * instruction count leaves exactly one). A `rep`-prefixed string instruction
 * runs once per iteration and the trace shows its count only through its
 * loads, so a path through one is anchored at the next recorded instruction.
 * Where none of this explains the instruction count (code outside the
 * disassembled objects, a signal handler, an unresolved register jump), the
 * rest of the gap is lost: {@linkcode PathSummary} counts it.
 *
 * @module
 */
import { type Instruction, loadObject, type ObjectCode } from "../../disasm/mod.ts";
import { assertObjectsUnchanged } from "../../trace/objects.ts";
import { BRANCH, type EventChunk, type TraceMeta } from "../../trace/mod.ts";
import { CALL, CALL_INDIRECT, JUMP, JUMP_INDIRECT, RETURN } from "./predictor.ts";

/** A recorded instruction: its conditional branch and/or loads, all at one instruction count. */
export interface RecordedInstruction {
  icount: number;
  /** Run-time address. */
  pc: number;
  /** Trace site of its conditional-branch event, or -1 when it has none. */
  branchSite: number;
  /** Position of that event among all events of the trace (from 0), or -1. */
  branchEvent: number;
  taken: boolean;
  /** Addresses and values of its load events, in order. */
  loadAddrs: bigint[];
  loadValues: bigint[];
  /** The instruction in the disassembly, when its object was disassembled. */
  inst?: Location;
  /**
   * A return or a jump or call through memory is itself an unconditional
   * transfer: its kind ({@linkcode RETURN} ...), else -1.
   */
  transfer: number;
}

/** An instruction of a disassembled object, placed at its run-time address. */
export interface Location {
  view: CodeView;
  index: number;
}

/**
 * Instructions `start .. start + count - 1` of `view`, executed in a row from
 * instruction count `icount` on; with `repeat`, instruction `start` executed
 * `count` times (a `rep` string instruction's iterations).
 */
export interface Run {
  view: CodeView;
  start: number;
  count: number;
  icount: number;
  repeat: boolean;
  /** The run ends with an unconditional transfer of this kind ({@linkcode JUMP} ...), or -1. */
  transfer: number;
  /** Run-time destination of that transfer (NaN when a register jump's could not be inferred). */
  target: number;
}

/** The path from one recorded instruction to the next. */
export interface Gap {
  /** Instructions between the two (exclusive). */
  instructions: number;
  /** What was rebuilt, in order. */
  runs: Run[];
  /** Instructions at the end of the gap that could not be rebuilt (0 when the path is whole). */
  lost: number;
}

/** How well the path was rebuilt over a whole trace. */
export interface PathSummary {
  /** Gaps between consecutive recorded instructions, plus the one before the first and after the last. */
  gaps: number;
  /** Gaps rebuilt with every instruction's count known. */
  exact: number;
  /** Gaps through a `rep` string instruction, anchored at the next recorded instruction. */
  anchored: number;
  /** Register jumps and calls whose destination was inferred. */
  inferred: number;
  /** Gaps not (wholly) rebuilt, and the instructions missing from them. */
  lost: number;
  lostInstructions: number;
  /** Unconditional transfers rebuilt. */
  transfers: number;
}

/** What a walk needs of a trace (an open trace file provides it). */
export interface PathTrace {
  /** The trace file (its objects must not have changed since). */
  readonly path: string;
  /** Sites may be added while streaming; `instructions` is final after the stream ends. */
  readonly meta: TraceMeta;
  chunks(): AsyncIterable<EventChunk>;
}

/** What a walk over a trace's path calls, in execution order. */
export interface PathVisitor {
  /** The gap before the first recorded instruction, between two, or after the last. */
  gap(gap: Gap, next: RecordedInstruction | undefined): void;
  /** A recorded instruction. */
  recorded(recorded: RecordedInstruction): void;
  /** After each chunk of the trace, e.g. to write buffered output. */
  flush?(): Promise<void>;
}

/** How the path continues at the end of a straight-line segment. */
const STOP_BRANCH = 0, // a conditional branch (always recorded)
  STOP_DIRECT = 1, // a direct jump or call
  STOP_LOADED = 2, // return or jump/call through memory (a recorded load gives the destination)
  STOP_REGISTER = 3, // jump or call through a register
  STOP_REPEAT = 4, // a rep string instruction
  STOP_END = 5; // the path leaves known code after the stop instruction (halt, gap, opaque)

const STRING_MNEMONICS = new Set(["movs", "stos", "lods", "cmps", "scas", "ins", "outs"]);

/** Straight-line instructions from some start up to and including `stop`. */
interface Segment {
  stop: number;
  how: number;
  /** Branch kind of a transfer stop, else -1. */
  transfer: number;
  /** Index of a direct transfer's destination in the same object, or -1. */
  targetIndex: number;
}

/** What the branch stream needs of an instruction (run-time addresses). */
export interface InstructionFacts {
  address: number;
  length: number;
  /** Destination of a direct branch, jump or call; 0 when it has none. */
  target: number;
}

/** One disassembled object at its run-time placement, with memoized segments. */
export class CodeView {
  readonly code: ObjectCode;
  /** Run-time address minus static address. */
  readonly bias: number;
  readonly low: number;
  readonly high: number;
  readonly #segments = new Map<number, Segment>();
  readonly #facts = new Map<number, InstructionFacts>();

  constructor(code: ObjectCode, bias: number) {
    this.code = code;
    this.bias = bias;
    this.low = Number(code.addressOf(0)) + bias;
    this.high = Number(code.addressOf(code.instructionCount - 1)) + bias;
  }

  /** Run-time address of instruction `index`. */
  address(index: number): number {
    return this.describe(index).address;
  }

  /** Run-time address, length and direct destination (0 when none) of instruction `index`. */
  describe(index: number): InstructionFacts {
    let facts = this.#facts.get(index);
    if (!facts) {
      const inst = this.code.instruction(index);
      facts = {
        address: Number(inst.address) + this.bias,
        length: inst.length,
        target: inst.target === undefined ? 0 : Number(inst.target) + this.bias,
      };
      this.#facts.set(index, facts);
    }
    return facts;
  }

  /** The straight-line segment that starts at instruction `index`. */
  segment(index: number): Segment {
    let segment = this.#segments.get(index);
    if (!segment) {
      segment = this.#scan(index);
      this.#segments.set(index, segment);
    }
    return segment;
  }

  #scan(index: number): Segment {
    const code = this.code;
    const count = code.instructionCount;
    for (let i = index; i < count; i++) {
      const inst = code.instruction(i);
      const stop = stopOf(inst, code);
      if (stop) return { stop: i, ...stop };
      if (i + 1 === count || Number(code.addressOf(i + 1)) !== Number(inst.address) + inst.length) {
        return { stop: i, how: STOP_END, transfer: -1, targetIndex: -1 };
      }
    }
    return { stop: count - 1, how: STOP_END, transfer: -1, targetIndex: -1 };
  }
}

/** How the path goes on after `inst`, or undefined when it simply falls through. */
function stopOf(inst: Instruction, code: ObjectCode): Omit<Segment, "stop"> | undefined {
  const targetIndex = inst.target === undefined ? -1 : code.indexAt(inst.target);
  const call = inst.flow === "call";
  switch (inst.flow) {
    case "branch":
      return { how: STOP_BRANCH, transfer: -1, targetIndex };
    case "return":
      return { how: STOP_LOADED, transfer: RETURN, targetIndex: -1 };
    case "jump":
    case "call":
      if (inst.indirect) {
        const viaMemory = inst.operands.some((o) => o.kind === "mem");
        const transfer = call ? CALL_INDIRECT : JUMP_INDIRECT;
        return { how: viaMemory ? STOP_LOADED : STOP_REGISTER, transfer, targetIndex: -1 };
      }
      if (targetIndex < 0) return { how: STOP_END, transfer: -1, targetIndex };
      return { how: STOP_DIRECT, transfer: call ? CALL : JUMP, targetIndex };
    case "halt":
      return { how: STOP_END, transfer: -1, targetIndex: -1 };
  }
  if (inst.opaque) return { how: STOP_END, transfer: -1, targetIndex: -1 };
  if (STRING_MNEMONICS.has(inst.mnemonic) && inst.prefixes.some((p) => p.startsWith("rep"))) {
    return { how: STOP_REPEAT, transfer: -1, targetIndex: -1 };
  }
  return undefined;
}

/** The disassembled objects of a trace, placed where its sites say they ran. */
class AddressSpace {
  readonly #views: CodeView[] = [];
  readonly #tried = new Set<string>();
  readonly #located = new Map<number, Location | null>();

  /** Disassembles `path` (once) and places it at `bias`; objects that cannot be disassembled are skipped. */
  async place(path: string, bias: number): Promise<void> {
    if (this.#tried.has(path)) return;
    this.#tried.add(path);
    const code = await loadObject(path, { quiet: true }).catch(() => undefined);
    if (code && code.instructionCount > 0) this.#views.push(new CodeView(code, bias));
    this.#located.clear();
  }

  /** The instruction that starts at run-time address `pc`, if any. */
  locate(pc: number): Location | undefined {
    let found = this.#located.get(pc);
    if (found === undefined) {
      found = null;
      for (const view of this.#views) {
        if (pc < view.low || pc > view.high) continue;
        const index = view.code.indexAt(BigInt(pc - view.bias));
        if (index >= 0) found = { view, index };
        break;
      }
      this.#located.set(pc, found);
    }
    return found ?? undefined;
  }
}

/** Where the path goes after recorded instruction `a`, or undefined when unknown. */
function successorOf(space: AddressSpace, a: RecordedInstruction): Location | undefined {
  const at = a.inst;
  if (!at) return undefined;
  const { view, index } = at;
  const segment = view.segment(index);
  const follow = (target: number) => (target < 0 ? undefined : { view, index: target });
  if (segment.stop === index) {
    switch (segment.how) {
      case STOP_BRANCH:
        if (a.taken) return follow(segment.targetIndex);
        break;
      case STOP_LOADED:
        return a.loadValues.length > 0 ? space.locate(Number(a.loadValues[0])) : undefined;
      case STOP_DIRECT:
        return follow(segment.targetIndex);
      case STOP_REGISTER:
      case STOP_END:
        return undefined; // the destination is not recorded, or the code ends here
    }
  }
  return follow(index + 1 < view.code.instructionCount ? index + 1 : -1);
}

/** Whether recorded instruction `a` is a `rep` string instruction (its iterations follow it). */
function repeats(a: RecordedInstruction): boolean {
  const at = a.inst;
  if (!at) return false;
  const segment = at.view.segment(at.index);
  return segment.stop === at.index && segment.how === STOP_REPEAT;
}

/** How a walk through a gap ended. */
const WHOLE = 0, // the path reaches the next recorded instruction (or the window's end) at its count
  TRUNCATED = 1, // the path is right as far as it goes, then unknown
  WRONG = 2; // the path contradicts the trace (an unrecorded branch, a count that does not fit)

/** Builds the gaps between recorded instructions and counts how well it went. */
class GapWalker {
  readonly summary: PathSummary = {
    gaps: 0,
    exact: 0,
    anchored: 0,
    inferred: 0,
    lost: 0,
    lostInstructions: 0,
    transfers: 0,
  };
  readonly #space: AddressSpace;

  constructor(space: AddressSpace) {
    this.#space = space;
  }

  /** The instructions before the first recorded one: their path is unknown. */
  lead(instructions: number): Gap {
    const gap = { instructions, runs: [], lost: instructions };
    this.#count(gap, false);
    return gap;
  }

  /**
   * The path from `a` to `b` (the next recorded instruction), or from `a` to
   * the end of the window at instruction count `end` when `b` is undefined.
   */
  between(a: RecordedInstruction, b: RecordedInstruction | undefined, end: number): Gap {
    const instructions = (b ? b.icount : end) - a.icount - 1;
    const gap: Gap = { instructions, runs: [], lost: 0 };
    let repeat: Repeat | undefined;
    let how = WHOLE;
    if (instructions > 0 && repeats(a)) {
      if (b?.pc === a.pc) {
        gap.runs.push(repeatRun(a.inst!, a.icount + 1, instructions)); // its further iterations
      } else repeat = { at: a.inst!, insertAt: 0, icount: a.icount + 1 };
    }
    if (instructions > 0 && gap.runs.length === 0) {
      const walk = this.#walk(gap, successorOf(this.#space, a), a.icount + 1, b, repeat);
      how = walk.how;
      repeat = walk.repeat;
      const steps = accounted(gap);
      if (how === WHOLE && repeat) anchor(gap, repeat, instructions - steps);
      if (how === TRUNCATED) gap.lost = instructions - steps;
      if (how === WRONG) {
        gap.runs = [];
        gap.lost = instructions;
      }
    }
    this.#count(gap, repeat !== undefined || gap.runs.some((run) => run.repeat));
    return gap;
  }

  /** Follows the path from `position` (at instruction count `icount`) towards `b`, filling `gap.runs`. */
  #walk(
    gap: Gap,
    start: Location | undefined,
    icount: number,
    b: RecordedInstruction | undefined,
    repeatBefore: Repeat | undefined,
  ): { how: number; repeat: Repeat | undefined } {
    const limit = gap.instructions;
    const target = b?.inst;
    let repeat = repeatBefore;
    let steps = 0;
    let position = start;
    while (position) {
      const { view, index } = position;
      const segment = view.segment(index);
      if (target?.view === view && index <= target.index && target.index <= segment.stop) {
        const count = target.index - index;
        if (count > 0) gap.runs.push(plainRun(position, icount + steps, count));
        steps += count;
        return { how: steps === limit || (repeat && steps < limit) ? WHOLE : WRONG, repeat };
      }
      const count = segment.stop - index + 1;
      if (steps + count > limit) {
        if (b) return { how: WRONG, repeat };
        gap.runs.push(plainRun(position, icount + steps, limit - steps)); // the window ends here
        return { how: WHOLE, repeat };
      }
      const run = plainRun(position, icount + steps, count);
      gap.runs.push(run);
      steps += count;
      position = undefined;
      if (segment.how === STOP_BRANCH || segment.how === STOP_LOADED) {
        return { how: WRONG, repeat }; // it would have been recorded
      } else if (segment.how === STOP_DIRECT) {
        run.transfer = segment.transfer;
        run.target = view.address(segment.targetIndex);
        position = { view, index: segment.targetIndex };
      } else if (segment.how === STOP_REPEAT) {
        repeat = {
          at: { view, index: segment.stop },
          insertAt: gap.runs.length,
          icount: icount + steps,
        };
        position = { view, index: segment.stop + 1 };
      } else if (segment.how === STOP_REGISTER) {
        run.transfer = segment.transfer;
        run.target = NaN;
        position = repeat ? undefined : this.#infer(target, limit - steps);
        if (position) run.target = position.view.address(position.index);
      }
      if (!b && steps === limit) return { how: WHOLE, repeat };
    }
    return { how: TRUNCATED, repeat };
  }

  /**
   * The destination of a register jump or call when the next recorded
   * instruction `target` is reached from it by `remaining` straight-line
   * instructions (undefined when that does not hold).
   */
  #infer(target: Location | undefined, remaining: number): Location | undefined {
    if (!target || target.index - remaining < 0) return undefined;
    const start = target.index - remaining;
    if (target.view.segment(start).stop < target.index) return undefined;
    this.summary.inferred++;
    return { view: target.view, index: start };
  }

  #count(gap: Gap, anchored: boolean): void {
    const s = this.summary;
    s.gaps++;
    if (gap.lost > 0) {
      s.lost++;
      s.lostInstructions += gap.lost;
    } else if (anchored) s.anchored++;
    else s.exact++;
    for (const run of gap.runs) if (run.transfer >= 0) s.transfers++;
  }
}

/**
 * A `rep` string instruction on the path: its further iterations go in at
 * position `insertAt` of the runs, from instruction count `icount` on.
 */
interface Repeat {
  at: Location;
  insertAt: number;
  icount: number;
}

function plainRun(at: Location, icount: number, count: number): Run {
  return {
    view: at.view,
    start: at.index,
    count,
    icount,
    repeat: false,
    transfer: -1,
    target: NaN,
  };
}

function repeatRun(at: Location, icount: number, count: number): Run {
  return { ...plainRun(at, icount, count), repeat: true };
}

/** Instructions the runs of a gap account for. */
function accounted(gap: Gap): number {
  return gap.runs.reduce((n, run) => n + run.count, 0);
}

/**
 * Gives the `extra` instructions a path through a `rep` instruction did not
 * account for to that instruction's iterations, and moves the runs after it
 * so that the path ends right before the next recorded instruction.
 */
function anchor(gap: Gap, repeat: Repeat, extra: number): void {
  if (extra <= 0) return;
  const runs = gap.runs;
  runs.splice(repeat.insertAt, 0, repeatRun(repeat.at, repeat.icount, extra));
  for (let k = repeat.insertAt + 1; k < runs.length; k++) runs[k].icount += extra;
}

/**
 * Walks the path of the trace: calls `visitor` with every recorded
 * instruction and the rebuilt gaps around them, in execution order; returns
 * how well the path was rebuilt.
 */
export async function walkPath(trace: PathTrace, visitor: PathVisitor): Promise<PathSummary> {
  const space = new AddressSpace();
  const walker = new GapWalker(space);
  let sitesPlaced = 0;
  let previous: RecordedInstruction | undefined;
  let current: RecordedInstruction | undefined;
  let eventBase = 0;
  const emit = (next: RecordedInstruction | undefined) => {
    if (current) {
      visitor.gap(
        previous ? walker.between(previous, current, 0) : walker.lead(current.icount),
        current,
      );
      visitor.recorded(current);
    }
    previous = current;
    current = next;
  };
  for await (const chunk of trace.chunks()) {
    const sites = trace.meta.sites;
    for (; sitesPlaced < sites.length; sitesPlaced++) {
      const s = sites[sitesPlaced];
      await space.place(trace.meta.objects[s.object], Number(s.pc - s.offset));
    }
    for (let i = 0; i < chunk.length; i++) {
      const icount = chunk.icount[i];
      if (!current || current.icount !== icount) {
        emit(newRecorded(space, chunk, i, trace));
      }
      addEvent(current!, chunk, i, eventBase + i);
    }
    eventBase += chunk.length;
    await visitor.flush?.();
  }
  await assertObjectsUnchanged(trace.path, trace.meta.objects);
  emit(undefined);
  const end = trace.meta.instructions;
  if (previous) visitor.gap(walker.between(previous, undefined, end), undefined);
  else visitor.gap(walker.lead(end), undefined);
  await visitor.flush?.();
  return walker.summary;
}

function newRecorded(
  space: AddressSpace,
  chunk: EventChunk,
  i: number,
  trace: PathTrace,
): RecordedInstruction {
  const pc = Number(trace.meta.sites[chunk.site[i]].pc);
  const inst = space.locate(pc);
  const segment = inst?.view.segment(inst.index);
  const loaded = segment !== undefined && segment.stop === inst!.index &&
    segment.how === STOP_LOADED;
  return {
    icount: chunk.icount[i],
    pc,
    branchSite: -1,
    branchEvent: -1,
    taken: false,
    loadAddrs: [],
    loadValues: [],
    inst,
    transfer: loaded ? segment.transfer : -1,
  };
}

function addEvent(r: RecordedInstruction, chunk: EventChunk, i: number, event: number): void {
  if (chunk.kind[i] === BRANCH) {
    r.branchSite = chunk.site[i];
    r.branchEvent = event;
    r.taken = chunk.taken[i] === 1;
  } else {
    r.loadAddrs.push(chunk.addr[i]);
    r.loadValues.push(chunk.value[i]);
  }
}
