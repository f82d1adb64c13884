/**
 * Streaming reader of ncftrace files (lib/trace/FORMAT.md): constant memory
 * whatever the trace's size, events handed out as columnar
 * {@linkcode EventChunk}s, no object per event.
 *
 * @module
 */
import { UserError } from "../common/mod.ts";
import {
  BRANCH,
  type EventChunk,
  LOAD,
  type ProgramEnd,
  type Site,
  type TraceMeta,
} from "./types.ts";

/** A trace that cannot be read whole: truncated, corrupt, or not a trace. */
export class TraceError extends UserError {
  constructor(problem: string, fix = "re-run the trace (deno task trace ...)") {
    super(problem, fix, 1);
    this.name = "TraceError";
  }
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

/** An open trace file. */
export interface TraceFile {
  /** Path of the file. */
  path: string;
  /** Size of the file in bytes. */
  bytes: number;
  /** Header fields, and sites/objects as they are defined while streaming; the footer completes it. */
  meta: TraceMeta;
  /** The footer, once {@linkcode TraceFile.chunks} has read it (undefined before, or if missing). */
  footer?: TraceFooter;
  /**
   * Streams the events from the start of the file (each call starts over).
   * Each chunk has arrays of its own, safe to keep. A truncated or corrupt file yields
   * what is readable, then throws a {@linkcode TraceError}.
   */
  chunks(options?: { chunkSize?: number }): AsyncIterable<EventChunk>;
}

/** Per-event numbers and whole-file facts of a trace, as `deno task trace-info` prints them. */
export interface TraceSummary {
  path: string;
  command: string[];
  skip: number;
  window: number;
  snapshot_spec: string;
  instructions: number;
  events: number;
  branches: number;
  branches_taken: number;
  loads: number;
  /** Distinct branch sites with at least one event. */
  branch_pcs: number;
  /** Distinct load sites (instruction and operand) with at least one event. */
  load_pcs: number;
  snapshots: number;
  /** Object files (absolute paths) of the sites. */
  objects: string[];
  bytes: number;
  bytes_per_event: number;
  /** Bytes of block records (which carry the branch outcomes) per branch event. */
  bytes_per_branch: number;
  /** Bytes of load payloads (address and value) per load event. */
  bytes_per_load: number;
  /** Bytes of snapshot payloads per snapshot. */
  bytes_per_snapshot: number;
  end: ProgramEnd;
  /** True when the window was given and filled (or the whole run was recorded with window 0). */
  window_full: boolean;
  /** True when the file has its footer. */
  complete: boolean;
  /** Tracer warnings, and what went wrong when `complete` is false. */
  notes: string[];
}

const MAGIC = "NCFTRACE";
const END_MARKER = "NCF-END!";
const FORMAT_VERSION = 1;
const REC_OBJECT = 1, REC_SITE = 2, REC_BLOCK = 3, REC_FOOTER = 4;
const BUFFER_BYTES = 4 << 20;
/** No record is longer than this (the tracer's bound is below 1 MiB). */
const MAX_RECORD_BYTES = 1 << 20;
const TWO32 = 4294967296;
const SIGNALS: Record<number, string> = {
  1: "SIGHUP",
  2: "SIGINT",
  3: "SIGQUIT",
  4: "SIGILL",
  5: "SIGTRAP",
  6: "SIGABRT",
  7: "SIGBUS",
  8: "SIGFPE",
  9: "SIGKILL",
  10: "SIGUSR1",
  11: "SIGSEGV",
  12: "SIGUSR2",
  13: "SIGPIPE",
  14: "SIGALRM",
  15: "SIGTERM",
  16: "SIGSTKFLT",
  17: "SIGCHLD",
  24: "SIGXCPU",
  25: "SIGXFSZ",
  26: "SIGVTALRM",
  27: "SIGPROF",
  31: "SIGSYS",
};

/** Name of a Linux signal number (`SIG<n>` for unnamed ones, `unknown` for 0). */
export function signalName(n: number): string {
  if (n === 0) return "unknown";
  return SIGNALS[n] ?? `SIG${n}`;
}

/** Thrown inside the decoder when a record runs past the end of the data. */
class Overrun extends Error {}
const OVERRUN = new Overrun();

interface Header {
  command: string[];
  skip: number;
  window: number;
  snapshots: string;
  afterWindow: string;
  /** Offset of the first record. */
  dataStart: number;
}

async function readAt(file: Deno.FsFile, offset: number, length: number): Promise<Uint8Array> {
  const out = new Uint8Array(length);
  await file.seek(offset, Deno.SeekMode.Start);
  let done = 0;
  while (done < length) {
    const n = await file.read(out.subarray(done));
    if (n === null) break;
    done += n;
  }
  return out.subarray(0, done);
}

function ascii(bytes: Uint8Array): string {
  return String.fromCharCode(...bytes);
}

/**
 * Decodes the fields of a footer record (after its record code) from
 * `bytes[at, end)`. Returns the footer and where its fields end (the length
 * and end marker follow). Throws {@linkcode OVERRUN} when the bytes end early
 * and a RangeError for an unknown end kind.
 */
function decodeFooter(
  bytes: Uint8Array,
  at: number,
  end: number,
): { footer: TraceFooter; next: number } {
  let p = at;
  const num = (): number => {
    let r = 0, m = 1;
    for (let i = 0; i < 10; i++) {
      if (p >= end) throw OVERRUN;
      const b = bytes[p++];
      r += (b & 0x7f) * m;
      if (b < 0x80) return r;
      m *= 128;
    }
    throw OVERRUN;
  };
  const counts = {
    instructions: num(),
    instructionsTotal: num(),
    branches: num(),
    branchesTaken: num(),
    loads: num(),
    snapshots: num(),
    blocks: num(),
  };
  const how = num();
  const z = num();
  const value = z % 2 === 0 ? z / 2 : -(z + 1) / 2;
  const notesLen = num();
  if (p + notesLen > end) throw OVERRUN;
  const notes = new TextDecoder().decode(bytes.subarray(p, p + notesLen));
  p += notesLen;
  const footer: TraceFooter = {
    ...counts,
    end: { how: "window" },
    notes,
    bytesBlocks: num(),
    bytesLoads: num(),
    bytesSnapshots: num(),
    bytesDefinitions: num(),
  };
  if (how === 0) footer.end = { how: "exit", code: value };
  else if (how === 1) footer.end = { how: "signal", signal: signalName(value) };
  else if (how !== 2) throw new RangeError(`unknown end kind ${how}`);
  return { footer, next: p };
}

async function readHeader(file: Deno.FsFile, path: string, size: number): Promise<Header> {
  const fixed = await readAt(file, 0, 13);
  if (fixed.length < 8 || ascii(fixed.subarray(0, 8)) !== MAGIC) {
    throw new TraceError(
      `${path} is not an ncf trace (bad magic)`,
      "give a file written by `deno task trace`",
    );
  }
  if (fixed.length < 13) {
    throw new TraceError(`${path} is truncated at byte ${size} after 0 events (inside the header)`);
  }
  if (fixed[8] !== FORMAT_VERSION) {
    throw new TraceError(
      `${path} has trace format version ${fixed[8]}, this reader reads version ${FORMAT_VERSION}`,
      "re-run the trace with this checkout's tracer (make tracer; deno task trace ...)",
    );
  }
  const len = new DataView(fixed.buffer, fixed.byteOffset).getUint32(9, true);
  if (13 + len > size) {
    throw new TraceError(`${path} is truncated at byte ${size} after 0 events (inside the header)`);
  }
  const json = new TextDecoder().decode(await readAt(file, 13, len));
  let h: Record<string, unknown>;
  try {
    h = JSON.parse(json);
  } catch {
    throw new TraceError(`${path} has a corrupt header at byte 13`);
  }
  return {
    command: (h.command as string[]) ?? [],
    skip: Number(h.skip ?? 0),
    window: Number(h.window ?? 0),
    snapshots: String(h.snapshots ?? "none"),
    afterWindow: String(h.afterWindow ?? "stop"),
    dataStart: 13 + len,
  };
}

/** Growable typed arrays for the decoder's per-site and per-block state. */
function grow<T extends Float64Array | Uint32Array | Int32Array | Uint8Array>(
  a: T,
  need: number,
): T {
  if (need <= a.length) return a;
  let n = a.length * 2;
  while (n < need) n *= 2;
  const b = new (a.constructor as { new (n: number): T })(n);
  b.set(a);
  return b;
}

function newChunk(capacity: number, regRows: number): EventChunk {
  return {
    length: 0,
    kind: new Uint8Array(capacity),
    site: new Uint32Array(capacity),
    icount: new Float64Array(capacity),
    taken: new Uint8Array(capacity),
    addr: new BigUint64Array(capacity),
    value: new BigUint64Array(capacity),
    size: new Uint8Array(capacity),
    snapshot: new Int32Array(capacity),
    regs: new BigUint64Array(regRows * 16),
  };
}

/** A copy of the first `length` events of the work chunk, in arrays of their own. */
function finishChunk(c: EventChunk, rows: number): EventChunk {
  const n = c.length;
  return {
    length: n,
    kind: c.kind.slice(0, n),
    site: c.site.slice(0, n),
    icount: c.icount.slice(0, n),
    taken: c.taken.slice(0, n),
    addr: c.addr.slice(0, n),
    value: c.value.slice(0, n),
    size: c.size.slice(0, n),
    snapshot: c.snapshot.slice(0, n),
    regs: c.regs.slice(0, rows * 16),
  };
}

/** Opens a trace and reads its header; events are read by {@linkcode TraceFile.chunks}. */
export async function openTrace(path: string): Promise<TraceFile> {
  let file: Deno.FsFile;
  try {
    file = await Deno.open(path, { read: true });
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) {
      throw new UserError(
        `trace ${path} does not exist`,
        "give the path of a trace written by `deno task trace`",
      );
    }
    throw new UserError(
      `cannot open trace ${path}: ${(err as Error).message}`,
      "check the path and its permissions",
    );
  }
  let header: Header;
  let size: number;
  try {
    const info = await file.stat();
    if (!info.isFile) {
      throw new UserError(
        `${path} is not a file`,
        "give the path of a trace written by `deno task trace`",
      );
    }
    size = info.size;
    header = await readHeader(file, path, size);
  } finally {
    file.close();
  }
  const meta: TraceMeta = {
    command: header.command,
    skip: header.skip,
    window: header.window,
    snapshots: header.snapshots,
    objects: [],
    sites: [],
    instructions: 0,
    end: { how: "exit" },
  };
  const trace: TraceFile = {
    path,
    bytes: size,
    meta,
    footer: undefined,
    chunks: (options) => streamEvents(trace, header, options?.chunkSize ?? 4096),
  };
  return trace;
}

