/**
 * The out-of-distribution detector (`lib/algorithms/ood.ts`) on synthetic
 * embeddings shaped like the corpus's: classes of implementations (groups) of
 * eight near-identical compilations each. Known and foreign classes differ in a
 * few dimensions (what the detector must learn) and vary freely in the rest.
 * Groups of foreign classes it never saw must nearly always be flagged, unseen
 * groups of known classes rarely; the rates of `crossFittedWarnings` must be
 * those of detectors that never saw the scored program.
 */
import assert from "node:assert/strict";
import {
  crossFittedWarnings,
  FALSE_ALARM,
  fitOodDetector,
  oodVerdict,
  outOfDistributionRate,
  thresholdAt,
} from "../lib/algorithms/ood.ts";
import { softmaxProbabilities } from "../lib/algorithms/bag_of_opcodes.ts";
import { calibrateClassifier } from "../lib/algorithms/transfer.ts";
import { Rng } from "../lib/common/random.ts";

const DIMS = 16;
/** Dimensions 12..15 tell known (+2) from foreign (-2) classes. */
const SIGNATURE = 12;

function around(rng: Rng, center: readonly number[], spread: number): number[] {
  return center.map((c) => c + spread * rng.normal());
}

type Point = { x: number[]; group: string; label: string; index: number };

/** `classes` classes of `groups` groups of `members` points; `side` +1 known, -1 foreign. */
function corpus(rng: Rng, classes: number, groups: number, prefix: string, side: number) {
  const points: Point[] = [];
  for (let c = 0; c < classes; c++) {
    const classCenter = around(rng, new Array(DIMS).fill(0), 3)
      .map((v, j) => j < SIGNATURE ? v : 2 * side + 0.3 * rng.normal());
    for (let g = 0; g < groups; g++) {
      const groupCenter = around(rng, classCenter, 1)
        .map((v, j) => j < SIGNATURE ? v : classCenter[j] + 0.3 * rng.normal());
      for (let m = 0; m < 8; m++) {
        const x = around(rng, groupCenter, 0.1);
        points.push({ x, group: `${prefix}${c}/${g}`, label: `${prefix}${c}`, index: g });
      }
    }
  }
  return points;
}

const xs = (points: Point[]) => points.map((p) => p.x);

Deno.test("ood: taught on some foreign classes, it flags new ones and spares unseen groups", () => {
  const rng = new Rng("ood-test");
  const known = corpus(rng, 6, 6, "class", 1);
  const train = known.filter((p) => p.index < 5);
  const unseen = known.filter((p) => p.index === 5);
  const taught = corpus(rng, 4, 1, "taught", -1);
  const fresh = corpus(rng, 5, 2, "fresh", -1);
  const detector = fitOodDetector({
    known: xs(train),
    labels: train.map((p) => p.label),
    foreign: xs(taught),
  });
  assert.deepEqual(detector.fittedOn, { known: 240, foreign: 32 });
  assert.equal(detector.threshold, 0.5);
  const unseenRate = outOfDistributionRate(detector, xs(unseen));
  const freshRate = outOfDistributionRate(detector, xs(fresh));
  console.log(`unseen groups flagged ${unseenRate}, new foreign classes flagged ${freshRate}`);
  assert.ok(unseenRate <= 0.2, `unseen groups of known classes flagged: ${unseenRate}`);
  assert.ok(freshRate >= 0.8, `new foreign classes flagged: ${freshRate}`);

  // The score is the two-class softmax's P(foreign) of the standardised embedding.
  const v = oodVerdict(detector, fresh[0].x);
  const z = fresh[0].x.map((x, j) => (x - detector.mean[j]) / detector.std[j]);
  const p = softmaxProbabilities(detector.model, z);
  assert.ok(Math.abs(v.score - p[detector.model.classes.indexOf("foreign")]) < 1e-12);
  assert.equal(v.outside, v.score > 0.5);
  // The nearest known programs of an unseen group are mostly of its own class.
  const u = oodVerdict(detector, unseen[0].x);
  assert.equal(u.nearest.length, 5);
  assert.ok(u.nearest.filter((l) => l === unseen[0].label).length >= 3, u.nearest.join(","));
});

Deno.test("ood: the two sides weigh the same, however few the foreign programs", () => {
  // 300 known and 10 foreign points from one distribution: nothing tells them apart, so
  // P(foreign) is the prior, about 1/2 with equal weights (10/310 without).
  const rng = new Rng("ood-balance");
  const draw = (n: number) => Array.from({ length: n }, () => around(rng, [0, 0, 0, 0], 1));
  const detector = fitOodDetector({
    known: draw(300),
    labels: new Array(300).fill("a"),
    foreign: draw(10),
  });
  const scores = draw(200).map((x) => oodVerdict(detector, x).score);
  const mean = scores.reduce((a, b) => a + b, 0) / scores.length;
  assert.ok(mean > 0.3 && mean < 0.7, `mean P(foreign) ${mean}`);
});

Deno.test("ood: bad input is an error naming it", () => {
  assert.throws(
    () => fitOodDetector({ known: [[0], [1]], labels: ["a"], foreign: [[2]] }),
    /2 known embeddings, 1 labels/,
  );
  assert.throws(
    () => fitOodDetector({ known: [[0]], labels: ["a"], foreign: [] }),
    /both sides \(1 known, 0 foreign\)/,
  );
  const one = { features: [[1]], groups: ["f"] };
  assert.throws(
    () =>
      crossFittedWarnings({
        known: [[0]],
        labels: ["a"],
        otherKnown: { features: [], groups: [], labels: [] },
        foreign: one,
        heldOut: { features: [], groups: [] },
      }),
    /two groups/,
  );
});

