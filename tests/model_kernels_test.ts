import assert from "node:assert/strict";
import { initBackend, tf } from "../lib/model/backend.ts";
import { gruCell, matMul2d, sparseGather, SparseMap, sparseSum } from "../lib/model/kernels.ts";
import { Planner } from "../lib/model/batch.ts";
import { initParams, propagate } from "../lib/model/ggnn.ts";
import { BRANCH_HEAD } from "../lib/model/heads.ts";
import { Rng } from "../lib/common/random.ts";
import { syntheticDataset } from "../lib/model/synthetic.ts";
import { createEncoding } from "../lib/graph/encode.ts";

await initBackend();

function random(rng: Rng, shape: number[], scale = 1): tf.Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  return tf.tensor(Float32Array.from({ length: n }, () => rng.normal() * scale), shape);
}

/**
 * Checks the gradient of `f` (inputs -> tensor) against central finite
 * differences along a random direction, for every input; the scalar checked
 * is sum(f(x) * R) with a fixed random R.
 */
function checkGradients(
  name: string,
  f: (...xs: tf.Tensor[]) => tf.Tensor,
  inputs: tf.Tensor[],
  seed = 1,
): void {
  const rng = new Rng(`${seed}/${name}`);
  const out = f(...inputs);
  const weights = random(rng, out.shape);
  const loss = (...xs: tf.Tensor[]) => tf.sum(tf.mul(f(...xs), weights)) as tf.Scalar;
  const grads = tf.grads(loss)(inputs);
  inputs.forEach((x, i) => {
    const v = random(rng, x.shape);
    const analytic = tf.sum(tf.mul(grads[i], v)).dataSync()[0];
    const eps = 1e-2;
    const shifted = (sign: number) =>
      loss(...inputs.map((y, j) => (j === i ? tf.add(y, tf.mul(v, sign * eps)) : y))).dataSync()[0];
    const numeric = (shifted(1) - shifted(-1)) / (2 * eps);
    const error = Math.abs(analytic - numeric) / Math.max(1, Math.abs(numeric));
    assert.ok(
      error < 2e-2,
      `${name}: input ${i} gradient ${analytic} vs finite difference ${numeric}`,
    );
  });
}

Deno.test("sparseSum gathers, scatters and sums rows as its maps say", () => {
  const x = tf.tensor2d([[1, 2], [3, 4], [5, 6]]);
  const gather = new SparseMap(2, 3, Int32Array.from([0, 2, 3]), Int32Array.from([0, 2, 1]));
  assert.deepEqual(Array.from(sparseSum([x], [gather]).dataSync()), [6, 8, 3, 4]);
  const scatter = SparseMap.fromTargets(Int32Array.from([1, -1, 1]), 2);
  assert.deepEqual(Array.from(sparseSum([x], [scatter]).dataSync()), [0, 0, 6, 8]);
  const prefix = SparseMap.prefix(2, 3);
  const y = tf.tensor2d([[10, 20]]);
  const broadcast = SparseMap.fromSources(Int32Array.from([0, -1]), 1);
  assert.deepEqual(Array.from(sparseSum([x, y], [prefix, broadcast]).dataSync()), [11, 22, 3, 4]);
  assert.deepEqual(Array.from(gather.transpose().transpose().col), Array.from(gather.col));
});

Deno.test("sparseSum gradient matches finite differences", () => {
  const rng = new Rng("2/maps");
  const a = new SparseMap(
    5,
    4,
    Int32Array.from([0, 2, 2, 5, 6, 7]),
    Int32Array.from([0, 3, 1, 1, 2, 3, 0]),
  );
  const b = SparseMap.fromTargets(Int32Array.from([4, 0, 0]), 5);
  checkGradients("sparseSum", (x, y) => sparseSum([x as tf.Tensor2D, y as tf.Tensor2D], [a, b]), [
    random(rng, [4, 3]),
    random(rng, [3, 3]),
  ]);
});

