/**
 * Next-address predictor baselines for the prefetching task: per-PC stride,
 * GHB PC/DC, an address-correlating Markov table and the embedding LSTM of
 * Hashemi et al. 2018, with the scorer that runs them on a trace.
 *
 * @module
 */
export type { AddressPredictor } from "./predictor.ts";
export * from "./stride.ts";
export * from "./ghb.ts";
export * from "./markov.ts";
export * from "./registry.ts";
export * from "./loads.ts";
export * from "./scoreboard.ts";
export * from "./lstm.ts";
export * from "./score.ts";
