import assert from "node:assert/strict";
import { join } from "node:path";
import { UserError } from "../lib/common/mod.ts";
import {
  accuracy,
  type AlgorithmManifest,
  ALGORITHMS_DIR,
  buildCorpus,
  checksumOf,
  classesOf,
  compileProgram,
  formatInput,
  generateInput,
  GENERATORS,
  type InputData,
  isCodeOf,
  loadIndex,
  loadManifest,
  mix,
  type OpcodeCounts,
  parseManifest,
  predict,
  predictSoftmax,
  referenceChecksum,
  splitByCompiler,
  splitByImplementation,
  trainBagOfOpcodes,
  trainSoftmax,
} from "../lib/algorithms/mod.ts";
import { summarizeTrace } from "../lib/trace/mod.ts";

/** Small inputs per generator, so that 48 programs run in a few seconds. */
const SMALL_PARAMS: Record<string, Record<string, number>> = {
  array: { n: 300, max: 1000 },
  search: { n: 200, queries: 300, maxGap: 4 },
  graph: { n: 60, m: 150, maxWeight: 100, sources: 3 },
  text: { length: 2000, alphabet: 2, patternLength: 6 },
  sequences: { lengthA: 60, lengthB: 50, alphabet: 4 },
  matrices: { n: 20, max: 100 },
};

async function withTempDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "ncf-algorithms-" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

function smallInput(manifest: AlgorithmManifest, kind: string, index = 0): InputData {
  const generator = manifest.inputs[kind].generator;
  return generateInput({
    seed: "test",
    kind,
    generator,
    index,
    params: SMALL_PARAMS[generator],
  });
}

Deno.test("manifest: >= 10 classes of >= 4 implementations, unique names, sources exist", async () => {
  const manifest = await loadManifest();
  const classes = classesOf(manifest);
  assert.ok(classes.length >= 10, `${classes.length} classes`);
  for (const cls of classes) {
    const impls = manifest.programs.filter((p) => p.class === cls).map((p) => p.implementation);
    assert.ok(impls.length >= 4, `${cls} has ${impls.length} implementations`);
    assert.equal(new Set(impls).size, impls.length, `${cls} repeats an implementation name`);
  }
  for (const p of manifest.programs) {
    const st = await Deno.stat(join(ALGORITHMS_DIR, p.source));
    assert.ok(st.isFile, p.source);
    const source = await Deno.readTextFile(join(ALGORITHMS_DIR, p.source));
    assert.match(source, new RegExp(`ALGORITHM [^(]*\\b${p.functions[0]}\\(`), p.source);
    for (const f of p.functions) {
      assert.match(source, new RegExp(`\\b${f}\\(`), `${p.source}: ${f}`);
    }
  }
  assert.ok(manifest.inputsPerScale.full >= 3);
});

Deno.test("manifest: a bad entry is a UserError naming it", async () => {
  const json = JSON.parse(await Deno.readTextFile(join(ALGORITHMS_DIR, "manifest.json")));
  const wrongKind = structuredClone(json);
  wrongKind.programs[0].input = "nowhere";
  assert.throws(
    () => parseManifest(wrongKind),
    (e) => e instanceof UserError && /programs\[0\]\.input/.test(e.message),
  );
  const noReference = structuredClone(json);
  noReference.programs[0].class = "bogo_sort";
  assert.throws(
    () => parseManifest(noReference),
    (e) => e instanceof UserError && /reference/.test(e.message),
  );
  const twice = structuredClone(json);
  twice.programs.push(twice.programs[0]);
  assert.throws(
    () => parseManifest(twice),
    (e) => e instanceof UserError && /twice/.test(e.message),
  );
});

Deno.test("inputs: deterministic per seed and index, and the references agree with brute force", () => {
  for (const name of Object.keys(GENERATORS) as (keyof typeof GENERATORS)[]) {
    const make = (index: number) =>
      formatInput(
        generateInput({
          seed: "s",
          kind: name,
          generator: name,
          index,
          params: SMALL_PARAMS[name],
        }),
      );
    assert.equal(make(0), make(0), name);
    assert.notEqual(make(0), make(1), name);
  }
  const array = { kind: "array", values: [3, 1, 2] } as InputData;
  assert.equal(referenceChecksum("quick_sort", array), checksumOf([1, 2, 3]));
  const graph = {
    kind: "graph",
    n: 4,
    edges: [[0, 2, 5], [0, 3, 1], [1, 2, 1]],
    sources: [0, 1],
  } as InputData;
  assert.equal(referenceChecksum("dfs", graph), checksumOf([0, 2, 1, 3, 1, 2, 0, 3]));
  assert.equal(referenceChecksum("bfs", graph), checksumOf([0, 2, 1, 1, 2, 0, 1, 3]));
  assert.equal(referenceChecksum("dijkstra", graph), checksumOf([0, 6, 5, 1, 6, 0, 1, 7]));
  const text: InputData = { kind: "text", text: "abaababa", pattern: "aba" };
  assert.equal(referenceChecksum("kmp", text), mix(checksumOf([0, 3, 5]), 3));
});

