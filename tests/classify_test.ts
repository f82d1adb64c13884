/**
 * `deno task classify` on a program that reads its input from standard input
 * (`--stdin FILE`): a small classifier bundle is made from four real corpus
 * programs (two classes, two input styles each), traced, embedded with
 * execution weighting by a GNN trained for one epoch, with a fixture detector;
 * classify then traces a stdin program and prints its class, the
 * functions the answer rests on and the warning's measured rates, the same
 * whatever the binary's file is called and whatever the environment holds.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import {
  compileProgram,
  DEFAULT_SNAPSHOTS,
  formatInput,
  generateInput,
  loadManifest,
} from "../lib/algorithms/mod.ts";
import { sandboxedArgs } from "../lib/algorithms/classify.ts";
import { fitOodDetector } from "../lib/algorithms/ood.ts";
import {
  CLASSIFIER_BUNDLE_VERSION,
  classifyEmbedding,
  fitEmbeddingClassifier,
  programDataset,
  programSummaries,
  saveClassifierBundle,
} from "../lib/algorithms/transfer.ts";
import { sampleByExecution } from "../lib/algorithms/weighting.ts";
import { ROOT, UserError } from "../lib/common/mod.ts";
import { DEFAULT_SPEC, DEFAULT_TRAIN_OPTIONS, initBackend, train } from "../lib/model/mod.ts";
import { traceProgram } from "../lib/trace/mod.ts";
import { ensureTracer } from "../lib/trace/testing.ts";

const PARAMS: Record<string, Record<string, number>> = {
  array: { n: 120, max: 1000 },
  search: { n: 150, queries: 200, maxGap: 4 },
};

Deno.test({
  name: "classify: a program reading stdin is traced, classified, and its functions named",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    await ensureTracer();
    const tmp = await Deno.makeTempDir({ prefix: "ncf-classify-test-" });
    try {
      const manifest = await loadManifest();
      const pick = (cls: string, implementation: string) =>
        manifest.programs.find((p) => p.class === cls && p.implementation === implementation)!;
      const programs = [
        pick("insertion_sort", "classic"),
        pick("insertion_sort", "stdin_main"),
        pick("binary_search", "iterative"),
        pick("binary_search", "stdin_main"),
      ];
      const traced = [];
      for (const program of programs) {
        const spec = manifest.inputs[program.input];
        const input = join(tmp, `${program.input}.txt`);
        await Deno.writeTextFile(
          input,
          formatInput(generateInput({
            seed: "classify-test",
            kind: program.input,
            generator: spec.generator,
            index: 0,
            params: PARAMS[spec.generator],
          })),
        );
        const { binary } = await compileProgram({ program, compiler: "gcc", opt: "O1" }, {
          dir: join(tmp, "build"),
        });
        const trace = join(tmp, `${program.class}-${program.implementation}.trace`);
        await traceProgram({
          program: binary,
          args: program.io === "file" ? [input] : [],
          stdin: program.io === "stdin" ? input : undefined,
          out: trace,
          snapshots: DEFAULT_SNAPSHOTS,
          stdout: "null",
          quiet: true,
        });
        traced.push({ program, binary, input, trace });
      }
      const { dataset, profiles } = await programDataset(
        traced.map((t) => ({
          name: `${t.program.class}-${t.program.implementation}`,
          input: "run",
          trace: t.trace,
          binary: t.binary,
        })),
        { maxPerSite: 2 },
      );
      await initBackend();
      const modelDir = join(tmp, "model");
      const { model } = await train(
        dataset,
        { ...DEFAULT_SPEC, task: "branch", hidden: 16, steps: 2 },
        { ...DEFAULT_TRAIN_OPTIONS, epochs: 1 },
        modelDir,
        { quiet: true },
      );
      const samples = sampleByExecution(dataset, profiles, { perSource: 8 });
      const features = programSummaries(
        model,
        dataset,
        samples.map((s) => s.indices),
        { weights: samples.map((s) => s.weights) },
      );
      model.dispose();
      // Mean, spread and maximum of the branch instances' embeddings, then of the loads', each
      // of the hidden size.
      assert.equal(features[0].length, 2 * 3 * 16);
      for (const kind of [0, 1]) {
        const [mean, spread, max] = [0, 1, 2].map((k) =>
          features[0].slice(16 * (3 * kind + k), 16 * (3 * kind + k + 1))
        );
        assert.ok(spread.every((s) => s >= 0) && max.every((m, h) => m >= mean[h] - 1e-6));
        assert.ok(max.some((m) => m !== 0), `kind ${kind}: no instances summarised`);
      }
      const labels = traced.map((t) => t.program.class);
      const classifier = {
        ...fitEmbeddingClassifier(features, labels, 1),
        // A made-up foreign point: the fixture needs a detector, not a measured one.
        detector: fitOodDetector({
          known: features,
          labels,
          foreign: [features[0].map((v) => v + 10)],
        }),
      };
      const named = features.filter((f, k) =>
        classifyEmbedding(classifier, f).predicted === labels[k]
      );
      const bundleDir = join(tmp, "bundle");
      await saveClassifierBundle(bundleDir, {
        format: "ncf-algorithm-classifier",
        version: CLASSIFIER_BUNDLE_VERSION,
        model: modelDir,
        classifier,
        maxPerSite: 2,
        sampling: { perSource: 8 },
        warningRates: {
          known: { warned: 0, programs: 4, accuracy: named.length / 4 },
          foreign: { warned: 0, programs: 0 },
          measuredOn: "this test's own four training programs (a fixture, not a measurement)",
        },
        trainedOn: "four programs of tests/classify_test.ts",
        measuredAccuracy: "not measured (test fixture)",
      });

      const classify = (
        binary: string,
        run: { stdin?: string; args?: string[]; env?: Record<string, string> },
      ) =>
        new Deno.Command(Deno.execPath(), {
          args: [
            "run",
            "-A",
            "lib/algorithms/classify.ts",
            "--model",
            bundleDir,
            ...(run.stdin ? ["--stdin", run.stdin] : []),
            "--",
            binary,
            ...(run.args ?? []),
          ],
          cwd: ROOT,
          env: run.env,
          stdout: "piped",
          stderr: "piped",
        }).output();
      /** Classify's report without its first line (the program's path). */
      const answer = (out: Deno.CommandOutput) => {
        const shown = new TextDecoder().decode(out.stdout);
        assert.equal(out.code, 0, `${shown}\n${new TextDecoder().decode(out.stderr)}`);
        return shown.split("\n").slice(1).join("\n");
      };
      const stdinProgram = traced[3];
      const out = await classify(stdinProgram.binary, { stdin: stdinProgram.input });
      const shown = new TextDecoder().decode(out.stdout);
      assert.equal(out.code, 0, `${shown}\n${new TextDecoder().decode(out.stderr)}`);
      console.log(shown);
      assert.match(shown, /predicted class: (binary_search|insertion_sort) \(probability/);
      // Everything the program does happens in main: the answer rests on it.
      assert.match(shown, /the answer rests on: main 100%/);
      assert.match(shown, /nearest training programs: /);
      assert.match(shown, /how far to trust the warning: on 0 programs implementing none/);

      // The same binary under another name, with one more environment variable, gets the same
      // answer: it is traced in a sandbox and sampled under a fixed name.
      const renamed = join(tmp, "a-much-longer-name-for-the-same-binary");
      await Deno.copyFile(stdinProgram.binary, renamed);
      const again = await classify(renamed, {
        stdin: stdinProgram.input,
        env: { NCF_TEST_PADDING: "x".repeat(300) },
      });
      assert.equal(answer(again), answer(out));

      // A program reading a file named by its argument: the file is copied into the sandbox.
      const fileProgram = traced[0];
      assert.match(
        answer(await classify(fileProgram.binary, { args: [fileProgram.input] })),
        /predicted class: (binary_search|insertion_sort)/,
      );

      // A missing stdin file is an error that names it.
      const missing = await classify(stdinProgram.binary, { stdin: join(tmp, "nowhere.txt") });
      assert.notEqual(missing.code, 0);
      assert.match(new TextDecoder().decode(missing.stderr), /nowhere\.txt does not exist/);
    } finally {
      await Deno.remove(tmp, { recursive: true });
    }
  },
});

Deno.test("classify: argument files are copied into the sandbox as ./NAME; two of one name are an error", async () => {
  const tmp = await Deno.makeTempDir({ prefix: "ncf-classify-args-" });
  try {
    for (const dir of ["a", "b", "inputs"]) await Deno.mkdir(join(tmp, dir));
    for (const dir of ["a", "b"]) await Deno.writeTextFile(join(tmp, dir, "data.txt"), dir);
    const inputs = join(tmp, "inputs");
    const args = await sandboxedArgs(["-n", join(tmp, "a", "data.txt"), "3"], inputs);
    assert.deepEqual(args, ["-n", "./data.txt", "3"]);
    assert.equal(await Deno.readTextFile(join(inputs, "data.txt")), "a");
    await assert.rejects(
      () => sandboxedArgs([join(tmp, "a", "data.txt"), join(tmp, "b", "data.txt")], inputs),
      UserError,
    );
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
});
