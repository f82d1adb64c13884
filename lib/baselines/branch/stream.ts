/**
 * The branch stream a front end sees, from a trace: its recorded conditional
 * branches and the unconditional jumps, calls and returns rebuilt between
 * them (`path.ts`), in execution order, in columnar chunks. The branch
 * scorer and the BT9 export read the same stream, so that the CBP-5
 * simulator runs exactly what our predictors run.
 *
 * @module
 */
import {
  type Gap,
  type PathSummary,
  type PathTrace,
  type RecordedInstruction,
  walkPath,
} from "./path.ts";
import { CONDITIONAL } from "./predictor.ts";

/** Branch executions in execution order: index `i` of every array is one branch. */
export interface BranchChunk {
  length: number;
  /** {@linkcode CONDITIONAL}, `JUMP` ... `RETURN` (predictor.ts). */
  kind: Uint8Array;
  /** Run-time address. */
  pc: Float64Array;
  /**
   * Where it goes when taken: a conditional branch's direct target (also when
   * it falls through; its own address when its object was not disassembled),
   * a transfer's destination (NaN for a register jump whose destination is
   * unknown).
   */
  target: Float64Array;
  /** 1 if taken (always, for unconditional transfers). */
  taken: Uint8Array;
  /** Instruction count of the branch in the trace's window. */
  icount: Float64Array;
  /** Instruction length in bytes (0 when not disassembled). */
  size: Uint8Array;
  /** Trace site of a conditional branch, -1 for a rebuilt transfer. */
  site: Int32Array;
  /** Position of a conditional branch's event among all events of the trace (from 0), else -1. */
  event: Float64Array;
}

/** A growable {@linkcode BranchChunk}. */
class ChunkBuilder {
  length = 0;
  #capacity = 4096;
  #chunk = ChunkBuilder.#make(this.#capacity);

  static #make(n: number): BranchChunk {
    return {
      length: 0,
      kind: new Uint8Array(n),
      pc: new Float64Array(n),
      target: new Float64Array(n),
      taken: new Uint8Array(n),
      icount: new Float64Array(n),
      size: new Uint8Array(n),
      site: new Int32Array(n),
      event: new Float64Array(n),
    };
  }

  push(
    kind: number,
    pc: number,
    target: number,
    taken: boolean,
    icount: number,
    size: number,
    site = -1,
    event = -1,
  ): void {
    if (this.length === this.#capacity) this.#grow();
    const c = this.#chunk;
    const i = this.length++;
    c.kind[i] = kind;
    c.pc[i] = pc;
    c.target[i] = target;
    c.taken[i] = taken ? 1 : 0;
    c.icount[i] = icount;
    c.size[i] = size;
    c.site[i] = site;
    c.event[i] = event;
  }

  #grow(): void {
    const bigger = ChunkBuilder.#make(this.#capacity * 2);
    const c = this.#chunk;
    bigger.kind.set(c.kind);
    bigger.pc.set(c.pc);
    bigger.target.set(c.target);
    bigger.taken.set(c.taken);
    bigger.icount.set(c.icount);
    bigger.size.set(c.size);
    bigger.site.set(c.site);
    bigger.event.set(c.event);
    this.#chunk = bigger;
    this.#capacity *= 2;
  }

  /** The branches pushed so far, as a chunk of their own; starts a new one. */
  take(): BranchChunk {
    const c = this.#chunk;
    const n = this.length;
    const out: BranchChunk = {
      length: n,
      kind: c.kind.slice(0, n),
      pc: c.pc.slice(0, n),
      target: c.target.slice(0, n),
      taken: c.taken.slice(0, n),
      icount: c.icount.slice(0, n),
      size: c.size.slice(0, n),
      site: c.site.slice(0, n),
      event: c.event.slice(0, n),
    };
    this.length = 0;
    return out;
  }
}

/** Pushes the transfers that end runs of a gap. */
function pushGap(out: ChunkBuilder, gap: Gap): void {
  for (const run of gap.runs) {
    if (run.transfer < 0) continue;
    const facts = run.view.describe(run.start + run.count - 1);
    out.push(
      run.transfer,
      facts.address,
      run.target,
      true,
      run.icount + run.count - 1,
      facts.length,
    );
  }
}

/** Pushes a recorded instruction if it is a branch or a transfer through memory. */
function pushRecorded(out: ChunkBuilder, r: RecordedInstruction): void {
  const facts = r.inst ? r.inst.view.describe(r.inst.index) : undefined;
  const size = facts?.length ?? 0;
  if (r.branchSite >= 0) {
    // Not disassembled: its own address, a forward branch with edges of its own in BT9.
    const target = facts?.target ?? r.pc;
    out.push(CONDITIONAL, r.pc, target, r.taken, r.icount, size, r.branchSite, r.branchEvent);
  } else if (r.transfer >= 0) {
    const target = r.loadValues.length > 0 ? Number(r.loadValues[0]) : NaN;
    out.push(r.transfer, r.pc, target, true, r.icount, size);
  }
}

/**
 * Streams the branches of the trace to `onChunk`, a chunk per chunk of the
 * trace; returns how well the path between recorded instructions was rebuilt.
 */
export async function streamBranches(
  trace: PathTrace,
  onChunk: (chunk: BranchChunk) => void | Promise<void>,
): Promise<PathSummary> {
  const out = new ChunkBuilder();
  return await walkPath(trace, {
    gap: (gap) => pushGap(out, gap),
    recorded: (r) => pushRecorded(out, r),
    async flush() {
      if (out.length > 0) await onChunk(out.take());
    },
  });
}
