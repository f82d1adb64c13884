/**
 * A calibrated out-of-distribution test for program embeddings: does a
 * program look like the training programs at all, or may it implement none
 * of the known classes?
 *
 * Score: the distance from the (standardised) embedding to its k-th nearest
 * training program (Sun et al. 2022, "Out-of-distribution detection with deep
 * nearest neighbors"), as an RMS over dimensions. Threshold, by a rule fixed
 * here and never tuned on a test set: every training program is scored
 * against the training programs of the *other* groups (leave one group out;
 * a group is one implementation, so its other compilations are not its
 * neighbours), and the threshold is the split-conformal quantile of those
 * scores: the ceil((n + 1) q)-th smallest of n, q = 0.9 by default. An unseen
 * implementation that resembles the training ones then exceeds it with
 * probability about 1 - q; foreign programs take no part in the fit.
 *
 * ```ts
 * const detector = fitOodDetector(embeddings, groups, { labels });
 * isOutOfDistribution(detector, x); // true: warn
 * ```
 *
 * @module
 */

/** A fitted detector (plain JSON: it is saved with the classifier). */
export interface OodDetector {
  method: "knn";
  /** Which nearest neighbour's distance is the score. */
  k: number;
  /** Standardisation of the embeddings (per dimension). */
  mean: number[];
  std: number[];
  /** The standardised training embeddings. */
  reference: number[][];
  /** Their labels (to say which classes the nearest programs belong to). */
  labels: string[];
  /** Scores above this are out of distribution. */
  threshold: number;
  /** The conformal quantile the threshold was fitted at. */
  quantile: number;
  /** The leave-one-group-out calibration: groups, programs, share of them above the threshold. */
  calibration: { groups: number; programs: number; aboveThreshold: number };
}

/** Options of {@linkcode fitOodDetector}. */
export interface OodOptions {
  /** Neighbour whose distance is the score (default 5). */
  k?: number;
  /** Conformal quantile of the calibration scores (default 0.9: about 10% false alarms). */
  quantile?: number;
  /** Labels of the training programs (kept to report the nearest programs' classes). */
  labels?: readonly string[];
}

function rmsDistance(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let j = 0; j < a.length; j++) s += (a[j] - b[j]) ** 2;
  return Math.sqrt(s / a.length);
}

/** Distances from `x` to every reference row except the excluded ones, ascending. */
function distances(
  reference: readonly ArrayLike<number>[],
  x: ArrayLike<number>,
  exclude?: (i: number) => boolean,
): number[] {
  const out: number[] = [];
  reference.forEach((r, i) => {
    if (!exclude?.(i)) out.push(rmsDistance(r, x));
  });
  return out.sort((a, b) => a - b);
}

function kth(sorted: readonly number[], k: number): number {
  return sorted[Math.min(k, sorted.length) - 1];
}

function standardiser(features: readonly ArrayLike<number>[]) {
  const dims = features[0].length;
  const mean = Array.from(
    { length: dims },
    (_, j) => features.reduce((s, f) => s + f[j], 0) / features.length,
  );
  const std = mean.map((m, j) =>
    Math.sqrt(features.reduce((s, f) => s + (f[j] - m) ** 2, 0) / features.length) + 1e-6
  );
  return { mean, std };
}

function standardise(d: { mean: number[]; std: number[] }, x: ArrayLike<number>): number[] {
  return d.mean.map((m, j) => (x[j] - m) / d.std[j]);
}

/**
 * Fits the detector on training embeddings and their groups (one group per
 * implementation): leave-one-group-out k-NN scores, threshold at their
 * split-conformal `quantile`. Needs at least two groups.
 */
export function fitOodDetector(
  features: readonly ArrayLike<number>[],
  groups: readonly string[],
  options: OodOptions = {},
): OodDetector {
  const k = options.k ?? 5;
  const quantile = options.quantile ?? 0.9;
  if (features.length !== groups.length) {
    throw new Error(`fitOodDetector: ${features.length} embeddings, ${groups.length} groups`);
  }
  const distinct = new Set(groups);
  if (distinct.size < 2) throw new Error("fitOodDetector needs programs of two groups or more");
  const scale = standardiser(features);
  const reference = features.map((f) => standardise(scale, f));
  const scores = reference.map((x, i) =>
    kth(distances(reference, x, (j) => groups[j] === groups[i]), k)
  ).sort((a, b) => a - b);
  const n = scores.length;
  const threshold = scores[Math.min(n, Math.ceil((n + 1) * quantile)) - 1];
  return {
    method: "knn",
    k,
    ...scale,
    reference,
    labels: [...(options.labels ?? groups)],
    threshold,
    quantile,
    calibration: {
      groups: distinct.size,
      programs: n,
      aboveThreshold: scores.filter((s) => s > threshold).length / n,
    },
  };
}

/** What the detector says about one embedding. */
export interface OodVerdict {
  /** Distance to the k-th nearest training program (standardised, RMS over dimensions). */
  score: number;
  threshold: number;
  /** True when the score exceeds the threshold. */
  outside: boolean;
  /** Labels of the k nearest training programs, nearest first. */
  nearest: string[];
}

/** Scores one embedding. */
export function oodVerdict(detector: OodDetector, x: ArrayLike<number>): OodVerdict {
  const z = standardise(detector, x);
  const ranked = detector.reference.map((r, i) => ({ d: rmsDistance(r, z), i }))
    .sort((a, b) => a.d - b.d);
  const score = ranked[Math.min(detector.k, ranked.length) - 1].d;
  return {
    score,
    threshold: detector.threshold,
    outside: score > detector.threshold,
    nearest: ranked.slice(0, detector.k).map((r) => detector.labels[r.i]),
  };
}

/** Share of `features` the detector calls out of distribution. */
export function outOfDistributionRate(
  detector: OodDetector,
  features: readonly ArrayLike<number>[],
): number {
  if (features.length === 0) return NaN;
  return features.filter((f) => oodVerdict(detector, f).outside).length / features.length;
}
