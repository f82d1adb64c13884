/**
 * End-to-end training of the GNN on program labels (`lib/algorithms/end_to_end.ts`):
 * on synthetic graphs whose class is their topology, training from fresh
 * weights lowers the loss, changes the GNN's own weights (not only the head),
 * and names held-out programs of the same topologies.
 */
import assert from "node:assert/strict";
import {
  disposeEndToEnd,
  endToEndProbabilities,
  trainEndToEnd,
} from "../lib/algorithms/end_to_end.ts";
import { DEFAULT_SPEC, initBackend, NcfModel } from "../lib/model/mod.ts";
import { syntheticDataset } from "../lib/model/synthetic.ts";
import { EDGE_TYPES } from "../lib/graph/static.ts";

Deno.test({
  name: "end to end: a GNN trained from scratch learns program classes",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    await initBackend();
    const dataset = syntheticDataset({
      task: "branch",
      topologies: 4,
      instances: 48,
      minNodes: 20,
      maxNodes: 60,
      seed: 3,
    });
    // A program = 4 instances of one topology; its class = topology parity.
    const programs: number[][] = [], labels: string[] = [];
    const byTopology = new Map<number, number[]>();
    for (let i = 0; i < dataset.instances.count; i++) {
      const t = dataset.instances.topology[i];
      byTopology.set(t, [...(byTopology.get(t) ?? []), i]);
    }
    for (const [t, list] of byTopology) {
      for (let s = 0; s + 4 <= list.length; s += 4) {
        programs.push(list.slice(s, s + 4));
        labels.push(t % 2 === 0 ? "even" : "odd");
      }
    }
    const test = programs.map((_, k) => k).filter((k) => k % 4 === 0);
    const train = programs.map((_, k) => k).filter((k) => k % 4 !== 0);
    const model = NcfModel.create({
      task: "branch",
      staticOnly: false,
      encoding: { name: DEFAULT_SPEC.encoding },
      hidden: 16,
      steps: 2,
      tokens: false,
      edgeTypes: [...EDGE_TYPES],
      vocabulary: [],
    }, 1);
    const before = model.params.get("gru/wx")!.dataSync().slice();
    const trained = trainEndToEnd(
      model,
      dataset,
      train.map((k) => programs[k]),
      train.map((k) => labels[k]),
      { epochs: 20, programsPerStep: 8, instancesPerStep: 4, lr: 1e-2, seed: 1 },
    );
    try {
      assert.deepEqual(trained.classes, ["even", "odd"]);
      assert.ok(
        trained.losses.at(-1)! < trained.losses[0],
        `loss did not fall: ${trained.losses.map((l) => l.toFixed(3))}`,
      );
      const after = model.params.get("gru/wx")!.dataSync();
      assert.ok(after.some((v, j) => v !== before[j]), "the GNN's weights did not change");
      const probs = endToEndProbabilities(trained, dataset, test.map((k) => programs[k]));
      for (const p of probs) assert.ok(Math.abs(p.reduce((a, b) => a + b, 0) - 1) < 1e-9);
      const right = probs.filter((p, j) =>
        trained.classes[p[0] > p[1] ? 0 : 1] === labels[test[j]]
      ).length;
      assert.ok(right / test.length >= 0.9, `held-out accuracy ${right}/${test.length}`);
    } finally {
      disposeEndToEnd(trained);
    }
  },
});
