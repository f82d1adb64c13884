/**
 * The data of the algorithm-classification study (`experiments/algorithm_classification.ts`):
 * the corpus binaries at the scale's levels with their traces, one dataset of their own branch
 * and load instances (cached by content), the instances embedded per binary, the splits (held-out
 * implementations, held-out compiler) and, per split, the dataset NCF is pre-trained on.
 *
 * Not re-exported from `mod.ts`: it loads TensorFlow.js (through `transfer.ts`).
 *
 * @module
 */
import { join } from "node:path";
import { atomicWriteJson, UserError } from "../common/mod.ts";
import { cacheDir, hashOf, readCachedJson, traceIdentity } from "../experiments/cache.ts";
import type { Plan } from "../experiments/config.ts";
import type { EndToEndOptions } from "./end_to_end.ts";
import { type CachedDataset, cachedDerived } from "../experiments/datasets.ts";
import { loadDataset, saveDataset, TASK_BRANCH } from "../graph/mod.ts";
import { DEFAULT_SPEC, DEFAULT_TRAIN_OPTIONS } from "../model/mod.ts";
import { type BinaryFeatures, corpusOpcodeCounts } from "./baseline.ts";
import type { OptLevel } from "./build.ts";
import type { CurvePoint, CurveSizes } from "./learning_curve.ts";
import {
  ALGORITHMS_CACHE_DIR,
  buildCorpus,
  type CorpusEntry,
  type CorpusIndex,
  loadIndex,
  resolveIndexPath,
} from "./corpus.ts";
import { type Split, splitByCompiler, splitByImplementation } from "./splits.ts";
import { programDataset, sampleBySource, thinEachTask, thinEvenly } from "./transfer.ts";
import type { SiteProfile } from "./weighting.ts";

/** A binary of the corpus with its traces (one per input). */
export interface CorpusProgram extends CorpusEntry {
  traces: CorpusEntry[];
  /** `<class>-<implementation>@<compiler>-<opt>`. */
  name: string;
}

/** Which binaries a scale reads. */
export interface CorpusSelection {
  /** Optimisation levels. */
  opts: readonly string[];
  /** The first this many inputs of each binary. */
  inputs: number;
  /** Build this slice of the corpus into the cache instead of reading `make corpus`'s index (the tests'). */
  slice?: { only: string[]; opts: OptLevel[] };
}

/** The split names (the `workload` column of the results). */
export const SPLITS = {
  impl: "held-out implementation",
  compiler: "held-out compiler (gcc->clang)",
} as const;

/** The plan fields of branch pre-training: the default GNN and training at these sizes. */
export function pretrainingPlan(o: { hidden: number; steps: number; epochs: number }) {
  const { tokens, addressHead } = DEFAULT_SPEC;
  const { seed: _, ...training } = DEFAULT_TRAIN_OPTIONS;
  return {
    model: { tokens, addressHead, hidden: o.hidden, steps: o.steps },
    training: { ...training, epochs: o.epochs, patience: 2 },
  } satisfies Partial<Plan>;
}

/** The corpus index of `selection`: its slice (built or brought up to date) or `make corpus`'s. */
export async function studyCorpus(
  selection: CorpusSelection,
  quiet: boolean,
): Promise<CorpusIndex> {
  if (!selection.slice) return await loadIndex();
  const dir = join(ALGORITHMS_CACHE_DIR, "slices", await hashOf(selection.slice));
  return await buildCorpus({
    ...selection.slice,
    scale: "small",
    buildDir: join(dir, "build"),
    inputsDir: join(dir, "inputs"),
    tracesDir: join(dir, "traces"),
    indexPath: join(dir, "index.json"),
    quiet,
  });
}

/** The binaries of `index` at the selected levels, each with its first `inputs` traces, by name. */
export function corpusPrograms(index: CorpusIndex, selection: CorpusSelection): CorpusProgram[] {
  const inputs = [...new Set(index.entries.map((e) => e.input))].sort().slice(0, selection.inputs);
  if (inputs.length < selection.inputs) {
    throw new UserError(
      `the corpus index has ${inputs.length} input(s) per binary, the scale uses ${selection.inputs}`,
      "build the corpus at the same scale: make corpus SCALE=<the scale>",
    );
  }
  const byBinary = new Map<string, CorpusEntry[]>();
  for (const e of index.entries) {
    if (!selection.opts.includes(e.opt) || !inputs.includes(e.input)) continue;
    const name = `${e.class}-${e.implementation}@${e.compiler}-${e.opt}`;
    byBinary.set(name, [...(byBinary.get(name) ?? []), e]);
  }
  return [...byBinary.entries()].map(([name, traces]) => ({
    ...traces[0],
    traces: traces.sort((a, b) => a.input.localeCompare(b.input)),
    name,
  })).sort((a, b) => a.name.localeCompare(b.name));
}

