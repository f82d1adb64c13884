/**
 * The command line of the studies (`deno task exp`): lists them, runs one or all (each in a child
 * process of its own, so its memory is freed when it ends), writes `setup.json` and assembles the
 * report. `experiments/run.ts` calls it with the registry.
 *
 * @module
 */
import { spawnChild, UserError } from "../common/mod.ts";
import { writeReport } from "../report/mod.ts";
import {
  type ExperimentArgs,
  experimentArgv,
  parseExperimentArgs,
  STUDY_OPTIONS_HELP,
} from "./config.ts";
import { runStudy } from "./runner.ts";
import { writeSetupJson } from "./setup.ts";
import type { AnyStudy } from "./study.ts";

const help = (studies: readonly AnyStudy[]) =>
  `usage: deno task exp COMMAND [options]

Commands:
  list        the studies, in report order, with what each measures
  STUDY       run one study: ${studies.map((s) => s.name).join(", ")}
  all         every study in order, each in its own process, then setup
  setup       write DIR/setup.json (workloads, left-out runs, datasets, versions, machine)
  report      assemble DIR/report.md and the self-contained DIR/report.html

A study writes DIR/<name>.csv (one row per workload x method x seed, then mean/std rows),
DIR/<name>.png (and further charts) and DIR/<name>.json (settings, the paper's claims with our
verdicts, notes). Everything computed on the way (site counts, datasets, models, baseline runs) is
cached in data/cache/experiments/ and reused when up to date; an interrupted run resumes.

${STUDY_OPTIONS_HELP}`;

/** What {@linkcode studyCli} runs. */
export interface StudyCliOptions {
  /** The registry, in report order. */
  studies: readonly AnyStudy[];
  /** The script that calls {@linkcode studyCli}: `all` runs each study through it. */
  entry: string;
  argv: string[];
}

/** Runs every study through `entry`, each in a child process of its own. */
async function runAll({ studies, entry }: StudyCliOptions, args: ExperimentArgs): Promise<void> {
  const failed: string[] = [];
  for (const study of studies) {
    console.error(`== study ${study.name} (${args.planScale}, ${args.seeds.length} seeds) ==`);
    const started = performance.now();
    const status = await spawnChild(Deno.execPath(), {
      args: ["run", "-A", entry, study.name, ...experimentArgv(args)],
      stdin: "null",
    }).status;
    const seconds = Math.round((performance.now() - started) / 1000);
    console.error(`== ${study.name} ${status.success ? "took" : "FAILED after"} ${seconds}s ==`);
    if (!status.success) failed.push(study.name);
  }
  console.error(`wrote ${await writeSetupJson(args, studies.map((s) => s.name))}`);
  if (failed.length > 0) {
    throw new UserError(
      `${failed.length} of ${studies.length} studies failed: ${failed.join(", ")}`,
      "see their messages above; run one again with: deno task exp NAME (it resumes from the cache)",
    );
  }
}

/** `deno task exp COMMAND [options]` over `options.studies`. */
export async function studyCli(options: StudyCliOptions): Promise<void> {
  const { studies } = options;
  const { args, positionals, help: wantsHelp } = parseExperimentArgs(options.argv);
  const [command, ...extra] = positionals;
  if (wantsHelp || !command) return console.log(help(studies));
  if (extra.length > 0) throw new UserError(`unexpected argument "${extra[0]}"`, "see --help");
  if (command === "list") {
    for (const s of studies) console.log(`${s.name.padEnd(26)} ${s.measures}`);
  } else if (command === "all") {
    await runAll(options, args);
  } else if (command === "setup") {
    console.error(`wrote ${await writeSetupJson(args, studies.map((s) => s.name))}`);
  } else if (command === "report") {
    const report = await writeReport({ dir: args.results, planned: studies });
    for (const warning of report.warnings) console.error(`warning: ${warning}`);
    console.error(`wrote ${report.markdownPath} and ${report.htmlPath}`);
  } else {
    const study = studies.find((s) => s.name === command);
    if (!study) {
      throw new UserError(
        `unknown study or command "${command}"`,
        `use one of: list, all, setup, report, ${studies.map((s) => s.name).join(", ")}`,
      );
    }
    const written = await runStudy(study, args, options.entry);
    if (args.lane === undefined) console.error(`results: ${written.join(", ")}`);
  }
}
