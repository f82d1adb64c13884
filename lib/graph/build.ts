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
 * - Sampling: per site and split, at most `maxPerSite` instances drawn
 *   uniformly from the site's executions in that part of the window (not from
 *   the snapshots, which the tracer thins more and more as the window goes on):
 *   see sampling.ts. The meta records each site's number of uniform candidates.
 * - Trivial references: each instance also records the task load's current
 *   address and the site's previous outcome or address (types.ts).
 * - Splits: `time` (train on the start of each window, validate on the next
 *   part, test on the end) or `input` (test on whole held-out inputs).
 *
 * @module
 */
import { basename, dirname } from "node:path";
import { Progress, UserError } from "../common/mod.ts";
import { loadObject, type ObjectCode } from "../disasm/mod.ts";
import { assertObjectsUnchanged } from "../trace/objects.ts";
import { openTrace, readFooter, TraceError, type TraceFile } from "../trace/reader.ts";
import { parseSnapshotSpec, type SnapshotSpec } from "../trace/snapshots.ts";
import { BRANCH, type EventChunk, LOAD, type Site } from "../trace/types.ts";
import { Rng } from "../common/random.ts";
import { DatasetBuilder } from "./dataset.ts";
import { PartSample, SnapshotSchedule } from "./sampling.ts";
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
import { type Dataset, type Instance, SPLIT_NAMES, type TaskName } from "./types.ts";

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

/** Throws a {@linkcode UserError} naming a split fraction or sample size that cannot work. */
function checkBuildOptions(options: typeof BUILD_DEFAULTS & BuildDatasetOptions): void {
  const { testFraction, validFraction, maxPerSite } = options;
  const fraction = (name: string, value: number) => {
    if (!(value >= 0 && value < 1)) {
      throw new UserError(
        `--${name} must be at least 0 and below 1, got ${value}`,
        `pass a share of the window, e.g. --${name} ${
          BUILD_DEFAULTS[name === "test-fraction" ? "testFraction" : "validFraction"]
        }`,
      );
    }
  };
  fraction("test-fraction", testFraction);
  fraction("valid-fraction", validFraction);
  const trainShare = options.split?.kind === "input"
    ? 1 - validFraction
    : 1 - testFraction - validFraction;
  if (!(trainShare > 0)) {
    throw new UserError(
      `--test-fraction ${testFraction} and --valid-fraction ${validFraction} leave no training part`,
      "make their sum (with --split time) smaller than 1, e.g. the defaults 0.3 and 0.1",
    );
  }
  if (!(Number.isInteger(maxPerSite) && maxPerSite >= 1)) {
    throw new UserError(
      `--max-per-site must be a positive integer, got ${maxPerSite}`,
      `pass e.g. --max-per-site ${BUILD_DEFAULTS.maxPerSite}`,
    );
  }
}

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

/** Each site's latest execution: a branch's outcome or a load's address (the trivial references' input). */
class LastExecution {
  #value = new BigUint64Array(0);
  #seen = new Uint8Array(0);

