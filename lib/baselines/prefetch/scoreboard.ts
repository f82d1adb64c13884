/**
 * Scoring of next-address predictions. An instance is one execution of a
 * load site in the test part that has a next execution; the prediction made
 * at that execution is compared with the address of the next execution of
 * the same site, at cache-line granularity and exactly.
 *
 * @module
 */
import { growToFit } from "./predictor.ts";

/** Bytes per cache line for line-granularity accuracy. */
export const CACHE_LINE_BYTES = 64;

/** Counts of one predictor (over all sites, or one site). */
export interface AddressCounts {
  /** Test executions that have a next execution of the same site. */
  instances: number;
  /** Instances where the predictor made a prediction. */
  covered: number;
  /** Instances predicted in the right 64-byte line. */
  correctLine: number;
  /** Instances predicted exactly. */
  correctExact: number;
}

/** The counts of one load site. */
export interface SiteAddressCounts extends AddressCounts {
  /** Site id (index into the trace's `meta.sites`). */
  site: number;
}

/** A predictor's score: counts, rates, and the per-site breakdown. */
export interface AddressScore extends AddressCounts {
  predictor: string;
  /** The predictor's table budget in bits, if it models hardware. */
  storageBits?: number;
  /** covered / instances. */
  coverage: number;
  /** correctLine / instances (no prediction counts as wrong). */
  accuracyLine: number;
  /** correctExact / instances. */
  accuracyExact: number;
  /** correctLine / covered. */
  coveredAccuracyLine: number;
  /** correctExact / covered. */
  coveredAccuracyExact: number;
  /** Sites with at least one instance, by site id. */
  sites: SiteAddressCounts[];
}

function ratio(a: number, b: number): number {
  return b > 0 ? a / b : 0;
}

/**
 * Accumulates one predictor's score. Feed every load execution of the
 * predictor's stream in execution order with {@linkcode observe}.
 */
export class AddressScoreboard {
  // Per-site arrays; they grow with the largest site id seen.
  #pending = new Float64Array(0);
  #pendingScored = new Uint8Array(0);
  #instances = new Uint32Array(0);
  #covered = new Uint32Array(0);
  #line = new Uint32Array(0);
  #exact = new Uint32Array(0);

  #grow(site: number): void {
    this.#pending = growToFit(this.#pending, site, NaN);
    this.#pendingScored = growToFit(this.#pendingScored, site);
    this.#instances = growToFit(this.#instances, site);
    this.#covered = growToFit(this.#covered, site);
    this.#line = growToFit(this.#line, site);
    this.#exact = growToFit(this.#exact, site);
  }

  /**
   * One execution of `site` at `addr`: scores the prediction made at the
   * site's previous execution (if that one was `scored`), then keeps this
   * execution's `prediction` (`undefined` = none) for the next one.
   * `scored` is true for executions in the test part.
   */
  observe(site: number, addr: number, prediction: number | undefined, scored: boolean): void {
    if (site >= this.#pending.length) this.#grow(site);
    if (this.#pendingScored[site]) {
      this.#instances[site]++;
      const predicted = this.#pending[site];
      if (!Number.isNaN(predicted)) {
        this.#covered[site]++;
        if (predicted === addr) this.#exact[site]++;
        if (
          Math.floor(predicted / CACHE_LINE_BYTES) === Math.floor(addr / CACHE_LINE_BYTES)
        ) this.#line[site]++;
      }
    }
    this.#pending[site] = prediction ?? NaN;
    this.#pendingScored[site] = scored ? 1 : 0;
  }

  /** The score so far, under the name `predictor`. */
  result(predictor: string, storageBits?: number): AddressScore {
    const total: AddressCounts = { instances: 0, covered: 0, correctLine: 0, correctExact: 0 };
    const sites: SiteAddressCounts[] = [];
    for (let site = 0; site < this.#instances.length; site++) {
      if (this.#instances[site] === 0) continue;
      const counts = {
        site,
        instances: this.#instances[site],
        covered: this.#covered[site],
        correctLine: this.#line[site],
        correctExact: this.#exact[site],
      };
      sites.push(counts);
      total.instances += counts.instances;
      total.covered += counts.covered;
      total.correctLine += counts.correctLine;
      total.correctExact += counts.correctExact;
    }
    return {
      predictor,
      ...(storageBits === undefined ? {} : { storageBits }),
      ...total,
      coverage: ratio(total.covered, total.instances),
      accuracyLine: ratio(total.correctLine, total.instances),
      accuracyExact: ratio(total.correctExact, total.instances),
      coveredAccuracyLine: ratio(total.correctLine, total.covered),
      coveredAccuracyExact: ratio(total.correctExact, total.covered),
      sites,
    };
  }
}
