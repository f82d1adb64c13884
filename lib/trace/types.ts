/**
 * The contract between the tracer and every later stage: what a trace holds,
 * as the TypeScript reader hands it out.
 *
 * Events come in columnar chunks (typed arrays) in execution order, so that
 * consumers (graph builder, predictors) stream any trace in constant memory
 * without allocating an object per event.
 *
 * @module
 */

/** A static event site: one conditional branch, or one memory read of one instruction. */
export interface Site {
  /** Index of this site in {@linkcode TraceMeta.sites}; events refer to sites by it. */
  id: number;
  kind: "branch" | "load";
  /** Run-time address of the instruction. */
  pc: bigint;
  /** Index into {@linkcode TraceMeta.objects}: the file the instruction belongs to. */
  object: number;
  /** Static address in that file, as `objdump -d` of the file shows it. */
  offset: bigint;
  /** For loads: which memory read of the instruction (0 for the first). */
  operand: number;
}

/** How the traced program ended. */
export interface ProgramEnd {
  /**
   * `exit` (status in `code`), `signal` (name in `signal`), `window` (stopped
   * by the tracer at the window's end) or `limit` (stopped by the tracer when
   * the trace reached its size cap, `--max-bytes`).
   */
  how: "exit" | "signal" | "window" | "limit";
  code?: number;
  signal?: string;
}

/** What the footer of a complete trace says beyond {@linkcode TraceMeta}. */
export interface TraceFooter {
  /** Instructions inside the window (also in {@linkcode TraceMeta.instructions}). */
  instructions: number;
  /** Instructions counted from the program's start until recording ended (skip included). */
  instructionsTotal: number;
  branches: number;
  branchesTaken: number;
  loads: number;
  snapshots: number;
  /** Basic-block records written. */
  blocks: number;
  end: ProgramEnd;
  /** Warnings of the tracer (e.g. a snapshot selector that matched nothing). */
  notes: string;
  /** Bytes of block records (block ids, branch outcomes, icount corrections). */
  bytesBlocks: number;
  /** Bytes of load payloads (address and value). */
  bytesLoads: number;
  /** Bytes of register snapshots. */
  bytesSnapshots: number;
  /** Bytes of the header and of object, site and block definitions. */
  bytesDefinitions: number;
}

/** Everything in a trace apart from the events. */
export interface TraceMeta {
  /** Program and arguments as traced. */
  command: string[];
  /** Instructions skipped before recording started. */
  skip: number;
  /** Window length in instructions (0 = until the program ends). */
  window: number;
  /** The snapshot specification the trace was recorded with (the `--snapshots` text). */
  snapshots: string;
  /** Object files (absolute paths) referenced by sites. */
  objects: string[];
  sites: Site[];
  /** Instructions executed inside the recorded window. */
  instructions: number;
  /** How the program ended; set once the footer has been read. */
  end?: ProgramEnd;
}

/** Event kinds in {@linkcode EventChunk.kind}. */
export const BRANCH = 0;
export const LOAD = 1;

/** Register order of a snapshot: the 16 general-purpose registers. */
export const REGISTERS = [
  "rax",
  "rcx",
  "rdx",
  "rbx",
  "rsp",
  "rbp",
  "rsi",
  "rdi",
  "r8",
  "r9",
  "r10",
  "r11",
  "r12",
  "r13",
  "r14",
  "r15",
] as const;

/**
 * Up to a few thousand consecutive events. Index `i` in `[0, length)` is one
 * event; arrays that do not apply to its kind hold 0.
 */
export interface EventChunk {
  length: number;
  /** {@linkcode BRANCH} or {@linkcode LOAD}. */
  kind: Uint8Array;
  /** Site id (index into {@linkcode TraceMeta.sites}). */
  site: Uint32Array;
  /** Instructions executed in the window before this event's instruction. */
  icount: Float64Array;
  /** Branch: 1 if taken. */
  taken: Uint8Array;
  /** Load: effective address. */
  addr: BigUint64Array;
  /** Load: value read (the low 8 bytes of a wider read), zero-extended. */
  value: BigUint64Array;
  /** Load: bytes read. */
  size: Uint8Array;
  /** Row of this event's register snapshot in `regs`, or -1 if it has none. */
  snapshot: Int32Array;
  /** Snapshots, 16 registers each in {@linkcode REGISTERS} order: `regs[row * 16 + r]`. */
  regs: BigUint64Array;
}
