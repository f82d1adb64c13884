/**
 * Export a trace as a ChampSim instruction trace: one 64-byte `input_instr`
 * record per executed instruction (ip, branch flag and outcome, up to 2
 * destination and 4 source registers, up to 2 destination and 4 source memory
 * addresses), so that ChampSim's prefetchers and branch predictors can be run
 * on the same execution.
 *
 * Our traces hold the conditional branches and the loads, with the number of
 * instructions between them. The instructions in between are rebuilt from the
 * disassembly (`lib/baselines/branch/path.ts`: straight-line code, direct
 * jumps and calls, returns and jumps through memory from their loaded
 * destinations, register jumps where the count leaves one destination).
 * Where the path cannot be rebuilt, the missing instructions are written as
 * plain records at the next recorded ip, and counted in the summary as
 * approximated. Stores are not traced, so destination memory is always empty.
 *
 * @module
 */
import { Progress } from "../../common/mod.ts";
import type { Instruction } from "../../disasm/mod.ts";
import { type Gap, type PathSummary, type RecordedInstruction, walkPath } from "../branch/path.ts";
import { openTrace } from "../../trace/reader.ts";
import { REGISTERS } from "../../trace/types.ts";

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
  /** Records written at a guessed ip because the path could not be rebuilt. */
  approximated: number;
  /** How well the path between recorded instructions was rebuilt. */
  path: PathSummary;
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

/** Buffers 64-byte records and writes them out in blocks. */
class RecordWriter {
  readonly #writer: WritableStreamDefaultWriter<Uint8Array>;
  readonly #buffer = new Uint8Array(RECORD_BYTES * 8192);
  readonly #view = new DataView(this.#buffer.buffer);
  readonly #full: Uint8Array[] = [];
  #used = 0;

  constructor(writer: WritableStreamDefaultWriter<Uint8Array>) {
    this.#writer = writer;
  }

  add(record: Parameters<typeof encode>[2]): void {
    encode(this.#view, this.#used, record);
    this.#used += RECORD_BYTES;
    if (this.#used === this.#buffer.length) {
      this.#full.push(this.#buffer.slice());
      this.#used = 0;
    }
  }

  /** Writes the full blocks (and with `all`, the partial one). */
  async flush(all = false): Promise<void> {
    for (const block of this.#full) await this.#writer.write(block);
    this.#full.length = 0;
    if (all && this.#used > 0) {
      await this.#writer.write(this.#buffer.slice(0, this.#used));
      this.#used = 0;
    }
  }
}

/** Records written so far, by how they were obtained. */
interface RecordCounts {
  recorded: number;
  rebuilt: number;
  approximated: number;
}

/** Adds the records of a gap: its rebuilt runs, then the rest at the next recorded ip. */
function addGap(out: RecordWriter, counts: RecordCounts, gap: Gap, next?: RecordedInstruction) {
  for (const run of gap.runs) {
    for (let k = 0; k < run.count; k++) {
      const index = run.repeat ? run.start : run.start + k;
      const inst = run.view.code.instruction(index);
      out.add({ ip: BigInt(run.view.address(index)), inst });
    }
    counts.rebuilt += run.count;
  }
  for (let k = 0; k < gap.lost; k++) out.add({ ip: BigInt(next?.pc ?? 0) });
  counts.approximated += gap.lost;
}

/** Adds the record of a recorded instruction. */
function addRecorded(out: RecordWriter, counts: RecordCounts, r: RecordedInstruction): void {
  const inst = r.inst ? r.inst.view.code.instruction(r.inst.index) : undefined;
  out.add({
    ip: BigInt(r.pc),
    branch: r.branchSite >= 0,
    taken: r.taken,
    inst,
    loads: r.loadAddrs,
  });
  counts.recorded++;
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
  const out = new RecordWriter(writer);
  const counts: RecordCounts = { recorded: 0, rebuilt: 0, approximated: 0 };
  const progress = new Progress({
    label: "export champsim",
    unit: "records",
    quiet: options.quiet,
  });
  let written = 0;
  const path = await walkPath(trace, {
    gap: (gap, next) => addGap(out, counts, gap, next),
    recorded: (r) => addRecorded(out, counts, r),
    async flush() {
      await out.flush();
      const total = counts.recorded + counts.rebuilt + counts.approximated;
      progress.tick(total - written);
      written = total;
    },
  });
  await out.flush(true);
  progress.finish();
  return { instructions: written, ...counts, path };
}
