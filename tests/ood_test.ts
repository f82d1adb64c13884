/**
 * The out-of-distribution detector (`lib/algorithms/ood.ts`) on synthetic
 * embeddings shaped like the corpus's: classes of implementations (groups) of
 * eight near-identical compilations each (2 compilers x 4 levels). Unseen groups of known classes must
 * rarely be flagged, points of unknown classes nearly always; the threshold
 * must follow the leave-one-group-out conformal rule (fitting it in-sample,
 * where a point's nearest neighbours are its own group, flags every unseen group).
 */
import assert from "node:assert/strict";
import { fitOodDetector, oodVerdict, outOfDistributionRate } from "../lib/algorithms/ood.ts";
import { calibrateClassifier } from "../lib/algorithms/transfer.ts";
import { Rng } from "../lib/common/random.ts";

const DIMS = 16;

function around(rng: Rng, center: readonly number[], spread: number): number[] {
  return center.map((c) => c + spread * rng.normal());
}

/** `classes` classes of `groups` groups of `members` points: class, group and member spreads. */
function corpus(rng: Rng, classes: number, groups: number, members: number, prefix: string) {
  const points: { x: number[]; group: string; label: string; index: number }[] = [];
  for (let c = 0; c < classes; c++) {
    const classCenter = around(rng, new Array(DIMS).fill(0), 3);
    for (let g = 0; g < groups; g++) {
      const groupCenter = around(rng, classCenter, 1);
      for (let m = 0; m < members; m++) {
        points.push({
          x: around(rng, groupCenter, 0.1),
          group: `${prefix}${c}/${g}`,
          label: `${prefix}${c}`,
          index: g,
        });
      }
    }
  }
  return points;
}

Deno.test("ood: calibrated on held-out groups, it flags unknown classes and spares unseen groups", () => {
  const rng = new Rng("ood-test");
  const known = corpus(rng, 6, 6, 8, "class");
  const train = known.filter((p) => p.index < 5);
  const unseen = known.filter((p) => p.index === 5);
  const foreign = corpus(rng, 5, 2, 8, "foreign");
  const detector = fitOodDetector(train.map((p) => p.x), train.map((p) => p.group), {
    labels: train.map((p) => p.label),
  });
  assert.equal(detector.k, 5);
  assert.equal(detector.calibration.groups, 30);
  assert.ok(detector.calibration.aboveThreshold <= 0.1 + 1e-9);

  const unseenRate = outOfDistributionRate(detector, unseen.map((p) => p.x));
  const foreignRate = outOfDistributionRate(detector, foreign.map((p) => p.x));
  console.log(`unseen groups flagged ${unseenRate}, unknown classes flagged ${foreignRate}`);
  assert.ok(unseenRate <= 0.2, `unseen groups of known classes flagged: ${unseenRate}`);
  assert.ok(foreignRate >= 0.8, `points of unknown classes flagged: ${foreignRate}`);

  // The nearest training programs of an unseen group are mostly of its own class.
  const v = oodVerdict(detector, unseen[0].x);
  assert.equal(v.nearest.length, 5);
  assert.ok(v.nearest.filter((l) => l === unseen[0].label).length >= 3, v.nearest.join(","));

  // The threshold is the ceil((n + 1) 0.9)-th smallest leave-one-group-out 5-NN distance.
  const z = train.map((p) => p.x.map((x, j) => (x - detector.mean[j]) / detector.std[j]));
  const rms = (a: number[], b: number[]) =>
    Math.sqrt(a.reduce((s, x, j) => s + (x - b[j]) ** 2, 0) / a.length);
  const scores = z.map((x, i) =>
    z.filter((_, j) => train[j].group !== train[i].group).map((y) => rms(x, y))
      .sort((a, b) => a - b)[4]
  ).sort((a, b) => a - b);
  const expected = scores[Math.ceil((scores.length + 1) * 0.9) - 1];
  assert.ok(Math.abs(detector.threshold - expected) < 1e-9, `${detector.threshold} != ${expected}`);

  // A wrong rule (in-sample scores: each point's neighbours include its own group) sets the
  // threshold at the spread of one group and flags nearly every unseen implementation.
  const inSample = fitOodDetector(train.map((p) => p.x), train.map((_, i) => `point${i}`));
  const wrongRate = outOfDistributionRate(inSample, unseen.map((p) => p.x));
  console.log(`in-sample threshold: unseen groups flagged ${wrongRate}`);
  assert.ok(wrongRate >= 0.8, `in-sample rule flagged only ${wrongRate}`);
});

Deno.test("ood: bad input is an error naming it", () => {
  assert.throws(() => fitOodDetector([[0], [1]], ["a"]), /2 embeddings, 1 groups/);
  assert.throws(() => fitOodDetector([[0], [1]], ["a", "a"]), /two groups/);
});

Deno.test("calibrateClassifier: rates from a split and foreign programs that take no part in a fit", () => {
  const rng = new Rng("calibrate-test");
  const known = corpus(rng, 6, 7, 8, "class");
  const foreign = corpus(rng, 4, 2, 8, "foreign");
  const outside = known.filter((p) => p.index === 6);
  const corpusPoints = known.filter((p) => p.index < 6);
  const trainIdx = corpusPoints.flatMap((p, i) => (p.index < 5 ? [i] : []));
  const testIdx = corpusPoints.flatMap((p, i) => (p.index === 5 ? [i] : []));
  const { classifier, rates } = calibrateClassifier({
    features: corpusPoints.map((p) => p.x),
    labels: corpusPoints.map((p) => p.label),
    groups: corpusPoints.map((p) => p.group),
    trainIdx,
    testIdx,
    foreign: foreign.map((p) => p.x),
    outside: { features: outside.map((p) => p.x), labels: outside.map((p) => p.label) },
  });
  console.log(JSON.stringify(rates));
  assert.equal(rates.known.programs, 48);
  assert.equal(rates.foreign.programs, 64);
  assert.equal(rates.outside!.programs, 48);
  assert.ok(rates.known.accuracy >= 0.9 && rates.outside!.accuracy >= 0.9);
  assert.ok(rates.foreign.warned >= 0.8);
  // The rates are those of a detector fitted on the split's training programs only.
  const fitted = fitOodDetector(
    trainIdx.map((i) => corpusPoints[i].x),
    trainIdx.map((i) => corpusPoints[i].group),
  );
  assert.equal(
    rates.known.warned,
    outOfDistributionRate(fitted, testIdx.map((i) => corpusPoints[i].x)),
  );
  assert.equal(rates.outside!.warned, outOfDistributionRate(fitted, outside.map((p) => p.x)));
  assert.equal(rates.foreign.warned, outOfDistributionRate(fitted, foreign.map((p) => p.x)));
  // The classifier classify uses is refitted on every corpus program.
  assert.equal(classifier.detector!.reference.length, corpusPoints.length);
  assert.equal(classifier.detector!.calibration.groups, 36);
  assert.ok(classifier.temperature! > 0);
});
