/**
 * Metrics on a set of sampled test instances, the same for every method,
 * and the gains and verdicts computed from them.
 *
 * Branch MPKI of a sampled method (NCF, the GNNs) is defined as an estimate:
 * per sampled site, the method's misprediction rate on its sampled
 * instances times the site's test executions, summed over the sampled sites
 * and divided by the test part's kilo-instructions. It is the MPKI those
 * sites contribute, estimated from the sample; the baselines get the same
 * estimate from their predictions at the same instances, so the columns
 * compare like with like.
 *
 * @module
 */

/** Branch metrics of one method on sampled instances. */
export interface BranchSampleMetrics {
  misprediction_rate: number;
  accuracy: number;
  mpki_est: number;
  /** Only when some sampled instances are at hard-to-predict sites. */
  hard_misprediction_rate?: number;
}

/** What the branch metrics need besides the predictions. */
export interface BranchContext {
  /** Site id of each instance. */
  site: ArrayLike<number>;
  /** Test executions per site id. */
  siteExecutions: Record<string, number>;
  hardSites: ReadonlySet<number>;
  testInstructions: number;
}

/** Branch metrics from per-instance correctness (1 = right). */
export function branchMetrics(correct: ArrayLike<number>, ctx: BranchContext): BranchSampleMetrics {
  const n = correct.length;
  const perSite = new Map<number, { n: number; miss: number }>();
  let miss = 0, hardN = 0, hardMiss = 0;
  for (let k = 0; k < n; k++) {
    const m = correct[k] ? 0 : 1;
    miss += m;
    const s = ctx.site[k];
    const entry = perSite.get(s) ?? { n: 0, miss: 0 };
    entry.n++;
    entry.miss += m;
    perSite.set(s, entry);
    if (ctx.hardSites.has(s)) {
      hardN++;
      hardMiss += m;
    }
  }
  let estimated = 0;
  for (const [s, e] of perSite) estimated += (ctx.siteExecutions[s] ?? 0) * e.miss / e.n;
  const out: BranchSampleMetrics = {
    misprediction_rate: miss / n,
    accuracy: 1 - miss / n,
    mpki_est: 1000 * estimated / ctx.testInstructions,
  };
  if (hardN > 0) out.hard_misprediction_rate = hardMiss / hardN;
  return out;
}

/** Address metrics of one method on sampled instances. */
export interface AddressSampleMetrics {
  line_accuracy: number;
  exact_accuracy: number;
  coverage: number;
}

/** Address metrics: predictions (null = none) against the actual next addresses. */
export function addressMetrics(
  predicted: ArrayLike<number | null>,
  actual: ArrayLike<number>,
): AddressSampleMetrics {
  const n = predicted.length;
  let covered = 0, line = 0, exact = 0;
  for (let k = 0; k < n; k++) {
    const p = predicted[k];
    if (p === null || Number.isNaN(p)) continue;
    covered++;
    if (p === actual[k]) exact++;
    if (Math.floor(p / 64) === Math.floor(actual[k] / 64)) line++;
  }
  return { line_accuracy: line / n, exact_accuracy: exact / n, coverage: covered / n };
}

/** What {@linkcode hybridMpki} needs of one trace. */
export interface HybridInput {
  /** The reference predictor's mispredictions over every test branch of the trace. */
  referenceMisses: number;
  /** Its mispredictions per site over the site's test executions, for the model's sites. */
  referenceSiteMisses: Record<string, number>;
  /** Test executions per site, for the model's sites. */
  siteExecutions: Record<string, number>;
  /** Instructions of the test part. */
  testInstructions: number;
  /** The model's sampled test instances: site id and 1 when right. */
  site: ArrayLike<number>;
  correct: ArrayLike<number>;
}

/**
 * MPKI over the whole test part of a hybrid: the model predicts the sites it was trained on, the
 * reference predictor every other branch. On a model site the misses are the model's sampled miss
 * rate times the site's test executions (exact when every execution is sampled, else an unbiased
 * estimate under uniform sampling); elsewhere the reference's own misses. The reference's tables
 * do not depend on who predicted (they train on outcomes), so its other misses stand as they are.
 */
export function hybridMpki(h: HybridInput): number {
  const perSite = new Map<number, { n: number; miss: number }>();
  for (let k = 0; k < h.site.length; k++) {
    const e = perSite.get(h.site[k]) ?? { n: 0, miss: 0 };
    e.n++;
    e.miss += h.correct[k] ? 0 : 1;
    perSite.set(h.site[k], e);
  }
  let misses = h.referenceMisses;
  for (const [site, e] of perSite) {
    misses += (h.siteExecutions[site] ?? 0) * e.miss / e.n - (h.referenceSiteMisses[site] ?? 0);
  }
  return 1000 * misses / h.testInstructions;
}
