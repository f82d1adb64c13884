/**
 * How held-out accuracy grows with the implementations per class a classifier is trained on: the
 * training programs thinned to whole implementations (every compilation of each one kept), a few
 * random choices per size, each scored on the same test programs. It says how far a wider corpus
 * could take a method whose features stay as they are.
 *
 * @module
 */
import { Rng } from "../common/random.ts";
import { mean } from "../report/mod.ts";
import type { CorpusItem } from "./splits.ts";

/** The curve's sizes (`StudySizes.curve`). */
export interface CurveSizes {
  /** Implementations per class to train on; the split's own count is always the last point. */
  implementations: number[];
  /** Random choices of implementations at each smaller size (the split's own count has one). */
  draws: number;
}

/** One point of the curve: implementations per class and the accuracy (%), mean over the draws. */
export interface CurvePoint {
  implementations: number;
  accuracy: number;
}

/** Scores a classifier trained on the training items `keep` accepts; returns accuracy in %. */
export type CurveScore = (keep: (item: CorpusItem) => boolean) => number;

const implementationKey = (item: CorpusItem) => `${item.class}/${item.implementation}`;

/** Per class, its implementations among `items` (as `class/implementation` keys), in item order. */
function implementationsByClass(items: readonly CorpusItem[]): Map<string, string[]> {
  const byClass = new Map<string, string[]>();
  for (const item of items) {
    const keys = byClass.get(item.class) ?? [];
    if (!keys.includes(implementationKey(item))) keys.push(implementationKey(item));
    byClass.set(item.class, keys);
  }
  return byClass;
}

/** `k` implementations of each class among `train` chosen by `rng` (every one of a smaller class). */
export function someImplementations(
  train: readonly CorpusItem[],
  k: number,
  rng: Rng,
): (item: CorpusItem) => boolean {
  const kept = new Set(
    [...implementationsByClass(train).values()].flatMap((keys) =>
      rng.shuffle([...keys]).slice(0, k)
    ),
  );
  return (item) => kept.has(implementationKey(item));
}

/**
 * The learning curve over `sizes.implementations` (those below the split's own count: its smallest
 * class's) and the split's own count (every training item), on the training items `train`; the
 * choices of implementations follow `seed`, so every method scored with the same seed trains on
 * the same implementations.
 */
export function learningCurve(
  train: readonly CorpusItem[],
  sizes: CurveSizes,
  seed: number,
  score: CurveScore,
): CurvePoint[] {
  const full = Math.min(...[...implementationsByClass(train).values()].map((k) => k.length));
  const smaller = [...new Set(sizes.implementations)].filter((k) => k > 0 && k < full);
  smaller.sort((a, b) => a - b);
  const points = smaller.map((k) => {
    const rng = new Rng(`learning curve, seed ${seed}, ${k} per class`);
    let total = 0;
    for (let d = 0; d < sizes.draws; d++) total += score(someImplementations(train, k, rng));
    return { implementations: k, accuracy: total / sizes.draws };
  });
  return [...points, { implementations: full, accuracy: score(() => true) }];
}

/**
 * Accuracy points gained per doubling of the implementations per class: the least-squares slope
 * of accuracy on log2 of the count (NaN with fewer than two sizes).
 */
export function gainPerDoubling(points: readonly CurvePoint[]): number {
  if (points.length < 2) return NaN;
  const x = points.map((p) => Math.log2(p.implementations));
  const y = points.map((p) => p.accuracy);
  const mx = mean(x);
  const my = mean(y);
  const sxy = x.reduce((a, xi, i) => a + (xi - mx) * (y[i] - my), 0);
  const sxx = x.reduce((a, xi) => a + (xi - mx) ** 2, 0);
  return sxy / sxx;
}
