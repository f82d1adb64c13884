import assert from "node:assert/strict";
import { join } from "node:path";
import { UserError } from "../lib/common/mod.ts";
import { saveDataset } from "../lib/graph/dataset.ts";
import { type Dataset, splitIndices, TASK_BRANCH, type TaskName } from "../lib/graph/types.ts";
import { initBackend, tf } from "../lib/model/backend.ts";
import { headLogits, propagate } from "../lib/model/ggnn.ts";
import { type ModelConfig, NcfModel } from "../lib/model/model.ts";
import { syntheticDataset } from "../lib/model/synthetic.ts";
import { type EpochRecord, loadModel } from "../lib/model/store.ts";
import { DEFAULT_SPEC, DEFAULT_TRAIN_OPTIONS, epochBatches, train } from "../lib/model/train.ts";

await initBackend();
const quiet = { quiet: true };
const DENO = join(import.meta.dirname!, "..", ".tools", "node_modules", ".bin", "deno");

/** A small model config for `ds` (H = 16, binary values, tokens of the whole vocabulary). */
function smallConfig(ds: Dataset, config: Partial<ModelConfig> & Pick<ModelConfig, "task">) {
  return {
    staticOnly: false,
    encoding: { name: "binary" as const },
    hidden: 16,
    steps: 2,
    tokens: true,
    vocabulary: [...ds.vocabulary].sort(),
    edgeTypes: ds.edgeTypes,
    ...config,
  };
}

Deno.test("pruned and merged batches give exactly the logits of the full computation", () => {
  const ds = syntheticDataset({
    task: "multi",
    topologies: 4,
    instances: 6,
    minNodes: 20,
    maxNodes: 120,
    seed: 2,
  });
  // Duplicate values: instance 1 of each topology copies instance 0 (then they are merged).
  for (let t = 0; t < 4; t++) {
    const a = t * 6, b = a + 1, n = ds.topologies[t].valueNodes.length;
    ds.instances.values.copyWithin(
      ds.instances.valueStart[b],
      ds.instances.valueStart[a],
      ds.instances.valueStart[a] + n,
    );
  }
  const model = NcfModel.create(
    smallConfig(ds, { task: "multi", steps: 3, addressHead: { name: "absolute" } }),
    3,
  );
  const groups = [0, 1, 2, 3].map((t) => ({
    topology: t,
    instances: [0, 1, 2, 3, 4, 5].map((k) => t * 6 + k),
  }));
  const logitsOf = (kind: "pruned" | "full") => {
    const plan = model.planner(ds, kind).plan(groups);
    const states = propagate(model.params, plan);
    const out = new Map<number, number[]>();
    plan.tasks.forEach((ex, task) => {
      if (ex.count === 0) return;
      const logits = headLogits(
        model.params,
        task === TASK_BRANCH ? "branch" : "address",
        states,
        ex,
      );
      const width = logits.shape[1];
      const data = logits.dataSync();
      ex.members.forEach((ms, r) =>
        ms.forEach((i) => out.set(i, Array.from(data.subarray(r * width, (r + 1) * width))))
      );
    });
    return { out, rows: plan.rows, merged: plan.tasks[0].count + plan.tasks[1].count };
  };
  const pruned = logitsOf("pruned"), full = logitsOf("full");
  assert.equal(pruned.merged, 20, "4 duplicated instances merged");
  assert.ok(pruned.rows[1] < full.rows[1], "pruning updates fewer rows");
  assert.equal(full.out.size, 24);
  for (const [i, expected] of full.out) {
    pruned.out.get(i)!.forEach((v, j) =>
      assert.ok(Math.abs(v - expected[j]) < 1e-4, `instance ${i} logit ${j}`)
    );
  }
});

