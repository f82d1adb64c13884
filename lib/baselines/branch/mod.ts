/**
 * Conditional-branch predictor baselines, after ChampSim's interface:
 * bimodal, gshare, the perceptron of Jiménez & Lin, a hashed perceptron and
 * TAGE-SC-L (Seznec's CBP-5 winner, 64 KB and 8 KB), with the scorer that
 * runs them on a trace.
 *
 * @module
 */
export {
  type BranchPredictor,
  CALL,
  CALL_INDIRECT,
  CONDITIONAL,
  JUMP,
  JUMP_INDIRECT,
  RETURN,
} from "./predictor.ts";
export * from "./bimodal.ts";
export * from "./gshare.ts";
export * from "./perceptron.ts";
export * from "./hashed_perceptron.ts";
export * from "./tage_sc_l_config.ts";
export * from "./tage_sc_l.ts";
export * from "./registry.ts";
export * from "./run.ts";
export * from "./stream.ts";
export type { PathSummary, PathTrace } from "./path.ts";
