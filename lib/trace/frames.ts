/**
 * The file layout of a trace around its records (lib/trace/FORMAT.md): the
 * header, the checksummed frames that carry the records, and the footer.
 * Every byte of a trace is covered by a CRC-32 or checked against a fixed
 * value, so a damaged file gives a {@linkcode TraceError}, never wrong events.
 *
 * CRC-32 is zlib's (`node:zlib` `crc32`, built into Deno: native code, about
 * 20 GB/s here, against about 0.4 GB/s for a table-driven one in TypeScript);
 * the tracer computes the same in C.
 *
 * @module
 */
import { crc32 } from "node:zlib";
import { MAX_RECORD_BYTES, REC_FOOTER, RecordBytes, unzig } from "./decoder.ts";
import { TraceError } from "./errors.ts";
import type { ProgramEnd, TraceFooter } from "./types.ts";

const MAGIC = "NCFTRACE";
const END_MARKER = "NCF-END!";
/** The format this reader reads (the tracer's `FORMAT_VERSION`). */
export const FORMAT_VERSION = 2;
/** Magic, version and JSON length. */
const HEADER_FIXED = 13;
/** A header's JSON is at most this long (a command line of 16 MiB). */
const MAX_HEADER_JSON = 16 << 20;
/** A frame carries at most this many bytes of records (the tracer's `OB_SIZE`). */
export const MAX_FRAME_BYTES = 2 << 20;
/** The footer (code to CRC) is at most this long (its notes are below 4 KiB). */
const MAX_FOOTER_BYTES = 64 << 10;
/** Record bytes kept in memory: what is left of the last fill plus a whole frame. */
const RECORD_BUFFER_BYTES = 4 << 20;
/** File bytes read ahead: a whole frame with its length and CRC, and more. */
const READ_BUFFER_BYTES = MAX_FRAME_BYTES + (1 << 20);
const RETRACE = "re-run the trace (deno task trace ...; `make traces` re-traces the suite)";
const CUT = "re-run the trace; a trace cut short by a killed tracer stays as FILE.partial";

/** What the header of a trace says. */
export interface Header {
  command: string[];
  skip: number;
  window: number;
  snapshots: string;
  afterWindow: string;
  /** File offset of the first frame. */
  dataStart: number;
}

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

function ascii(bytes: Uint8Array): string {
  return String.fromCharCode(...bytes);
}

function u32(bytes: Uint8Array, at: number): number {
  return (bytes[at] | bytes[at + 1] << 8 | bytes[at + 2] << 16 | bytes[at + 3] << 24) >>> 0;
}