Deno.test("fused model learns a branch rule from a value 2 hops away; static-only stays at the base rate", async () => {
  const ds = syntheticDataset({
    task: "branch",
    topologies: 12,
    instances: 200,
    minNodes: 20,
    maxNodes: 60,
    seed: 3,
  });
  const test = splitIndices(ds, "test");
  let taken = 0;
  for (const i of test) taken += Number(ds.instances.label[i]);
  const baseRate = Math.max(taken, test.length - taken) / test.length;
  const options = { ...DEFAULT_TRAIN_OPTIONS, epochs: 10, lr: 3e-3, patience: 3 };
  const spec = { ...DEFAULT_SPEC, task: "branch" as const, hidden: 32 };
  const fused = await train(ds, spec, options, await Deno.makeTempDir(), quiet);
  const fusedAccuracy = fused.model.evaluate(ds, test).branch!.accuracy;
  assert.ok(fusedAccuracy > 0.95, `fused accuracy ${fusedAccuracy}`);
  const statik = await train(
    ds,
    { ...spec, staticOnly: true },
    options,
    await Deno.makeTempDir(),
    quiet,
  );
  const staticAccuracy = statik.model.evaluate(ds, test).branch!.accuracy;
  assert.ok(
    Math.abs(staticAccuracy - baseRate) < 0.08,
    `static-only ${staticAccuracy}, base rate ${baseRate}`,
  );
});

Deno.test("fused model learns next address = address + 64 at cache-line granularity", async () => {
  const ds = syntheticDataset({
    task: "address",
    topologies: 6,
    instances: 300,
    minNodes: 20,
    maxNodes: 40,
    seed: 4,
  });
  const result = await train(
    ds,
    { ...DEFAULT_SPEC, task: "address" },
    { ...DEFAULT_TRAIN_OPTIONS, epochs: 25, lr: 1e-2, patience: 5 },
    await Deno.makeTempDir(),
    quiet,
  );
  const metrics = result.model.evaluate(ds, splitIndices(ds, "test")).address!;
  assert.ok(metrics.lineAccuracy > 0.9, `line accuracy ${metrics.lineAccuracy}`);
});

Deno.test("an interrupted and resumed run ends exactly like an uninterrupted one", async () => {
  const ds = syntheticDataset({
    task: "multi",
    topologies: 6,
    instances: 60,
    minNodes: 20,
    maxNodes: 50,
    seed: 5,
  });
  const spec = { ...DEFAULT_SPEC, task: "multi" as const, hidden: 16, steps: 2 };
  const options = { ...DEFAULT_TRAIN_OPTIONS, epochs: 3, batch: 32, group: 8 };
  const whole = await train(ds, spec, options, await Deno.makeTempDir(), quiet);
  const dir = await Deno.makeTempDir();
  const first = await train(ds, spec, options, dir, { ...quiet, stopAfterBatches: 5 });
  assert.equal(first.finished, false);
  const second = await train(ds, spec, options, dir, { ...quiet, stopAfterBatches: 3 });
  assert.equal(second.resumed, true);
  const rest = await train(ds, spec, options, dir, quiet);
  assert.equal(rest.finished, true);
  assert.deepEqual(
    rest.history.map((h) => ({ ...h, seconds: 0 })),
    whole.history.map((h) => ({ ...h, seconds: 0 })),
  );
  assert.deepEqual(rest.bestEpochs, whole.bestEpochs);
  const test = splitIndices(ds, "test");
  const a = whole.model.predict(ds, test), b = (await loadModel(dir)).predict(ds, test);
  assert.deepEqual(Array.from(b.takenProbability), Array.from(a.takenProbability));
  assert.deepEqual(Array.from(b.address), Array.from(a.address));
  for (const [name, w] of whole.model.params) {
    assert.deepEqual(
      Array.from(rest.model.params.get(name)!.dataSync()),
      Array.from(w.dataSync()),
      name,
    );
  }
  // A different configuration in the same folder is refused.
  await assert.rejects(
    train(ds, { ...spec, hidden: 8 }, options, dir, quiet),
    (e) => e instanceof UserError && /another configuration/.test(e.message),
  );
  // Embeddings: one row of H per instance, identical for identical requests.
  const tensorsBefore = tf.memory().numTensors;
  const emb = rest.model.embed(ds, test.subarray(0, 5));
  assert.equal(emb.length, 5 * 16);
  assert.deepEqual(Array.from(rest.model.embed(ds, test.subarray(0, 5))), Array.from(emb));
  assert.equal(tf.memory().numTensors, tensorsBefore, "inference leaves no tensors behind");
});

