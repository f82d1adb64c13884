/**
 * The branch predictor interface (ChampSim style: one class per predictor,
 * the registry in `registry.ts` names it) and the helpers the table-based
 * predictors share.
 *
 * A predictor sees what the CBP-5 driver hands Seznec's code: every
 * conditional branch (predict, then update with its outcome and its taken
 * target), and every unconditional jump, call and return (track), which
 * enters the global and path histories. Our traces record the conditional
 * branches; the others are rebuilt from the disassembly (`path.ts`).
 *
 * @module
 */
import { UserError } from "../../common/mod.ts";

/** Branch kinds, CBP-5's classes: a conditional branch (direct, as x86's are). */
export const CONDITIONAL = 0;
/** Direct unconditional jump. */
export const JUMP = 1;
/** Jump through a register or memory. */
export const JUMP_INDIRECT = 2;
/** Direct call. */
export const CALL = 3;
/** Call through a register or memory. */
export const CALL_INDIRECT = 4;
/** Return. */
export const RETURN = 5;

/** An online direction predictor for conditional branches. */
export interface BranchPredictor {
  /** Registry name, e.g. `"gshare"`. */
  readonly name: string;
  /** Storage budget in bits, computed from the configuration (tables, histories, counters). */
  readonly storageBits: number;
  /** Predicts the outcome of the conditional branch at `pc` (run-time address as a number, < 2^48). */
  predict(pc: number): boolean;
  /**
   * Trains with the outcome of the conditional branch at `pc`, whose taken
   * target is `target` (also when it was not taken; 0 when unknown). Must
   * follow predict() for the same branch, in program order.
   */
  update(pc: number, taken: boolean, target: number): void;
  /**
   * An unconditional transfer at `pc` of `kind` ({@linkcode JUMP} ...
   * {@linkcode RETURN}) to `target` (NaN when unknown), in program order
   * between the conditional branches.
   */
  track(pc: number, kind: number, target: number): void;
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
