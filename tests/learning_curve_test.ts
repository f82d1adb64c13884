/**
 * The learning curve over training implementations (`lib/algorithms/learning_curve.ts`): which
 * training items each point keeps, how draws are averaged, and the gain per doubling.
 */
import assert from "node:assert/strict";
import { Rng } from "../lib/common/random.ts";
import {
  gainPerDoubling,
  learningCurve,
  someImplementations,
} from "../lib/algorithms/learning_curve.ts";
import type { CorpusItem } from "../lib/algorithms/splits.ts";

/** Two classes, `n` implementations each, every one compiled by gcc and clang. */
function items(n: number): CorpusItem[] {
  return ["sort", "search"].flatMap((cls) =>
    Array.from(
      { length: n },
      (_, k) =>
        ["gcc", "clang"].map((compiler) => ({ class: cls, implementation: `v${k}`, compiler })),
    )
      .flat()
  );
}

Deno.test("someImplementations keeps k whole implementations of each class", () => {
  const train = items(5);
  const keep = someImplementations(train, 2, new Rng(3));
  const kept = train.filter(keep);
  for (const cls of ["sort", "search"]) {
    const of = kept.filter((i) => i.class === cls);
    assert.deepEqual(new Set(of.map((i) => i.implementation)).size, 2);
    assert.deepEqual(of.length, 4, "both compilations of each kept implementation");
  }
  const again = train.filter(someImplementations(train, 2, new Rng(3)));
  assert.deepEqual(again, kept, "the same seed chooses the same implementations");
});

Deno.test("learningCurve: smaller counts averaged over draws, the full count last and once", () => {
  const train = items(6);
  const calls: number[] = [];
  const points = learningCurve(train, { implementations: [4, 2, 9, 6], draws: 3 }, 1, (keep) => {
    const n = train.filter(keep).length / 4; // implementations per class (2 classes x 2 compilers)
    calls.push(n);
    return 10 * n;
  });
  assert.deepEqual(points, [
    { implementations: 2, accuracy: 20 },
    { implementations: 4, accuracy: 40 },
    { implementations: 6, accuracy: 60 },
  ]);
  assert.deepEqual(calls, [2, 2, 2, 4, 4, 4, 6]);
});

Deno.test("learningCurve gives every method scored with one seed the same choices", () => {
  const train = items(6);
  const chosen = () => {
    const out: string[][] = [];
    learningCurve(train, { implementations: [3], draws: 2 }, 7, (keep) => {
      out.push(train.filter(keep).map((i) => `${i.class}/${i.implementation}`));
      return 0;
    });
    return out;
  };
  const first = chosen();
  assert.deepEqual(chosen(), first);
  assert.ok(first[0].join() !== first[1].join() || first[0].length === 0, "draws differ");
});

Deno.test("gainPerDoubling is the slope on log2 of the count", () => {
  const points = [2, 4, 8].map((n) => ({ implementations: n, accuracy: 30 + 7 * Math.log2(n) }));
  assert.ok(Math.abs(gainPerDoubling(points) - 7) < 1e-9);
  assert.ok(Number.isNaN(gainPerDoubling(points.slice(0, 1))));
});
