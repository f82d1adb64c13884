/**
 * Export a trace as a ChampSim instruction trace: one 64-byte `input_instr`
 * record per executed instruction (ip, branch flag and outcome, up to 2
 * destination and 4 source registers, up to 2 destination and 4 source memory
 * addresses), so that ChampSim's prefetchers and branch predictors can be run
 * on the same execution.
 *
 * Our traces hold the conditional branches and the loads, with the number of
 * instructions between them. The instructions in between are rebuilt from the
 * disassembly: from each recorded instruction, follow fall-throughs and direct
 * jumps and calls until the next recorded one; a `ret` or a jump/call through
 * memory is itself a recorded load whose loaded value is the destination.
 * Where the path cannot be followed (a jump or call through a register, code
 * that was not disassembled) or does not arrive at the next recorded
 * instruction after the recorded count, the missing instructions are written
 * as plain records at the next recorded ip, and counted in the summary as
 * approximated. Stores are not traced, so destination memory is always empty.
 *
 * @module
 */
import { Progress } from "../../common/mod.ts";
import { type Instruction, loadObject, type ObjectCode } from "../../disasm/mod.ts";
import { assertObjectsUnchanged } from "../../trace/objects.ts";
import { openTrace } from "../../trace/reader.ts";
import { BRANCH, REGISTERS } from "../../trace/types.ts";

/** ChampSim's register numbers for the stack pointer, flags and instruction pointer. */
const REG_STACK_POINTER = 6, REG_FLAGS = 25, REG_INSTRUCTION_POINTER = 26;
const RECORD_BYTES = 64;

/** ChampSim register ids of the 16 general-purpose registers (rsp is its stack pointer). */
const GPR_ID = new Map<string, number>(
  REGISTERS.map((r, i) => [r, r === "rsp" ? REG_STACK_POINTER : i < 4 ? i + 1 : i + 3]),
);

/** What {@linkcode exportChampsim} wrote. */
export interface ChampsimSummary {
  /** Records written (= instructions of the trace window). */
  instructions: number;
  /** Records of recorded instructions (a branch or loads). */
  recorded: number;
  /** Records rebuilt from the disassembly between recorded instructions. */
  rebuilt: number;
  /** Records written at a guessed ip because the path could not be followed. */
  approximated: number;
  /** Gaps whose rebuilt path had the recorded length but did not arrive at the next recorded ip. */
  diverged: number;
}

/** A loaded object with its run-time placement. */
interface Placed {
  code: ObjectCode;
  bias: bigint;
  low: bigint;
  high: bigint;
}

/** Finds the instruction at a run-time address among the objects seen so far. */
class AddressSpace {
  #placed: Placed[] = [];
  #pending = new Map<string, bigint>();

  /** Notes that object `path` runs at `bias` (run-time minus static address). */
  note(path: string, bias: bigint): void {
    if (!this.#pending.has(path) && !this.#placed.some((p) => p.code.path === path)) {
      this.#pending.set(path, bias);
    }
  }

  async load(): Promise<void> {
    for (const [path, bias] of this.#pending) {
      const code = await loadObject(path, { quiet: true }).catch(() => undefined);
      if (code && code.instructionCount > 0) {
        const all = code.instructions;
        this.#placed.push({
          code,
          bias,
          low: all[0].address + bias,
          high: all[all.length - 1].address + bias,
        });
      }
    }
    this.#pending.clear();
  }

  find(pc: bigint): { inst: Instruction; bias: bigint } | undefined {
    for (const p of this.#placed) {
      if (pc < p.low || pc > p.high) continue;
      const inst = p.code.instructionAt(pc - p.bias);
      return inst ? { inst, bias: p.bias } : undefined;
    }
    return undefined;
  }
}

/** Fills one 64-byte record. */
function encode(
  view: DataView,
  at: number,
  record: { ip: bigint; branch?: boolean; taken?: boolean; inst?: Instruction; loads?: bigint[] },
): void {
  for (let k = 0; k < RECORD_BYTES; k++) view.setUint8(at + k, 0);
  view.setBigUint64(at, record.ip, true);
  const sources: number[] = [];
  const destinations: number[] = [];
  if (record.branch) {
    view.setUint8(at + 8, 1);
    view.setUint8(at + 9, record.taken ? 1 : 0);
    destinations.push(REG_INSTRUCTION_POINTER);
    sources.push(REG_INSTRUCTION_POINTER, REG_FLAGS);
  } else if (record.inst) {
    const flow = record.inst.flow;
    if (flow === "jump" || flow === "call" || flow === "return") {
      view.setUint8(at + 8, 1);
      view.setUint8(at + 9, 1);
      destinations.push(REG_INSTRUCTION_POINTER);
    }
    for (const r of record.inst.writes) if (GPR_ID.has(r)) destinations.push(GPR_ID.get(r)!);
    for (const r of record.inst.reads) if (GPR_ID.has(r)) sources.push(GPR_ID.get(r)!);
    if (record.inst.readsFlags) sources.push(REG_FLAGS);
    if (record.inst.writesFlags) destinations.push(REG_FLAGS);
  }
  const uniq = (ids: number[]) => [...new Set(ids)];
  uniq(destinations).slice(0, 2).forEach((r, k) => view.setUint8(at + 10 + k, r));
  uniq(sources).slice(0, 4).forEach((r, k) => view.setUint8(at + 12 + k, r));
  (record.loads ?? []).slice(0, 4).forEach((a, k) => view.setBigUint64(at + 32 + 8 * k, a, true));
}

