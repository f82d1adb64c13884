import assert from "node:assert/strict";
import { join } from "node:path";
import { UserError } from "../lib/common/mod.ts";
import { traceProgram } from "../lib/trace/mod.ts";
import { ensureTracer } from "../lib/trace/testing.ts";
import {
  type AddressScore,
  createAddressPredictor,
  GhbPcDcPredictor,
  type LoadExecutions,
  loadStreamFromArrays,
  scoreAddressPredictors,
  scoreAddressStream,
  StridePredictor,
  trainAddressLstm,
} from "../lib/baselines/prefetch/mod.ts";

/** A small seeded PRNG so that the hand-made streams are the same on every run. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function scoreOf(scores: AddressScore[], name: string): AddressScore {
  const score = scores.find((s) => s.predictor === name);
  assert.ok(score, `no score for ${name}`);
  return score;
}

/** Interleaves per-site address lists round-robin into one stream. */
function interleave(perSite: number[][]): { site: number[]; addr: number[] } {
  const site: number[] = [];
  const addr: number[] = [];
  const longest = Math.max(...perSite.map((a) => a.length));
  for (let i = 0; i < longest; i++) {
    perSite.forEach((list, s) => {
      if (i < list.length) {
        site.push(s);
        addr.push(list[i]);
      }
    });
  }
  return { site, addr };
}

/** Addresses that follow a repeating delta pattern from `start`. */
function deltaPattern(start: number, deltas: number[], count: number): number[] {
  const out = [start];
  for (let i = 1; i < count; i++) out.push(out[i - 1] + deltas[(i - 1) % deltas.length]);
  return out;
}

Deno.test("stride is exact on strided streams and silent on random addresses", async () => {
  const rand = random(7);
  const stream = interleave([
    deltaPattern(0x7f00_0000_0000, [8], 300),
    deltaPattern(0x5555_0000, [-24], 300),
    Array.from({ length: 300 }, () => Math.floor(rand() * 2 ** 46)),
  ]);
  const report = await scoreAddressStream({
    loads: loadStreamFromArrays(stream),
    predictors: ["stride"],
    testFrom: 300,
    quiet: true,
  });
  const bySite = new Map(scoreOf(report.scores, "stride").sites.map((s) => [s.site, s]));
  for (const site of [0, 1]) {
    const counts = bySite.get(site)!;
    assert.ok(counts.instances > 100);
    assert.equal(counts.covered, counts.instances);
    assert.equal(counts.correctExact, counts.instances);
  }
  assert.equal(bySite.get(2)!.covered, 0);
});

Deno.test("GHB PC/DC learns a repeating delta pattern that stride cannot", async () => {
  const stream = interleave([
    deltaPattern(0x1000_0000, [8, 8, 64], 600),
    deltaPattern(0x2000_0000, [4, 4096, -12, 4, 64], 600),
  ]);
  const report = await scoreAddressStream({
    loads: loadStreamFromArrays(stream),
    predictors: ["stride", "ghb-pcdc"],
    testFrom: 200,
    quiet: true,
  });
  const ghb = scoreOf(report.scores, "ghb-pcdc");
  const stride = scoreOf(report.scores, "stride");
  assert.equal(ghb.accuracyExact, 1);
  assert.ok(stride.accuracyExact < 0.5, `stride ${stride.accuracyExact}`);
  // The direct API gives the same answer as the scorer once warmed up.
  const direct = new GhbPcDcPredictor();
  let predicted: number | undefined;
  for (const addr of deltaPattern(0, [8, 8, 64], 10)) predicted = direct.access(0, 0x400000, addr);
  assert.equal(predicted, deltaPattern(0, [8, 8, 64], 11)[10]);
});

Deno.test("Markov learns a shuffled list visited repeatedly; delta predictors do not", async () => {
  const rand = random(3);
  const lines = Array.from({ length: 300 }, (_, i) => 0x6000_0000 + i * 64);
  for (let i = lines.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [lines[i], lines[j]] = [lines[j], lines[i]];
  }
  const passes = Array.from({ length: 8 }, () => lines).flat();
  const report = await scoreAddressStream({
    loads: loadStreamFromArrays({ site: passes.map(() => 0), addr: passes }),
    predictors: ["markov", "stride", "ghb-pcdc"],
    testFrom: 2 * lines.length,
    quiet: true,
  });
  const markov = scoreOf(report.scores, "markov");
  assert.equal(markov.instances, 6 * lines.length - 1);
  assert.ok(markov.accuracyExact > 0.99, `markov ${markov.accuracyExact}`);
  assert.ok(scoreOf(report.scores, "stride").accuracyLine < 0.05);
  assert.ok(scoreOf(report.scores, "ghb-pcdc").accuracyLine < 0.2);
});

