/**
 * Streaming reader of ncftrace files (lib/trace/FORMAT.md): constant memory
 * whatever the trace's size, events handed out as columnar
 * {@linkcode EventChunk}s, no object per event.
 *
 * @module
 */
import { UserError } from "../common/mod.ts";
import { EventDecoder, Overrun } from "./decoder.ts";
import { TraceError } from "./errors.ts";
import { type Header, readFooter, readHeader, RecordSource, signalName } from "./frames.ts";
import {
  BRANCH,
  type EventChunk,
  type ProgramEnd,
  type TraceFooter,
  type TraceMeta,
} from "./types.ts";

export { readFooter, signalName, TraceError };

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
  /** How the program ended, from the footer; null when the trace has none. */
  end: ProgramEnd | null;
  /** True when the trace holds its whole window (see {@linkcode windowFull}). */
  window_full: boolean;
  /** True when the file has its footer. */
  complete: boolean;
  /** Tracer warnings, and what went wrong when `complete` is false. */
  notes: string[];
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

/**
 * Decodes records while the work chunk has fewer than `chunkSize` events and
 * a whole record is surely in memory.
 */
function decodeRecords(decoder: EventDecoder, source: RecordSource, chunkSize: number): void {
  const chunk = decoder.chunk, bytes = source.bytes;
  while (chunk.length < chunkSize && !source.low && bytes.p < bytes.end) decoder.decodeRecord();
}

/**
 * Streams the events of a trace: reads checked frames ahead, decodes their
 * records into chunks of `chunkSize` events, then reads the footer, which
 * completes `trace`.
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
      try {
        decodeRecords(decoder, source, chunkSize);
      } catch (err) {
        if (!(err instanceof Overrun)) throw err;
        if (decoder.chunk.length > 0) yield decoder.take();
        throw source.cutError(decoder.events);
      }
      if (decoder.chunk.length >= chunkSize) yield decoder.take();
      else if (source.drained) {
        if (decoder.chunk.length > 0) yield decoder.take();
        const footer = await source.footer(decoder.events);
        meta.instructions = footer.instructions;
        meta.end = footer.end;
        trace.footer = footer;
        return;
      }
    }
  } finally {
    source.close();
  }
}

/**
 * True when a trace holds all it was asked for: `window` instructions, or with
 * window 0 the whole run after the skip. False when the program ended before
 * (or inside the skip: nothing recorded) and when the size cap stopped it.
 */
export function windowFull(footer: TraceFooter, skip: number, window: number): boolean {
  if (footer.instructions === 0 && (skip > 0 || window > 0)) return false;
  if (footer.end.how === "limit") return false;
  return window > 0 ? footer.instructions >= window : footer.end.how !== "window";
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
  const full = f !== undefined && complete && windowFull(f, meta.skip, meta.window);
  if (f && complete && !full) {
    if (f.instructions === 0) {
      notes.push(
        `the program ended after ${f.instructionsTotal} instructions, before the skip of ${meta.skip}: nothing was recorded`,
      );
    } else if (f.end.how === "exit" || f.end.how === "signal") {
      notes.push(
        `the program ended after ${instructions} of the window's ${meta.window} instructions`,
      );
    }
  }
  if (path.endsWith(".partial")) {
    notes.push(
      "the file is named .partial: the run that wrote it did not finish (interrupted, or the tracer failed)",
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
    end: f ? f.end : null,
    window_full: full,
    complete,
    notes,
  };
}