// Every implementation (all of them, none sampled) with gcc-12 -O2 on one small input.
Deno.test("every implementation compiles with gcc-12 -O2 and prints the reference checksum", async () => {
  const manifest = await loadManifest();
  await withTempDir(async (dir) => {
    const inputs = new Map<string, { path: string; data: InputData }>();
    for (const kind of Object.keys(manifest.inputs)) {
      const data = smallInput(manifest, kind);
      const path = join(dir, `${kind}.txt`);
      await Deno.writeTextFile(path, formatInput(data));
      inputs.set(kind, { path, data });
    }
    const wrong: string[] = [];
    for (const program of manifest.programs) {
      const { binary } = await compileProgram({ program, compiler: "gcc", opt: "O2" }, { dir });
      const input = inputs.get(program.input)!;
      const run = await new Deno.Command(binary, { args: [input.path], stderr: "piped" }).output();
      const printed = new TextDecoder().decode(run.stdout).trim();
      const expected = String(referenceChecksum(program.class, input.data));
      if (!run.success || printed !== expected) {
        wrong.push(`${program.class}/${program.implementation}: "${printed}" != ${expected}`);
      }
    }
    assert.deepEqual(wrong, []);
  });
});

const ITEMS = ["gcc", "clang"].flatMap((compiler) =>
  ["sort", "search", "graph"].flatMap((cls) =>
    ["a", "b", "c", "d"].map((implementation) => ({ class: cls, implementation, compiler }))
  )
);

Deno.test("split by implementation: test implementations never appear in training", () => {
  for (const seed of [1, 2, 3, 4]) {
    const split = splitByImplementation(ITEMS, { seed });
    const trainImpls = new Set(split.train.map((i) => `${i.class}/${i.implementation}`));
    for (const item of split.test) {
      assert.ok(!trainImpls.has(`${item.class}/${item.implementation}`));
    }
    assert.equal(split.train.length + split.test.length, ITEMS.length);
    for (const cls of ["sort", "search", "graph"]) {
      assert.equal(split.heldOut[cls].length, 1);
      // Both compilers of a held-out implementation are tested.
      assert.equal(split.test.filter((i) => i.class === cls).length, 2);
    }
  }
  assert.deepEqual(
    splitByImplementation(ITEMS, { seed: 7 }).heldOut,
    splitByImplementation([...ITEMS].reverse(), { seed: 7 }).heldOut,
  );
  assert.throws(() => splitByImplementation(ITEMS, { testPerClass: 4 }), UserError);
});

Deno.test("split by compiler: train gcc, test clang", () => {
  const split = splitByCompiler(ITEMS);
  assert.ok(split.train.length > 0 && split.train.every((i) => i.compiler === "gcc"));
  assert.ok(split.test.length > 0 && split.test.every((i) => i.compiler === "clang"));
});

Deno.test("softmax regression separates a separable toy problem", () => {
  const x: number[][] = [];
  const y: string[] = [];
  for (let i = 0; i < 30; i++) {
    const t = i / 30;
    x.push([1 + t, 0.1 * t], [0.1 * t, 1 + t], [-1 - t, -1 + 0.1 * t]);
    y.push("east", "north", "south-west");
  }
  const model = trainSoftmax(x, y, { epochs: 300, seed: 3 });
  assert.equal(accuracy(x.map((v) => predictSoftmax(model, v)), y), 1);
  assert.equal(predictSoftmax(model, [5, 0]), "east");
  assert.equal(predictSoftmax(model, [0, 5]), "north");
});

Deno.test("bag of opcodes learns which opcodes mark a class", () => {
  const doc = (pairs: [string, number][]): OpcodeCounts => new Map(pairs);
  const samples = [];
  for (let i = 1; i <= 10; i++) {
    samples.push({ label: "loopy", counts: doc([["mov", 10 + i], ["cmp", 5], ["jle", 4 + i]]) });
    samples.push({ label: "mathy", counts: doc([["mov", 10 + i], ["imul", 6 + i], ["add", 8]]) });
  }
  const model = trainBagOfOpcodes(samples, { epochs: 300 });
  assert.equal(predict(model, doc([["mov", 3], ["jle", 9], ["cmp", 2]])), "loopy");
  assert.equal(predict(model, doc([["mov", 3], ["imul", 9], ["shl", 1]])), "mathy");
  assert.ok(isCodeOf("merge.constprop.0", "merge") && !isCodeOf("merge_sort", "merge"));
});

Deno.test("corpus: one binary compiled, traced on a tiny input, indexed; a re-run reuses it", async () => {
  const full = await loadManifest();
  const program = full.programs.find((p) => p.class === "insertion_sort")!;
  const manifest: AlgorithmManifest = {
    seed: "test",
    inputsPerScale: { small: 1, full: 1 },
    inputs: { [program.input]: { ...full.inputs[program.input], params: { n: 50, max: 100 } } },
    programs: [program],
  };
  await withTempDir(async (dir) => {
    const options = {
      manifest,
      compilers: ["gcc" as const],
      opts: ["O1" as const],
      buildDir: join(dir, "build"),
      inputsDir: join(dir, "inputs"),
      tracesDir: join(dir, "traces"),
      indexPath: join(dir, "index.json"),
      disasmCacheDir: join(dir, "disasm"),
      quiet: true,
    };
    const index = await buildCorpus(options);
    assert.equal(index.binaries.length, 1);
    assert.equal(index.entries.length, 1);
    const entry = index.entries[0];
    assert.equal(entry.class, "insertion_sort");
    assert.equal(entry.compiler, "gcc");
    assert.ok(entry.symbols.some((s) => s.name === program.functions[0]));
    const info = await summarizeTrace(entry.trace);
    assert.ok(info.instructions > 0 && info.branches > 0 && info.snapshots > 0);
    assert.equal(info.instructions, entry.instructions);
    assert.deepEqual(await loadIndex(options.indexPath), index);

    const before = (await Deno.stat(entry.trace)).mtime;
    const again = await buildCorpus(options);
    assert.deepEqual(again.entries, index.entries);
    assert.deepEqual((await Deno.stat(entry.trace)).mtime, before);
  });
});
