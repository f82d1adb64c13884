/**
 * Small C programs of `tests/programs/` traced for the studies (history_failure's
 * `random_branch` and `list_chase`): compiled
 * (`gcc -O1 -g`), traced with snapshots at chosen instructions of one
 * function, optionally from that function's first execution on, and cached
 * under `data/cache/experiments/programs/` by source, arguments and snapshot
 * selection.
 *
 * @module
 */
import { join } from "node:path";
import { atomicWriteJson, isUpToDate, repoPath, ROOT } from "../common/mod.ts";
import { loadObject } from "../disasm/mod.ts";
import { TASK_ADDRESS, TASK_BRANCH } from "../graph/mod.ts";
import { openTrace, SANDBOX_VERSION, traceProgram, TRACER_BINARY } from "../trace/mod.ts";
import { compileTestProgram, ensureTracer } from "../trace/testing.ts";
import {
  type AddressBaselines,
  addressBaselines,
  BRANCH_BASELINES,
  type BranchBaselines,
  ONLINE_ADDRESS_BASELINES,
  type RecordPoints,
} from "./baselines.ts";
import type { ModelRequest, SeedModel } from "./models.ts";
import type { TrainOptions } from "../model/mod.ts";
import { LSTM_PREDICTOR, type LstmOptions } from "../baselines/mod.ts";
import { cacheDir, hashOf, readCachedJson } from "./cache.ts";
import { type CachedDataset, cachedDataset, indicesOf } from "./datasets.ts";
import { siteStats } from "./sites.ts";
import { label } from "./methods.ts";
import type { ResultRow } from "../report/mod.ts";

/** What to trace of a test program. */
export interface ProgramTraceOptions {
  /** `tests/programs/<name>.c`. */
  name: string;
  args: string[];
  /** Function whose instructions get snapshots. */
  func: string;
  /** Which of its instructions: by flow kind (`branch`, ...) and objdump text. */
  keep: (flow: string, text: string) => boolean;
  /** Start the window at the function's first event (skip the program's setup). */
  startAtFunction?: boolean;
  /** Extra snapshot modifiers, e.g. `max-per-site=4096` (default none). */
  modifiers?: string;
}

/** A traced test program. */
export interface ProgramTrace {
  binary: string;
  trace: string;
  /** The snapshot spec used. */
  snapshots: string;
  /** Instructions skipped before the window. */
  skip: number;
}

/** Snapshot selectors `at=BINARY+0xOFF` for the instructions of `func` that `keep` accepts. */
export async function snapshotSelectors(
  binary: string,
  func: string,
  keep: (flow: string, text: string) => boolean,
): Promise<{ selectors: string[]; range: [bigint, bigint] }> {
  const code = await loadObject(binary, { quiet: true });
  const f = code.functionNamed(func);
  if (!f) throw new Error(`${binary} has no function ${func}`);
  const name = binary.split("/").at(-1);
  const selectors: string[] = [];
  for (let i = f.start; i < f.end; i++) {
    const inst = code.instruction(i);
    if (keep(inst.flow, inst.text)) selectors.push(`at=${name}+0x${inst.address.toString(16)}`);
  }
  return {
    selectors,
    range: [code.instruction(f.start).address, code.instruction(f.end - 1).address + 1n],
  };
}

