/** The scoring lanes' claims (`lib/experiments/lanes.ts`): every part runs once, whoever runs it. */
import assert from "node:assert/strict";
import { runClaimedParts } from "../lib/experiments/lanes.ts";

Deno.test("lanes: processes sharing a claims folder run every part exactly once", async () => {
  const claims = await Deno.makeTempDir({ prefix: "ncf-lanes-test-" });
  try {
    const runs = Array.from({ length: 20 }, () => 0);
    // Parts of unequal length, so the lanes interleave.
    const parts = runs.map((_, k) => async () => {
      await new Promise((resolve) => setTimeout(resolve, k % 3));
      runs[k]++;
    });
    const done = [0, 0, 0];
    await Promise.all(done.map((_, lane) => runClaimedParts(parts, claims, () => done[lane]++)));
    assert.deepEqual(runs, runs.map(() => 1));
    assert.equal(done.reduce((a, b) => a + b), parts.length);
    assert.ok(done.filter((n) => n > 0).length > 1, "more than one lane ran parts");
  } finally {
    await Deno.remove(claims, { recursive: true });
  }
});
