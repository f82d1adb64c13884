/**
 * `deno task exp`: runs the studies of the registry, writes `results/setup.json`, assembles the
 * report (`deno task exp --help`; the command line is `lib/experiments/cli.ts`). `make` runs `all`
 * then `report`.
 *
 * @module
 */
import { runMain } from "../lib/common/mod.ts";
import { studyCli } from "../lib/experiments/cli.ts";
import { STUDIES } from "./registry.ts";

if (import.meta.main) {
  await runMain(() =>
    studyCli({ studies: STUDIES, entry: import.meta.filename!, argv: Deno.args })
  );
}
