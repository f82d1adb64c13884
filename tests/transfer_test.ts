/**
 * The algorithm-classification transfer pipeline end to end at the tiny plan (its corpus slice: 2
 * classes, both compilers, -O0, one input): the study writes its CSV (with mean/std rows), JSON
 * (computed verdicts) and charts, `deno task classifier` exports the classifier from the study's
 * cached model, and `classify` names the class of a corpus program that reads its input from
 * standard input.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { DEFAULT_CLASSIFIER_DIR, ROOT } from "../lib/common/mod.ts";
import { listForeignPrograms } from "../lib/algorithms/foreign.ts";
import { studyCorpus } from "../lib/algorithms/study_data.ts";
import study from "../experiments/algorithm_classification.ts";

const DENO = Deno.execPath();

async function run(args: string[], env: Record<string, string>): Promise<string> {
  const out = await new Deno.Command(DENO, {
    args,
    cwd: ROOT,
    env,
    stdout: "piped",
    stderr: "piped",
  })
    .output();
  const text = new TextDecoder().decode(out.stdout);
  const err = new TextDecoder().decode(out.stderr);
  assert.equal(out.code, 0, `${args.join(" ")} failed:\n${text}\n${err}`);
  return text;
}

Deno.test({
  name: "transfer: experiment pipeline and classify on a tiny corpus slice",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const tmp = await Deno.makeTempDir({ prefix: "ncf-transfer-test-" });
    try {
      const index = await studyCorpus(study.sizes.tiny, true);
      assert.equal(index.binaries.length, 32);
      const env = { NCF_EXPERIMENT_CACHE: join(tmp, "cache") };
      const results = join(tmp, "results");
      const options = ["--scale", "tiny", "--seeds", "2", "--results", results, "--quiet"];
      await run(["run", "-A", "experiments/run.ts", study.name, ...options], env);
      const csv = await Deno.readTextFile(join(results, "algorithm_classification.csv"));
      assert.match(csv, /held-out implementation,NCF frozen[^\n]*,mean,/);
      assert.match(csv, /held-out implementation,bag of opcodes[^\n]*,std,/);
      for (const method of ["NCF fine-tuned", "GNN trained from scratch"]) {
        for (const split of ["held-out implementation", "held-out compiler \\(gcc->clang\\)"]) {
          assert.match(csv, new RegExp(`${split},${method},std,`));
        }
      }
      const meta = JSON.parse(
        await Deno.readTextFile(join(results, "algorithm_classification.json")),
      );
      assert.ok(["yes", "partly", "no", "inconclusive"].includes(meta.claims[0].reproduced));
      await Deno.stat(join(results, "algorithm_classification.png"));
      await Deno.stat(join(results, "algorithm_classification_confusion.png"));
      await Deno.stat(join(results, "algorithm_classification_confusion_finetuned.png"));

      const models = () => [...Deno.readDirSync(join(tmp, "cache", "models"))].length;
      const trained = models();
      const printed = await run(["run", "-A", "experiments/classifier.ts", ...options], env);
      assert.match(printed, /classifier in .*temperature/);
      const classifier = join(results, "..", DEFAULT_CLASSIFIER_DIR);
      const bundle = JSON.parse(await Deno.readTextFile(join(classifier, "classifier.json")));
      const rates = bundle.warningRates;
      const foreign = (await listForeignPrograms()).length;
      assert.equal(rates.foreign.programs, 2 * foreign, "every foreign program x 2 compilers");
      assert.equal(rates.outside.programs, 24, "12 outside programs x 2 compilers at -O0");
      assert.match(
        bundle.measuredAccuracy,
        /NCF frozen [\d.]+% ± [\d.]+ on held-out implementations \(2 seed/,
      );
      // The classifier reuses the study's pre-trained model: no model is trained again.
      assert.equal(models(), trained);

      const entry = index.entries.find((e) => e.class === "binary_search" && e.stdin)!;
      const shown = await run([
        "run",
        "-A",
        "lib/algorithms/classify.ts",
        "--model",
        classifier,
        "--stdin",
        entry.stdin!,
        "--",
        join(entry.binary.startsWith("/") ? "" : ROOT, entry.binary),
      ], env);
      assert.match(shown, /predicted class: (binary_search|insertion_sort) \(probability/);
      assert.match(shown, /binary_search\s+[\d.]+%/);
      assert.match(shown, /insertion_sort\s+[\d.]+%/);
      assert.match(shown, /trained on:/);
      assert.match(shown, /the answer rests on: \S+ \d+%/);
      assert.match(
        shown,
        new RegExp(`how far to trust the warning: on ${2 * foreign} programs implementing none`),
      );
    } finally {
      await Deno.remove(tmp, { recursive: true });
    }
  },
});

Deno.test("classify: --help documents every option and its default; a wrong program is reported before the classifier", async () => {
  const classify = async (args: string[]) => {
    const out = await new Deno.Command(DENO, {
      args: ["run", "-A", join(ROOT, "lib/algorithms/classify.ts"), ...args],
      stdout: "piped",
      stderr: "piped",
    }).output();
    const decode = (b: Uint8Array) => new TextDecoder().decode(b);
    return { code: out.code, stdout: decode(out.stdout), stderr: decode(out.stderr) };
  };
  const help = await classify(["--help"]);
  assert.equal(help.code, 0);
  for (const option of ["--model DIR", "--trace FILE", "--verbose", "--help"]) {
    assert.ok(help.stdout.includes(option), `--help names ${option}`);
  }
  assert.match(help.stdout, /default results\/algorithms\/classifier/);
  const missing = await classify([
    "--model",
    "/no/such/classifier",
    "--",
    "/no/such/program",
  ]);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /error: program \/no\/such\/program does not exist\n {2}fix: /);
});
