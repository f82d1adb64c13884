/**
 * The record decoder of the trace reader: turns the record stream
 * (lib/trace/FORMAT.md, "Records") into columnar {@linkcode EventChunk}s. It
 * mirrors the writer's prediction state (`encode_slot()` in
 * `tracer/ncftrace.c`) exactly; the two must change together.
 *
 * The decoder works on bytes already in memory ({@linkcode RecordBytes});
 * `reader.ts` fills them from the file and drives the decoding.
 *
 * @module
 */
import { BRANCH, type EventChunk, LOAD, type Site, type TraceMeta } from "./types.ts";
import { TraceError } from "./errors.ts";

/** Record codes (`code >> 2` of a definition record; the footer's outside the records). */
const REC_OBJECT = 1, REC_SITE = 2, REC_BLOCK = 3;
/** The footer's first byte is `REC_FOOTER << 2`. */
export const REC_FOOTER = 4;
/** No record is longer than this (the tracer's bound is below 1 MiB). */
export const MAX_RECORD_BYTES = 1 << 20;
/** A block has at most this many events (the tracer asserts it). */
const MAX_BLOCK_EVENTS = 4096;
const TWO32 = 4294967296;

/** Thrown inside the decoder when a record runs past the end of the bytes in memory. */
export class Overrun extends Error {}
const OVERRUN = new Overrun();

/**
 * A window of the record stream in memory, with the varint readers. `buf[p,
 * end)` is unread; `base` is the stream offset (file offset) of `buf[0]`,
 * for error messages.
 */
export class RecordBytes {
  buf: Uint8Array;
  p = 0;
  end = 0;
  base: number;
  /** Low and high 32 bits of the last {@linkcode RecordBytes.u64}. */
  lo = 0;
  hi = 0;

  constructor(capacity: number, base: number, readonly path: string) {
    this.buf = new Uint8Array(capacity);
    this.base = base;
  }

  /** A {@linkcode TraceError} naming the stream offset of `buf[at]`. */
  corrupt(at: number, what: string, events: number): TraceError {
    return new TraceError(
      `${this.path} has a corrupt record at byte ${
        this.base + at
      } of its records after ${events} events: ${what}`,
    );
  }

  /** A varint below 2^53. Throws {@linkcode OVERRUN} past `end`. */
  num(): number {
    const buf = this.buf, end = this.end;
    let p = this.p;
    if (p >= end) throw OVERRUN;
    let b = buf[p++];
    if (b < 0x80) {
      this.p = p;
      return b;
    }
    let r = b & 0x7f, m = 128;
    for (let i = 1; i < 10; i++) {
      if (p >= end) throw OVERRUN;
      b = buf[p++];
      r += (b & 0x7f) * m;
      if (b < 0x80) {
        this.p = p;
        return r;
      }
      m *= 128;
    }
    throw this.corrupt(p, "varint longer than 10 bytes", 0);
  }

  /** A full 64-bit varint into {@linkcode RecordBytes.lo} and {@linkcode RecordBytes.hi}. */
  u64(): void {
    const buf = this.buf, end = this.end;
    let p = this.p;
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
      if (i === 9) throw this.corrupt(p, "varint longer than 10 bytes", 0);
    }
    this.p = p;
    this.lo = lo >>> 0;
    this.hi = hi >>> 0;
  }

  /** `n` bytes as UTF-8 text. */
  text(n: number): string {
    if (this.p + n > this.end) throw OVERRUN;
    const s = new TextDecoder().decode(this.buf.subarray(this.p, this.p + n));
    this.p += n;
    return s;
  }
}

