/**
 * The dataset builder: streams traces, and at every event that carries a
 * register snapshot makes one task instance: the static graph of its site
 * (built once per site, see static.ts) filled with the values of that moment.
 *
 * - Branch instances: label = taken.
 * - Address instances: label = the address the same load site reads at its
 *   next execution (instances whose site never runs again are dropped).
 * - Values: registers from the snapshot; each memory operand's effective
 *   address computed from them; the value each memory operand read, taken from
 *   the last execution of its load site (for the task load itself, the value it
 *   is reading now); immediates and displacements as constants.
 * - Lead: a trace recorded with `lead=K` or `lead=block` has registers from
 *   before the event. Memory values are then the ones read before that moment
 *   (bounded by K instructions, or by the start of the instruction's basic block),
 *   and the task load's own value is hidden.
 * - Sampling: at most `maxPerSite` instances per site and split, by reservoir
 *   sampling under a seed, so every part of the window is represented.
 * - Splits: `time` (train on the start of each window, validate on the next
 *   part, test on the end) or `input` (test on whole held-out inputs).
 *
 * @module
 */
import { dirname } from "node:path";
import { Progress, UserError } from "../common/mod.ts";
import { loadObject, type ObjectCode } from "../disasm/mod.ts";
import { assertObjectsUnchanged } from "../trace/objects.ts";
import { openTrace, readFooter, TraceError } from "../trace/reader.ts";
import { parseSnapshotSpec } from "../trace/snapshots.ts";
import { BRANCH, type EventChunk, LOAD, type Site } from "../trace/types.ts";
import { Rng } from "../workloads/random.ts";
import { DatasetBuilder } from "./dataset.ts";
import {
  buildStaticGraph,
  EDGE_TYPES,
  NEIGHBOURHOOD_DEFAULTS,
  type NeighbourhoodOptions,
  NO_REG,
  NoGraphError,
  RIP,
  type ValueRecipe,
} from "./static.ts";
import type { Dataset, Instance, SplitName, TaskName } from "./types.ts";

/** One trace to build instances from, and the workload run it records. */
export interface TraceSource {
  path: string;
  workload: string;
  input: string;
  /** Only instances of these trace site ids (default: every site); the other sites still supply memory values. */
  sites?: ArrayLike<number>;
}

/** How instances are split into train, valid and test. */
export type SplitSpec =
  /** By time inside each trace window: the last `testFraction` tests, the `validFraction` before it validates. */
  | { kind: "time" }
  /**
   * Whole inputs held out: instances of these inputs (`input` or `workload/input`) test; the others
   * train and validate (by time).
   */
  | { kind: "input"; testInputs: string[] };

/** True when `source` is one of the held-out inputs of an input split. */
function isHeldOut(split: SplitSpec | undefined, source: TraceSource): boolean {
  return split?.kind === "input" &&
    (split.testInputs.includes(source.input) ||
      split.testInputs.includes(`${source.workload}/${source.input}`));
}

/** Options of {@linkcode buildDataset}. */
export interface BuildDatasetOptions extends NeighbourhoodOptions {
  traces: TraceSource[];
  /** Tasks to make instances for (default both). */
  tasks?: TaskName[];
  /** Default `{ kind: "time" }`. */
  split?: SplitSpec;
  /** Fraction of each window (by instructions) that tests, for time splits (default 0.3). */
  testFraction?: number;
  /** Fraction of each window before the test part that validates (default 0.1). */
  validFraction?: number;
  /** At most this many instances per site and split (default 64). */
  maxPerSite?: number;
  /** Seed of the sampling (default 1). */
  seed?: number;
  /** No progress output. */
  quiet?: boolean;
}

/** Defaults of {@linkcode BuildDatasetOptions}. */
export const BUILD_DEFAULTS = {
  tasks: ["branch", "address"] as TaskName[],
  testFraction: 0.3,
  validFraction: 0.1,
  maxPerSite: 64,
  seed: 1,
  ...NEIGHBOURHOOD_DEFAULTS,
};

/** A site's static graph, shared by every trace of its object. */
interface StaticSite {
  topology: number;
  recipes: ValueRecipe[];
  /** Instructions from the start of the site's basic block to the site. */
  blockOffset: number;
}

/** A site resolved to its static graph inside one trace. */
interface ResolvedSite extends StaticSite {
  /** Instructions between the snapshot and the event, at least (0 when the snapshot is at the event). */
  leadDistance: number;
  /** Run-time minus static address of the site's object. */
  bias: bigint;
  /** Trace site ids of the load sites that memory recipes read (-1: not seen yet), parallel to recipes. */
  memorySites: Int32Array;
  /** Keys `object:offset:operand` of those load sites, for the ones not seen yet. */
  memoryKeys: (string | undefined)[];
}

