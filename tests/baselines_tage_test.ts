/**
 * TAGE-SC-L 64 KB and 8 KB against Seznec's own CBP-5 code: hand-made branch
 * streams (tests/golden/tage_sc_l/streams.ts) run through our predictors give
 * the reference's prediction at every conditional branch, as recorded in
 * tests/golden/tage_sc_l/predictions.json (README.md there says how).
 */
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { CONDITIONAL, createBranchPredictor } from "../lib/baselines/branch/mod.ts";
import { type BranchStream, goldenStreams } from "./golden/tage_sc_l/streams.ts";

interface Golden {
  conditionals: number;
  mispredictions: number;
  /** One bit per conditional branch, least significant bit first, base64. */
  predictions: string;
}

const golden: Record<string, Record<string, Golden>> = JSON.parse(
  await Deno.readTextFile(new URL("./golden/tage_sc_l/predictions.json", import.meta.url)),
);

/** The predictor's prediction at every conditional branch of the stream. */
function predictions(name: string, stream: BranchStream): boolean[] {
  const predictor = createBranchPredictor(name);
  const out: boolean[] = [];
  for (let i = 0; i < stream.kind.length; i++) {
    const pc = stream.pc[i];
    if (stream.kind[i] !== CONDITIONAL) {
      predictor.track(pc, stream.kind[i], stream.target[i]);
      continue;
    }
    out.push(predictor.predict(pc));
    predictor.update(pc, stream.taken[i], stream.target[i]);
  }
  return out;
}

const streams = goldenStreams();
for (const [streamName, expected] of Object.entries(golden)) {
  for (const [predictor, reference] of Object.entries(expected)) {
    Deno.test(`${predictor} predicts as Seznec's code on the "${streamName}" stream`, () => {
      const ours = predictions(predictor, streams[streamName]);
      const bits = Buffer.from(reference.predictions, "base64");
      assert.equal(ours.length, reference.conditionals);
      const first = ours.findIndex((p, i) => p !== (((bits[i >> 3] >> (i & 7)) & 1) === 1));
      assert.equal(first, -1, `first different prediction at conditional branch ${first}`);
    });
  }
}
