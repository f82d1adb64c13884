/**
 * The online address predictors by name. Adding one: write its class
 * (implementing {@linkcode AddressPredictor}) and add one line here.
 *
 * @module
 */
import { UserError } from "../../common/mod.ts";
import { GhbPcDcPredictor } from "./ghb.ts";
import { MarkovPredictor } from "./markov.ts";
import type { AddressPredictor } from "./predictor.ts";
import { StridePredictor } from "./stride.ts";
import { LastDeltaPredictor, SameAddressPredictor } from "./references.ts";

/** Numeric options of one predictor, e.g. `{ entries: 1024 }` (each class documents its own). */
export type AddressPredictorOptions = Record<string, number>;

/** A registered online predictor. */
export interface AddressPredictorEntry {
  /** One line for `--help` and reports. */
  description: string;
  /** A fresh predictor with empty tables. */
  create(options?: AddressPredictorOptions): AddressPredictor;
}

/** Every online predictor, by name. */
export const ONLINE_ADDRESS_PREDICTORS: Readonly<Record<string, AddressPredictorEntry>> = {
  "stride": {
    description: "per-PC stride, 2-bit confidence",
    create: (options) => new StridePredictor(options),
  },
  "ghb-pcdc": {
    description: "global history buffer, PC-localised delta correlation (Nesbit & Smith 2004)",
    create: (options) => new GhbPcDcPredictor(options),
  },
  "markov": {
    description: "per-PC address correlation table, (PC, address) -> next address (ISB-like)",
    create: (options) => new MarkovPredictor(options),
  },
};

/** Trivial references, scored like the predictors (not hardware, so not baselines). */
export const ADDRESS_REFERENCES: Readonly<Record<string, AddressPredictorEntry>> = {
  "same-address": {
    description: "next = the current address (per site, unbounded)",
    create: () => new SameAddressPredictor(),
  },
  "last-delta": {
    description: "current address + the site's last delta (stride without confidence, unbounded)",
    create: () => new LastDeltaPredictor(),
  },
};

/** Name of the trained predictor: the embedding LSTM of Hashemi et al. 2018 (see `lstm.ts`). */
export const LSTM_PREDICTOR = "lstm";

/** Every reference name. */
export const ADDRESS_REFERENCE_NAMES: readonly string[] = Object.keys(ADDRESS_REFERENCES);

/** Every predictor name {@linkcode scoreAddressPredictors} accepts (references included). */
export const ADDRESS_PREDICTOR_NAMES: readonly string[] = [
  ...Object.keys(ONLINE_ADDRESS_PREDICTORS),
  LSTM_PREDICTOR,
  ...ADDRESS_REFERENCE_NAMES,
];

/** Creates the online predictor or reference `name`, or throws a {@linkcode UserError} naming the known ones. */
export function createAddressPredictor(
  name: string,
  options?: AddressPredictorOptions,
): AddressPredictor {
  const entry = ONLINE_ADDRESS_PREDICTORS[name] ?? ADDRESS_REFERENCES[name];
  if (!entry) {
    throw new UserError(
      `unknown address predictor "${name}"`,
      `use one of: ${ADDRESS_PREDICTOR_NAMES.join(", ")}`,
    );
  }
  return entry.create(options);
}
