/**
 * `deno task classify [--model DIR] -- PROGRAM [ARGS...]`: which algorithm
 * does a program implement? Traces the program (snapshots at branches and
 * loads, thinned per site, as the corpus), builds branch instances of its
 * own executable's sites (not libraries), embeds them with the pre-trained
 * NCF model, and prints the classifier's probability per class, with how far
 * the program is from every class it was trained on.
 *
 * `DIR` (default `results/algorithms/classifier`) is what
 * `experiments/algorithm_classification.ts` writes.
 *
 * @module
 */
import { basename, join } from "node:path";
import { ROOT, runMain, UserError } from "../common/mod.ts";
import { initBackend, loadModel } from "../model/mod.ts";
import { resolveProgram, traceProgram } from "../trace/mod.ts";
import { DEFAULT_SNAPSHOTS } from "./corpus.ts";
import {
  type Classification,
  classificationWarnings,
  type ClassifierBundle,
  classifyEmbedding,
  DEFAULT_CLASSIFIER_DIR,
  loadClassifierBundle,
  programDataset,
  programEmbeddings,
  sampleBySource,
  type WarningRates,
} from "./transfer.ts";

/** Options of {@linkcode classifyProgram}. */
export interface ClassifyOptions {
  /** Classifier folder (default {@linkcode DEFAULT_CLASSIFIER_DIR} under the repository). */
  model?: string;
  /** Keep the trace here instead of a temporary folder. */
  trace?: string;
  /** Show the tracer's and the program's output. */
  verbose?: boolean;
}

/** A classified program, with the warnings to print. */
export interface ProgramClassification extends Classification {
  bundle: ClassifierBundle;
  program: string;
  instances: number;
  warnings: string[];
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
  const tmp = options.trace ? undefined : await Deno.makeTempDir({ prefix: "ncf-classify-" });
  const tracePath = options.trace ?? join(tmp!, "run.trace");
  try {
    await traceProgram({
      program: binary,
      args,
      out: tracePath,
      snapshots: DEFAULT_SNAPSHOTS,
      stdout: options.verbose ? "inherit" : "null",
      quiet: !options.verbose,
    });
    const { dataset } = await programDataset(
      [{ name: basename(binary), input: "run", trace: tracePath, binary }],
      { maxPerSite: bundle.maxPerSite, quiet: true },
    );
    await initBackend();
    const model = await loadModel(bundle.model);
    model.checkDataset(dataset, tracePath);
    const samples = sampleBySource(dataset, bundle.instancesPerProgram);
    const [embedding] = programEmbeddings(model, dataset, samples);
    model.dispose();
    const c = classifyEmbedding(bundle.classifier, embedding);
    const warnings = classificationWarnings(bundle.classifier, c, bundle.minConfidence);
    return {
      ...c,
      bundle,
      program: binary,
      instances: samples[0].length,
      warnings,
    };
  } finally {
    if (tmp) await Deno.remove(tmp, { recursive: true }).catch(() => {});
  }
}

/** What the warnings are worth, as measured by the experiment. */
function warningRatesLine(rates: WarningRates): string {
  const pct = (x: number) => `${(100 * x).toFixed(0)}%`;
  return `how far to trust the warnings: on ${rates.foreign.programs} programs implementing none ` +
    `of the classes, at least one warning fired for ${pct(rates.foreign.warned)}; on ` +
    `${rates.known.programs} unseen implementations of the known classes, for ` +
    `${pct(rates.known.warned)} (and ${pct(rates.known.accuracy)} of those were named right). ` +
    `Measured on ${rates.measuredOn}.`;
}

/** The printed report of a classification. */
export function formatClassification(r: ProgramClassification): string {
  const lines = [
    `program: ${r.program} (${r.instances} branch instances of its own code embedded)`,
    `predicted class: ${r.predicted} (probability ${(100 * r.probabilities[0][1]).toFixed(1)}%)`,
    `confidence: ${
      r.warnings.length === 0 ? "no warning below" : `LOW (${r.warnings.length} warning(s) below)`
    }; measured test accuracy of this method: ${r.bundle.measuredAccuracy}`,
    `distance to the ${r.predicted} centroid: ${r.predictedDistance.toFixed(2)} (its training ` +
    `programs: max ${(r.bundle.classifier.classMaxDistance[r.predicted] ?? NaN).toFixed(2)}); ` +
    `to the nearest centroid: ${r.nearestDistance.toFixed(2)} (${r.nearestClass}); ` +
    `all training programs: 95% within ${r.bundle.classifier.trainDistance.p95.toFixed(2)}, ` +
    `max ${r.bundle.classifier.trainDistance.max.toFixed(2)}`,
    "probabilities:",
    ...r.probabilities.map(([cls, p]) =>
      `  ${cls.padEnd(16)} ${(100 * p).toFixed(1).padStart(5)}%`
    ),
    ...r.warnings.map((w) => `warning: ${w}`),
    ...(r.bundle.warningRates ? [warningRatesLine(r.bundle.warningRates)] : []),
    `trained on: ${r.bundle.trainedOn}`,
    "A program implementing none of these classes still gets one of them: read the warnings.",
  ];
  return lines.join("\n");
}

const USAGE = `usage: deno task classify [options] -- PROGRAM [ARGS...]
  Traces PROGRAM with ARGS, embeds its own code's branches with the pre-trained NCF model and
  prints the predicted algorithm class, a probability per class and warnings when the answer is
  not to be trusted (lib/algorithms/README.md).
  --model DIR    the saved classifier (default ${DEFAULT_CLASSIFIER_DIR}, written by
                 experiments/algorithm_classification.ts)
  --trace FILE   keep the program's trace in FILE (default: a temporary file, removed)
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
      } else if (a === "--model" || a === "--trace") {
        const v = argv.shift();
        if (v === undefined) throw new UserError(`${a} needs a value`, USAGE);
        if (a === "--model") options.model = v;
        else options.trace = v;
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
