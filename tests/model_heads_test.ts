/**
 * The address heads' targets and decoding on hand-made instances: a forward
 * and a negative line delta, a delta outside the class vocabulary ("no
 * prediction"), and the metrics that count coverage and accuracy apart.
 */
import assert from "node:assert/strict";
import { DatasetBuilder } from "../lib/graph/dataset.ts";
import type { InstanceTable } from "../lib/graph/types.ts";
import {
  addLines,
  createAddressHead,
  fitAddressHead,
  LINE_BITS,
  lineDelta,
} from "../lib/model/heads.ts";
import { metricsOf, type Predictions } from "../lib/model/model.ts";

/** An access at `current` that read no pointer. */
const at = (current: bigint) => ({ current, value: 0n });

/** Address instances (current, next, value read) of one one-node topology. */
function instances(pairs: [bigint, bigint, bigint?][]): InstanceTable {
  const b = new DatasetBuilder({ edgeTypes: ["e"], vocabulary: ["address"] });
  const topology = b.addTopology({
    nodeKind: Uint8Array.of(2),
    token: Int32Array.of(0),
    edgeSrc: new Int32Array(0),
    edgeDst: new Int32Array(0),
    edgeType: new Uint8Array(0),
    taskNode: 0,
    valueNodes: Int32Array.of(0),
  });
  const source = b.source({ workload: "w", input: "i" });
  pairs.forEach(([current, next, value], k) =>
    b.addInstance({
      topology,
      task: "address",
      split: "train",
      values: BigUint64Array.of(current),
      known: Uint8Array.of(1),
      label: next,
      icount: k,
      source,
      site: 0,
      currentAddress: current,
      currentValue: value ?? 0n,
    })
  );
  return b.finish().instances;
}

const BASE = 0x7fff_1234_5000n;
// Three instances one line ahead, two 3 lines back, one 1000 lines ahead (seen once).
const TABLE = instances([
  [BASE + 8n, BASE + 64n + 8n],
  [BASE + 200n, BASE + 264n],
  [BASE + 4096n, BASE + 4096n + 64n + 63n - 20n],
  [BASE + 640n, BASE + 640n - 192n],
  [BASE + 700n, BASE + 700n - 192n],
  [BASE, BASE + 64000n],
]);

/** The target row of instance `i` under `head`. */
function target(head: ReturnType<typeof createAddressHead>, i: number): number[] {
  const out = new Float64Array(head.width);
  head.addTarget(TABLE, i, out, 0);
  return Array.from(out);
}

Deno.test("line deltas: forward, negative, and the address they decode to", () => {
  assert.equal(lineDelta(BASE + 8n, BASE + 72n), 1n);
  assert.equal(lineDelta(BASE + 640n, BASE + 448n), -3n);
  assert.equal(addLines(BASE + 648n, -3n), BASE + 648n - 192n, "keeps the offset in the line");
  assert.equal(addLines(5n, -1n), (1n << 64n) - 64n + 5n, "wraps like the 64-bit address");
});

Deno.test("delta-class: the train split's frequent deltas are the classes; others are 'other' = no prediction", () => {
  const spec = fitAddressHead("delta-class", TABLE, [0, 1, 2, 3, 4, 5]);
  assert.deepEqual(spec, { name: "delta-class", deltas: ["1", "-3"] }, "1000 is seen once");
  assert.deepEqual(
    fitAddressHead("delta-class", TABLE, [0, 1, 2, 3, 4, 5], { deltaClasses: 1 }),
    { name: "delta-class", deltas: ["1"] },
  );
  const head = createAddressHead(spec);
  assert.equal(head.width, 3);
  assert.equal(head.loss, "softmax");
  assert.deepEqual(target(head, 0), [1, 0, 0]);
  assert.deepEqual(target(head, 3), [0, 1, 0], "a negative delta has its class");
  assert.deepEqual(target(head, 5), [0, 0, 1], "a delta outside the vocabulary is 'other'");
  assert.equal(head.decode([0.1, 2, -1], 0, at(BASE + 640n)), BASE + 640n - 192n);
  assert.equal(head.decode([5, 0, 1], 0, at(BASE + 8n)), BASE + 72n);
  assert.equal(head.decode([0, 1, 3], 0, at(BASE)), undefined, "'other' wins: no prediction");
  assert.equal(head.decode([9, 9, 0, 0, 1, 3], 3, at(BASE)), undefined, "reads its own row");
});

