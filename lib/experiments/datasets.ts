/**
 * Datasets of the experiments, cached on disk by content: a recipe (traces,
 * their site selections, builder options) names its folder by hash, and
 * derived datasets (other splits, edge types dropped) are cached beside it.
 *
 * @module
 */
import {
  buildDataset,
  type BuildDatasetOptions,
  type Dataset,
  type InstanceTable,
  loadDataset,
  saveDataset,
  SPLIT_NAMES,
  type SplitName,
  type TraceSource,
} from "../graph/mod.ts";
import { cacheDir, hashOf, traceIdentity } from "./cache.ts";

/** How to build a dataset: the traces (with their site selections) and the builder's options. */
export interface DatasetRecipe {
  traces: TraceSource[];
  options: Omit<BuildDatasetOptions, "traces" | "quiet">;
}

/** A dataset with the folder it is stored in and its cache key. */
export interface CachedDataset {
  dataset: Dataset;
  dir: string;
  key: string;
}

async function loadOrMake(key: string, make: () => Promise<Dataset>): Promise<CachedDataset> {
  const dir = cacheDir("datasets", key);
  try {
    return { dataset: await loadDataset(dir), dir, key };
  } catch {
    const dataset = await make();
    await saveDataset(dir, dataset);
    return { dataset, dir, key };
  }
}

/** The dataset of `recipe`, loaded from the cache or built (and cached). */
export async function cachedDataset(
  recipe: DatasetRecipe,
  options: { quiet?: boolean } = {},
): Promise<CachedDataset> {
  const identities = await Promise.all(recipe.traces.map((t) => traceIdentity(t.path)));
  const key = await hashOf({
    traces: recipe.traces.map((t, i) => ({
      ...t,
      sites: t.sites ? Array.from(t.sites) : null,
      id: identities[i],
    })),
    options: recipe.options,
  });
  return await loadOrMake(
    key,
    () => buildDataset({ traces: recipe.traces, ...recipe.options, quiet: options.quiet }),
  );
}

/** How {@linkcode deriveDataset} changes a dataset. */
export interface Derivation {
  /** The new split of instance `i`, or `undefined` to drop it (default: keep as is). */
  split?: (i: number) => SplitName | undefined;
  /** Forward edge types to remove from every topology (by name). */
  dropEdgeTypes?: string[];
}

/**
 * A copy of `dataset` with instances re-split or dropped and edge types
 * removed. Topologies, vocabulary and sources keep their ids, so instances
 * can be matched across the original and the copy by (source, site, icount).
 */