/** The instruction that runs after `inst` (at run-time `pc`) when it is not recorded, or undefined. */
function fallThroughOrDirect(inst: Instruction, bias: bigint, stack: bigint[]): bigint | undefined {
  const next = inst.address + BigInt(inst.length) + bias;
  switch (inst.flow) {
    case "other":
      return next;
    case "jump":
      return inst.indirect || inst.target === undefined ? undefined : inst.target + bias;
    case "call":
      if (inst.indirect || inst.target === undefined) return undefined;
      stack.push(next);
      return inst.target + bias;
    case "return":
      return stack.pop();
    default:
      return undefined;
  }
}

/**
 * Writes the ChampSim instruction trace of the trace at `tracePath` to
 * `writer` (uncompressed; ChampSim reads `.xz`/`.gz` or plain files).
 */
export async function exportChampsim(
  tracePath: string,
  writer: WritableStreamDefaultWriter<Uint8Array>,
  options: { quiet?: boolean } = {},
): Promise<ChampsimSummary> {
  const trace = await openTrace(tracePath);
  const space = new AddressSpace();
  const summary: ChampsimSummary = {
    instructions: 0,
    recorded: 0,
    rebuilt: 0,
    approximated: 0,
    diverged: 0,
  };
  const progress = new Progress({ label: "export champsim", unit: "events", quiet: options.quiet });

  const buffer = new Uint8Array(RECORD_BYTES * 8192);
  const view = new DataView(buffer.buffer);
  let used = 0;
  const emit = async (record: Parameters<typeof encode>[2]) => {
    encode(view, used, record);
    used += RECORD_BYTES;
    summary.instructions++;
    if (used === buffer.length) {
      await writer.write(buffer.slice());
      used = 0;
    }
  };

  const stack: bigint[] = [];
  // The recorded instruction being assembled (events at one icount belong to one instruction).
  let current: {
    icount: number;
    pc: bigint;
    branch: boolean;
    taken: boolean;
    loads: bigint[];
    values: bigint[];
  } | undefined;
  let sitesNoted = 0;

  /** Writes `current`, then the instructions up to (not including) `nextPc` at `nextIcount`. */
  const flush = async (nextPc: bigint | undefined, nextIcount: number) => {
    if (!current) return;
    const found = space.find(current.pc);
    await emit({
      ip: current.pc,
      branch: current.branch,
      taken: current.taken,
      inst: found?.inst,
      loads: current.loads,
    });
    summary.recorded++;
    let gap = nextIcount - current.icount - 1;
    let pc: bigint | undefined;
    if (found) {
      const { inst, bias } = found;
      const fall = inst.address + BigInt(inst.length) + bias;
      if (current.branch) {
        pc = current.taken && inst.target !== undefined ? inst.target + bias : fall;
      } else if (inst.flow === "return" || inst.flow === "jump" || inst.flow === "call") {
        // A transfer through memory: the loaded value is where it goes.
        if (inst.flow === "call") stack.push(fall);
        if (inst.flow === "return") stack.pop();
        pc = inst.indirect || inst.flow === "return" ? current.values[0] : inst.target! + bias;
      } else pc = fall;
    }
    while (gap > 0 && pc !== undefined) {
      const at = space.find(pc);
      // Conditional branches are all recorded: meeting one here means the path was lost.
      if (!at || at.inst.flow === "branch") break;
      await emit({ ip: pc, inst: at.inst });
      summary.rebuilt++;
      gap--;
      pc = fallThroughOrDirect(at.inst, at.bias, stack);
    }
    if (nextPc !== undefined && gap === 0 && pc !== nextPc) summary.diverged++;
    // Lost the path: write the rest at the next recorded ip.
    for (; gap > 0; gap--) {
      await emit({ ip: nextPc ?? 0n });
      summary.approximated++;
    }
  };

  for await (const chunk of trace.chunks()) {
    const sites = trace.meta.sites;
    for (; sitesNoted < sites.length; sitesNoted++) {
      const s = sites[sitesNoted];
      space.note(trace.meta.objects[s.object], s.pc - s.offset);
    }
    await space.load();
    for (let i = 0; i < chunk.length; i++) {
      const site = sites[chunk.site[i]];
      const icount = chunk.icount[i];
      if (!current) {
        // Instructions before the first recorded one: their path is unknown.
        for (let k = 0; k < icount; k++) await emit({ ip: site.pc });
        summary.approximated += icount;
      }
      if (!current || current.icount !== icount) {
        await flush(site.pc, icount);
        current = { icount, pc: site.pc, branch: false, taken: false, loads: [], values: [] };
      }
      if (chunk.kind[i] === BRANCH) {
        current.branch = true;
        current.taken = chunk.taken[i] === 1;
      } else {
        current.loads.push(chunk.addr[i]);
        current.values.push(chunk.value[i]);
      }
    }
    progress.tick(chunk.length);
  }
  await assertObjectsUnchanged(tracePath, trace.meta.objects);
  await flush(undefined, trace.meta.instructions);
  if (used > 0) await writer.write(buffer.slice(0, used));
  progress.finish();
  return summary;
}
