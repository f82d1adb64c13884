/**
 * Command line of the algorithm-classification corpus.
 *
 *   deno task corpus [--scale small|full] [--only a,b]     (= cli.ts corpus; also the foreign
 *                                                          and outside programs)
 *   deno run -A lib/algorithms/cli.ts list
 *   deno run -A lib/algorithms/cli.ts baseline
 *
 * @module
 */
import { join } from "node:path";
import { parseArgs } from "node:util";
import { atomicWriteJson, RESULTS_DIR, runMain, UserError } from "../common/mod.ts";
import { formatTable } from "../workloads/table.ts";
import { evaluateBagOfOpcodes, type SplitResult } from "./baseline.ts";
import { COMPILER_NAMES, type CompilerName, OPT_LEVELS, type OptLevel } from "./build.ts";
import {
  buildCorpus,
  type CorpusIndex,
  DEFAULT_JOBS,
  DEFAULT_SNAPSHOTS,
  INDEX_PATH,
  loadIndex,
} from "./corpus.ts";
import { buildForeignPrograms } from "./foreign.ts";
import { classesOf, loadManifest, type Scale, SCALES } from "./manifest.ts";
import { buildOutsidePrograms } from "./outside.ts";

const DEFAULT_RESULTS = join(RESULTS_DIR, "algorithms", "bag_of_opcodes.json");

const HELP = `Usage: deno run -A lib/algorithms/cli.ts COMMAND [options]

Commands:
  list      classes, implementations, functions and input kinds of the manifest
  corpus    generate the inputs, compile every implementation with every compiler
            and level into build/algorithms/<compiler>-<opt>/, trace each binary on
            each input into data/cache/algorithms/traces/ (checking its checksum
            against the reference) and write data/cache/algorithms/index.json;
            then build and trace the foreign programs and the programs written
            outside the corpus at the same compilers and levels (not with --only);
            skips what is up to date (deno task corpus)
  baseline  bag-of-opcodes logistic regression on the indexed binaries: accuracy
            with held-out implementations and with train gcc / test clang

corpus options:
  --scale small|full   inputs and levels per program: small 2 at O0,O2; full 5 at
                       O0..O3 (data/algorithms/manifest.json; default: small, or $SCALE)
  --only a,b           only these classes (default: all)
  --compilers a,b      gcc and/or clang (default: gcc,clang)
  --opts a,b           optimisation levels (default: those of the scale)
  --jobs N             compilations and traces at a time (default: 2)
  --snapshots SPEC     register snapshots (default: ${DEFAULT_SNAPSHOTS})
  --no-trace           compile and index the binaries only
  --force              compile and trace again even when up to date

baseline options:
  --index FILE         corpus index (default: data/cache/algorithms/index.json)
  --out FILE           results JSON (default: results/algorithms/bag_of_opcodes.json)
  --seeds a,b          seeds of the held-out implementation choice (default: 1,2,3)
  --epochs N           full-batch Adam steps (default: 1000)
  --lr X               Adam step size (default: 0.05)
  --l2 X               L2 penalty on the weights (default: 0.001)

  -h, --help           this help
`;

function csv(text: string | undefined): string[] {
  return (text ?? "").split(",").map((s) => s.trim()).filter(Boolean);
}

function oneOf<T extends string>(what: string, values: string[], allowed: readonly T[]): T[] {
  for (const v of values) {
    if (!allowed.includes(v as T)) {
      throw new UserError(`unknown ${what} "${v}"`, `use ${allowed.join(", ")}`);
    }
  }
  return values as T[];
}

function positiveNumber(name: string, text: string): number {
  const value = Number(text);
  if (!(value >= 0) || !Number.isFinite(value)) {
    throw new UserError(`--${name} must be a number >= 0, got "${text}"`, `give --${name} X`);
  }
  return value;
}

function summarize(index: CorpusIndex): string {
  const rows = [...new Set(index.binaries.map((b) => b.class))].map((cls) => {
    const entries = index.entries.filter((e) => e.class === cls);
    const binaries = index.binaries.filter((b) => b.class === cls);
    const instr = entries.map((e) => e.instructions);
    return [
      cls,
      String(new Set(binaries.map((b) => b.implementation)).size),
      String(binaries.length),
      String(entries.length),
      instr.length ? (Math.min(...instr) / 1e6).toFixed(2) : "-",
      instr.length ? (Math.max(...instr) / 1e6).toFixed(2) : "-",
      (entries.reduce((s, e) => s + e.bytes, 0) / 1e6).toFixed(1),
    ];
  });
  return formatTable(
    ["class", "impls", "binaries", "traces", "min M instr", "max M instr", "trace MB"],
    rows,
  );
}

