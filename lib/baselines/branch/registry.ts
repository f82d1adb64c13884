/**
 * The branch predictors by name. Adding one: write its class (implementing
 * {@linkcode BranchPredictor}) and add one entry here.
 *
 * @module
 */
import { UserError } from "../../common/mod.ts";
import { BimodalPredictor } from "./bimodal.ts";
import { GsharePredictor } from "./gshare.ts";
import { HashedPerceptronPredictor } from "./hashed_perceptron.ts";
import { PerceptronPredictor } from "./perceptron.ts";
import type { BranchPredictor } from "./predictor.ts";
import { PreviousOutcomePredictor } from "./previous.ts";
import { TageScLPredictor } from "./tage_sc_l.ts";
import { TAGE_SC_L_64KB, TAGE_SC_L_8KB } from "./tage_sc_l_config.ts";

/** A registered predictor. */
export interface BranchPredictorEntry {
  /** One line for `--help` and reports: what it is and its configuration. */
  description: string;
  /** A fresh predictor with empty tables. */
  create(): BranchPredictor;
}

/** Every branch predictor, by name, in its standard configuration. */
export const BRANCH_PREDICTORS: Readonly<Record<string, BranchPredictorEntry>> = {
  "bimodal": {
    description: "2^18 2-bit counters indexed by PC (64 KB)",
    create: () => new BimodalPredictor(),
  },
  "gshare": {
    description: "2^18 2-bit counters indexed by PC XOR 18 bits of global history (64 KB)",
    create: () => new GsharePredictor(),
  },
  "perceptron": {
    description: "Jiménez & Lin 2001: 1024 perceptrons, history 59, theta 127 (60 KB)",
    create: () => new PerceptronPredictor(),
  },
  "hashed-perceptron": {
    description: "16 tables of 4096 8-bit weights, geometric histories 0..232 (64 KB, ChampSim)",
    create: () => new HashedPerceptronPredictor(),
  },
  "tage-sc-l-64kb": {
    description: "Seznec's CBP-5 winner, 64 KB (TAGE + SC + loop), bit-exact with his code",
    create: () => new TageScLPredictor(TAGE_SC_L_64KB),
  },
  "tage-sc-l-8kb": {
    description: "Seznec's CBP-5 winner, 8 KB (TAGE + SC + loop), bit-exact with his code",
    create: () => new TageScLPredictor(TAGE_SC_L_8KB),
  },
};

/** Every predictor name, in the registry's order (weakest first). */
export const BRANCH_PREDICTOR_NAMES: readonly string[] = Object.keys(BRANCH_PREDICTORS);

/**
 * Trivial references, scored like the predictors: a learned model that loses to them is not
 * learning. Not hardware, so not baselines.
 */
export const BRANCH_REFERENCES: Readonly<Record<string, BranchPredictorEntry>> = {
  "previous-outcome": {
    description: "the site's previous outcome (one bit per static branch, unbounded)",
    create: () => new PreviousOutcomePredictor(),
  },
};

/** Every reference name. */
export const BRANCH_REFERENCE_NAMES: readonly string[] = Object.keys(BRANCH_REFERENCES);

/** Every name {@linkcode createBranchPredictor} accepts: predictors, then references. */
export const BRANCH_SCORER_NAMES: readonly string[] = [
  ...BRANCH_PREDICTOR_NAMES,
  ...BRANCH_REFERENCE_NAMES,
];

/** Creates the predictor or reference `name`, or throws a {@linkcode UserError} naming the known ones. */
export function createBranchPredictor(name: string): BranchPredictor {
  const entry = BRANCH_PREDICTORS[name] ?? BRANCH_REFERENCES[name];
  if (!entry) {
    throw new UserError(
      `unknown branch predictor "${name}"`,
      `use one of: ${BRANCH_SCORER_NAMES.join(", ")}`,
    );
  }
  return entry.create();
}