/**
 * The last values each load site read, with when: memory as an earlier
 * snapshot saw it is the value read before the snapshot's moment.
 */
class LoadHistory {
  /** Values kept per site: enough for a tight loop across a lead of a few hundred instructions. */
  static readonly DEPTH = 64;
  #icount = new Float64Array(0);
  #value = new BigUint64Array(0);
  #count = new Uint32Array(0);

  /** Makes room for site ids below `sites`. */
  ensure(sites: number): void {
    if (sites <= this.#count.length) return;
    const size = Math.max(sites, this.#count.length * 2, 1024);
    const grow = <T extends Float64Array | BigUint64Array | Uint32Array>(a: T, n: number): T => {
      const b = new (a.constructor as new (n: number) => T)(n);
      b.set(a as never);
      return b;
    };
    this.#icount = grow(this.#icount, size * LoadHistory.DEPTH);
    this.#value = grow(this.#value, size * LoadHistory.DEPTH);
    this.#count = grow(this.#count, size);
  }

  record(site: number, icount: number, value: bigint): void {
    const slot = site * LoadHistory.DEPTH + (this.#count[site]++ % LoadHistory.DEPTH);
    this.#icount[slot] = icount;
    this.#value[slot] = value;
  }

  /** The value `site` last read before instruction `bound`, if it is still remembered. */
  before(site: number, bound: number): bigint | undefined {
    const n = this.#count[site];
    const depth = LoadHistory.DEPTH;
    for (let k = 1; k <= Math.min(n, depth); k++) {
      const slot = site * depth + ((n - k) % depth);
      if (this.#icount[slot] < bound) return this.#value[slot];
    }
    return undefined;
  }
}

/** Counts of why sites or events gave no instance, for the build report. */
interface Skipped {
  [reason: string]: number;
}

const MASK64 = (1n << 64n) - 1n;

function mask(width: number): bigint {
  return width >= 64 ? MASK64 : (1n << BigInt(width)) - 1n;
}

function siteKey(object: number, offset: bigint, operand: number): string {
  return `${object}:${offset}:${operand}`;
}

/** Shared state across traces: object code, topologies, the dataset being built. */
class Builder {
  readonly out: DatasetBuilder;
  readonly #objects = new Map<string, Promise<ObjectCode | undefined>>();
  readonly #topologies = new Map<string, StaticSite | string>();
  readonly skipped: Skipped = {};
  readonly options: typeof BUILD_DEFAULTS & BuildDatasetOptions;

  constructor(options: BuildDatasetOptions) {
    this.options = { ...BUILD_DEFAULTS, ...options };
    const { traces: _traces, quiet: _quiet, ...recorded } = this.options;
    this.out = new DatasetBuilder({ edgeTypes: [...EDGE_TYPES], meta: { builder: recorded } });
  }

  skip(reason: string): void {
    this.skipped[reason] = (this.skipped[reason] ?? 0) + 1;
  }

  object(path: string): Promise<ObjectCode | undefined> {
    let code = this.#objects.get(path);
    if (!code) {
      code = loadObject(path, { quiet: this.options.quiet }).catch((err: Error) => {
        this.skip(`object not disassembled: ${path} (${err.message.split("\n")[0]})`);
        return undefined;
      });
      this.#objects.set(path, code);
    }
    return code;
  }

  /** The topology of a site (built on first use, shared across traces), or why there is none. */
  async topology(
    objectPath: string,
    site: Site,
    task: TaskName,
  ): Promise<StaticSite | string> {
    const key = `${objectPath}|${site.offset}|${task}|${site.operand}`;
    const known = this.#topologies.get(key);
    if (known !== undefined) return known;
    let result: StaticSite | string;
    const code = await this.object(objectPath);
    const index = code ? code.indexAt(site.offset) : -1;
    if (!code) result = "object not disassembled";
    else if (index < 0) result = "site not found in the disassembly";
    else {
      try {
        const g = buildStaticGraph(code, index, task, { ...this.options, operand: site.operand });
        g.topology.token = Int32Array.from(g.tokens, (t) => this.out.token(t));
        result = {
          topology: this.out.addTopology(g.topology),
          recipes: g.recipes,
          blockOffset: index - code.blockOf(index).start,
        };
      } catch (err) {
        if (!(err instanceof NoGraphError)) throw err;
        result = err.message;
      }
    }
    this.#topologies.set(key, result);
    return result;
  }
}

/** A sampled instance waiting for the end of its trace (and, for loads, its label). */
interface Pending extends Instance {
  labeled: boolean;
}

/**
 * Builds a dataset from traces (see the module doc for what an instance is).
 * Traces must be complete (have their footer): the time split needs the
 * window's instruction count.
 */
export async function buildDataset(options: BuildDatasetOptions): Promise<Dataset> {
  if (options.traces.length === 0) {
    throw new UserError(
      "no traces to build a dataset from",
      "give at least one trace (make traces)",
    );
  }
  const builder = new Builder(options);
  const { split } = builder.options;
  if (split?.kind === "input") {
    const known = new Set(options.traces.flatMap((t) => [t.input, `${t.workload}/${t.input}`]));
    const missing = split.testInputs.filter((i) => !known.has(i));
    const heldOut = options.traces.filter((t) => isHeldOut(split, t)).length;
    if (missing.length > 0 || heldOut === 0 || heldOut === options.traces.length) {
      throw new UserError(
        `input split: test inputs [${split.testInputs}] must name some but not all of the traces' inputs ` +
          `[${options.traces.map((t) => `${t.workload}/${t.input}`)}]`,
        "name test inputs (input or workload/input) that some of the given traces record",
      );
    }
  }
  const perTrace: Record<string, unknown>[] = [];
  for (const source of options.traces) perTrace.push(await addTrace(builder, source));
  const dataset = builder.out.finish();
  dataset.meta = { ...dataset.meta, traces: perTrace, skipped: builder.skipped };
  if (dataset.instances.count === 0) {
    throw new UserError(
      "the traces gave no instances (no snapshots at branch or load sites that could be disassembled)",
      "trace with snapshots, e.g. --snapshots branches,loads,max-per-site=64",
    );
  }
  return dataset;
}

async function addTrace(builder: Builder, source: TraceSource): Promise<Record<string, unknown>> {
  const { options } = builder;
  const footer = await readFooter(source.path);
  if (!footer) {
    throw new TraceError(
      `${source.path} has no footer (the trace is incomplete)`,
      "re-run the trace",
    );
  }
  const trace = await openTrace(source.path);
  const sourceId = builder.out.source({ workload: source.workload, input: source.input });
  const total = footer.instructions;
  const heldOut = isHeldOut(options.split, source);
  const trainEnd = heldOut
    ? 0
    : options.split?.kind === "input"
    ? total * (1 - options.validFraction)
    : total * (1 - options.testFraction - options.validFraction);
  const validEnd = heldOut
    ? 0
    : options.split?.kind === "input"
    ? Infinity
    : total * (1 - options.testFraction);
  const splitOf = (icount: number): SplitName =>
    icount < trainEnd ? "train" : icount < validEnd ? "valid" : "test";
  const wantBranch = options.tasks.includes("branch");
  const wantAddress = options.tasks.includes("address");
  const rng = new Rng(`${options.seed}/${source.workload}/${source.input}`);
  const onlySites = source.sites ? new Set(Array.from(source.sites)) : undefined;

  const resolved: (ResolvedSite | null | undefined)[] = [];
  const siteByKey = new Map<string, number>();
  let sitesIndexed = 0;
  const history = new LoadHistory();
  // With a lead, registers come from before the event: memory must be read as of then too.
  const lead = parseSnapshotSpec(trace.meta.snapshots).lead;
  const pendingLabel: (Pending | undefined)[] = [];
  // Reservoirs per site and split: [seen count, kept instances].
  const reservoirs = new Map<number, { seen: number; kept: Pending[] }>();

  const progress = new Progress({
    label: `dataset ${source.workload}/${source.input}`,
    total: footer.branches + footer.loads,
    unit: "events",
    quiet: options.quiet,
  });

  const resolve = async (siteId: number): Promise<ResolvedSite | null> => {
    const cached = resolved[siteId];
    if (cached !== undefined) return cached;
    const site = trace.meta.sites[siteId];
    const task: TaskName = site.kind === "branch" ? "branch" : "address";
    const t = await builder.topology(trace.meta.objects[site.object], site, task);
    if (typeof t === "string") {
      builder.skip(t);
      resolved[siteId] = null;
      return null;
    }
    const memoryKeys = t.recipes.map((r) =>
      r.kind === "memory" ? siteKey(site.object, r.offset, r.operand) : undefined
    );
    const out: ResolvedSite = {
      ...t,
      leadDistance: lead === 0 ? 0 : lead === "block" ? t.blockOffset : lead,
      bias: site.pc - site.offset,
      memorySites: Int32Array.from(
        memoryKeys,
        (k) => (k === undefined ? -1 : siteByKey.get(k) ?? -1),
      ),
      memoryKeys,
    };
    resolved[siteId] = out;
    return out;
  };

  const makeInstance = (
    r: ResolvedSite,
    chunk: EventChunk,
    i: number,
    task: TaskName,
  ): Pending => {
    const row = chunk.snapshot[i] * 16;
    const regs = chunk.regs;
    const n = r.recipes.length;
    const values = new BigUint64Array(n);
    const known = new Uint8Array(n);
    for (let v = 0; v < n; v++) {
      const recipe = r.recipes[v];
      switch (recipe.kind) {
        case "register":
          values[v] = (regs[row + recipe.reg] >> BigInt(recipe.shift)) & mask(recipe.width);
          known[v] = 1;
          break;
        case "address": {
          const base = recipe.base === NO_REG
            ? 0n
            : recipe.base === RIP
            ? recipe.ripNext! + r.bias
            : regs[row + recipe.base];
          const index = recipe.index === NO_REG ? 0n : regs[row + recipe.index];
          values[v] = (base + index * BigInt(recipe.scale) + recipe.disp) & MASK64;
          known[v] = 1;
          break;
        }
        case "memory": {
          if (recipe.isTask) {
            // The value the task load reads now; not yet read at an earlier snapshot.
            if (r.leadDistance === 0) {
              values[v] = chunk.value[i] & mask(recipe.width);
              known[v] = 1;
            }
            break;
          }
          let s = r.memorySites[v];
          if (s < 0) {
            s = siteByKey.get(r.memoryKeys[v]!) ?? -1;
            r.memorySites[v] = s;
          }
          const value = s >= 0 ? history.before(s, chunk.icount[i] - r.leadDistance) : undefined;
          if (value !== undefined) {
            values[v] = value & mask(recipe.width);
            known[v] = 1;
          }
          break;
        }
        case "constant":
          values[v] = recipe.value;
          known[v] = 1;
          break;
        case "unknown":
          break;
      }
    }
    const icount = chunk.icount[i];
    return {
      topology: r.topology,
      task,
      split: splitOf(icount),
      values,
      known,
      label: task === "branch" ? BigInt(chunk.taken[i]) : 0n,
      icount,
      source: sourceId,
      site: chunk.site[i],
      labeled: task === "branch",
    };
  };

  /** Reservoir sampling per (site, split): returns the instance if kept. */
  const sample = (siteId: number, split: SplitName, make: () => Pending): Pending | undefined => {
    const key = siteId * 3 + (split === "train" ? 0 : split === "valid" ? 1 : 2);
    let res = reservoirs.get(key);
    if (!res) reservoirs.set(key, res = { seen: 0, kept: [] });
    res.seen++;
    if (res.kept.length < options.maxPerSite) {
      const inst = make();
      res.kept.push(inst);
      return inst;
    }
    const j = rng.int(0, res.seen);
    if (j >= options.maxPerSite) return undefined;
    const inst = make();
    res.kept[j] = inst;
    return inst;
  };

  let events = 0;
  let snapshotsUsed = 0;
  for await (const chunk of trace.chunks()) {
    // Index sites defined so far, so that memory recipes can find their load sites.
    const sites = trace.meta.sites;
    for (; sitesIndexed < sites.length; sitesIndexed++) {
      const s = sites[sitesIndexed];
      if (s.kind === "load") siteByKey.set(siteKey(s.object, s.offset, s.operand), s.id);
    }
    history.ensure(sites.length);
    for (let i = 0; i < chunk.length; i++) {
      const siteId = chunk.site[i];
      const isLoad = chunk.kind[i] === LOAD;
      if (isLoad) {
        const waiting = pendingLabel[siteId];
        if (waiting) {
          waiting.label = chunk.addr[i];
          waiting.labeled = true;
          pendingLabel[siteId] = undefined;
        }
      }
      if (
        chunk.snapshot[i] >= 0 && (isLoad ? wantAddress : wantBranch) &&
        (!onlySites || onlySites.has(siteId))
      ) {
        const r = await resolve(siteId);
        if (r) {
          snapshotsUsed++;
          const task: TaskName = chunk.kind[i] === BRANCH ? "branch" : "address";
          const inst = sample(
            siteId,
            splitOf(chunk.icount[i]),
            () => makeInstance(r, chunk, i, task),
          );
          if (inst && isLoad) pendingLabel[siteId] = inst;
        }
      }
      if (isLoad) {
        history.record(siteId, chunk.icount[i], chunk.value[i]);
      }
    }
    events += chunk.length;
    progress.tick(chunk.length);
  }

  await assertObjectsUnchanged(source.path, trace.meta.objects);
  const kept: Pending[] = [];
  for (const res of reservoirs.values()) {
    for (const inst of res.kept) if (inst.labeled) kept.push(inst);
  }
  kept.sort((a, b) => a.icount - b.icount);
  for (const inst of kept) builder.out.addInstance(inst);
  progress.finish();
  return {
    path: source.path,
    folder: dirname(source.path),
    workload: source.workload,
    input: source.input,
    instructions: total,
    events,
    snapshotsUsed,
    instances: kept.length,
  };
}
