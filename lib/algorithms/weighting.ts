/**
 * Embed what a program does, not how it reads its input: each program's
 * branch and load instances are sampled and weighted by how often their code
 * runs, so that the hot loops of the algorithm dominate the program's
 * embedding and a parser that runs once counts for what it executes.
 *
 * A trace's own branch and load sites come with their kind, execution counts
 * and the function of the executable they lie in ({@linkcode SiteProfile},
 * from `programSites` in `transfer.ts`). {@linkcode sampleByExecution} picks
 * `perSource` instances of each kind per trace by systematic sampling
 * proportional to their site's executions (optionally only in the hottest
 * functions that cover a share of the executions), and weights each pick by
 * its site's share of its kind, each kind weighing the same;
 * {@linkcode functionShares} says which functions the embedding rests on.
 *
 * ```ts
 * const samples = sampleByExecution(dataset, profiles, { perSource: 16 });
 * functionShares(samples[0]); // [{ function: "hoare_quicksort", share: 0.83 }, …]
 * ```
 *
 * @module
 */
import type { Dataset } from "../graph/mod.ts";

/** One branch or load site of a program's own executable in one trace. */
export interface SiteProfile {
  /** Trace site id. */
  site: number;
  kind: SiteKind;
  /** How often the branch or load executed in the trace. */
  executions: number;
  /** The executable's function (symbol) it lies in, or `?` when it lies in none. */
  function: string;
}

/** What a site is: a conditional branch or a load. */
export type SiteKind = "branch" | "load";

/** The kinds of sites, in the order a program's samples list them. */
export const SITE_KINDS: readonly SiteKind[] = ["branch", "load"];

/** Instances of one source with a weight each (the weights sum to 1, or the lists are empty). */
export interface WeightedSample {
  /** Instance indices of the dataset (an instance may repeat when its site is hot). */
  indices: number[];
  weights: number[];
  /** The function each instance's site lies in. */
  functions: string[];
}

/** Options of {@linkcode sampleByExecution}. */
export interface ExecutionSampling {
  /** Instances of each kind picked per source (per trace). */
  perSource: number;
  /**
   * Keep only the hottest functions that together run at least this share of
   * the source's branch and load executions (among sites with instances); 1
   * keeps all (default 1).
   */
  coverage?: number;
}

/** A function's share of a program's weight. */
export interface FunctionShare {
  function: string;
  /** Share of the weight, 0..1. */
  share: number;
}

/**
 * The hottest functions that together run at least `coverage` of the
 * executions in `profile` (ties broken by name), hottest first.
 */
export function hotFunctions(profile: readonly SiteProfile[], coverage: number): string[] {
  const byFunction = new Map<string, number>();
  for (const p of profile) {
    byFunction.set(p.function, (byFunction.get(p.function) ?? 0) + p.executions);
  }
  const total = [...byFunction.values()].reduce((a, b) => a + b, 0);
  const ranked = [...byFunction.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  const out: string[] = [];
  let covered = 0;
  for (const [name, executions] of ranked) {
    if (out.length > 0 && covered >= coverage * total) break;
    out.push(name);
    covered += executions;
  }
  return out;
}

/**
 * Per source of `dataset`, `perSource` instances of each site kind picked in
 * proportion to their site's executions: systematic sampling over the kind's
 * sites (in site-id order) with probability proportional to executions, then,
 * within a site, its instances evenly (cycling when a hot site is picked more
 * often than it has instances). Each pick weighs its site's executions divided
 * by the site's picks, normalised so that each kind present weighs the same
 * and the weights sum to 1 per source: within a kind, the weighted mean of the
 * picks' embeddings estimates the mean embedding of an executed branch (load).
 * Branches come first, then loads.
 *
 * @param profiles Per source (in the dataset's source order): its own sites' profile.
 */
export function sampleByExecution(
  dataset: Dataset,
  profiles: readonly (readonly SiteProfile[])[],
  options: ExecutionSampling,
): WeightedSample[] {
  if (profiles.length !== dataset.sources.length) {
    throw new Error(
      `sampleByExecution: ${profiles.length} profiles for ${dataset.sources.length} sources`,
    );
  }
  const coverage = options.coverage ?? 1;
  const bySite: Map<number, number[]>[] = dataset.sources.map(() => new Map());
  const t = dataset.instances;
  for (let i = 0; i < t.count; i++) {
    const sites = bySite[t.source[i]];
    const list = sites.get(t.site[i]);
    if (list) list.push(i);
    else sites.set(t.site[i], [i]);
  }
  return profiles.map((profile, source) => {
    const withInstances = profile.filter((p) => bySite[source].has(p.site) && p.executions > 0);
    const hot = new Set(hotFunctions(withInstances, coverage));
    const sites = withInstances.filter((p) => hot.has(p.function))
      .sort((a, b) => a.site - b.site);
    const kinds = SITE_KINDS.map((kind) =>
      systematicSample(sites.filter((p) => p.kind === kind), bySite[source], options.perSource)
    );
    return mergeWeighted(kinds);
  });
}

function systematicSample(
  sites: readonly SiteProfile[],
  instances: Map<number, number[]>,
  n: number,
): WeightedSample {
  const total = sites.reduce((s, p) => s + p.executions, 0);
  const picks = new Array<number>(sites.length).fill(0);
  let at = 0, cumulative = 0;
  for (let k = 0; k < n && total > 0; k++) {
    const point = (k + 0.5) * total / n;
    while (cumulative + sites[at].executions <= point && at < sites.length - 1) {
      cumulative += sites[at++].executions;
    }
    picks[at]++;
  }
  const out: WeightedSample = { indices: [], weights: [], functions: [] };
  const pickedTotal = sites.reduce((s, p, j) => s + (picks[j] > 0 ? p.executions : 0), 0);
  sites.forEach((p, j) => {
    const list = instances.get(p.site)!;
    for (let k = 0; k < picks[j]; k++) {
      out.indices.push(list[Math.floor(k * list.length / picks[j]) % list.length]);
      out.weights.push(p.executions / picks[j] / pickedTotal);
      out.functions.push(p.function);
    }
  });
  return out;
}

/**
 * One sample from several (a trace's site kinds): their picks together, each
 * one's weights scaled so that every non-empty one counts the same.
 */
export function mergeWeighted(samples: readonly WeightedSample[]): WeightedSample {
  const used = samples.filter((s) => s.indices.length > 0);
  return {
    indices: used.flatMap((s) => s.indices),
    weights: used.flatMap((s) => s.weights.map((w) => w / used.length)),
    functions: used.flatMap((s) => s.functions),
  };
}

/** The functions a weighted sample rests on, with their share of the weight, largest first. */
export function functionShares(sample: WeightedSample): FunctionShare[] {
  const shares = new Map<string, number>();
  sample.functions.forEach((f, k) => shares.set(f, (shares.get(f) ?? 0) + sample.weights[k]));
  return [...shares.entries()].map(([name, share]) => ({ function: name, share }))
    .sort((a, b) => b.share - a.share || (a.function < b.function ? -1 : 1));
}
