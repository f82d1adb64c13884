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
  mapConcurrently,
  mix,
  type OpcodeCounts,
  parseManifest,
  predict,
  predictSoftmax,
  referenceChecksum,
  seedArguments,
  seededInput,
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

Deno.test("manifest: >= 10 classes of >= 8 implementations in several styles, sources exist", async () => {
  const manifest = await loadManifest();
  const classes = classesOf(manifest);
  assert.ok(classes.length >= 10, `${classes.length} classes`);
  const usesCommon = new Map<string, boolean>();
  for (const p of manifest.programs) {
    const st = await Deno.stat(join(ALGORITHMS_DIR, p.source));
    assert.ok(st.isFile, p.source);
    const source = await Deno.readTextFile(join(ALGORITHMS_DIR, p.source));
    usesCommon.set(p.source, source.includes('#include "../common.h"'));
    // The entry point exists at every level: marked noinline (ALGORITHM in common.h), or main.
    if (p.functions[0] !== "main") {
      const marked = `(ALGORITHM|__attribute__\\(\\(noinline\\)\\))[^(;]*\\b${p.functions[0]}\\(`;
      assert.match(source, new RegExp(marked), p.source);
    }
    for (const f of p.functions) {
      assert.match(source, new RegExp(`\\b${f}\\(`), `${p.source}: ${f}`);
    }
  }
  for (const cls of classes) {
    const programs = manifest.programs.filter((p) => p.class === cls);
    const impls = programs.map((p) => p.implementation);
    assert.ok(impls.length >= 8, `${cls} has ${impls.length} implementations`);
    assert.equal(new Set(impls).size, impls.length, `${cls} repeats an implementation name`);
    assert.deepEqual(
      new Set(programs.map((p) => p.io)),
      new Set(["file", "stdin", "seed"]),
      `${cls}: input from a file, stdin and a seed`,
    );
    assert.ok(programs.some((p) => !usesCommon.get(p.source)), `${cls}: all use common.h`);
    assert.ok(programs.some((p) => p.functions[0] === "main"), `${cls}: none all in main`);
  }
  assert.ok(manifest.inputsPerScale.full >= 3);
  assert.ok(manifest.levelsPerScale.full.length > manifest.levelsPerScale.small.length);
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

Deno.test("inputs: seeded data follows the splitmix64 rules the seeded C programs use", () => {
  // splitmix64's first output from state 0 is 0xe220a8397b1dcdaf.
  const first = seededInput({ generator: "array", seed: 0n, params: { n: 1, max: 2 ** 31 } });
  assert.deepEqual(first, { kind: "array", values: [Number(0xe220a8397b1dcdafn % 2n ** 31n)] });
  const graph = seededInput({ generator: "graph", seed: 5n, params: { n: 30, m: 60 } });
  assert.ok(graph.kind === "graph" && graph.edges.length === 60);
  const keys = graph.edges.map(([u, v]) => u * 30 + v);
  assert.deepEqual(keys, [...keys].sort((a, b) => a - b), "edges in (u, v) order");
  assert.equal(new Set(keys).size, 60, "distinct edges");
  assert.ok(graph.edges.every(([u, v, w]) => u < v && w >= 1 && w <= 100));
  assert.deepEqual(seedArguments("graph", 5n, { n: 30, m: 60 }), ["5", "30", "60", "100", "6"]);
  const search = seededInput({ generator: "search", seed: 9n });
  assert.ok(
    search.kind === "search" && search.keys.every((k, i) => i === 0 || k > search.keys[i - 1]),
  );
  assert.throws(() => seededInput({ generator: "text", seed: 1n, params: { patternLength: 0 } }));
});

// Every implementation (all of them, none sampled) with gcc-12 -O2 on one small input, through
// its own input style (file argument, standard input, or generated from a seed).
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
    const check = async (program: AlgorithmManifest["programs"][number]) => {
      const { binary } = await compileProgram({ program, compiler: "gcc", opt: "O2" }, { dir });
      const generator = manifest.inputs[program.input].generator;
      const seeded = program.io === "seed"
        ? seededInput({ generator, seed: 7n, params: SMALL_PARAMS[generator] })
        : undefined;
      const input = inputs.get(program.input)!;
      const run = await new Deno.Command(binary, {
        args: seeded
          ? seedArguments(generator, 7n, SMALL_PARAMS[generator])
          : program.io === "file"
          ? [input.path]
          : [],
        stdin: program.io === "stdin" ? "piped" : "null",
        stdout: "piped",
        stderr: "piped",
      }).spawn();
      if (program.io === "stdin") {
        const writer = run.stdin.getWriter();
        await writer.write(await Deno.readFile(input.path));
        await writer.close();
      }
      const out = await run.output();
      const printed = new TextDecoder().decode(out.stdout).trim();
      const expected = String(referenceChecksum(program.class, seeded ?? input.data));
      if (!out.success || printed !== expected) {
        wrong.push(`${program.class}/${program.implementation}: "${printed}" != ${expected}`);
      }
    };
    // Two at a time (two cores).
    const queue = [...manifest.programs];
    await Promise.all([0, 1].map(async () => {
      while (queue.length > 0) await check(queue.shift()!);
    }));
    assert.deepEqual(wrong, []);
  });
});