/** The programs' dataset: one source per trace, with each source's algorithm sites and profile. */
export interface ProgramsData {
  dataset: CachedDataset;
  /** Per source: the sites inside the algorithm's own functions. */
  algorithmSites: number[][];
  /** Per source: its own sites' executions and functions. */
  profiles: SiteProfile[][];
  /** Per program: its sources. */
  sourcesOf: number[][];
}

/** The branch and load instances of `programs`' own sites (`programDataset`), cached by content. */
export async function programsDataset(
  programs: readonly CorpusProgram[],
  options: { maxPerSite: number; quiet: boolean },
): Promise<ProgramsData> {
  const traces = programs.flatMap((p) =>
    p.traces.map((e) => ({
      name: p.name,
      input: e.input,
      trace: resolveIndexPath(e.trace),
      binary: resolveIndexPath(e.binary),
      symbols: e.symbols,
    }))
  );
  const identities = await Promise.all(traces.map((t) => traceIdentity(t.trace)));
  const key = await hashOf({
    version: 6,
    traces: traces.map((t, k) => [t.name, t.input, identities[k]]),
    maxPerSite: options.maxPerSite,
  });
  const dir = cacheDir("datasets", key);
  type Sites = Pick<ProgramsData, "algorithmSites" | "profiles">;
  let sites = await readCachedJson<Sites>(`${dir}.sites.json`);
  let dataset = sites && await loadDataset(dir).catch(() => undefined);
  if (!sites || !dataset) {
    const built = await programDataset(traces, { ...options });
    ({ dataset } = built);
    sites = { algorithmSites: built.algorithmSites, profiles: built.profiles };
    await saveDataset(dir, dataset);
    await atomicWriteJson(`${dir}.sites.json`, sites);
  }
  const sourceOf = new Map(dataset.sources.map((s, i) => [`${s.workload}/${s.input}`, i]));
  const sourcesOf = programs.map((p) => p.traces.map((e) => sourceOf.get(`${p.name}/${e.input}`)!));
  return { dataset: { dataset, dir, key }, ...sites, sourcesOf };
}

/** Per program, `perProgram` branch and as many load instances of its algorithm (all sources). */
export function algorithmSamples(data: ProgramsData, perProgram: number): number[][] {
  const { dataset } = data.dataset;
  const bySource = sampleBySource(dataset, perProgram, data.algorithmSites);
  return data.sourcesOf.map((sources) =>
    thinEachTask(dataset, sources.flatMap((s) => bySource[s]), perProgram)
  );
}

/**
 * The dataset of branch pre-training on the programs `trainIdx` only: at most `trainCap` of their
 * algorithm's branch instances train and a quarter of that validate, evenly spread; the rest is
 * left out (pre-training never sees a test program, not even unlabelled).
 */
export async function pretrainingDataset(
  data: ProgramsData,
  trainIdx: readonly number[],
  trainCap: number,
): Promise<CachedDataset> {
  const allowed = new Set(trainIdx.flatMap((p) => data.sourcesOf[p]));
  const inAlgorithm = data.algorithmSites.map((s) => new Set(s));
  const t = data.dataset.dataset.instances;
  const candidates: number[][] = [[], []];
  for (let i = 0; i < t.count; i++) {
    if (
      t.task[i] === TASK_BRANCH && allowed.has(t.source[i]) && t.split[i] < 2 &&
      inAlgorithm[t.source[i]].has(t.site[i])
    ) {
      candidates[t.split[i]].push(i);
    }
  }
  const split = new Map<number, "train" | "valid">();
  for (const i of thinEvenly(candidates[0], trainCap)) split.set(i, "train");
  for (const i of thinEvenly(candidates[1], Math.ceil(trainCap / 4))) split.set(i, "valid");
  const programs = [...trainIdx].sort((a, b) => a - b).join(",");
  return await cachedDerived(
    data.dataset,
    `branch pre-training on the algorithm's branch instances of programs ${programs}, at most ` +
      `${trainCap} train and ${Math.ceil(trainCap / 4)} valid, evenly spread`,
    { split: (i) => split.get(i) },
  );
}

/** A binary's opcode histogram with what the splits read. */
export type BagItem = BinaryFeatures & { class: string; implementation: string; compiler: string };

/** The bag-of-opcodes baseline's items: the programs' opcode histograms. */
export async function bagItems(index: CorpusIndex, programs: CorpusProgram[]): Promise<BagItem[]> {
  const features = await corpusOpcodeCounts({ ...index, binaries: programs });
  return features.map((f) => ({
    ...f,
    class: f.binary.class,
    implementation: f.binary.implementation,
    compiler: f.binary.compiler,
  }));
}