Deno.test("scoring counts instances, coverage and line/exact hits as checked by hand", async () => {
  // icount = index; the test part starts at index 3. Comments give stride's prediction.
  const loads = loadStreamFromArrays({
    site: [0, 1, 0, 0, 1, 0, 0, 1, 0, 1, 2, 2, 2, 2, 2, 2],
    addr: [
      100, // 0: site 0, none
      5000, // 1: site 1, none
      108, // 2: site 0, none (stride 8 adopted)
      116, // 3: site 0, none (confidence 1) -> instance, uncovered
      5000, // 4: site 1, none -> instance, uncovered
      124, // 5: site 0, predicts 132 -> exact
      132, // 6: site 0, predicts 140 -> exact
      6000, // 7: site 1, none -> instance, uncovered
      140, // 8: site 0, last execution: not an instance
      6000, // 9: site 1, last execution
      64, // 10: site 2, none
      64, // 11: site 2, none
      64, // 12: predicts 64 -> exact
      64, // 13: predicts 64 -> exact
      64, // 14: predicts 64, next is 65 -> same line only
      65, // 15: last execution
    ],
  });
  const report = await scoreAddressStream({
    loads,
    predictors: ["stride"],
    testFrom: 3,
    // Asked for out of order: rows come back in the order asked.
    recordAt: { site: [1, 0, 2], icount: [9, 5, 14] },
    quiet: true,
  });
  assert.equal(report.loads, 16);
  assert.equal(report.testLoads, 13);
  const stride = scoreOf(report.scores, "stride");
  assert.deepEqual(
    [stride.instances, stride.covered, stride.correctLine, stride.correctExact],
    [10, 5, 5, 4],
  );
  assert.equal(stride.coverage, 0.5);
  assert.equal(stride.accuracyLine, 0.5);
  assert.equal(stride.accuracyExact, 0.4);
  assert.equal(stride.coveredAccuracyExact, 0.8);
  assert.deepEqual(stride.sites, [
    { site: 0, instances: 3, covered: 2, correctLine: 2, correctExact: 2 },
    { site: 1, instances: 2, covered: 0, correctLine: 0, correctExact: 0 },
    { site: 2, instances: 5, covered: 3, correctLine: 3, correctExact: 2 },
  ]);
  const recorded = report.recorded!;
  assert.deepEqual([...recorded.addr], [6000, 124, 64]);
  assert.deepEqual([...recorded.nextAddr], [NaN, 132, 65]);
  assert.deepEqual([...recorded.predictions.stride], [NaN, 132, 64]);
});

Deno.test("bad scoring requests are user errors", async () => {
  const loads = loadStreamFromArrays({ site: [0, 0, 0], addr: [1, 2, 3] });
  const score = (extra: { predictors?: string[]; testFrom?: number; recordAt?: LoadExecutions }) =>
    scoreAddressStream({ loads, predictors: ["stride"], testFrom: 1, quiet: true, ...extra });
  await assert.rejects(score({ predictors: ["nope"] }), UserError);
  await assert.rejects(score({ testFrom: 10 }), /test part is empty/);
  await assert.rejects(score({ recordAt: { site: [0], icount: [7] } }), /not a load execution/);
  await assert.rejects(score({ recordAt: { site: [1], icount: [2] } }), /not a load execution/);
  await assert.rejects(
    score({ recordAt: { site: [0, 0], icount: [2, 2] } }),
    /not a load execution of this stream \(or is named twice\)/,
  );
  assert.throws(() => createAddressPredictor("stride", { entries: 1000 }), /power of two/);
  assert.equal(new StridePredictor().name, "stride");
});