async function* streamEvents(
  trace: TraceFile,
  header: Header,
  chunkSize: number,
): AsyncGenerator<EventChunk> {
  const { path, meta } = trace;
  meta.objects = [];
  meta.sites = [];
  trace.footer = undefined;
  const file = await Deno.open(path, { read: true });
  try {
    await file.seek(header.dataStart, Deno.SeekMode.Start);
    const buf = new Uint8Array(BUFFER_BYTES);
    let p = 0; // read position in buf
    let end = 0; // valid bytes in buf
    let base = header.dataStart; // file offset of buf[0]
    let eof = false;

    // Decoder state, mirroring encode_slot() in ncftrace.c.
    let siteKind = new Uint8Array(1024);
    let siteSize = new Uint32Array(1024);
    let prevAddr = new Float64Array(1024);
    let prevStride = new Float64Array(1024);
    let prevValLo = new Uint32Array(1024);
    let prevValHi = new Uint32Array(1024);
    let prevRegs = new Uint32Array(1024 * 32);
    let nSites = 0;
    let blockInstrs = new Uint32Array(1024);
    let blockFirst = new Uint32Array(1024); // index into evSite / evInsn
    let blockEvents = new Uint32Array(1024);
    let succ = new Int32Array(2048).fill(-1);
    let nBlocks = 0;
    let evSite = new Uint32Array(4096);
    let evInsn = new Uint32Array(4096);
    let nEv = 0;
    let prevBlock = -1, prevTaken = 0, prevIcount = 0, prevInstrs = 0;
    let events = 0;

    const capacity = chunkSize + 4096 * 2; // a block adds at most 4096 events
    // One work chunk, reused; each yielded chunk is a copy of its used part.
    const chunk = newChunk(capacity, 64);
    const kindA = chunk.kind, siteA = chunk.site, icountA = chunk.icount, takenA = chunk.taken;
    const sizeA = chunk.size, snapA = chunk.snapshot;
    const addrU32 = new Uint32Array(chunk.addr.buffer);
    const valueU32 = new Uint32Array(chunk.value.buffer);
    let regsU32 = new Uint32Array(chunk.regs.buffer);
    let rows = 0;
    const fresh = () => {
      chunk.length = 0;
      rows = 0;
    };

    const corrupt = (at: number, what: string): never => {
      throw new TraceError(
        `${path} has a corrupt record at byte ${base + at} after ${events} events: ${what}`,
      );
    };

    // Varint readers. Bounds are checked on every byte: an overrun is either
    // a truncated file (at EOF) or corruption.
    let vlo = 0, vhi = 0;
    const num = (): number => {
      if (p >= end) throw OVERRUN;
      let b = buf[p++];
      if (b < 0x80) return b;
      let r = b & 0x7f, m = 128;
      for (let i = 1; i < 10; i++) {
        if (p >= end) throw OVERRUN;
        b = buf[p++];
        r += (b & 0x7f) * m;
        if (b < 0x80) return r;
        m *= 128;
      }
      return corrupt(p, "varint longer than 10 bytes");
    };
    const u64 = (): void => {
      let lo = 0, hi = 0;
      for (let i = 0, s = 0;; i++, s += 7) {
        if (p >= end) throw OVERRUN;
        const b = buf[p++];
        const v = b & 0x7f;
        if (s < 32) {
          lo |= v << s;
          if (s > 25) hi |= v >>> (32 - s);
        } else {
          hi |= v << (s - 32);
        }
        if (b < 0x80) break;
        if (i === 9) corrupt(p, "varint longer than 10 bytes");
      }
      vlo = lo >>> 0;
      vhi = hi >>> 0;
    };
    const unzig = (z: number): number => (z % 2 === 0 ? z / 2 : -(z + 1) / 2);

    const refill = async () => {
      if (eof) return;
      if (p > 0) {
        buf.copyWithin(0, p, end);
        end -= p;
        base += p;
        p = 0;
      }
      while (end < buf.length) {
        const n = await file.read(buf.subarray(end));
        if (n === null) {
          eof = true;
          break;
        }
        end += n;
      }
    };

    const defineObject = () => {
      const len = num();
      if (len > MAX_RECORD_BYTES) corrupt(p, "object name too long");
      if (p + len > end) throw OVERRUN;
      meta.objects.push(new TextDecoder().decode(buf.subarray(p, p + len)));
      p += len;
    };
    const defineSite = () => {
      const kind = num();
      const pc = num();
      const object = num();
      const offset = num();
      const operand = num();
      const size = num();
      num(); // snapshot-eligible flag: informative
      if (kind > 1) corrupt(p, `site kind ${kind}`);
      if (object >= meta.objects.length) corrupt(p, `undefined object ${object}`);
      const id = nSites++;
      siteKind = grow(siteKind, nSites);
      siteSize = grow(siteSize, nSites);
      prevAddr = grow(prevAddr, nSites);
      prevStride = grow(prevStride, nSites);
      prevValLo = grow(prevValLo, nSites);
      prevValHi = grow(prevValHi, nSites);
      prevRegs = grow(prevRegs, nSites * 32);
      siteKind[id] = kind;
      siteSize[id] = size;
      const site: Site = {
        id,
        kind: kind === 0 ? "branch" : "load",
        pc: BigInt(pc),
        object,
        offset: BigInt(offset),
        operand,
      };
      meta.sites.push(site);
    };
    const defineBlock = () => {
      const instrs = num();
      const n = num();
      if (n > 4096) corrupt(p, `block with ${n} events`);
      const id = nBlocks++;
      blockInstrs = grow(blockInstrs, nBlocks);
      blockFirst = grow(blockFirst, nBlocks);
      blockEvents = grow(blockEvents, nBlocks);
      if (succ.length < nBlocks * 2) {
        const s = new Int32Array(succ.length * 2).fill(-1);
        s.set(succ);
        succ = s;
      }
      evSite = grow(evSite, nEv + n);
      evInsn = grow(evInsn, nEv + n);
      blockInstrs[id] = instrs;
      blockFirst[id] = nEv;
      blockEvents[id] = n;
      let insn = 0;
      for (let i = 0; i < n; i++) {
        const s = num();
        insn += num();
        if (s >= nSites) corrupt(p, `undefined site ${s}`);
        if (insn >= instrs) corrupt(p, "event past the block's end");
        evSite[nEv + i] = s;
        evInsn[nEv + i] = insn;
      }
      nEv += n;
    };
    const readFooter = () => {
      let decoded: { footer: TraceFooter; next: number };
      try {
        decoded = decodeFooter(buf, p, end);
      } catch (err) {
        if (err instanceof RangeError) corrupt(p, err.message);
        throw err;
      }
      p = decoded.next;
      if (p + 12 > end) throw OVERRUN;
      p += 4; // footer length, for readers that start from the end
      if (ascii(buf.subarray(p, p + 8)) !== END_MARKER) corrupt(p, "bad end marker");
      p += 8;
      return decoded.footer;
    };

    // Local copies of per-event helpers' state for the hot loop.
    const subset = new Uint8Array(4096);
    const snapAt = new Uint8Array(4096);

    const readBlock = (code: number) => {
      let id: number, taken: number, ext: number;
      if (code & 1) {
        if (code >= 8) corrupt(p, `bad block code ${code}`);
        if (prevBlock < 0) corrupt(p, "predicted block without a previous block");
        id = succ[prevBlock * 2 + prevTaken];
        if (id < 0) corrupt(p, "predicted block without a prediction");
        taken = (code >> 2) & 1;
        ext = (code >> 1) & 1;
      } else {
        id = Math.floor(code / 16);
        if (id >= nBlocks) corrupt(p, `undefined block ${id}`);
        taken = (code >> 3) & 1;
        ext = (code >> 2) & 1;
      }
      if (prevBlock >= 0) succ[prevBlock * 2 + prevTaken] = id;
      prevBlock = id;
      prevTaken = taken;
      let icount = prevIcount + prevInstrs;
      const n = blockEvents[id];
      const first = blockFirst[id];
      let flags = 0, nExtra = 0, extraBits = 0;
      let useSubset = false, anySnap = false;
      if (ext) {
        flags = num();
        if (flags === 0 || flags > 15) corrupt(p, `bad block flags ${flags}`);
        if (flags & 1) icount += unzig(num());
        if (flags & 2) {
          useSubset = true;
          subset.fill(0, 0, n);
          const k = num();
          if (k > n) corrupt(p, "more events than the block has");
          for (let i = 0, at = -1; i < k; i++) {
            at += num() + 1;
            if (at >= n) corrupt(p, "event index past the block's end");
            subset[at] = 1;
          }
        }
        if (flags & 4) {
          anySnap = true;
          snapAt.fill(0, 0, n);
          const k = num();
          if (k > n) corrupt(p, "more snapshots than the block has events");
          for (let i = 0, at = -1; i < k; i++) {
            at += num() + 1;
            if (at >= n) corrupt(p, "snapshot index past the block's end");
            snapAt[at] = 1;
          }
        }
        if (flags & 8) {
          nExtra = num();
          extraBits = num();
        }
      }
      prevIcount = icount;
      prevInstrs = blockInstrs[id];

      let firstBranch = true;
      let len = chunk.length;
      for (let i = 0; i < n; i++) {
        if (useSubset && !subset[i]) continue;
        const s = evSite[first + i];
        const j = len++;
        siteA[j] = s;
        icountA[j] = icount + evInsn[first + i];
        if (siteKind[s] === 0) {
          // The work chunk is reused: fields that do not apply are zeroed.
          kindA[j] = BRANCH;
          sizeA[j] = 0;
          addrU32[2 * j] =
            addrU32[2 * j + 1] =
            valueU32[2 * j] =
            valueU32[2 * j + 1] =
              0;
          if (firstBranch) {
            takenA[j] = taken;
            firstBranch = false;
          } else if (nExtra > 0) {
            takenA[j] = extraBits & 1;
            extraBits >>>= 1;
            nExtra--;
          } else {
            takenA[j] = 0;
          }
        } else {
          kindA[j] = LOAD;
          takenA[j] = 0;
          const size = siteSize[s];
          sizeA[j] = size > 255 ? 255 : size;
          // Address: delta from this site's stride prediction.
          const z = num();
          const addr = prevAddr[s] + prevStride[s] + unzig(z);
          prevStride[s] = addr - prevAddr[s];
          prevAddr[s] = addr;
          const alo = addr >>> 0;
          addrU32[2 * j] = alo;
          addrU32[2 * j + 1] = (addr - alo) / TWO32;
          // Value: delta from this site's previous value, modulo its size.
          if (size >= 8) {
            u64();
            const neg = -(vlo & 1);
            const dlo = (((vlo >>> 1) | (vhi << 31)) ^ neg) >>> 0;
            const dhi = ((vhi >>> 1) ^ neg) >>> 0;
            const sum = prevValLo[s] + dlo;
            const lo = sum >>> 0;
            const hi = (prevValHi[s] + dhi + (sum > 0xffffffff ? 1 : 0)) >>> 0;
            prevValLo[s] = lo;
            prevValHi[s] = hi;
            valueU32[2 * j] = lo;
            valueU32[2 * j + 1] = hi;
          } else {
            const d = unzig(num());
            let v = (prevValLo[s] + d) >>> 0;
            if (size < 4) v &= (1 << (8 * size)) - 1;
            prevValLo[s] = v;
            valueU32[2 * j] = v;
            valueU32[2 * j + 1] = 0;
          }
        }
        if (anySnap && snapAt[i]) {
          if ((rows + 1) * 16 > chunk.regs.length) {
            const r = new BigUint64Array(chunk.regs.length * 2);
            r.set(chunk.regs);
            chunk.regs = r;
            regsU32 = new Uint32Array(r.buffer);
          }
          const mask = num();
          if (mask > 0xffff) corrupt(p, "bad register mask");
          const base32 = s * 32;
          for (let r = 0; r < 16; r++) {
            if (mask & (1 << r)) {
              u64();
              const neg = -(vlo & 1);
              const dlo = (((vlo >>> 1) | (vhi << 31)) ^ neg) >>> 0;
              const dhi = ((vhi >>> 1) ^ neg) >>> 0;
              const sum = prevRegs[base32 + 2 * r] + dlo;
              prevRegs[base32 + 2 * r] = sum >>> 0;
              prevRegs[base32 + 2 * r + 1] = (prevRegs[base32 + 2 * r + 1] + dhi +
                (sum > 0xffffffff ? 1 : 0)) >>> 0;
            }
          }
          regsU32.set(prevRegs.subarray(base32, base32 + 32), rows * 32);
          snapA[j] = rows++;
        } else {
          snapA[j] = -1;
        }
      }
      chunk.length = len;
    };

    for (;;) {
      if (!eof && end - p < MAX_RECORD_BYTES) await refill();
      if (p >= end) {
        if (chunk.length > 0) yield finishChunk(chunk, rows);
        throw new TraceError(
          `${path} is truncated at byte ${base + p} after ${events} events (no footer)`,
          "re-run the trace; a trace cut short by a killed tracer stays as FILE.partial",
        );
      }
      const recordStart = p;
      const lengthBefore = chunk.length;
      const rowsBefore = rows;
      try {
        const code = num();
        if (code & 3) {
          readBlock(code);
          events += chunk.length - lengthBefore;
        } else {
          const type = code / 4;
          if (type === REC_OBJECT) defineObject();
          else if (type === REC_SITE) defineSite();
          else if (type === REC_BLOCK) defineBlock();
          else if (type === REC_FOOTER) {
            const footer = readFooter();
            if (p !== end || !eof) {
              await refill();
              if (p !== end) corrupt(p, "data after the footer");
            }
            meta.instructions = footer.instructions;
            meta.end = footer.end;
            trace.footer = footer;
            if (chunk.length > 0) yield finishChunk(chunk, rows);
            return;
          } else corrupt(recordStart, `unknown record type ${code}`);
        }
      } catch (err) {
        if (!(err instanceof Overrun)) throw err;
        chunk.length = lengthBefore;
        rows = rowsBefore;
        if (chunk.length > 0) yield finishChunk(chunk, rows);
        if (eof) {
          throw new TraceError(
            `${path} is truncated at byte ${
              base + recordStart
            } after ${events} events (last record incomplete)`,
            "re-run the trace; a trace cut short by a killed tracer stays as FILE.partial",
          );
        }
        return corrupt(recordStart, "record longer than the format allows");
      }
      if (chunk.length >= chunkSize) {
        yield finishChunk(chunk, rows);
        fresh();
      }
    }
  } finally {
    file.close();
  }
}