Deno.test("mapConcurrently: results in order, at most `jobs` at a time, no new work after a failure", async () => {
  let running = 0, most = 0;
  const started: number[] = [];
  const work = async (x: number) => {
    started.push(x);
    running++;
    most = Math.max(most, running);
    await new Promise((r) => setTimeout(r, 5 - (x % 3)));
    running--;
    if (x === 3) throw new Error("item 3 failed");
    return 10 * x;
  };
  assert.deepEqual(await mapConcurrently([0, 1, 2, 4], 2, work), [0, 10, 20, 40]);
  assert.equal(most, 2);
  started.length = 0;
  await assert.rejects(mapConcurrently([0, 1, 2, 3, 4, 5, 6, 7], 2, work), /item 3 failed/);
  assert.ok(!started.includes(7), `started after the failure: ${started}`);
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
      assert.equal(split.heldOut[cls].length, 2);
      // Both compilers of a held-out implementation are tested.
      assert.equal(split.test.filter((i) => i.class === cls).length, 4);
    }
  }
  assert.deepEqual(
    splitByImplementation(ITEMS, { seed: 7 }).heldOut,
    splitByImplementation([...ITEMS].reverse(), { seed: 7 }).heldOut,
  );
  assert.throws(() => splitByImplementation(ITEMS, { testPerClass: 4 }), UserError);
  assert.throws(() => splitByImplementation(ITEMS, { seed: 0 }), RangeError);
});

Deno.test("split by implementation: seeds are folds, disjoint until a class runs out", () => {
  const heldOut = (seed: number, testPerClass: number) =>
    splitByImplementation(ITEMS, { seed, testPerClass }).heldOut;
  for (const cls of ["sort", "search", "graph"]) {
    // Four implementations, one per fold: seeds 1-4 test each once, seed 5 is seed 1 again.
    const tested = [1, 2, 3, 4].flatMap((seed) => heldOut(seed, 1)[cls]);
    assert.deepEqual([...tested].sort(), ["a", "b", "c", "d"]);
    assert.deepEqual(heldOut(5, 1)[cls], heldOut(1, 1)[cls]);
    // Two per fold: two folds, which together cover the class.
    assert.deepEqual([...heldOut(1, 2)[cls], ...heldOut(2, 2)[cls]].sort(), ["a", "b", "c", "d"]);
  }
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

Deno.test("corpus: a program per input style compiled, traced on a tiny input, indexed; a re-run reuses it", async () => {
  const full = await loadManifest();
  const sorts = full.programs.filter((p) => p.class === "insertion_sort");
  const programs = (["file", "stdin", "seed"] as const).map((io) =>
    sorts.find((p) => p.io === io)!
  );
  const program = programs[0];
  const manifest: AlgorithmManifest = {
    seed: "test",
    inputsPerScale: { small: 1, full: 1 },
    levelsPerScale: { small: ["O1"], full: ["O1"] },
    inputs: { [program.input]: { ...full.inputs[program.input], params: { n: 50, max: 100 } } },
    programs,
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
    assert.equal(index.binaries.length, 3);
    assert.equal(index.entries.length, 3);
    const [entry, fromStdin, fromSeed] = index.entries;
    assert.equal(entry.class, "insertion_sort");
    assert.equal(entry.compiler, "gcc");
    assert.ok(entry.symbols.some((s) => s.name === program.functions[0]));
    assert.deepEqual(entry.args, [entry.input_path]);
    assert.equal(fromStdin.stdin, fromStdin.input_path);
    assert.deepEqual(fromStdin.args, []);
    assert.equal(fromSeed.input_path, undefined);
    assert.deepEqual(fromSeed.args.slice(1), ["50", "100"]);
    assert.equal(entry.checksum, fromStdin.checksum, "file and stdin read the same data");
    const info = await summarizeTrace(entry.trace);
    assert.ok(info.instructions > 0 && info.branches > 0 && info.snapshots > 0);
    assert.equal(info.instructions, entry.instructions);
    assert.deepEqual(await loadIndex(options.indexPath), index);

    const mtimes = () =>
      Promise.all(index.entries.map(async (e) => (await Deno.stat(e.trace)).mtime));
    const before = await mtimes();
    const again = await buildCorpus(options);
    assert.deepEqual(again.entries, index.entries);
    assert.deepEqual(await mtimes(), before);
  });
});
