/**
 * The conditional-branch predictor interface (ChampSim style: one class per
 * predictor, the registry in `registry.ts` names it) and the helpers the
 * table-based predictors share.
 *
 * The traces hold conditional branches only (no unconditional jumps, calls or
 * returns), so every predictor builds its global and path histories from
 * conditional outcomes and their PCs alone.
 *
 * @module
 */
import { UserError } from "../../common/mod.ts";

/** An online direction predictor for conditional branches. */
export interface BranchPredictor {
  /** Registry name, e.g. `"gshare"`. */
  readonly name: string;
  /** Storage budget in bits, computed from the configuration (tables, histories, counters). */
  readonly storageBits: number;
  /** Predicts the outcome of the conditional branch at `pc` (run-time address as a number, < 2^48). */
  predict(pc: number): boolean;
  /** Trains with the outcome; must be called after predict() for the same branch, in program order. */
  update(pc: number, taken: boolean): void;
}

/** Checks an integer option against its range. */
export function checkInteger(what: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new UserError(
      `${what} must be an integer from ${min} to ${max}, got ${value}`,
      `pass a value between ${min} and ${max}`,
    );
  }
  return value;
}

/**
 * Folds the low 32 bits of a PC into `bits` bits: `pc ^ (pc >>> bits)`,
 * masked. x86 branches sit at any byte address, so the low bits are kept.
 */
export function pcIndex(pc: number, bits: number): number {
  const lo = pc >>> 0;
  return (lo ^ (lo >>> bits)) & ((1 << bits) - 1);
}
