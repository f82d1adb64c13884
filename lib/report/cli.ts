/**
 * `deno task report`: assembles `results/report.md` and the self-contained
 * `results/report.html` from the experiments' results.
 *
 * Usage: `deno task report [--dir FOLDER]`
 *
 * @module
 */
import { parseArgs } from "node:util";
import { runMain, UserError } from "../common/mod.ts";
import { writeReport } from "./report.ts";

const USAGE = "usage: deno task report [--dir FOLDER]   (default FOLDER: results/)";

/** Parses the arguments and writes the report. */
export async function main(args: string[]): Promise<void> {
  let values;
  try {
    ({ values } = parseArgs({
      args,
      options: { dir: { type: "string" }, help: { type: "boolean", short: "h" } },
      strict: true,
      allowPositionals: false,
    }));
  } catch (err) {
    throw new UserError((err as Error).message, USAGE);
  }
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const { markdownPath, htmlPath, warnings } = await writeReport({ dir: values.dir });
  for (const warning of warnings) console.error(`warning: ${warning}`);
  console.error(`wrote ${markdownPath} and ${htmlPath}`);
}

if (import.meta.main) await runMain(() => main(Deno.args));