/** Compiles and traces a test program (cached). */
export async function traceTestProgram(options: ProgramTraceOptions): Promise<ProgramTrace> {
  const source = await Deno.readTextFile(join(ROOT, "tests", "programs", `${options.name}.c`));
  const key = await hashOf({
    source,
    args: options.args,
    func: options.func,
    keep: options.keep.toString(),
    startAtFunction: options.startAtFunction ?? false,
    modifiers: options.modifiers ?? "",
    sandbox: SANDBOX_VERSION,
  });
  const dir = cacheDir("programs", `${options.name}-${key}`);
  const recordPath = join(dir, "trace.json");
  const cached = await readCachedJson<ProgramTrace>(recordPath);
  if (cached && await isUpToDate(cached.trace, [TRACER_BINARY])) return cached;
  await ensureTracer();
  await Deno.mkdir(dir, { recursive: true });
  const binary = await compileTestProgram(options.name, dir);
  const { selectors, range } = await snapshotSelectors(binary, options.func, options.keep);
  const snapshots = [...selectors, ...(options.modifiers ? [options.modifiers] : [])].join(",");
  const trace = join(dir, `${options.name}.trace`);
  let skip = 0;
  if (options.startAtFunction) {
    // A first pass finds the instruction count of the function's first event.
    const probe = join(dir, "probe.trace");
    await traceProgram({
      program: binary,
      args: options.args,
      out: probe,
      stdout: "null",
      reproducible: {},
      quiet: true,
    });
    const t = await openTrace(probe);
    const [lo, hi] = range;
    search: for await (const chunk of t.chunks()) {
      for (let i = 0; i < chunk.length; i++) {
        const site = t.meta.sites[chunk.site[i]];
        if (site.offset >= lo && site.offset < hi && t.meta.objects[site.object] === binary) {
          skip = chunk.icount[i];
          break search;
        }
      }
    }
    await Deno.remove(probe);
  }
  await traceProgram({
    program: binary,
    args: options.args,
    out: trace,
    skip,
    snapshots,
    stdout: "null",
    reproducible: {},
    quiet: true,
  });
  const result = { binary, trace, snapshots, skip };
  await atomicWriteJson(recordPath, result);
  return result;
}

/** A traced test program as history_failure scores it: the dataset and the instances it scores. */
export interface TestProgram {
  /** The program's name, its workload in the results. */
  name: string;
  trace: string;
  /** Where the test part starts (instruction count). */
  testFrom: number;
  dataset: CachedDataset;
  /** Dataset indices of the scored test instances. */
  idx: number[];
  /** The same as record points for the baselines. */
  at: RecordPoints;
  /** The outcome (branch) or next address (load) of each scored instance. */
  actual: number[];
  /** Accuracy of a blind guess: the majority outcome, or 0 for addresses. */
  chance: number;
  /** Workload name -> positions in `idx` it pools (the program, and for loads each load too). */
  groups: Map<string, number[]>;
  /** The group the claim is judged on (list_chase: the load that chases the pointer it reads). */
  judged: string;
  /** Instructions skipped before the window. */
  skip: number;
  settings: Record<string, unknown>;
}

/** Sizes of {@linkcode randomBranch} and {@linkcode listChase}. */
export interface TestProgramSizes {
  randomBranchLength: number;
  listNodes: number;
  maxPerSite: number;
}

/** The dataset of one traced program with one task, and its test indices (cached). */
async function programDataset(
  trace: ProgramTrace,
  name: string,
  input: string,
  task: "branch" | "address",
  options: { maxPerSite: number; quiet: boolean },
) {
  const dataset = await cachedDataset({
    traces: [{ path: trace.trace, workload: name, input }],
    options: { tasks: [task], split: { kind: "time" }, maxPerSite: options.maxPerSite, seed: 1 },
  }, { quiet: options.quiet });
  const test = indicesOf(dataset.dataset, {
    split: "test",
    task: task === "branch" ? TASK_BRANCH : TASK_ADDRESS,
  });
  return { dataset, test, stats: await siteStats(trace.trace) };
}

/**
 * `random_branch`: a branch on freshly loaded random data; the scored site is the site of
 * `count_big` whose test outcomes are the most balanced.
 */
