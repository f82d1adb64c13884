/**
 * Load streams: the executions of load sites in execution order, in
 * columnar batches with addresses as numbers. The predictors and the scorer
 * read these; {@linkcode loadStreamFromTrace} makes one from a trace and
 * {@linkcode loadStreamFromArrays} from plain arrays (hand-made streams).
 *
 * @module
 */
import { UserError } from "../../common/mod.ts";
import { type EventChunk, LOAD, readFooter, type TraceFile } from "../../trace/mod.ts";
import { growToFit } from "./predictor.ts";

/** Up to a few thousand consecutive load executions. */
export interface LoadBatch {
  length: number;
  /** Load site id. */
  site: Uint32Array;
  /** PC of the load's instruction (below 2^48, exact as a number). */
  pc: Float64Array;
  /** Effective address (exact: user addresses fit in 47 bits). */
  addr: Float64Array;
  /** Instructions executed before this load's instruction: the split point is compared with it. */
  icount: Float64Array;
}

/**
 * A re-readable stream of load executions. Site ids are small integers; the
 * number of sites need not be known in advance (a trace defines them as it
 * streams).
 */
export interface LoadStream {
  /** Instructions covered by the stream, for progress bars (0 if unknown). */
  readonly instructions: number;
  /** A fresh pass over the loads in execution order. */
  batches(): AsyncIterable<LoadBatch> | Iterable<LoadBatch>;
}

const TWO_32 = 4294967296;

/**
 * The loads of a trace opened with `openTrace`. Each pass of `batches()`
 * decodes the trace again.
 */
export async function loadStreamFromTrace(trace: TraceFile): Promise<LoadStream> {
  // The footer gives the window's length before the first pass has read it.
  const instructions = (await readFooter(trace.path))?.instructions ?? 0;
  let pcs = new Float64Array(0);
  const pcOf = (site: number): number => {
    if (site >= pcs.length || Number.isNaN(pcs[site])) {
      const sites = trace.meta.sites;
      if (!sites[site]) {
        throw new UserError(
          `${trace.path} has a load of site ${site} before that site is defined`,
          "the trace is corrupt: record it again",
        );
      }
      pcs = growToFit(pcs, sites.length - 1, NaN);
      for (const s of sites) pcs[s.id] = Number(s.pc);
    }
    return pcs[site];
  };
  return {
    get instructions() {
      return trace.meta.instructions || instructions;
    },
    async *batches() {
      for await (const chunk of trace.chunks({ chunkSize: 16384 })) {
        const batch = loadsOfChunk(chunk, pcOf);
        if (batch.length > 0) yield batch;
      }
    },
  };
}

function loadsOfChunk(chunk: EventChunk, pcOf: (site: number) => number): LoadBatch {
  let n = 0;
  for (let i = 0; i < chunk.length; i++) if (chunk.kind[i] === LOAD) n++;
  const batch: LoadBatch = {
    length: n,
    site: new Uint32Array(n),
    pc: new Float64Array(n),
    addr: new Float64Array(n),
    icount: new Float64Array(n),
  };
  // Little-endian 32-bit halves: much faster than converting each bigint.
  const words = new Uint32Array(chunk.addr.buffer, chunk.addr.byteOffset, chunk.length * 2);
  let j = 0;
  for (let i = 0; i < chunk.length; i++) {
    if (chunk.kind[i] !== LOAD) continue;
    const site = chunk.site[i];
    batch.site[j] = site;
    batch.pc[j] = pcOf(site);
    batch.addr[j] = words[2 * i + 1] * TWO_32 + words[2 * i];
    batch.icount[j] = chunk.icount[i];
    j++;
  }
  return batch;
}

/** A hand-made load stream: the input of {@linkcode loadStreamFromArrays}. */
export interface LoadArrays {
  /** Site id of each load. */
  site: ArrayLike<number>;
  /** Address of each load. */
  addr: ArrayLike<number>;
  /** PC of each site id (default: the site id). */
  sitePcs?: ArrayLike<number>;
  /** Instruction count of each load (default: its index, so a split point is a load index). */
  icount?: ArrayLike<number>;
}

/** A load stream over in-memory arrays. */
export function loadStreamFromArrays(loads: LoadArrays): LoadStream {
  const n = loads.site.length;
  if (loads.addr.length !== n || (loads.icount && loads.icount.length !== n)) {
    throw new UserError(
      "the load arrays have different lengths",
      "give one site, address (and icount) per load",
    );
  }
  const site = Uint32Array.from(loads.site);
  const sitePcs = loads.sitePcs;
  const pc = Float64Array.from(site, (s) => sitePcs ? sitePcs[s] : s);
  if (pc.some(Number.isNaN)) {
    throw new UserError(
      "sitePcs lacks the PC of a site the loads use",
      "give a PC for every site id",
    );
  }
  const batch: LoadBatch = {
    length: n,
    site,
    pc,
    addr: Float64Array.from(loads.addr),
    icount: loads.icount
      ? Float64Array.from(loads.icount)
      : Float64Array.from({ length: n }, (_, i) => i),
  };
  return { instructions: 0, batches: () => [batch] };
}