/** Undoes zigzag for values below 2^53. */
export function unzig(z: number): number {
  return z % 2 === 0 ? z / 2 : -(z + 1) / 2;
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

/** What the optional part of a block execution record says (FORMAT.md, "Block executions"). */
interface BlockExtras {
  /** Not all events ran: `subset[i]` = 1 for those that did. */
  useSubset: boolean;
  /** Some events carry snapshots: `snapAt[i]` = 1 for those. */
  anySnap: boolean;
  /** Branches after the first that ran, and their outcomes (bit i = the i+2th). */
  nExtra: number;
  extraBits: number;
}

/**
 * Decodes records into one reusable work chunk of events. Sites and objects
 * are appended to `meta` as they are defined.
 */
export class EventDecoder {
  /** Events decoded so far (for error messages). */
  events = 0;
  /** The work chunk: events decoded since the last {@linkcode EventDecoder.take}. */
  readonly chunk: EventChunk;
  /** Snapshot rows used in the work chunk. */
  rows = 0;

  // Per-site state, by site id.
  #siteKind = new Uint8Array(1024);
  #siteSize = new Uint32Array(1024);
  #prevAddr = new Float64Array(1024);
  #prevStride = new Float64Array(1024);
  #prevValLo = new Uint32Array(1024);
  #prevValHi = new Uint32Array(1024);
  #prevRegs = new Uint32Array(1024 * 32);
  #nSites = 0;
  // Per-block state, by block id: its events are evSite/evInsn[first, first + n).
  #blockInstrs = new Uint32Array(1024);
  #blockFirst = new Uint32Array(1024);
  #blockEvents = new Uint32Array(1024);
  #succ = new Int32Array(2048).fill(-1);
  #nBlocks = 0;
  #evSite = new Uint32Array(4096);
  #evInsn = new Uint32Array(4096);
  #nEv = 0;
  // The previous block execution.
  #prevBlock = -1;
  #prevTaken = 0;
  #prevIcount = 0;
  #prevInstrs = 0;
  // Scratch of one block execution.
  #subset = new Uint8Array(MAX_BLOCK_EVENTS);
  #snapAt = new Uint8Array(MAX_BLOCK_EVENTS);
  #extras: BlockExtras = { useSubset: false, anySnap: false, nExtra: 0, extraBits: 0 };
  // 32-bit views of the work chunk's 64-bit columns.
  #addrU32: Uint32Array;
  #valueU32: Uint32Array;
  #regsU32: Uint32Array;

  constructor(readonly bytes: RecordBytes, readonly meta: TraceMeta, chunkSize: number) {
    // A block adds at most MAX_BLOCK_EVENTS events past chunkSize.
    this.chunk = newChunk(chunkSize + MAX_BLOCK_EVENTS * 2, 64);
    this.#addrU32 = new Uint32Array(this.chunk.addr.buffer);
    this.#valueU32 = new Uint32Array(this.chunk.value.buffer);
    this.#regsU32 = new Uint32Array(this.chunk.regs.buffer);
  }

  #corrupt(at: number, what: string): never {
    throw this.bytes.corrupt(at, what, this.events);
  }

  /** A copy of the work chunk's events, in arrays of their own; empties the work chunk. */
  take(): EventChunk {
    const c = this.chunk, n = c.length, rows = this.rows;
    const out: EventChunk = {
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
    c.length = 0;
    this.rows = 0;
    return out;
  }

  /**
   * Decodes one record, starting at its code. Throws {@linkcode Overrun} when
   * the bytes end inside the record (the work chunk is then restored to what
   * it was before the record).
   */
  decodeRecord(): void {
    const bytes = this.bytes, chunk = this.chunk;
    const start = bytes.p, lengthBefore = chunk.length, rowsBefore = this.rows;
    try {
      const code = bytes.num();
      if (code & 3) {
        this.#blockExecution(code);
        this.events += chunk.length - lengthBefore;
        return;
      }
      const type = code / 4;
      if (type === REC_OBJECT) this.#defineObject();
      else if (type === REC_SITE) this.#defineSite();
      else if (type === REC_BLOCK) this.#defineBlock();
      else this.#corrupt(start, `unknown record type ${code}`);
    } catch (err) {
      if (err instanceof Overrun) {
        chunk.length = lengthBefore;
        this.rows = rowsBefore;
        bytes.p = start;
      }
      throw err;
    }
  }

  #defineObject(): void {
    const bytes = this.bytes;
    const len = bytes.num();
    if (len > MAX_RECORD_BYTES) this.#corrupt(bytes.p, "object name too long");
    this.meta.objects.push(bytes.text(len));
  }

  #defineSite(): void {
    const bytes = this.bytes, meta = this.meta;
    const kind = bytes.num();
    const pc = bytes.num();
    const object = bytes.num();
    const offset = bytes.num();
    const operand = bytes.num();
    const size = bytes.num();
    const snap = bytes.num();
    if (kind > 1) this.#corrupt(bytes.p, `site kind ${kind}`);
    if (snap > 1) this.#corrupt(bytes.p, `site snapshot flag ${snap}`);
    if (object >= meta.objects.length) this.#corrupt(bytes.p, `undefined object ${object}`);
    const id = this.#nSites++;
    const n = this.#nSites;
    this.#siteKind = grow(this.#siteKind, n);
    this.#siteSize = grow(this.#siteSize, n);
    this.#prevAddr = grow(this.#prevAddr, n);
    this.#prevStride = grow(this.#prevStride, n);
    this.#prevValLo = grow(this.#prevValLo, n);
    this.#prevValHi = grow(this.#prevValHi, n);
    this.#prevRegs = grow(this.#prevRegs, n * 32);
    this.#siteKind[id] = kind;
    this.#siteSize[id] = size;
    const site: Site = {
      id,
      kind: kind === 0 ? "branch" : "load",
      pc: BigInt(pc),
      object,
      offset: BigInt(offset),
      operand,
    };
    meta.sites.push(site);
  }

  #defineBlock(): void {
    const bytes = this.bytes;
    const instrs = bytes.num();
    const n = bytes.num();
    if (n > MAX_BLOCK_EVENTS) this.#corrupt(bytes.p, `block with ${n} events`);
    const id = this.#nBlocks++;
    this.#blockInstrs = grow(this.#blockInstrs, this.#nBlocks);
    this.#blockFirst = grow(this.#blockFirst, this.#nBlocks);
    this.#blockEvents = grow(this.#blockEvents, this.#nBlocks);
    if (this.#succ.length < this.#nBlocks * 2) {
      const s = new Int32Array(this.#succ.length * 2).fill(-1);
      s.set(this.#succ);
      this.#succ = s;
    }
    const first = this.#nEv;
    const evSite = this.#evSite = grow(this.#evSite, first + n);
    const evInsn = this.#evInsn = grow(this.#evInsn, first + n);
    this.#blockInstrs[id] = instrs;
    this.#blockFirst[id] = first;
    this.#blockEvents[id] = n;
    let insn = 0;
    for (let i = 0; i < n; i++) {
      const s = bytes.num();
      insn += bytes.num();
      if (s >= this.#nSites) this.#corrupt(bytes.p, `undefined site ${s}`);
      if (insn >= instrs) this.#corrupt(bytes.p, "event past the block's end");
      evSite[first + i] = s;
      evInsn[first + i] = insn;
    }
    this.#nEv += n;
  }

  /** A block execution record: which block, its outcome and extras, then its events. */
  #blockExecution(code: number): void {
    const bytes = this.bytes;
    let id: number, taken: number, ext: number;
    if (code & 1) {
      if (code >= 8) this.#corrupt(bytes.p, `bad block code ${code}`);
      if (this.#prevBlock < 0) this.#corrupt(bytes.p, "predicted block without a previous block");
      id = this.#succ[this.#prevBlock * 2 + this.#prevTaken];
      if (id < 0) this.#corrupt(bytes.p, "predicted block without a prediction");
      taken = (code >> 2) & 1;
      ext = (code >> 1) & 1;
    } else {
      id = Math.floor(code / 16);
      if (id >= this.#nBlocks) this.#corrupt(bytes.p, `undefined block ${id}`);
      taken = (code >> 3) & 1;
      ext = (code >> 2) & 1;
    }
    if (this.#prevBlock >= 0) this.#succ[this.#prevBlock * 2 + this.#prevTaken] = id;
    this.#prevBlock = id;
    this.#prevTaken = taken;
    let icount = this.#prevIcount + this.#prevInstrs;
    const extras = this.#extras;
    extras.useSubset = extras.anySnap = false;
    extras.nExtra = extras.extraBits = 0;
    if (ext) icount += this.#blockExtras(this.#blockEvents[id], extras);
    this.#prevIcount = icount;
    this.#prevInstrs = this.#blockInstrs[id];
    this.#emitEvents(id, icount, taken, extras);
  }

  /** Reads a block execution's `flags` and what they announce; returns the icount correction. */
  #blockExtras(n: number, extras: BlockExtras): number {
    const bytes = this.bytes;
    const flags = bytes.num();
    if (flags === 0 || flags > 15) this.#corrupt(bytes.p, `bad block flags ${flags}`);
    const delta = flags & 1 ? unzig(bytes.num()) : 0;
    if (flags & 2) {
      extras.useSubset = true;
      this.#readIndexSet(this.#subset, n, "events");
    }
    if (flags & 4) {
      extras.anySnap = true;
      this.#readIndexSet(this.#snapAt, n, "snapshots");
    }
    if (flags & 8) {
      extras.nExtra = bytes.num();
      extras.extraBits = bytes.num();
    }
    return delta;
  }

  /** `k`, then `k` gaps: marks the listed indexes (below `n`) in `set`. */
  #readIndexSet(set: Uint8Array, n: number, what: string): void {
    const bytes = this.bytes;
    set.fill(0, 0, n);
    const k = bytes.num();
    if (k > n) this.#corrupt(bytes.p, `more ${what} than the block has events`);
    for (let i = 0, at = -1; i < k; i++) {
      at += bytes.num() + 1;
      if (at >= n) this.#corrupt(bytes.p, `${what} index past the block's end`);
      set[at] = 1;
    }
  }

  /** Appends the events of one execution of block `id` to the work chunk. */
  #emitEvents(id: number, icount: number, taken: number, extras: BlockExtras): void {
    const chunk = this.chunk;
    const kindA = chunk.kind, siteA = chunk.site, icountA = chunk.icount, takenA = chunk.taken;
    const sizeA = chunk.size, snapA = chunk.snapshot;
    const addrU32 = this.#addrU32, valueU32 = this.#valueU32;
    const siteKind = this.#siteKind, evSite = this.#evSite, evInsn = this.#evInsn;
    const subset = this.#subset, snapAt = this.#snapAt;
    const { useSubset, anySnap } = extras;
    let { nExtra, extraBits } = extras;
    const n = this.#blockEvents[id];
    const first = this.#blockFirst[id];
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
        this.#load(s, j);
      }
      snapA[j] = anySnap && snapAt[i] ? this.#snapshot(s) : -1;
    }
    chunk.length = len;
  }

  /** A load's address and value (deltas from its site's predictions) into event `j`. */
  #load(s: number, j: number): void {
    const bytes = this.bytes;
    const size = this.#siteSize[s];
    this.chunk.size[j] = size > 255 ? 255 : size;
    // Address: delta from this site's stride prediction.
    const prevAddr = this.#prevAddr, prevStride = this.#prevStride;
    const addr = prevAddr[s] + prevStride[s] + unzig(bytes.num());
    prevStride[s] = addr - prevAddr[s];
    prevAddr[s] = addr;
    const addrU32 = this.#addrU32, valueU32 = this.#valueU32;
    const alo = addr >>> 0;
    addrU32[2 * j] = alo;
    addrU32[2 * j + 1] = (addr - alo) / TWO32;
    // Value: delta from this site's previous value, modulo its size.
    const prevValLo = this.#prevValLo;
    if (size >= 8) {
      bytes.u64();
      const vlo = bytes.lo, vhi = bytes.hi;
      const neg = -(vlo & 1);
      const dlo = (((vlo >>> 1) | (vhi << 31)) ^ neg) >>> 0;
      const dhi = ((vhi >>> 1) ^ neg) >>> 0;
      const sum = prevValLo[s] + dlo;
      const lo = sum >>> 0;
      const hi = (this.#prevValHi[s] + dhi + (sum > 0xffffffff ? 1 : 0)) >>> 0;
      prevValLo[s] = lo;
      this.#prevValHi[s] = hi;
      valueU32[2 * j] = lo;
      valueU32[2 * j + 1] = hi;
    } else {
      const d = unzig(bytes.num());
      let v = (prevValLo[s] + d) >>> 0;
      if (size < 4) v &= (1 << (8 * size)) - 1;
      prevValLo[s] = v;
      valueU32[2 * j] = v;
      valueU32[2 * j + 1] = 0;
    }
  }

  /** A snapshot of site `s` (register deltas from its previous one); returns its row. */
  #snapshot(s: number): number {
    const bytes = this.bytes, chunk = this.chunk;
    const row = this.rows++;
    if (this.rows * 16 > chunk.regs.length) {
      const r = new BigUint64Array(chunk.regs.length * 2);
      r.set(chunk.regs);
      chunk.regs = r;
      this.#regsU32 = new Uint32Array(r.buffer);
    }
    const mask = bytes.num();
    if (mask > 0xffff) this.#corrupt(bytes.p, "bad register mask");
    const prevRegs = this.#prevRegs;
    const base32 = s * 32;
    for (let r = 0; r < 16; r++) {
      if (mask & (1 << r)) {
        bytes.u64();
        const vlo = bytes.lo, vhi = bytes.hi;
        const neg = -(vlo & 1);
        const dlo = (((vlo >>> 1) | (vhi << 31)) ^ neg) >>> 0;
        const dhi = ((vhi >>> 1) ^ neg) >>> 0;
        const at = base32 + 2 * r;
        const sum = prevRegs[at] + dlo;
        prevRegs[at] = sum >>> 0;
        prevRegs[at + 1] = (prevRegs[at + 1] + dhi + (sum > 0xffffffff ? 1 : 0)) >>> 0;
      }
    }
    this.#regsU32.set(prevRegs.subarray(base32, base32 + 32), row * 32);
    return row;
  }
}