/** One split and seed: its programs (by index), the bag-of-opcodes split and the pre-training data. */
export interface ClassificationSplit {
  /** One of {@linkcode SPLITS}. */
  name: string;
  seed: number;
  description: string;
  trainIdx: number[];
  testIdx: number[];
  bag: Split<BagItem>;
  pretraining: CachedDataset;
}

/** Held-out implementations (a different choice per seed), then the held-out compiler, per seed. */
export async function classificationSplits(
  o: { programs: CorpusProgram[]; bag: BagItem[]; data: ProgramsData; seeds: number[] },
  trainCap: number,
): Promise<ClassificationSplit[]> {
  const make = async (
    name: string,
    seed: number,
    split: Split<CorpusProgram>,
    bag: Split<BagItem>,
  ) => {
    const trainIdx = split.train.map((p) => o.programs.indexOf(p));
    const testIdx = split.test.map((p) => o.programs.indexOf(p));
    const pretraining = await pretrainingDataset(o.data, trainIdx, trainCap);
    return { name, seed, description: split.description, trainIdx, testIdx, bag, pretraining };
  };
  const out: ClassificationSplit[] = [];
  for (const seed of o.seeds) {
    const [programs, bag] = [
      splitByImplementation(o.programs, { seed }),
      splitByImplementation(o.bag, { seed }),
    ];
    out.push(await make(SPLITS.impl, seed, programs, bag));
  }
  for (const seed of o.seeds) {
    out.push(
      await make(SPLITS.compiler, seed, splitByCompiler(o.programs), splitByCompiler(o.bag)),
    );
  }
  return out;
}

/** The study's sizes at one scale. */
export type StudySizes = CorpusSelection & {
  /** Branch instances embedded per binary, and as many load instances. */
  perProgram: number;
  /** Training instances of branch pre-training (a quarter of that validates). */
  trainCap: number;
  /** The fine-tuning and from-scratch training (the seed is the split's). */
  endToEnd: Omit<EndToEndOptions, "seed" | "label">;
  /** The learning curves' sizes (held-out implementations). */
  curve: CurveSizes;
  /** Overrides of the shared plan: `maxPerSite` and {@linkcode pretrainingPlan}. */
  plan: Partial<Plan>;
};

/** The methods whose learning curves the study draws. */
export type CurveMethod = "ncf-frozen" | "bag-of-opcodes";

/** Everything the study scores on. */
export interface StudyData {
  programs: CorpusProgram[];
  classes: string[];
  data: ProgramsData;
  /** Per program, the branch and load instances embedded ({@linkcode algorithmSamples}). */
  samples: number[][];
  splits: ClassificationSplit[];
  /** Confusion counts of NCF frozen and fine-tuned on held-out implementations over the seeds. */
  confusion: Record<"ncf-frozen" | "ncf-finetuned", number[][]>;
  /** The same methods' held-out implementations named right, by input style (`inputStyle`). */
  byStyle: Record<"ncf-frozen" | "ncf-finetuned", Record<string, StyleTally>>;
  /** Per method, one learning curve per held-out-implementations split (seed order). */
  curves: Record<CurveMethod, CurvePoint[][]>;
}

/** How many test binaries of one input style were named right, of how many. */
export interface StyleTally {
  right: number;
  total: number;
}

/** A program's input style: its manifest `io`, with `, all in main` when its entry point is `main`. */
export function inputStyle(p: Pick<CorpusProgram, "io" | "functions">): string {
  return p.functions[0] === "main" ? `${p.io}, all in main` : p.io;
}

/** The study's data at `sizes` (the confusion and style tallies empty, for scoring to fill). */
export async function studyData(
  o: { sizes: StudySizes; maxPerSite: number; seeds: number[]; quiet: boolean },
): Promise<StudyData> {
  const index = await studyCorpus(o.sizes, o.quiet);
  const programs = corpusPrograms(index, o.sizes);
  const classes = [...new Set(programs.map((p) => p.class))].sort();
  const data = await programsDataset(programs, o);
  const bag = await bagItems(index, programs);
  const splits = await classificationSplits({ ...o, programs, bag, data }, o.sizes.trainCap);
  const empty = () => classes.map(() => classes.map(() => 0));
  return {
    programs,
    classes,
    data,
    samples: algorithmSamples(data, o.sizes.perProgram),
    splits,
    confusion: { "ncf-frozen": empty(), "ncf-finetuned": empty() },
    byStyle: { "ncf-frozen": {}, "ncf-finetuned": {} },
    curves: { "ncf-frozen": [], "bag-of-opcodes": [] },
  };
}