  /** Makes room for site ids below `sites`. */
  ensure(sites: number): void {
    if (sites <= this.#seen.length) return;
    const size = Math.max(sites, this.#seen.length * 2, 1024);
    const value = new BigUint64Array(size), seen = new Uint8Array(size);
    value.set(this.#value);
    seen.set(this.#seen);
    this.#value = value;
    this.#seen = seen;
  }

  record(site: number, value: bigint): void {
    this.#value[site] = value;
    this.#seen[site] = 1;
  }

  /** The site's latest outcome or address, undefined before its first execution. */
  of(site: number): bigint | undefined {
    return this.#seen[site] ? this.#value[site] : undefined;
  }
}

/** Counts of why sites or events gave no instance, for the build report. */
interface Skipped {
  [reason: string]: number;
}

const MASK64 = (1n << 64n) - 1n;

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return false;
    throw err;
  }
}

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

  /** The object's code, or undefined (a skip reason is counted) when it cannot be disassembled. */
  object(path: string, tracePath: string): Promise<ObjectCode | undefined> {
    let code = this.#objects.get(path);
    if (!code) {
      code = (async () => {
        if (path.startsWith("/") && !(await exists(path))) {
          throw new UserError(
            `${path}, which ${tracePath} ran, no longer exists: the dataset would silently miss its sites`,
            "restore it (rebuild the program or reinstall its package) or trace again, then rebuild the dataset",
          );
        }
        return await loadObject(path, { quiet: this.options.quiet }).catch((err: Error) => {
          this.skip(`object not disassembled: ${path} (${err.message.split("\n")[0]})`);
          return undefined;
        });
      })();
      this.#objects.set(path, code);
    }
    return code;
  }

  /** The topology of a site (built on first use, shared across traces), or why there is none. */
  async topology(
    objectPath: string,
    site: Site,
    task: TaskName,
    tracePath: string,
  ): Promise<StaticSite | string> {
    const key = `${objectPath}|${site.offset}|${task}|${site.operand}`;
    const known = this.#topologies.get(key);
    if (known !== undefined) return known;
    let result: StaticSite | string;
    const code = await this.object(objectPath, tracePath);
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

/** True when the snapshot spec selects `site` of object `objectPath` (as the tracer's `site_selected`). */
function snapshotsSelect(spec: SnapshotSpec, site: Site, objectPath: string): boolean {
  if (site.kind === "branch" ? spec.branches : spec.loads) return true;
  if (spec.pcs.includes(site.pc)) return true;
  const name = basename(objectPath);
  return spec.at.some((a) => a.offset === site.offset && a.object === name);
}

/** A sampled instance waiting for the end of its trace (and, for loads, its label). */
interface Pending extends Instance {
  labeled: boolean;
}

/** Split ids in the order of {@linkcode SPLIT_NAMES}. */
const TRAIN = 0, VALID = 1, TEST = 2;

/** One trace being turned into instances: its split, sites, histories and samples. */
class TraceBuild {
  readonly sourceId: number;
  /** Instructions before which an event trains, and before which it validates. */
  readonly trainEnd: number;
  readonly validEnd: number;
  readonly rng: Rng;
  readonly onlySites: Set<number> | undefined;
  readonly wantBranch: boolean;
  readonly wantAddress: boolean;
  readonly lead: 0 | "block" | number;
  /** Instructions at the window's start where a lead snapshot may be missing (`lead=K`: K). */
  readonly leadInstructions: number;
  readonly spec: SnapshotSpec;
  /** 1 for each site the snapshot spec selects (by site id). */
  selected = new Uint8Array(0);
  readonly schedule: SnapshotSchedule;
  readonly history = new LoadHistory();
  readonly last = new LastExecution();
  readonly resolved: (ResolvedSite | null | undefined)[] = [];
  readonly siteByKey = new Map<string, number>();
  sitesIndexed = 0;
  /** The latest sampled instance of each load site, until its next execution labels it. */
  readonly pendingLabel: (Pending | undefined)[] = [];
  /** Samples by `site * 3 + split`. */
  readonly samples = new Map<number, PartSample<Pending>>();
  events = 0;
  snapshotsUsed = 0;

  constructor(
    readonly builder: Builder,
    readonly source: TraceSource,
    readonly trace: TraceFile,
    readonly instructions: number,
  ) {
    const { options } = builder;
    this.sourceId = builder.out.source({ workload: source.workload, input: source.input });
    const heldOut = isHeldOut(options.split, source);
    const byInput = options.split?.kind === "input";
    const total = instructions;
    this.trainEnd = heldOut
      ? 0
      : total * (1 - (byInput ? 0 : options.testFraction) - options.validFraction);
    this.validEnd = heldOut ? 0 : byInput ? Infinity : total * (1 - options.testFraction);
    this.rng = new Rng(`${options.seed}/${source.workload}/${source.input}`);
    this.onlySites = source.sites ? new Set(Array.from(source.sites)) : undefined;
    this.wantBranch = options.tasks.includes("branch");
    this.wantAddress = options.tasks.includes("address");
    this.spec = parseSnapshotSpec(trace.meta.snapshots);
    // With a lead, registers come from before the event: memory must be read as of then too.
    this.lead = this.spec.lead;
    this.leadInstructions = typeof this.lead === "number" ? this.lead : 0;
    this.schedule = new SnapshotSchedule(this.spec);
  }

  splitOf(icount: number): number {
    return icount < this.trainEnd ? TRAIN : icount < this.validEnd ? VALID : TEST;
  }

  /** The site's static graph in this trace, or null (counted as skipped) when it has none. */
  async resolve(siteId: number): Promise<ResolvedSite | null> {
    const cached = this.resolved[siteId];
    if (cached !== undefined) return cached;
    const site = this.trace.meta.sites[siteId];
    const task: TaskName = site.kind === "branch" ? "branch" : "address";
    const objectPath = this.trace.meta.objects[site.object];
    const t = await this.builder.topology(objectPath, site, task, this.source.path);
    if (typeof t === "string") {
      this.builder.skip(t);
      this.resolved[siteId] = null;
      return null;
    }
    const memoryKeys = t.recipes.map((r) =>
      r.kind === "memory" ? siteKey(site.object, r.offset, r.operand) : undefined
    );
    const lead = this.lead;
    const out: ResolvedSite = {
      ...t,
      leadDistance: lead === 0 ? 0 : lead === "block" ? t.blockOffset : lead,
      bias: site.pc - site.offset,
      memorySites: Int32Array.from(
        memoryKeys,
        (k) => (k === undefined ? -1 : this.siteByKey.get(k) ?? -1),
      ),
      memoryKeys,
    };
    this.resolved[siteId] = out;
    return out;
  }

  /** The value of each value node of site `r` at event `i` of `chunk`, and whether it is known. */
  readValues(r: ResolvedSite, chunk: EventChunk, i: number) {
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
          const value = this.memoryValue(r, v, recipe.isTask, chunk, i);
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
    return { values, known };
  }

  /** What memory operand `v` of site `r` reads as of the snapshot, if known. */
  memoryValue(r: ResolvedSite, v: number, isTask: boolean, chunk: EventChunk, i: number) {
    // The value the task load reads now; not yet read at an earlier snapshot.
    if (isTask) return r.leadDistance === 0 ? chunk.value[i] : undefined;
    let s = r.memorySites[v];
    if (s < 0) {
      s = this.siteByKey.get(r.memoryKeys[v]!) ?? -1;
      r.memorySites[v] = s;
    }
    return s >= 0 ? this.history.before(s, chunk.icount[i] - r.leadDistance) : undefined;
  }

  /** The instance of event `i` of `chunk` at site `r`. */
  makeInstance(r: ResolvedSite, chunk: EventChunk, i: number, split: number): Pending {
    const task: TaskName = chunk.kind[i] === BRANCH ? "branch" : "address";
    const { values, known } = this.readValues(r, chunk, i);
    return {
      topology: r.topology,
      task,
      split: SPLIT_NAMES[split],
      values,
      known,
      label: task === "branch" ? BigInt(chunk.taken[i]) : 0n,
      icount: chunk.icount[i],
      source: this.sourceId,
      site: chunk.site[i],
      currentAddress: task === "address" ? chunk.addr[i] : 0n,
      currentValue: task === "address" ? chunk.value[i] : 0n,
      previous: this.last.of(chunk.site[i]),
      labeled: task === "branch",
    };
  }

  /** Indexes the sites the trace defined so far, so that memory recipes find their load sites. */
  indexSites(): void {
    const { sites, objects } = this.trace.meta;
    if (this.selected.length < sites.length) {
      const selected = new Uint8Array(Math.max(sites.length, 2 * this.selected.length, 1024));
      selected.set(this.selected);
      this.selected = selected;
    }
    for (; this.sitesIndexed < sites.length; this.sitesIndexed++) {
      const s = sites[this.sitesIndexed];
      if (s.kind === "load") this.siteByKey.set(siteKey(s.object, s.offset, s.operand), s.id);
      this.selected[s.id] = Number(snapshotsSelect(this.spec, s, objects[s.object]));
    }
    this.history.ensure(sites.length);
    this.last.ensure(sites.length);
    this.schedule.ensure(sites.length);
  }

  /** True when event `i` of `chunk` has a snapshot of a task and site the dataset wants. */
  wants(chunk: EventChunk, i: number): boolean {
    const siteId = chunk.site[i];
    return chunk.snapshot[i] >= 0 &&
      (chunk.kind[i] === LOAD ? this.wantAddress : this.wantBranch) &&
      (!this.onlySites || this.onlySites.has(siteId));
  }

  /**
   * Handles event `i` of `chunk`: labels, the snapshot schedule, sampling,
   * histories. The site of a wanted snapshot must be resolved first.
   */
  onEvent(chunk: EventChunk, i: number): void {
    const siteId = chunk.site[i];
    const isLoad = chunk.kind[i] === LOAD;
    if (isLoad) {
      const waiting = this.pendingLabel[siteId];
      if (waiting) {
        waiting.label = chunk.addr[i];
        waiting.labeled = true;
        this.pendingLabel[siteId] = undefined;
      }
    }
    if (this.selected[siteId]) this.sample(chunk, i);
    if (isLoad) this.history.record(siteId, chunk.icount[i], chunk.value[i]);
    this.last.record(siteId, isLoad ? chunk.addr[i] : BigInt(chunk.taken[i]));
  }

  /** Replays the tracer's snapshot choice at event `i` of a selected site and offers a uniform candidate. */
  sample(chunk: EventChunk, i: number): void {
    const siteId = chunk.site[i];
    const hasSnapshot = chunk.snapshot[i] >= 0;
    const c = this.schedule.next(siteId, hasSnapshot, chunk.icount[i] < this.leadInstructions);
    if (c < 0) return;
    const split = this.splitOf(chunk.icount[i]);
    const key = siteId * 3 + split;
    const r = hasSnapshot && this.wants(chunk, i) ? this.resolved[siteId] : undefined;
    if (r) {
      this.snapshotsUsed++;
      let part = this.samples.get(key);
      if (!part) this.samples.set(key, part = new PartSample(this.builder.options.maxPerSite));
      const inst = part.offer(c, this.rng.float(), () => this.makeInstance(r, chunk, i, split));
      if (inst && chunk.kind[i] === LOAD) this.pendingLabel[siteId] = inst;
    }
    this.samples.get(key)?.advance(this.schedule.exponent(siteId));
  }

  /** Adds the sampled instances to the dataset (in time order); returns the trace's build record. */
  finish(): Record<string, unknown> {
    const kept: Pending[] = [];
    const candidates: Record<number, number[]> = {};
    for (const [key, part] of this.samples) {
      const site = Math.floor(key / 3);
      (candidates[site] ??= [0, 0, 0])[key % 3] = part.candidates;
      kept.push(...part.draw((inst) => inst.labeled));
    }
    kept.sort((a, b) => a.icount - b.icount);
    for (const inst of kept) this.builder.out.addInstance(inst);
    return {
      path: this.source.path,
      folder: dirname(this.source.path),
      workload: this.source.workload,
      input: this.source.input,
      instructions: this.instructions,
      events: this.events,
      snapshotsUsed: this.snapshotsUsed,
      snapshotsResynchronised: this.schedule.resynchronised,
      snapshotsUnexplained: this.schedule.unexplained,
      instances: kept.length,
      uniformCandidates: candidates,
    };
  }
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
  checkBuildOptions(builder.options);
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

/** Streams one trace into the builder; returns its build record (for the dataset's meta). */
async function addTrace(builder: Builder, source: TraceSource): Promise<Record<string, unknown>> {
  const footer = await readFooter(source.path);
  if (!footer) {
    throw new TraceError(
      `${source.path} has no footer (the trace is incomplete)`,
      "re-run the trace",
    );
  }
  const trace = await openTrace(source.path);
  const build = new TraceBuild(builder, source, trace, footer.instructions);
  const progress = new Progress({
    label: `dataset ${source.workload}/${source.input}`,
    total: footer.branches + footer.loads,
    unit: "events",
    quiet: builder.options.quiet,
  });
  for await (const chunk of trace.chunks()) {
    build.indexSites();
    for (let i = 0; i < chunk.length; i++) {
      if (build.resolved[chunk.site[i]] === undefined && build.wants(chunk, i)) {
        await build.resolve(chunk.site[i]);
      }
      build.onEvent(chunk, i);
    }
    build.events += chunk.length;
    progress.tick(chunk.length);
  }
  await assertObjectsUnchanged(source.path, trace.meta.objects);
  const record = build.finish();
  progress.finish();
  return record;
}
