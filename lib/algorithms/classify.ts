/**
 * `deno task classify [--model DIR] [--stdin FILE] -- PROGRAM [ARGS...]`:
 * which algorithm does a program implement? Traces the program as the corpus
 * was traced (snapshots at branches and loads, thinned per site; run
 * reproducibly, see {@linkcode sandboxedArgs}; `--stdin` feeds a file to its
 * standard input), builds branch and load instances of its own executable's
 * sites (not libraries), samples and weights them by how often their code ran
 * (`weighting.ts`), embeds them with the pre-trained NCF model, and prints the
 * classifier's probability per class, the functions the answer rests on, and
 * whether it may implement none of the classes (the detector of `ood.ts`),
 * with that warning's measured rates.
 *
 * `DIR` (default `results/algorithms/classifier`) is what `deno task classifier`
 * (`experiments/classifier.ts`) writes.
 *
 * @module
 */
import { basename, join, resolve } from "node:path";
import { DEFAULT_CLASSIFIER_DIR, ROOT, runMain, UserError } from "../common/mod.ts";
import { initBackend, loadModel } from "../model/mod.ts";
import { resolveProgram, traceProgram } from "../trace/mod.ts";
import { DEFAULT_SNAPSHOTS } from "./corpus.ts";
import {
  type Classification,
  classificationWarnings,
  type ClassifierBundle,
  classifyEmbedding,
  loadClassifierBundle,
  programDataset,
  programSummaries,
  type WarningRates,
} from "./transfer.ts";
import { type FunctionShare, functionShares, sampleByExecution } from "./weighting.ts";

/** What the program is called while traced and sampled: its file name must not change the answer. */
const SANDBOX_NAME = "program";

/** Options of {@linkcode classifyProgram}. */
export interface ClassifyOptions {
  /** Classifier folder (default {@linkcode DEFAULT_CLASSIFIER_DIR} under the repository). */
  model?: string;
  /** Keep the trace here instead of a temporary folder. */
  trace?: string;
  /** File fed to the program's standard input (default: none, empty input). */
  stdin?: string;
  /** Show the tracer's and the program's output. */
  verbose?: boolean;
}

/** A classified program, with the warnings to print. */
export interface ProgramClassification extends Classification {
  bundle: ClassifierBundle;
  program: string;
  /** Branch and load instances embedded (picks; a hot site may be picked more than once). */
  instances: number;
  /** The functions the embedding rests on, with their share of the weight, largest first. */
  functions: FunctionShare[];
  warnings: string[];
}

/**
 * The program's arguments for a reproducible run (`lib/trace/sandbox.ts`), as the corpus,
 * foreign and outside programs were traced: every argument naming a file is copied into
 * `inputs` and becomes `./NAME`. Snapshot values include stack addresses, which shift with the
 * environment and the strings on the stack; traced in the caller's shell, the same binary was
 * named differently from two paths or with one more environment variable.
 */
export async function sandboxedArgs(args: readonly string[], inputs: string): Promise<string[]> {
  const copied = new Map<string, string>();
  const out: string[] = [];
  for (const arg of args) {
    const isFile = await Deno.stat(arg).then((s) => s.isFile, () => false);
    if (!isFile) {
      out.push(arg);
      continue;
    }
    const name = basename(arg), from = resolve(arg);
    if (copied.has(name) && copied.get(name) !== from) {
      throw new UserError(
        `two argument files share the name ${name}: ${copied.get(name)} and ${from}`,
        "give the program's input files distinct names",
      );
    }
    if (!copied.has(name)) await Deno.copyFile(from, join(inputs, name));
    copied.set(name, from);
    out.push(`./${name}`);
  }
  return out;
}

/** Traces, embeds and classifies one program run. */
export async function classifyProgram(
  program: string,
  args: string[],
  options: ClassifyOptions = {},
): Promise<ProgramClassification> {
  // The program first: a wrong path is reported even when no classifier is saved yet.
  const binary = await resolveProgram(program);
  const bundle = await loadClassifierBundle(options.model ?? join(ROOT, DEFAULT_CLASSIFIER_DIR));
  const tmp = await Deno.makeTempDir({ prefix: "ncf-classify-" });
  const tracePath = options.trace ?? join(tmp, "run.trace");
  const inputs = join(tmp, "inputs");
  try {
    await Deno.mkdir(inputs);
    await traceProgram({
      program: binary,
      args: await sandboxedArgs(args, inputs),
      reproducible: { inputs, name: SANDBOX_NAME },
      stdin: options.stdin,
      out: tracePath,
      snapshots: DEFAULT_SNAPSHOTS,
      stdout: options.verbose ? "inherit" : "null",
      quiet: !options.verbose,
    });
    const { dataset, profiles } = await programDataset(
      // Named "program", not by its file: the name seeds which instances each site keeps.
      [{ name: SANDBOX_NAME, input: "run", trace: tracePath, binary }],
      { maxPerSite: bundle.maxPerSite, quiet: true },
    );
    await initBackend();
    const model = await loadModel(bundle.model);
    model.checkDataset(dataset, tracePath);
    const [sample] = sampleByExecution(dataset, profiles, bundle.sampling);
    const [embedding] = programSummaries(model, dataset, [sample.indices], {
      weights: [sample.weights],
    });
    model.dispose();
    const c = classifyEmbedding(bundle.classifier, embedding);
    return {
      ...c,
      bundle,
      program: binary,
      instances: sample.indices.length,
      functions: functionShares(sample),
      warnings: classificationWarnings(c),
    };
  } finally {
    await Deno.remove(tmp, { recursive: true }).catch(() => {});
  }
}

