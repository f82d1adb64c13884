/**
 * `deno task exp`: runs the studies of the registry, writes `results/setup.json`, assembles the
 * report. `make` runs `all` then `report`.
 *
 * @module
 */
import { join } from "node:path";
import { ROOT, runMain, spawnChild, UserError } from "../lib/common/mod.ts";
import {
  type ExperimentArgs,
  experimentArgv,
  parseExperimentArgs,
  runStudy,
  STUDY_OPTIONS_HELP,
  writeSetupJson,
} from "../lib/experiments/mod.ts";
import { writeReport } from "../lib/report/mod.ts";
import { STUDIES } from "./registry.ts";

const HELP = `usage: deno task exp COMMAND [options]

Commands:
  list        the studies, in report order, with what each measures
  STUDY       run one study: ${STUDIES.map((s) => s.name).join(", ")}
  all         every study in order, each in its own process, then setup
  setup       write DIR/setup.json (workloads, left-out runs, datasets, versions, machine)
  report      assemble DIR/report.md and the self-contained DIR/report.html

A study writes DIR/<name>.csv (one row per workload x method x seed, then mean/std rows),
DIR/<name>.png (and further charts) and DIR/<name>.json (settings, the paper's claims with our
verdicts, notes). Everything computed on the way (site counts, datasets, models, baseline runs) is
cached in data/cache/experiments/ and reused when up to date; an interrupted run resumes.

${STUDY_OPTIONS_HELP}`;

/** Runs every study in a child process of its own (a study's memory is freed when it ends). */
async function runAll(args: ExperimentArgs): Promise<void> {
  const failed: string[] = [];
  for (const study of STUDIES) {
    console.error(`== study ${study.name} (${args.planScale}, ${args.seeds.length} seeds) ==`);
    const started = performance.now();
    const status = await spawnChild(Deno.execPath(), {
      args: ["run", "-A", join(ROOT, "experiments", "run.ts"), study.name, ...experimentArgv(args)],
      stdin: "null",
    }).status;
    const seconds = Math.round((performance.now() - started) / 1000);
    console.error(`== ${study.name} ${status.success ? "took" : "FAILED after"} ${seconds}s ==`);
    if (!status.success) failed.push(study.name);
  }
  console.error(`wrote ${await writeSetupJson(args, STUDIES.map((s) => s.name))}`);
  if (failed.length > 0) {
    throw new UserError(
      `${failed.length} of ${STUDIES.length} studies failed: ${failed.join(", ")}`,
      "see their messages above; run one again with: deno task exp NAME (it resumes from the cache)",
    );
  }
}

async function main(): Promise<void> {
  const { args, positionals, help } = parseExperimentArgs(Deno.args);
  const [command, ...extra] = positionals;
  if (help || !command) return console.log(HELP);
  if (extra.length > 0) throw new UserError(`unexpected argument "${extra[0]}"`, "see --help");
  if (command === "list") {
    for (const s of STUDIES) console.log(`${s.name.padEnd(26)} ${s.measures}`);
  } else if (command === "all") {
    await runAll(args);
  } else if (command === "setup") {
    console.error(`wrote ${await writeSetupJson(args, STUDIES.map((s) => s.name))}`);
  } else if (command === "report") {
    const report = await writeReport({ dir: args.results, planned: STUDIES });
    for (const warning of report.warnings) console.error(`warning: ${warning}`);
    console.error(`wrote ${report.markdownPath} and ${report.htmlPath}`);
  } else {
    const study = STUDIES.find((s) => s.name === command);
    if (!study) {
      throw new UserError(
        `unknown study or command "${command}"`,
        `use one of: list, all, setup, report, ${STUDIES.map((s) => s.name).join(", ")}`,
      );
    }
    const written = await runStudy(study, args);
    console.error(`results: ${written.join(", ")}`);
  }
}

if (import.meta.main) await runMain(main);