Deno.test("training a task the dataset lacks is a user error", async () => {
  const ds = syntheticDataset({ task: "branch", topologies: 2, instances: 10, seed: 6 });
  await assert.rejects(
    train(
      ds,
      { ...DEFAULT_SPEC, task: "address" },
      DEFAULT_TRAIN_OPTIONS,
      await Deno.makeTempDir(),
      quiet,
    ),
    (e) => e instanceof UserError && /no address instances/.test(e.message),
  );
  await assert.rejects(
    loadModel(await Deno.makeTempDir()),
    (e) => e instanceof UserError && /no trained model/.test(e.message),
  );
});

Deno.test("the CLI trains, evaluates and explains bad input", async () => {
  const root = await Deno.makeTempDir();
  const ds = syntheticDataset({
    task: "branch",
    topologies: 3,
    instances: 30,
    minNodes: 20,
    maxNodes: 40,
    seed: 7,
  });
  await saveDataset(join(root, "ds"), ds);
  const run = async (...args: string[]) => {
    const out = await new Deno.Command(DENO, {
      args: ["run", "-A", "lib/model/cli.ts", ...args],
      cwd: join(import.meta.dirname!, ".."),
      stdout: "piped",
      stderr: "piped",
    }).output();
    return {
      code: out.code,
      stdout: new TextDecoder().decode(out.stdout),
      stderr: new TextDecoder().decode(out.stderr),
    };
  };
  const trainBranch = [
    "train",
    "--dataset",
    join(root, "ds"),
    "--task",
    "branch",
    "--out",
    join(root, "m"),
  ];
  const trained = await run(...trainBranch, "--epochs", "1", "--hidden", "8");
  assert.equal(trained.code, 0, trained.stderr);
  const evaluated = await run(
    "evaluate",
    "--model",
    join(root, "m"),
    "--dataset",
    join(root, "ds"),
  );
  assert.equal(evaluated.code, 0, evaluated.stderr);
  const metrics = JSON.parse(evaluated.stdout);
  assert.equal(metrics.branch.count, splitIndices(ds, "test").length);
  const missing = await run(
    "train",
    "--dataset",
    join(root, "nope"),
    "--task",
    "branch",
    "--out",
    join(root, "m2"),
  );
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /error: no dataset at .*\n {2}fix: /);
  const wrong = await run(
    "train",
    "--dataset",
    join(root, "ds"),
    "--task",
    "address",
    "--out",
    join(root, "m3"),
  );
  assert.equal(wrong.code, 2);
  assert.match(wrong.stderr, /no address instances/);
  const help = await run("train", "--help");
  assert.match(help.stdout, /--hidden H +hidden size \(default 64\)/);
  assert.match(help.stdout, /--address-head H[^]*\(default delta-class\)/);

  // --out naming a file, not a folder.
  const file = join(root, "a-file");
  await Deno.writeTextFile(file, "mine");
  const onFile = await run(...trainBranch.slice(0, -1), file);
  assert.equal(onFile.code, 2);
  assert.match(onFile.stderr, /is a file, but training writes a folder/);
  assert.equal(await Deno.readTextFile(file), "mine", "the file is left alone");

  // A damaged checkpoint: a clear error, and --restart really fixes it.
  await Deno.writeTextFile(join(root, "m", "checkpoint.json"), '{"format": "ncf-checkp');
  const damaged = await run(...trainBranch, "--epochs", "2", "--hidden", "8");
  assert.equal(damaged.code, 2, damaged.stderr);
  assert.match(damaged.stderr, /checkpoint\.json is damaged: it is not valid JSON/);
  assert.match(damaged.stderr, /fix: run train again with --restart/);
  assert.doesNotMatch(damaged.stderr, /^\s+at /m, "no stack trace");
  const restarted = await run(...trainBranch, "--epochs", "2", "--hidden", "8", "--restart");
  assert.equal(restarted.code, 0, restarted.stderr);
  assert.equal(JSON.parse(restarted.stdout).resumed, false);
  const record = JSON.parse(await Deno.readTextFile(join(root, "m", "model.json")));
  assert.equal(record.history.length, 2);
});