/**
 * Reads only the footer of a trace (from the end of the file), without
 * streaming the events; undefined when the file has no valid footer.
 */
export async function readFooter(path: string): Promise<TraceFooter | undefined> {
  let file: Deno.FsFile;
  try {
    file = await Deno.open(path, { read: true });
  } catch {
    return undefined;
  }
  try {
    const size = (await file.stat()).size;
    if (size < 13 + 12) return undefined;
    const tail = await readAt(file, size - 12, 12);
    if (ascii(tail.subarray(4)) !== END_MARKER) return undefined;
    const len = new DataView(tail.buffer, tail.byteOffset).getUint32(0, true);
    if (len > size - 12 || len > MAX_RECORD_BYTES) return undefined;
    const bytes = await readAt(file, size - 12 - len, len + 12);
    // The record code, then the fields.
    if (bytes[0] !== REC_FOOTER * 4) return undefined;
    try {
      return decodeFooter(bytes, 1, len).footer;
    } catch {
      return undefined;
    }
  } finally {
    file.close();
  }
}

/** Streams a whole trace and returns the numbers `deno task trace-info` prints. */
export async function summarizeTrace(path: string): Promise<TraceSummary> {
  const trace = await openTrace(path);
  const { meta } = trace;
  let branches = 0, taken = 0, loads = 0, snapshots = 0;
  const seen = new Uint8Array(1 << 16);
  let seenSites = seen;
  const notes: string[] = [];
  let complete = true;
  try {
    for await (const c of trace.chunks({ chunkSize: 65536 })) {
      if (seenSites.length < meta.sites.length) {
        const s = new Uint8Array(Math.max(meta.sites.length, seenSites.length * 2));
        s.set(seenSites);
        seenSites = s;
      }
      for (let i = 0; i < c.length; i++) {
        seenSites[c.site[i]] = 1;
        if (c.kind[i] === BRANCH) {
          branches++;
          taken += c.taken[i];
        } else loads++;
        if (c.snapshot[i] >= 0) snapshots++;
      }
    }
  } catch (err) {
    if (!(err instanceof TraceError)) throw err;
    complete = false;
    notes.push(err.message);
  }
  let branchPcs = 0, loadPcs = 0;
  for (const s of meta.sites) {
    if (!seenSites[s.id]) continue;
    if (s.kind === "branch") branchPcs++;
    else loadPcs++;
  }
  const f = trace.footer;
  if (f?.notes) notes.push(...f.notes.split("; "));
  const events = branches + loads;
  const instructions = f ? f.instructions : meta.instructions;
  const windowFull = complete &&
    (meta.window > 0 ? instructions >= meta.window : f?.end.how !== "window");
  if (complete && meta.window > 0 && !windowFull) {
    notes.push(
      instructions === 0 && f && f.instructionsTotal <= meta.skip
        ? `the program ended after ${f.instructionsTotal} instructions, before the skip of ${meta.skip}: nothing was recorded`
        : `the program ended after ${instructions} of the window's ${meta.window} instructions`,
    );
  }
  const round = (x: number) => Math.round(x * 1000) / 1000;
  return {
    path,
    command: meta.command,
    skip: meta.skip,
    window: meta.window,
    snapshot_spec: meta.snapshots,
    instructions,
    events,
    branches,
    branches_taken: taken,
    loads,
    branch_pcs: branchPcs,
    load_pcs: loadPcs,
    snapshots,
    objects: meta.objects,
    bytes: trace.bytes,
    bytes_per_event: events ? round(trace.bytes / events) : 0,
    bytes_per_branch: f && branches ? round(f.bytesBlocks / branches) : 0,
    bytes_per_load: f && loads ? round(f.bytesLoads / loads) : 0,
    bytes_per_snapshot: f && snapshots ? round(f.bytesSnapshots / snapshots) : 0,
    end: f ? f.end : meta.end,
    window_full: windowFull,
    complete,
    notes,
  };
}