export function deriveDataset(dataset: Dataset, how: Derivation): Dataset {
  const t = dataset.instances;
  const rows: number[] = [];
  const splits: number[] = [];
  for (let i = 0; i < t.count; i++) {
    const split = how.split ? how.split(i) : SPLIT_NAMES[t.split[i]];
    if (split === undefined) continue;
    rows.push(i);
    splits.push(SPLIT_NAMES.indexOf(split));
  }
  const sizes = rows.map((i) => dataset.topologies[t.topology[i]].valueNodes.length);
  const totalValues = sizes.reduce((a, b) => a + b, 0);
  const pick = <T extends { length: number; [k: number]: unknown }>(
    column: T,
    make: (n: number) => T,
  ): T => {
    const out = make(rows.length);
    rows.forEach((i, k) => (out[k] = column[i]));
    return out;
  };
  const instances: InstanceTable = {
    count: rows.length,
    topology: pick(t.topology, (n) => new Uint32Array(n)),
    task: pick(t.task, (n) => new Uint8Array(n)),
    split: Uint8Array.from(splits),
    valueStart: new Uint32Array(rows.length),
    values: new BigUint64Array(totalValues),
    known: new Uint8Array(totalValues),
    label: pick(t.label, (n) => new BigUint64Array(n)),
    icount: pick(t.icount, (n) => new Float64Array(n)),
    source: pick(t.source, (n) => new Uint32Array(n)),
    site: pick(t.site, (n) => new Uint32Array(n)),
    currentAddress: pick(t.currentAddress, (n) => new BigUint64Array(n)),
    currentValue: pick(t.currentValue, (n) => new BigUint64Array(n)),
    previous: pick(t.previous, (n) => new BigUint64Array(n)),
    hasPrevious: pick(t.hasPrevious, (n) => new Uint8Array(n)),
  };
  let offset = 0;
  rows.forEach((i, k) => {
    const start = t.valueStart[i];
    instances.valueStart[k] = offset;
    instances.values.set(t.values.subarray(start, start + sizes[k]), offset);
    instances.known.set(t.known.subarray(start, start + sizes[k]), offset);
    offset += sizes[k];
  });
  const drop = new Set((how.dropEdgeTypes ?? []).map((name) => dataset.edgeTypes.indexOf(name)));
  const topologies = drop.size === 0 ? dataset.topologies : dataset.topologies.map((topo) => {
    const keep = [...topo.edgeType.keys()].filter((e) => !drop.has(topo.edgeType[e]));
    return {
      ...topo,
      edgeSrc: Int32Array.from(keep, (e) => topo.edgeSrc[e]),
      edgeDst: Int32Array.from(keep, (e) => topo.edgeDst[e]),
      edgeType: Uint8Array.from(keep, (e) => topo.edgeType[e]),
    };
  });
  return {
    ...dataset,
    topologies,
    instances,
    meta: { ...dataset.meta, derived: { dropEdgeTypes: how.dropEdgeTypes ?? [] } },
  };
}

/**
 * A derived dataset of `base`, cached under `base`'s key and `name` (which
 * must say everything the derivation does).
 */
export async function cachedDerived(
  base: CachedDataset,
  name: string,
  how: Derivation,
): Promise<CachedDataset> {
  return await loadOrMake(
    await hashOf({ base: base.key, derived: name }),
    () => Promise.resolve(deriveDataset(base.dataset, how)),
  );
}

/** Dataset indices of `split` and `task` (0 branch, 1 address) from `source`, in dataset order. */
export function indicesOf(
  dataset: Dataset,
  filter: { split?: SplitName; task?: number; source?: number },
): Uint32Array {
  const t = dataset.instances;
  const split = filter.split === undefined ? -1 : SPLIT_NAMES.indexOf(filter.split);
  const out: number[] = [];
  for (let i = 0; i < t.count; i++) {
    if (split >= 0 && t.split[i] !== split) continue;
    if (filter.task !== undefined && t.task[i] !== filter.task) continue;
    if (filter.source !== undefined && t.source[i] !== filter.source) continue;
    out.push(i);
  }
  return Uint32Array.from(out);
}

/**
 * A derivation that keeps at most `n` training instances of each site of each source, evenly
 * spread over the ones there (instances are drawn uniformly over the site's executions, so an even
 * thinning of them is too); the valid and test instances stay as they are.
 */
export function fewerTrainingInstances(dataset: Dataset, n: number): Derivation {
  const t = dataset.instances;
  const train = SPLIT_NAMES.indexOf("train");
  const bySite = new Map<string, number[]>();
  for (let i = 0; i < t.count; i++) {
    if (t.split[i] !== train) continue;
    const key = `${t.source[i]}:${t.task[i]}:${t.site[i]}`;
    bySite.set(key, [...(bySite.get(key) ?? []), i]);
  }
  const kept = new Set<number>();
  for (const list of bySite.values()) {
    list.sort((a, b) => t.icount[a] - t.icount[b]);
    const m = Math.min(n, list.length);
    for (let k = 0; k < m; k++) kept.add(list[Math.floor(k * list.length / m)]);
  }
  return {
    split: (
      i,
    ) => (t.split[i] !== train ? SPLIT_NAMES[t.split[i]] : kept.has(i) ? "train" : undefined),
  };
}
