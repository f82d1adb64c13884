import assert from "node:assert/strict";
import { join } from "node:path";
import { UserError } from "../lib/common/mod.ts";
import { loadDataset, saveDataset } from "../lib/graph/dataset.ts";
import { instanceAt } from "../lib/graph/types.ts";
import { syntheticDataset } from "../lib/model/synthetic.ts";

Deno.test("a dataset survives save and load unchanged", async () => {
  const ds = syntheticDataset({
    task: "multi",
    topologies: 6,
    instances: 10,
    minNodes: 20,
    maxNodes: 80,
    seed: 1,
  });
  const dir = join(await Deno.makeTempDir(), "ds");
  await saveDataset(dir, ds);
  const back = await loadDataset(dir);
  assert.deepEqual(back.edgeTypes, ds.edgeTypes);
  assert.deepEqual(back.vocabulary, ds.vocabulary);
  assert.deepEqual(back.sources, ds.sources);
  assert.deepEqual(back.meta, JSON.parse(JSON.stringify(ds.meta)));
  assert.equal(back.topologies.length, ds.topologies.length);
  ds.topologies.forEach((t, i) => {
    const u = back.topologies[i];
    for (
      const key of ["nodeKind", "token", "edgeSrc", "edgeDst", "edgeType", "valueNodes"] as const
    ) {
      assert.deepEqual(Array.from(u[key]), Array.from(t[key]), `topology ${i} ${key}`);
    }
    assert.equal(u.taskNode, t.taskNode);
  });
  for (const i of [0, 7, ds.instances.count - 1]) {
    assert.deepEqual(instanceAt(back, i), instanceAt(ds, i));
  }
  // Saving again replaces the dataset in place.
  await saveDataset(dir, ds);
  assert.equal((await loadDataset(dir)).instances.count, ds.instances.count);
});

Deno.test("bad dataset folders give clear user errors", async () => {
  const root = await Deno.makeTempDir();
  await assert.rejects(
    loadDataset(join(root, "missing")),
    (e) => e instanceof UserError && /no dataset/.test(e.message),
  );
  await Deno.writeTextFile(join(root, "notes.txt"), "mine");
  const ds = syntheticDataset({ task: "branch", topologies: 1, instances: 2, seed: 1 });
  await assert.rejects(
    saveDataset(root, ds),
    (e) => e instanceof UserError && /does not hold a dataset/.test(e.message),
  );
  const dir = join(root, "ds");
  await saveDataset(dir, ds);
  await Deno.remove(join(dir, "label.bin"));
  await assert.rejects(
    loadDataset(dir),
    (e) => e instanceof UserError && /incomplete/.test(e.message),
  );
});

Deno.test("a manifest without columns, or of an older version, is a user error naming the fix", async () => {
  const dir = join(await Deno.makeTempDir(), "ds");
  await saveDataset(
    dir,
    syntheticDataset({ task: "branch", topologies: 1, instances: 2, seed: 1 }),
  );
  const manifest = JSON.parse(await Deno.readTextFile(join(dir, "manifest.json")));
  const write = (m: unknown) => Deno.writeTextFile(join(dir, "manifest.json"), JSON.stringify(m));
  await write({ ...manifest, columns: undefined });
  await assert.rejects(
    loadDataset(dir),
    (e) => e instanceof UserError && /has no columns/.test(e.message) && /rebuild/.test(e.fix),
  );
  const { hasPrevious: _, ...older } = manifest.columns;
  await write({ ...manifest, columns: older });
  await assert.rejects(
    loadDataset(dir),
    (e) => e instanceof UserError && /lists no column hasPrevious/.test(e.message),
  );
  await write({ ...manifest, version: 1 });
  await assert.rejects(
    loadDataset(dir),
    (e) =>
      e instanceof UserError && /version 1.*built by older code/.test(e.message) &&
      /deno task dataset/.test(e.fix),
  );
  await write(null);
  await assert.rejects(
    loadDataset(dir),
    (e) => e instanceof UserError && /does not hold/.test(e.message),
  );
});