export async function randomBranch(
  args: { quiet: boolean },
  sizes: TestProgramSizes,
): Promise<TestProgram> {
  const name = "random_branch";
  const rb = await traceTestProgram({
    name,
    args: [String(sizes.randomBranchLength)],
    func: "count_big",
    keep: (flow) => flow === "branch",
  });
  const { dataset, test, stats } = await programDataset(
    rb,
    name,
    String(sizes.randomBranchLength),
    "branch",
    {
      maxPerSite: sizes.maxPerSite,
      quiet: args.quiet,
    },
  );
  const t = dataset.dataset.instances;
  const bySite = Map.groupBy(test, (i) => t.site[i]);
  const takenShare = (l: number[]) => l.filter((i) => t.label[i] === 1n).length / l.length;
  const [site, idx] =
    [...bySite].sort(([, a], [, b]) =>
      Math.abs(takenShare(a) - 0.5) - Math.abs(takenShare(b) - 0.5)
    )[0];
  const takenRate = takenShare(idx);
  return {
    name,
    trace: rb.trace,
    testFrom: stats.testFrom,
    dataset,
    idx,
    at: { site: idx.map((i) => t.site[i]), icount: idx.map((i) => t.icount[i]) },
    actual: idx.map((i) => Number(t.label[i])),
    chance: Math.max(takenRate, 1 - takenRate),
    groups: new Map([[name, idx.map((_, k) => k)]]),
    judged: name,
    skip: rb.skip,
    settings: {
      trace: repoPath(rb.trace),
      snapshots: rb.snapshots,
      dataSite: site,
      testInstances: idx.length,
      takenRate,
      datasetInstances: t.count,
    },
  };
}

/**
 * `list_chase`: one walk over a shuffled linked list, never revisited; the scored instances are the
 * test loads of the loop body, pooled and per load (named by its instruction).
 */
export async function listChase(
  args: { quiet: boolean },
  sizes: TestProgramSizes,
): Promise<TestProgram> {
  const name = "list_chase";
  const lc = await traceTestProgram({
    name,
    args: [String(sizes.listNodes), String(sizes.listNodes)],
    func: "walk",
    keep: (_flow, text) => text.includes("PTR ["),
    startAtFunction: true,
  });
  const { dataset, test, stats } = await programDataset(
    lc,
    name,
    String(sizes.listNodes),
    "address",
    {
      maxPerSite: sizes.maxPerSite,
      quiet: args.quiet,
    },
  );
  const t = dataset.dataset.instances;
  const idx = Array.from(test);
  const sites = idx.map((i) => t.site[i]);
  const code = await loadObject(lc.binary, { quiet: true });
  const trace = await openTrace(lc.trace);
  for await (const _ of trace.chunks()) {
    // The trace defines its sites while it streams.
  }
  const groups = new Map([[name, idx.map((_, k) => k)]]);
  // The chase: the load whose next address is most often the value it reads now.
  const follows = (s: number) =>
    idx.filter((i) => t.site[i] === s && t.label[i] === t.currentValue[i]).length;
  const chase = [...new Set(sites)].sort((a, b) => follows(b) - follows(a))[0];
  let judged = name;
  for (const site of new Set(sites)) {
    const text = code.instructionAt(trace.meta.sites[site].offset)?.text ?? `site ${site}`;
    const group = `${name}: ${text.replace(/\s+/g, " ")}`;
    groups.set(group, sites.flatMap((s, k) => (s === site ? [k] : [])));
    if (site === chase) judged = group;
  }
  return {
    name,
    trace: lc.trace,
    testFrom: stats.testFrom,
    dataset,
    idx,
    at: { site: sites, icount: idx.map((i) => t.icount[i]) },
    actual: idx.map((i) => Number(t.label[i])),
    chance: 0,
    groups,
    judged,
    skip: lc.skip,
    settings: {
      trace: repoPath(lc.trace),
      skip: lc.skip,
      loadSites: [...new Set(sites)],
      testInstances: idx.length,
      datasetInstances: t.count,
    },
  };
}

/** Which of a test program's scored instances one method got right (`seed` absent: every seed). */
export interface ProgramHits {
  /** Method id. */
  method: string;
  seed?: number;
  /** 1 when the method is right at position `k` of the program's scored instances. */
  hit(k: number): number;
}