Deno.test("delta-value-class: rules from the current line or from the loaded pointer's line", () => {
  const P = 0x5555_0000_0000n;
  // A pointer chase: each next address is the value just read plus 16 bytes (its line's rule v+0);
  // two accesses one line ahead (a+1); one seen once.
  const chase = instances([
    [BASE, P + 16n, P],
    [P + 16n, P + 4096n + 16n, P + 4096n],
    [P + 4096n + 16n, P + 640n + 16n, P + 640n],
    [BASE + 8n, BASE + 72n, 7n],
    [BASE + 200n, BASE + 264n, 1n],
    [BASE, BASE + 64000n, 2n],
  ]);
  const spec = fitAddressHead("delta-value-class", chase, [0, 1, 2, 3, 4, 5]);
  assert.deepEqual(spec, { name: "delta-value-class", rules: ["v+0", "a+1"] });
  const head = createAddressHead(spec);
  const row = (i: number) => {
    const out = new Float64Array(head.width);
    head.addTarget(chase, i, out, 0);
    return Array.from(out);
  };
  assert.deepEqual(row(1), [1, 0, 0], "the chase follows the value");
  assert.deepEqual(row(3), [0, 1, 0], "a stride follows the current line");
  assert.deepEqual(row(5), [0, 0, 1], "neither rule is frequent: other");
  assert.equal(head.decode([3, 0, 0], 0, { current: BASE, value: P + 40n }), P + 40n);
  assert.equal(head.decode([0, 3, 0], 0, { current: BASE + 8n, value: 9n }), BASE + 72n);
  assert.equal(head.decode([0, 0, 3], 0, { current: BASE, value: P }), undefined);
});

Deno.test("delta-bits: the line delta's bits in two's complement; decoding adds them to the current line", () => {
  const head = createAddressHead(fitAddressHead("delta-bits", TABLE, [0]));
  assert.equal(head.width, LINE_BITS);
  assert.equal(head.loss, "bce");
  const one = target(head, 0);
  assert.deepEqual(one.slice(0, 2), [1, 0]);
  assert.equal(one.reduce((a, b) => a + b, 0), 1);
  const minus3 = target(head, 3);
  // -3 = ...11101 in two's complement over 58 bits.
  assert.deepEqual(minus3.slice(0, 3), [1, 0, 1]);
  assert.ok(minus3.slice(3).every((b) => b === 1), "sign bits set");
  const logits = minus3.map((b) => (b ? 4 : -4));
  assert.equal(head.decode(logits, 0, at(BASE + 640n)), BASE + 640n - 192n);
  assert.equal(head.decode(new Array(LINE_BITS).fill(-1), 0, at(BASE + 9n)), BASE + 9n, "delta 0");
});

Deno.test("absolute: the 64 bits of the next address, as the paper's head", () => {
  const head = createAddressHead(fitAddressHead("absolute", TABLE, [0]));
  assert.equal(head.width, 64);
  const bits = target(head, 2);
  const next = BASE + 4096n + 64n + 43n;
  bits.forEach((b, j) => assert.equal(b, Number((next >> BigInt(j)) & 1n), `bit ${j}`));
  assert.equal(head.decode(bits.map((b) => b - 0.5), 0, at(0n)), next);
});

Deno.test("metrics: accuracy over predictions, coverage, and line accuracy over all instances", () => {
  const p: Predictions = {
    instance: Uint32Array.of(0, 1, 2, 3),
    task: Uint8Array.of(1, 1, 1, 1),
    takenProbability: new Float32Array(4).fill(NaN),
    predicted: Uint8Array.of(1, 1, 1, 0),
    address: BigUint64Array.of(1n, 2n, 3n, 0n),
    correct: Uint8Array.of(1, 0, 0, 0),
    lineCorrect: Uint8Array.of(1, 1, 0, 0),
  };
  assert.deepEqual(metricsOf(p).address, {
    count: 4,
    predictions: 3,
    coverage: 0.75,
    accuracy: 2 / 3,
    lineAccuracy: 0.5,
    exactAccuracy: 0.25,
  });
});