const pct = (x: number) => `${(100 * x).toFixed(0)}%`;

/** What the warnings are worth, as measured by the experiment. */
function warningRatesLine(rates: WarningRates): string {
  const outside = rates.outside
    ? `; on ${rates.outside.programs} programs of known classes written outside the corpus, for ` +
      `${pct(rates.outside.warned)} (named right: ${pct(rates.outside.accuracy)})`
    : "";
  return `how far to trust the warning: on ${rates.foreign.programs} programs implementing none ` +
    `of the classes it fired for ${pct(rates.foreign.warned)}; on ${rates.known.programs} ` +
    `unseen implementations of the known classes, for ${pct(rates.known.warned)} (named right: ` +
    `${pct(rates.known.accuracy)})${outside}. Measured on ${rates.measuredOn}.`;
}

/** The printed report of a classification. */
export function formatClassification(r: ProgramClassification): string {
  const shown = r.functions.filter((f, i) => i < 3 || f.share >= 0.05);
  const rest = 1 - shown.reduce((s, f) => s + f.share, 0);
  const lines = [
    `program: ${r.program} (${r.instances} branch and load instances of its own code embedded, ` +
    `weighted by how often their code ran)`,
    `predicted class: ${r.predicted} (probability ${(100 * r.probabilities[0][1]).toFixed(1)}%)`,
    `the answer rests on: ${shown.map((f) => `${f.function} ${pct(f.share)}`).join(", ")}${
      rest > 0.005 ? `, other functions ${pct(rest)}` : ""
    } (share of the embedding's weight)`,
    `confidence: ${
      r.warnings.length === 0 ? "no warning" : "LOW (see the warning below)"
    }; measured test accuracy of this method: ${r.bundle.measuredAccuracy}`,
    ...(r.ood
      ? [
        `out-of-distribution detector: P(foreign) = ${r.ood.score.toPrecision(2)} (warns above ` +
        `${r.ood.threshold.toPrecision(2)}); nearest training programs: ${
          r.ood.nearest.join(", ")
        }`,
      ]
      : []),
    "probabilities:",
    ...r.probabilities.map(([cls, p]) =>
      `  ${cls.padEnd(16)} ${(100 * p).toFixed(1).padStart(5)}%`
    ),
    ...r.warnings.map((w) => `warning: ${w}`),
    ...(r.bundle.warningRates ? [warningRatesLine(r.bundle.warningRates)] : []),
    `trained on: ${r.bundle.trainedOn}`,
    "A program implementing none of these classes still gets one of them: read the warning.",
  ];
  return lines.join("\n");
}

const USAGE = `usage: deno task classify [options] -- PROGRAM [ARGS...]
  Traces PROGRAM with ARGS, embeds its own code's branches with the pre-trained NCF model and
  prints the predicted algorithm class, a probability per class, the functions the answer rests
  on, and a warning when the program may implement none of the classes (lib/algorithms/README.md).
  PROGRAM runs as the corpus was traced: a fixed environment, a fixed path, and a fresh
  working folder holding copies of the files ARGS name (which it sees as ./NAME); files it
  writes there are discarded.
  --model DIR    the saved classifier (default ${DEFAULT_CLASSIFIER_DIR}, written by
                 deno task classifier)
  --trace FILE   keep the program's trace in FILE (default: a temporary file, removed)
  --stdin FILE   feed FILE to the program's standard input (default: empty input)
  --verbose      show the tracer's and the program's output (default: hidden)
  -h, --help     this help`;

if (import.meta.main) {
  await runMain(async () => {
    const argv = [...Deno.args];
    const options: ClassifyOptions = {};
    let program: string[] = [];
    while (argv.length > 0) {
      const a = argv.shift()!;
      if (a === "--") {
        program = argv.splice(0);
      } else if (a === "--model" || a === "--trace" || a === "--stdin") {
        const v = argv.shift();
        if (v === undefined) throw new UserError(`${a} needs a value`, USAGE);
        if (a === "--model") options.model = v;
        else if (a === "--trace") options.trace = v;
        else options.stdin = v;
      } else if (a === "--verbose") options.verbose = true;
      else if (a === "-h" || a === "--help") {
        console.log(USAGE);
        return;
      } else if (a.startsWith("--")) throw new UserError(`unknown option ${a}`, USAGE);
      else program = [a, ...argv.splice(0)];
    }
    if (program.length === 0) throw new UserError("no program given", USAGE);
    const result = await classifyProgram(program[0], program.slice(1), options);
    console.log(formatClassification(result));
  });
}