/** The accuracy rows of a test program: per group of its scored instances, per method and seed. */
export function programRows(
  p: TestProgram,
  hits: readonly ProgramHits[],
  seeds: number[],
): ResultRow[] {
  const rows: ResultRow[] = [];
  for (const [workload, members] of p.groups) {
    for (const h of hits) {
      const accuracy = members.reduce((a, k) => a + h.hit(k), 0) / members.length;
      for (const seed of h.seed === undefined ? seeds : [h.seed]) {
        rows.push({
          workload,
          method: label(h.method),
          seed,
          metrics: { accuracy, chance: p.chance },
        });
      }
    }
  }
  return rows;
}

/** Hits on `random_branch`'s scored instances: every branch baseline, and each model that trained on it. */
export function branchHits(
  p: TestProgram,
  baselines: BranchBaselines,
  models: readonly SeedModel[],
): ProgramHits[] {
  return [
    ...BRANCH_BASELINES.map((method) => ({
      method,
      hit: (k: number) => Number(baselines.predictions[method][k] === p.actual[k]),
    })),
    ...modelHits(p, models, "correct"),
  ];
}

/**
 * Hits on `list_chase`'s scored instances (the right 64-byte line): every online address baseline,
 * the LSTM of each seed, and each model that trained on it.
 */
export function addressHits(
  p: TestProgram,
  baselines: { online: AddressBaselines; lstm: AddressBaselines[] },
  models: readonly SeedModel[],
  seeds: number[],
): ProgramHits[] {
  const sameLine = (run: AddressBaselines, method: string) => (k: number) => {
    const predicted = run.predictions[method][k];
    return Number(
      predicted !== null && Math.floor(predicted / 64) === Math.floor(p.actual[k] / 64),
    );
  };
  return [
    ...ONLINE_ADDRESS_BASELINES.map((method) => ({
      method,
      hit: sameLine(baselines.online, method),
    })),
    ...seeds.map((seed, j) => ({
      method: LSTM_PREDICTOR,
      seed,
      hit: sameLine(baselines.lstm[j], LSTM_PREDICTOR),
    })),
    ...modelHits(p, models, "lineCorrect"),
  ];
}

/** Hits of the models trained on `p`'s dataset, by `column` of their predictions. */
function modelHits(
  p: TestProgram,
  models: readonly SeedModel[],
  column: "correct" | "lineCorrect",
): ProgramHits[] {
  return models.filter((m) => m.dataset === p.dataset).map((m) => {
    const hits = m.model.predict(p.dataset.dataset, p.idx)[column];
    return { method: m.method, seed: m.seed, hit: (k: number) => hits[k] };
  });
}

/** NCF and the static-only GNN trained for `task` on one test program's dataset. */
export function programModels(
  p: TestProgram,
  task: "branch" | "address",
  training: Omit<TrainOptions, "seed">,
): ModelRequest[] {
  return [{}, { staticOnly: true }].map((spec, k) => ({
    method: k ? "static-only" : "ncf",
    dataset: p.dataset,
    spec: { task, ...spec },
    training,
  }));
}

/**
 * The address baselines at a test program's scored instances: the online ones once, the LSTM
 * once per seed (on the program's load sites), as {@linkcode addressHits} reads them.
 */
export async function programAddressBaselines(
  p: TestProgram,
  options: { lstm: LstmOptions; seeds: number[]; quiet: boolean },
): Promise<{ online: AddressBaselines; lstm: AddressBaselines[] }> {
  const { quiet } = options;
  const sites = [...new Set(p.at.site)];
  return {
    online: await addressBaselines(p.trace, p.testFrom, p.at, { quiet }),
    lstm: await Promise.all(
      options.seeds.map((seed) =>
        addressBaselines(p.trace, p.testFrom, p.at, {
          lstm: { options: options.lstm, seed, sites },
          quiet,
        })
      ),
    ),
  };
}