/** Reads up to `length` bytes at `offset` (fewer at the end of the file). */
async function readAt(
  file: Deno.FsFile,
  offset: number,
  length: number,
): Promise<Uint8Array> {
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

/** Throws the error of a file that is not a trace of this format version. */
function checkPrefix(path: string, fixed: Uint8Array, size: number): void {
  if (fixed.length < 8 || ascii(fixed.subarray(0, 8)) !== MAGIC) {
    throw new TraceError(
      `${path} is not an ncf trace (bad magic)`,
      "give a file written by `deno task trace`",
    );
  }
  if (fixed.length < 9) throw new TraceError(`${path} is truncated at byte ${size} (header)`, CUT);
  if (fixed[8] !== FORMAT_VERSION) {
    throw new TraceError(
      fixed[8] < FORMAT_VERSION
        ? `${path} is a trace of format version ${fixed[8]}, made by an older tracer; ` +
          `this reader reads version ${FORMAT_VERSION} (with checksums)`
        : `${path} has trace format version ${fixed[8]}, this reader reads version ` +
          `${FORMAT_VERSION}: the file is corrupt or from a newer ncf`,
      `re-trace it with this checkout's tracer (make tracer, then ${RETRACE})`,
    );
  }
}

/** The header's fields, checked for type: a corrupt header never yields a wrong value. */
function headerFields(path: string, json: string): Omit<Header, "dataStart"> {
  let h: unknown;
  try {
    h = JSON.parse(json);
  } catch {
    h = undefined;
  }
  const o = h as Record<string, unknown> | null | undefined;
  const count = (v: unknown) => typeof v === "number" && Number.isSafeInteger(v) && v >= 0;
  if (
    typeof o !== "object" || o === null || !Array.isArray(o.command) ||
    !o.command.every((a) => typeof a === "string") || !count(o.skip) || !count(o.window) ||
    typeof o.snapshots !== "string" || (o.afterWindow !== "stop" && o.afterWindow !== "run")
  ) {
    throw new TraceError(
      `${path} has a corrupt header: its JSON is not what the tracer writes (${json.slice(0, 80)})`,
      RETRACE,
    );
  }
  return {
    command: o.command as string[],
    skip: o.skip as number,
    window: o.window as number,
    snapshots: o.snapshots as string,
    afterWindow: o.afterWindow as string,
  };
}

/** Reads and checks the header of an open trace of `size` bytes. */
export async function readHeader(file: Deno.FsFile, path: string, size: number): Promise<Header> {
  const fixed = await readAt(file, 0, HEADER_FIXED);
  checkPrefix(path, fixed, size);
  if (fixed.length < HEADER_FIXED) {
    throw new TraceError(`${path} is truncated at byte ${size} (inside the header)`, CUT);
  }
  const len = u32(fixed, 9);
  if (len > MAX_HEADER_JSON) {
    throw new TraceError(`${path} has a corrupt header (a JSON length of ${len} bytes)`, RETRACE);
  }
  const end = HEADER_FIXED + len + 4;
  if (end > size) {
    throw new TraceError(`${path} is truncated at byte ${size} (inside the header)`, CUT);
  }
  const whole = await readAt(file, 0, end);
  if (crc32(whole.subarray(0, end - 4)) !== u32(whole, end - 4)) {
    throw new TraceError(`${path} has a corrupt header (checksum mismatch)`, RETRACE);
  }
  const json = new TextDecoder().decode(whole.subarray(HEADER_FIXED, end - 4));
  return { ...headerFields(path, json), dataStart: end };
}

/**
 * Decodes a footer: `bytes` runs from its code byte to the end of the file
 * (fields, CRC, length, end marker). Throws a {@linkcode TraceError} for
 * anything but a whole, intact footer.
 */
export function parseFooter(path: string, bytes: Uint8Array): TraceFooter {
  const n = bytes.length;
  if (n < 12 || ascii(bytes.subarray(n - 8)) !== END_MARKER) {
    throw new TraceError(
      `${path} does not end with the end marker: it is truncated, or corrupt at its end`,
      CUT,
    );
  }
  const corrupt = (what: string) =>
    new TraceError(`${path} has a corrupt footer (${what})`, RETRACE);
  const len = u32(bytes, n - 12);
  if (len !== n - 12 || len < 5) throw corrupt("its length field");
  if (crc32(bytes.subarray(0, len - 4)) !== u32(bytes, len - 4)) {
    throw corrupt("checksum mismatch");
  }
  if (bytes[0] !== REC_FOOTER << 2) throw corrupt(`record code ${bytes[0]}`);
  // Intact bytes: what remains is checked for the tracer's writing mistakes.
  const fields = new RecordBytes(0, 0, path);
  fields.buf = bytes;
  fields.p = 1;
  fields.end = len - 4;
  try {
    const counts = {
      instructions: fields.num(),
      instructionsTotal: fields.num(),
      branches: fields.num(),
      branchesTaken: fields.num(),
      loads: fields.num(),
      snapshots: fields.num(),
      blocks: fields.num(),
    };
    const how = fields.num();
    const end = programEnd(how, unzig(fields.num()));
    if (!end) throw corrupt(`end kind ${how}`);
    const notes = fields.text(fields.num());
    const footer: TraceFooter = {
      ...counts,
      end,
      notes,
      bytesBlocks: fields.num(),
      bytesLoads: fields.num(),
      bytesSnapshots: fields.num(),
      bytesDefinitions: fields.num(),
    };
    if (fields.p !== fields.end) throw corrupt("bytes after its fields");
    return footer;
  } catch (err) {
    if (err instanceof TraceError) throw err;
    throw corrupt("its fields end early");
  }
}

function programEnd(how: number, value: number): ProgramEnd | undefined {
  if (how === 0) return { how: "exit", code: value };
  if (how === 1) return { how: "signal", signal: signalName(value) };
  if (how === 2) return { how: "window" };
  if (how === 3) return { how: "limit" };
  return undefined;
}

/**
 * Reads only the footer of a trace (from the end of the file), without
 * streaming the events; undefined when the file has no intact footer. A
 * trace of another format version gives the {@linkcode TraceError} that says
 * to re-trace it.
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
    checkPrefix(path, await readAt(file, 0, 9), size);
    if (size < HEADER_FIXED + 12) return undefined;
    const tail = await readAt(file, size - 12, 12);
    const len = u32(tail, 0);
    if (len > MAX_FOOTER_BYTES || len > size - 12 - HEADER_FIXED) return undefined;
    return parseFooter(path, await readAt(file, size - 12 - len, len + 12));
  } catch (err) {
    if (err instanceof TraceError && /format version/.test(err.message)) throw err;
    return undefined;
  } finally {
    file.close();
  }
}

/**
 * The record stream of a trace file: reads frames ahead, checks each one's
 * length and CRC, and appends their records to {@linkcode RecordSource.bytes}.
 * A frame that fails a check ends the records; its error is raised once the
 * records before it have been decoded ({@linkcode RecordSource.failure}).
 */
export class RecordSource {
  /** Verified record bytes; `base` counts record bytes, not file bytes. */
  readonly bytes: RecordBytes;
  /** The empty frame that ends the records has been read. */
  ended = false;
  /** Why the records end early: a cut or corrupt frame (given the events decoded so far). */
  failure?: (events: number) => TraceError;
  #file: Deno.FsFile;
  #path: string;
  #raw = new Uint8Array(READ_BUFFER_BYTES);
  #rawP = 0;
  #rawEnd = 0;
  /** File offset of `#raw[0]`. */
  #rawBase: number;
  #eof = false;

  private constructor(file: Deno.FsFile, path: string, dataStart: number) {
    this.#file = file;
    this.#path = path;
    this.#rawBase = dataStart;
    this.bytes = new RecordBytes(RECORD_BUFFER_BYTES, 0, path);
  }

  /** Opens `path` at its first frame. */
  static async open(path: string, dataStart: number): Promise<RecordSource> {
    const file = await Deno.open(path, { read: true });
    await file.seek(dataStart, Deno.SeekMode.Start);
    return new RecordSource(file, path, dataStart);
  }

  /** No more frames will be read: the records ended, or a frame failed. */
  get done(): boolean {
    return this.ended || this.failure !== undefined;
  }

  /** True when fewer than `MAX_RECORD_BYTES` are buffered and more frames can be read. */
  get low(): boolean {
    return !this.done && this.bytes.end - this.bytes.p < MAX_RECORD_BYTES;
  }

  /** Every record byte has been decoded and no frame follows. */
  get drained(): boolean {
    return this.done && this.bytes.p >= this.bytes.end;
  }

  /** Keeps the undecoded bytes and appends the records of the frames that fit after them. */
  async fill(): Promise<void> {
    const b = this.bytes;
    if (b.p > 0) {
      b.buf.copyWithin(0, b.p, b.end);
      b.end -= b.p;
      b.base += b.p;
      b.p = 0;
    }
    while (!this.done) {
      const at = this.#rawBase + this.#rawP;
      if (!await this.#ahead(4)) {
        this.failure = this.#cut(at, "no end of the records");
        break;
      }
      const len = u32(this.#raw, this.#rawP);
      if (len === 0) {
        this.ended = true;
        this.#rawP += 4;
        break;
      }
      if (len > MAX_FRAME_BYTES) {
        this.failure = this.#corrupt(at, `a frame length of ${len} bytes`);
        break;
      }
      if (b.buf.length - b.end < len) break; // next time
      if (!await this.#ahead(8 + len)) {
        this.failure = this.#cut(at, "inside a frame");
        break;
      }
      const frame = this.#raw.subarray(this.#rawP, this.#rawP + 4 + len);
      if (crc32(frame) !== u32(this.#raw, this.#rawP + 4 + len)) {
        this.failure = this.#corrupt(at, "checksum mismatch");
        break;
      }
      b.buf.set(frame.subarray(4), b.end);
      b.end += len;
      this.#rawP += 8 + len;
    }
  }

  /** The error for a record that runs past the bytes in memory. */
  cutError(events: number): TraceError {
    if (this.failure) return this.failure(events);
    const b = this.bytes;
    return b.corrupt(
      b.p,
      this.ended ? "the last record is cut at the end of the records" : "record too long",
      events,
    );
  }

  /** The footer, once every record is decoded; the error that ended the records otherwise. */
  async footer(events: number): Promise<TraceFooter> {
    if (this.failure) throw this.failure(events);
    while (!this.#eof && this.#rawEnd - this.#rawP <= MAX_FOOTER_BYTES + 12) {
      if (!await this.#ahead(this.#rawEnd - this.#rawP + 1)) break;
    }
    if (this.#rawEnd - this.#rawP > MAX_FOOTER_BYTES + 12) {
      throw new TraceError(
        `${this.#path} has data after its footer, or a corrupt footer (more than ${MAX_FOOTER_BYTES} bytes)`,
        RETRACE,
      );
    }
    return parseFooter(this.#path, this.#raw.subarray(this.#rawP, this.#rawEnd));
  }

  close(): void {
    this.#file.close();
  }

  /** Reads until `n` bytes are buffered at `#rawP`; false at the end of the file. */
  async #ahead(n: number): Promise<boolean> {
    if (this.#rawEnd - this.#rawP >= n) return true;
    if (this.#rawP > 0) {
      this.#raw.copyWithin(0, this.#rawP, this.#rawEnd);
      this.#rawEnd -= this.#rawP;
      this.#rawBase += this.#rawP;
      this.#rawP = 0;
    }
    while (this.#rawEnd < n && this.#rawEnd < this.#raw.length && !this.#eof) {
      const got = await this.#file.read(this.#raw.subarray(this.#rawEnd));
      if (got === null) this.#eof = true;
      else this.#rawEnd += got;
    }
    return this.#rawEnd >= n;
  }

  #cut(at: number, where: string): (events: number) => TraceError {
    return (events) =>
      new TraceError(
        `${this.#path} is truncated at byte ${at} after ${events} events (${where})`,
        CUT,
      );
  }

  #corrupt(at: number, what: string): (events: number) => TraceError {
    return (events) =>
      new TraceError(
        `${this.#path} has a corrupt frame at byte ${at} after ${events} events (${what})`,
        RETRACE,
      );
  }
}
