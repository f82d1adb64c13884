/**
 * Trivial next-address references, scored like the prefetchers: "next = current address" and
 * "current + this site's last delta" (a stride predictor without confidence). Per site, unbounded:
 * references, not hardware. A learned model that loses to them has learnt nothing about the load.
 *
 * @module
 */
import { type AddressPredictor, growToFit } from "./predictor.ts";

/** Predicts that the next execution of the load reads the same address again. */
export class SameAddressPredictor implements AddressPredictor {
  readonly name = "same-address";

  access(_site: number, _pc: number, addr: number): number {
    return addr;
  }
}

/** Predicts the current address plus the site's last delta (no prediction before a delta is seen). */
export class LastDeltaPredictor implements AddressPredictor {
  readonly name = "last-delta";
  #last = new Float64Array(0).fill(NaN);

  access(site: number, _pc: number, addr: number): number | undefined {
    this.#last = growToFit(this.#last, site, NaN);
    const previous = this.#last[site];
    this.#last[site] = addr;
    return Number.isNaN(previous) ? undefined : addr + (addr - previous);
  }
}
