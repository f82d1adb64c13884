/**
 * Interoperability: export a trace for the championship simulators (CBP-5's
 * BT9 branch traces, ChampSim instruction traces), so anyone can check our
 * predictors' numbers with the reference implementations.
 *
 * @module
 */
export { type Bt9Summary, exportBt9 } from "./bt9.ts";
export { type ChampsimSummary, exportChampsim } from "./champsim.ts";