Deno.test("crossFittedWarnings: each program is scored by a detector fitted without it", () => {
  const rng = new Rng("crossfit-test");
  const known = corpus(rng, 6, 6, "class", 1);
  const train = known.filter((p) => p.index < 5);
  const heldOut = known.filter((p) => p.index === 5);
  const other = corpus(rng, 3, 1, "class", 1);
  const foreign = corpus(rng, 4, 1, "foreign", -1);
  const data = {
    known: xs(train),
    labels: train.map((p) => p.label),
    otherKnown: {
      features: xs(other),
      groups: other.map((p) => p.group),
      labels: other.map((p) => p.label),
    },
    foreign: { features: xs(foreign), groups: foreign.map((p) => p.group) },
    heldOut: { features: xs(heldOut), groups: heldOut.map((p) => p.group) },
  };
  const warned = crossFittedWarnings(data);
  assert.equal(warned.folds, 4);
  assert.ok(warned.foreign.filter(Boolean).length / foreign.length >= 0.8);
  // Held-out halves against each other's threshold: about the false-alarm share, not all or none.
  assert.ok(warned.heldOut <= 0.25, `held-out warned ${warned.heldOut}`);
  // Fold 1: foreign group 1 and other-style group 1 (their groups' sorted ranks) left out.
  const inFold = (p: Point) => p.group.endsWith("1/0");
  const fold = fitOodDetector({
    known: [...xs(train), ...xs(other.filter((p) => !inFold(p)))],
    labels: [...train.map((p) => p.label), ...other.filter((p) => !inFold(p)).map((p) => p.label)],
    foreign: xs(foreign.filter((p) => !inFold(p))),
  });
  // Its threshold: fitted on the held-out programs, which no detector saw.
  const threshold = thresholdAt(xs(heldOut).map((x) => oodVerdict(fold, x).score));
  const warnedByFold = (x: number[]) => oodVerdict(fold, x).score > threshold;
  foreign.forEach((p, i) => {
    if (inFold(p)) assert.equal(warned.foreign[i], warnedByFold(p.x));
  });
  other.forEach((p, i) => {
    if (inFold(p)) assert.equal(warned.otherKnown[i], warnedByFold(p.x));
  });
});

Deno.test("thresholdAt: at most the false-alarm share of held-out scores lies above it", () => {
  const scores = Array.from({ length: 100 }, (_, i) => (i + 1) / 100).reverse();
  assert.equal(thresholdAt(scores, 0.1), 0.9);
  assert.equal(scores.filter((s) => s > thresholdAt(scores)).length, 10 * FALSE_ALARM * 10);
  assert.equal(thresholdAt(scores, 0), 1);
  // Ties: never more than the share above it.
  const tied = [0.2, 0.5, 0.5, 0.5, 0.9];
  assert.equal(thresholdAt(tied, 0.2), 0.5);
  assert.equal(tied.filter((s) => s > thresholdAt(tied, 0.2)).length, 1);
  assert.throws(() => thresholdAt([]), /held-out/);
});

Deno.test("calibrateClassifier: rates cross-fitted, classifier refitted on every program", () => {
  const rng = new Rng("calibrate-test");
  const known = corpus(rng, 6, 7, "class", 1);
  const foreign = corpus(rng, 4, 1, "foreign", -1);
  const outside = known.filter((p) => p.index === 6);
  const corpusPoints = known.filter((p) => p.index < 6);
  const trainIdx = corpusPoints.flatMap((p, i) => (p.index < 5 ? [i] : []));
  const testIdx = corpusPoints.flatMap((p, i) => (p.index === 5 ? [i] : []));
  const { classifier, rates } = calibrateClassifier({
    features: xs(corpusPoints),
    labels: corpusPoints.map((p) => p.label),
    implementations: corpusPoints.map((p) => p.group),
    trainIdx,
    testIdx,
    foreign: { features: xs(foreign), groups: foreign.map((p) => p.group) },
    outside: {
      features: xs(outside),
      groups: outside.map((p) => p.group),
      labels: outside.map((p) => p.label),
    },
  });
  console.log(JSON.stringify(rates));
  assert.equal(rates.known.programs, 48);
  assert.equal(rates.foreign.programs, 32);
  assert.equal(rates.outside!.programs, 48);
  assert.ok(rates.known.accuracy >= 0.9 && rates.outside!.accuracy >= 0.9);
  assert.ok(rates.foreign.warned >= 0.8);
  assert.ok(rates.known.warned <= 0.2 && rates.outside!.warned <= 0.2);
  // classify's detector is fitted on the corpus and the outside programs against the foreign ones.
  assert.deepEqual(classifier.detector!.fittedOn, { known: 336, foreign: 32 });
  assert.ok(classifier.temperature! > 0);
  // classify's threshold is fitted on the held-out implementations, not the unfitted 0.5.
  assert.ok(classifier.detector!.threshold > 0 && classifier.detector!.threshold < 1);
  assert.notEqual(classifier.detector!.threshold, 0.5);
});