/** `dataset` with its vocabulary replaced by `names` (token ids remapped through `rename`). */
function withVocabulary(
  dataset: Dataset,
  names: string[],
  rename: (name: string) => string,
): Dataset {
  const id = new Map(names.map((n, k) => [n, k]));
  return {
    ...dataset,
    vocabulary: names,
    topologies: dataset.topologies.map((t) => ({
      ...t,
      token: Int32Array.from(t.token, (k) => (k < 0 ? -1 : id.get(rename(dataset.vocabulary[k]))!)),
    })),
  };
}

Deno.test("a model reads another dataset's tokens by name: another order, unseen tokens as 'unknown'", () => {
  const ds = syntheticDataset({
    task: "branch",
    topologies: 3,
    instances: 8,
    maxNodes: 60,
    seed: 9,
  });
  const model = NcfModel.create(smallConfig(ds, { task: "branch", steps: 2 }), 4);
  // Trained-looking token vectors (fresh ones are zero), the unknown row kept at zero.
  const tokens = model.params.get("embed/tokens")!;
  const rows = tokens.shape[0];
  tokens.assign(
    tf.concat([tf.randomUniform([rows - 1, 16], -1, 1, "float32", 3), tf.zeros([1, 16])]),
  );
  const all = Array.from({ length: ds.instances.count }, (_, i) => i);
  const probabilities = (d: Dataset) => Array.from(model.predict(d, all).takenProbability);
  const base = probabilities(ds);

  const reversed = withVocabulary(ds, [...ds.vocabulary].reverse(), (n) => n);
  assert.deepEqual(probabilities(reversed), base, "same tokens in another order");

  // "cmp" renamed to a token the model never saw, in a bigger vocabulary.
  const renamed = (n: string) => (n === "cmp" ? "cmp.unseen" : n);
  const unseen = withVocabulary(ds, ["zzz", ...ds.vocabulary.map(renamed)], renamed);
  const asUnknown: Dataset = {
    ...ds,
    topologies: ds.topologies.map((t) => ({
      ...t,
      token: Int32Array.from(t.token, (k) => (ds.vocabulary[k] === "cmp" ? -1 : k)),
    })),
  };
  const expected = probabilities(asUnknown);
  assert.deepEqual(probabilities(unseen), expected, "an unseen token reads as 'unknown'");
  assert.notDeepEqual(expected, base, "the token mattered");
});

Deno.test("multi-task: each head keeps its own best epoch; the record has per-task epochs and steps", async () => {
  const ds = syntheticDataset({
    task: "multi",
    topologies: 6,
    instances: 60,
    maxNodes: 50,
    seed: 8,
  });
  const dir = await Deno.makeTempDir();
  const options = {
    ...DEFAULT_TRAIN_OPTIONS,
    epochs: 5,
    patience: 5,
    lr: 3e-3,
    batch: 32,
    group: 8,
  };
  const result = await train(
    ds,
    { ...DEFAULT_SPEC, task: "multi", hidden: 16, steps: 2 },
    options,
    dir,
    quiet,
  );
  const record = JSON.parse(await Deno.readTextFile(join(dir, "model.json")));
  assert.deepEqual(record.bestEpochs, result.bestEpochs);
  const { branch, address } = result.bestEpochs;
  assert.ok(branch !== undefined && address !== undefined, JSON.stringify(result.bestEpochs));
  const perEpoch = epochBatches(ds, [...splitIndices(ds, "train")], options, 0).length;
  record.history.forEach((h: EpochRecord, e: number) => assert.equal(h.steps, perEpoch * (e + 1)));
  // Each task is scored with the weights of its own best epoch.
  const valid = result.model.evaluate(ds, splitIndices(ds, "valid"));
  assert.equal(1 - valid.branch!.accuracy, result.history[branch].valid.branch!.metric);
  assert.equal(valid.address!.lineAccuracy, result.history[address].valid.address!.metric);
  const best = (task: TaskName) =>
    Math.min(...result.history.map((h) => (task === "branch" ? 1 : -1) * h.valid[task]!.metric));
  assert.equal(result.history[branch].valid.branch!.metric, best("branch"));
  assert.equal(-result.history[address].valid.address!.metric, best("address"));
  const loaded = await loadModel(dir);
  assert.deepEqual(
    loaded.evaluate(ds, splitIndices(ds, "test")),
    result.model.evaluate(ds, splitIndices(ds, "test")),
  );
  assert.equal(loaded.weights.size, 2);
});