Deno.test("the LSTM learns a repeating delta sequence and is repeatable", async () => {
  // Site 0's next delta after an 8 depends on the delta before it: a history of one delta is not enough.
  const stream = interleave([
    deltaPattern(0x3000_0000, [8, 8, 64, -40, 1024], 1500),
    deltaPattern(0x4000_0000, [16, -16, 4096], 1500),
  ]);
  const testFrom = 2000;
  const lstm = {
    sequenceLength: 8,
    hidden: 32,
    embedding: 8,
    steps: 96,
    batchSize: 32,
    maxTrainWindows: 240,
    learningRate: 0.01,
    quiet: true,
  };
  const loads = loadStreamFromArrays(stream);
  const report = await scoreAddressStream({
    loads,
    predictors: ["lstm", "stride"],
    testFrom,
    lstm,
    recordAt: { site: [0, 1, 0, 1], icount: [1000, 1001, 2500, 2501] },
    quiet: true,
  });
  const score = scoreOf(report.scores, "lstm");
  assert.equal(score.instances, stream.site.length - testFrom - 2);
  assert.ok(score.accuracyExact > 0.95, `lstm exact accuracy ${score.accuracyExact}`);
  assert.ok(report.lstmTraining!.trainedLoads > 0);
  // The LSTM predicts only in the test part; the next address is the truth at every row.
  const recorded = report.recorded!;
  assert.deepEqual([...recorded.predictions.lstm.subarray(0, 2)], [NaN, NaN]);
  assert.deepEqual([...recorded.predictions.lstm.subarray(2)], [...recorded.nextAddr.subarray(2)]);

  // Same seed, same data: the same predictions.
  const again = await trainAddressLstm({ loads, testFrom, ...lstm, steps: 16 });
  const twice = await trainAddressLstm({ loads, testFrom, ...lstm, steps: 16 });
  const predictions: (number | undefined)[][] = [[], []];
  for (const [k, model] of [again, twice].entries()) {
    await model.predict({
      loads,
      testFrom,
      onLoad: (_site, _addr, _icount, prediction) => predictions[k].push(prediction),
    });
    model.dispose();
  }
  assert.equal(predictions[0].length, stream.site.length - testFrom);
  assert.deepEqual(predictions[0], predictions[1]);
});

Deno.test("on a real trace, stride predicts an array walk and Markov a revisited linked list", async () => {
  await ensureTracer();
  const dir = await Deno.makeTempDir({ prefix: "ncf-prefetch-test-" });
  try {
    const source = join(dir, "walks.c");
    await Deno.writeTextFile(
      source,
      `#include <stdlib.h>
struct node { struct node *next; long value; };
int main(void) {
  enum { N = 1000, PASSES = 6 };
  long *a = malloc(N * sizeof(long));
  struct node *nodes = malloc(N * sizeof(struct node));
  int *perm = malloc(N * sizeof(int));
  unsigned s = 12345;
  for (int i = 0; i < N; i++) { a[i] = i; perm[i] = i; }
  for (int i = N - 1; i > 0; i--) {
    s = s * 1103515245u + 12345u;
    int j = (s >> 8) % (i + 1), t = perm[i];
    perm[i] = perm[j];
    perm[j] = t;
  }
  for (int i = 0; i < N; i++) nodes[perm[i]].next = &nodes[perm[(i + 1) % N]];
  long sum = 0;
  for (int p = 0; p < PASSES; p++) {
    for (int i = 0; i < N; i++) sum += a[i];
    struct node *n = &nodes[perm[0]];
    for (int i = 0; i < N; i++) n = n->next;
    sum += (long)n;
  }
  return sum == 42;
}
`,
    );
    const binary = join(dir, "walks");
    const cc = await new Deno.Command("gcc", { args: ["-O1", "-o", binary, source] }).output();
    assert.ok(cc.success, new TextDecoder().decode(cc.stderr));
    const out = join(dir, "walks.ncf");
    const traced = await traceProgram({ program: binary, out, quiet: true });

    const report = await scoreAddressPredictors({
      trace: out,
      predictors: ["stride", "markov"],
      testFrom: Math.floor(traced.instructions / 2),
      quiet: true,
    });
    assert.equal(report.loads, traced.loads);
    const stride = new Map(scoreOf(report.scores, "stride").sites.map((s) => [s.site, s]));
    const markov = scoreOf(report.scores, "markov").sites;
    // The array walk: one site with at least one test pass, predicted exactly by stride.
    assert.ok(
      [...stride.values()].some((s) => s.instances >= 1000 && s.correctExact / s.instances > 0.99),
      "no load site is an exactly predicted stride",
    );
    // The list walk: Markov remembers the successors that stride cannot compute (the first
    // walk may fall in the test part, and it is new to Markov too).
    assert.ok(
      markov.some((s) =>
        s.instances >= 1000 && s.correctExact / s.instances > 0.7 &&
        stride.get(s.site)!.correctExact / s.instances < 0.05
      ),
      "no load site is a pointer chase that Markov predicts",
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("references: next = current address, and current + the site's last delta", () => {
  const same = createAddressPredictor("same-address");
  assert.equal(same.access(0, 0x400, 0x1000), 0x1000);
  const delta = createAddressPredictor("last-delta");
  assert.equal(delta.access(0, 0x400, 0x1000), undefined);
  assert.equal(delta.access(1, 0x500, 0x9000), undefined);
  assert.equal(delta.access(0, 0x400, 0x1040), 0x1080);
  // A negative delta, per site.
  assert.equal(delta.access(1, 0x500, 0x8f00), 0x8e00);
});