function splitRow(r: SplitResult, label: string): string[] {
  return [label, String(r.train), String(r.test), (100 * r.accuracy).toFixed(1)];
}

async function list(): Promise<void> {
  const manifest = await loadManifest();
  console.log(formatTable(
    ["class", "implementation", "functions", "input", "io"],
    manifest.programs.map((p) => [
      p.class,
      p.implementation,
      p.functions.join(" "),
      p.input,
      p.io,
    ]),
  ));
  console.log(`\n${classesOf(manifest).length} classes, ${manifest.programs.length} programs`);
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    args: Deno.args,
    allowPositionals: true,
    options: {
      scale: { type: "string", default: Deno.env.get("SCALE") || "small" },
      only: { type: "string" },
      compilers: { type: "string", default: COMPILER_NAMES.join(",") },
      opts: { type: "string" },
      jobs: { type: "string", default: String(DEFAULT_JOBS) },
      snapshots: { type: "string", default: DEFAULT_SNAPSHOTS },
      "no-trace": { type: "boolean", default: false },
      force: { type: "boolean", default: false },
      index: { type: "string", default: INDEX_PATH },
      out: { type: "string", default: DEFAULT_RESULTS },
      seeds: { type: "string", default: "1,2,3" },
      epochs: { type: "string", default: "1000" },
      lr: { type: "string", default: "0.05" },
      l2: { type: "string", default: "0.001" },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  const command = positionals[0];
  if (values.help || !command) {
    console.log(HELP);
    return;
  }
  if (positionals.length > 1) {
    throw new UserError(`unexpected argument "${positionals[1]}"`, "see --help");
  }
  switch (command) {
    case "list":
      return await list();
    case "corpus": {
      const [scale] = oneOf<Scale>("scale", [values.scale], SCALES);
      const started = performance.now();
      const compilers = oneOf<CompilerName>("compiler", csv(values.compilers), COMPILER_NAMES);
      const jobs = Number(values.jobs);
      if (!Number.isSafeInteger(jobs) || jobs < 1) {
        throw new UserError(
          `--jobs must be a whole number >= 1, got "${values.jobs}"`,
          "give --jobs 2",
        );
      }
      const index = await buildCorpus({
        scale,
        only: csv(values.only),
        compilers,
        opts: values.opts
          ? oneOf<OptLevel>("optimisation level", csv(values.opts), OPT_LEVELS)
          : undefined,
        snapshots: values.snapshots,
        noTrace: values["no-trace"],
        force: values.force,
        jobs,
      });
      console.log(summarize(index));
      console.log(
        `\n${index.binaries.length} binaries, ${index.entries.length} traces at scale ${scale} ` +
          `in ${((performance.now() - started) / 1000).toFixed(0)} s`,
      );
      if (index.only.length === 0 && !values["no-trace"]) {
        const standalone = { compilers, opts: index.opts, jobs };
        const foreign = await buildForeignPrograms(standalone);
        const outside = await buildOutsidePrograms(standalone);
        console.log(
          `${foreign.length} foreign and ${outside.length} outside binaries traced; everything in ` +
            `${((performance.now() - started) / 1000).toFixed(0)} s`,
        );
      }
      return;
    }
    case "baseline": {
      const seeds = csv(values.seeds).map((s) => {
        const n = Number(s);
        if (!Number.isSafeInteger(n)) {
          throw new UserError(`--seeds must be integers, got "${s}"`, "give --seeds 1,2,3");
        }
        return n;
      });
      const index = await loadIndex(values.index);
      const results = await evaluateBagOfOpcodes(index, {
        splitSeeds: seeds,
        epochs: positiveNumber("epochs", values.epochs),
        learningRate: positiveNumber("lr", values.lr),
        l2: positiveNumber("l2", values.l2),
      });
      const rows = [
        ...results.implementation.map((r, i) => splitRow(r, `implementation (seed ${seeds[i]})`)),
        splitRow(results.compiler, "compiler (train gcc, test clang)"),
      ];
      console.log(formatTable(["split", "train", "test", "accuracy %"], rows));
      const mean = results.implementation.reduce((s, r) => s + r.accuracy, 0) /
        results.implementation.length;
      console.log(
        `\nbag of opcodes, ${results.binaries} binaries, ${results.classes} classes: ` +
          `held-out implementations ${(100 * mean).toFixed(1)}% (mean of ${seeds.length} seeds), ` +
          `held-out compiler ${(100 * results.compiler.accuracy).toFixed(1)}%`,
      );
      await atomicWriteJson(values.out, { index: values.index, ...results });
      console.error(`results: ${values.out}`);
      return;
    }
    default:
      throw new UserError(
        `unknown command "${command}"`,
        "use list, corpus or baseline (see --help)",
      );
  }
}

if (import.meta.main) await runMain(main);
