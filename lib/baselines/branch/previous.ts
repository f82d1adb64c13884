/**
 * The trivial reference "same outcome as this site's previous execution": one bit per static
 * branch, unbounded (a reference, not hardware). A learned predictor that loses to it has learnt
 * nothing about the branch.
 *
 * @module
 */
import type { BranchPredictor } from "./predictor.ts";

/** Predicts the outcome the same branch had last time (not taken the first time). */
export class PreviousOutcomePredictor implements BranchPredictor {
  readonly name = "previous-outcome";
  /** Unbounded: one bit per static branch seen (a reference, not a hardware budget). */
  readonly storageBits = 0;
  readonly #last = new Map<number, boolean>();

  predict(pc: number): boolean {
    return this.#last.get(pc) ?? false;
  }

  update(pc: number, taken: boolean, _target: number): void {
    this.#last.set(pc, taken);
  }

  /** No history: unconditional transfers change nothing. */
  track(_pc: number, _kind: number, _target: number): void {}
}
