/**
 * Streaming reader of ncftrace files (lib/trace/FORMAT.md): constant memory
 * whatever the trace's size, events handed out as columnar
 * {@linkcode EventChunk}s, no object per event.
 *
 * @module
 */
import { UserError } from "../common/mod.ts";
import { EventDecoder, MAX_RECORD_BYTES, Overrun, REC_FOOTER, RecordBytes } from "./decoder.ts";
import { TraceError } from "./errors.ts";
import { BRANCH, type EventChunk, type ProgramEnd, type TraceMeta } from "./types.ts";

export { TraceError };

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
const BUFFER_BYTES = 4 << 20;
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

/** The record stream of a trace file, read ahead into a {@linkcode RecordBytes}. */
class RecordSource {
  readonly bytes: RecordBytes;
  /** True once the whole file has been read. */
  eof = false;

  private constructor(readonly file: Deno.FsFile, path: string, dataStart: number) {
    this.bytes = new RecordBytes(BUFFER_BYTES, dataStart, path);
  }

  static async open(path: string, dataStart: number): Promise<RecordSource> {
    const file = await Deno.open(path, { read: true });
    await file.seek(dataStart, Deno.SeekMode.Start);
    return new RecordSource(file, path, dataStart);
  }

  /** True when fewer than `MAX_RECORD_BYTES` are buffered and more can be read. */
  get low(): boolean {
    return !this.eof && this.bytes.end - this.bytes.p < MAX_RECORD_BYTES;
  }

  /** Moves the unread bytes to the front and reads until the buffer is full or the file ends. */
  async fill(): Promise<void> {
    const b = this.bytes;
    if (b.p > 0) {
      b.buf.copyWithin(0, b.p, b.end);
      b.end -= b.p;
      b.base += b.p;
      b.p = 0;
    }
    while (b.end < b.buf.length) {
      const n = await this.file.read(b.buf.subarray(b.end));
      if (n === null) {
        this.eof = true;
        break;
      }
      b.end += n;
    }
  }

  /** The error for a record cut at `recordStart` (a record longer than the format allows if not at EOF). */
  cutError(recordStart: number, events: number): TraceError {
    const b = this.bytes;
    if (!this.eof) {
      return b.corrupt(recordStart, "record longer than the format allows", events);
    }
    return new TraceError(
      `${b.path} is truncated at byte ${b.base + recordStart} after ${events} events (${
        recordStart >= b.end ? "no footer" : "last record incomplete"
      })`,
      "re-run the trace; a trace cut short by a killed tracer stays as FILE.partial",
    );
  }

  close(): void {
    this.file.close();
  }
}

/**
 * Decodes records while the work chunk has fewer than `chunkSize` events and
 * a whole record is surely buffered. Returns `footer` when the next record is
 * the footer (its code read), else `more`.
 */
function decodeRecords(
  decoder: EventDecoder,
  source: RecordSource,
  chunkSize: number,
): "footer" | "more" {
  const chunk = decoder.chunk;
  while (chunk.length < chunkSize && !source.low) {
    if (!decoder.decodeRecord()) return "footer";
  }
  return "more";
}

/** Reads the footer record after its code, the end marker, and checks that nothing follows. */
async function finishStream(source: RecordSource, events: number): Promise<TraceFooter> {
  const b = source.bytes;
  const at = b.p;
  let decoded: { footer: TraceFooter; next: number };
  try {
    decoded = decodeFooter(b.buf, at, b.end);
  } catch (err) {
    if (err instanceof RangeError) throw b.corrupt(at, err.message, events);
    throw err;
  }
  b.p = decoded.next;
  if (b.p + 12 > b.end) throw OVERRUN;
  b.p += 4; // footer length, for readers that start from the end
  if (ascii(b.buf.subarray(b.p, b.p + 8)) !== END_MARKER) {
    throw b.corrupt(b.p, "bad end marker", events);
  }
  b.p += 8;
  if (b.p !== b.end || !source.eof) {
    await source.fill();
    if (b.p !== b.end) throw b.corrupt(b.p, "data after the footer", events);
  }
  return decoded.footer;
}

/**
 * Streams the events of a trace: reads the file ahead, decodes records into
 * chunks of `chunkSize` events until the footer, which completes `trace`.
 */
async function* streamEvents(
  trace: TraceFile,
  header: Header,
  chunkSize: number,
): AsyncGenerator<EventChunk> {
  const { meta } = trace;
  meta.objects = [];
  meta.sites = [];
  trace.footer = undefined;
  const source = await RecordSource.open(trace.path, header.dataStart);
  try {
    const decoder = new EventDecoder(source.bytes, meta, chunkSize);
    for (;;) {
      if (source.low) await source.fill();
      let state: "footer" | "more";
      let footer: TraceFooter | undefined;
      try {
        state = decodeRecords(decoder, source, chunkSize);
        if (state === "footer") footer = await finishStream(source, decoder.events);
      } catch (err) {
        if (!(err instanceof Overrun)) throw err;
        if (decoder.chunk.length > 0) yield decoder.take();
        throw source.cutError(source.bytes.p, decoder.events);
      }
      if (footer) {
        meta.instructions = footer.instructions;
        meta.end = footer.end;
        trace.footer = footer;
        if (decoder.chunk.length > 0) yield decoder.take();
        return;
      }
      if (decoder.chunk.length >= chunkSize) yield decoder.take();
    }
  } finally {
    source.close();
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