Deno.test("gruCell matches PyTorch GRUCell formulas and its gradient matches finite differences", () => {
  const rng = new Rng("3/gru");
  const [R, H] = [5, 4];
  const inputs = [
    random(rng, [R, 3 * H]),
    random(rng, [R, 3 * H]),
    random(rng, [R, H]),
    random(rng, [3 * H]),
    random(rng, [3 * H]),
  ];
  const cell = (gx: tf.Tensor, gh: tf.Tensor, h: tf.Tensor, bx: tf.Tensor, bh: tf.Tensor) =>
    gruCell(
      gx as tf.Tensor2D,
      gh as tf.Tensor2D,
      h as tf.Tensor2D,
      bx as tf.Tensor1D,
      bh as tf.Tensor1D,
    );
  // Reference with plain tfjs ops.
  const [gx, gh, h, bx, bh] = inputs;
  const ax = tf.add(gx, bx), ah = tf.add(gh, bh);
  const [xr, xz, xn] = tf.split(ax, 3, 1), [hr, hz, hn] = tf.split(ah, 3, 1);
  const r = tf.sigmoid(tf.add(xr, hr)), z = tf.sigmoid(tf.add(xz, hz));
  const n = tf.tanh(tf.add(xn, tf.mul(r, hn)));
  const expected = tf.add(tf.mul(tf.sub(1, z), n), tf.mul(z, h)).dataSync();
  const actual = cell(gx, gh, h, bx, bh).dataSync();
  actual.forEach((v, i) =>
    assert.ok(Math.abs(v - expected[i]) < 1e-5, `element ${i}: ${v} vs ${expected[i]}`)
  );
  checkGradients("gruCell", cell as (...xs: tf.Tensor[]) => tf.Tensor, inputs);
});

Deno.test("sparseGather equals one sparseSum per map, and its gradient adds them back", () => {
  const rng = new Rng("5/gather");
  const x = random(rng, [5, 3]) as tf.Tensor2D;
  const maps = [
    new SparseMap(2, 5, Int32Array.from([0, 2, 3]), Int32Array.from([0, 4, 1])),
    SparseMap.fromSources(Int32Array.from([3, -1, 3, 2]), 5),
  ];
  const outs = sparseGather(x, maps);
  outs.forEach((out, j) =>
    assert.deepEqual(Array.from(out.dataSync()), Array.from(sparseSum([x], [maps[j]]).dataSync()))
  );
  checkGradients("sparseGather", (y) => {
    const [a, b] = sparseGather(y as tf.Tensor2D, maps);
    return tf.concat([tf.sum(a, 0, true), tf.sum(tf.mul(b, b), 0, true)]);
  }, [x]);
});

Deno.test("matMul2d equals matMul and its gradient matches finite differences", () => {
  const rng = new Rng("4/mm");
  const a = random(rng, [6, 5]) as tf.Tensor2D, b = random(rng, [5, 3]) as tf.Tensor2D;
  assert.deepEqual(Array.from(matMul2d(a, b).dataSync()), Array.from(tf.matMul(a, b).dataSync()));
  checkGradients("matMul2d", (x, y) => matMul2d(x as tf.Tensor2D, y as tf.Tensor2D), [a, b]);
});

Deno.test("one GGNN propagation step: gradients of every weight match finite differences", () => {
  const ds = syntheticDataset({
    task: "branch",
    topologies: 2,
    instances: 3,
    minNodes: 12,
    maxNodes: 16,
    seed: 5,
  });
  const planner = new Planner(ds, {
    steps: 1,
    prune: false,
    hideValues: false,
    tokens: {
      ids: Int32Array.from(ds.vocabulary, (_, k) => k),
      unknown: ds.vocabulary.length,
      rows: ds.vocabulary.length + 1,
    },
    encoding: createEncoding({ name: "binary" }),
    heads: [BRANCH_HEAD, undefined],
  });
  const plan = planner.plan([{ topology: 0, instances: [0, 1, 2] }, {
    topology: 1,
    instances: [3, 4],
  }]);
  const params = initParams({
    hidden: 6,
    steps: 1,
    messageTypes: 2 * ds.edgeTypes.length,
    encodingWidth: 64,
    tokenRows: ds.vocabulary.length + 1,
    heads: { branch: 1 },
  }, 7);
  // The weights this plan uses: value and token embeddings, two message types, the GRU.
  const used = ["embed/w", "embed/b", "embed/tokens", "gru/wx", "gru/wh", "gru/bx", "gru/bh"];
  const names = [...used, ...plan.steps[0].types.slice(0, 2).map((m) => `message/w${m}`)];
  checkGradients("ggnn step", (...xs) => {
    const local = new Map(params);
    names.forEach((n, i) => local.set(n, xs[i] as tf.Variable));
    return propagate(local, plan).final;
  }, names.map((n) => params.get(n)!.clone()));
});
