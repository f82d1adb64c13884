/**
 * `deno task export --format bt9|champsim TRACE --out FILE`: writes a trace
 * in a championship simulator's format (see mod.ts), atomically.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { checkOutputPath, ensureParentDir, runMain, UserError } from "../../common/mod.ts";
import { exportBt9 } from "./bt9.ts";
import { exportChampsim } from "./champsim.ts";
import { openTrace } from "../../trace/reader.ts";

const USAGE = `usage: deno task export --format bt9|champsim TRACE --out FILE

  --format bt9       CBP-5 BT9 text for the stock CBP-2016 simulator: every branch (conditional ones,
                     and the jumps, calls and returns rebuilt between them) as nodes, edges, sequence
  --format champsim  ChampSim input_instr records (64 bytes per instruction), uncompressed
  --out FILE         where to write (written to FILE.partial, renamed when complete)
  --quiet            no progress bar`;

/** A failed write as a {@linkcode UserError} (a full disk, a vanished folder), other errors as they are. */
function writeError(err: unknown, out: string): unknown {
  if (err instanceof UserError || !(err instanceof Error) || !/os error/.test(err.message)) {
    return err;
  }
  return new UserError(
    `cannot write ${out}: ${err.message}; the incomplete output was removed`,
    /os error 28/.test(err.message)
      ? "free space on that disk, or give an --out path on another disk"
      : "choose an output path in a folder you can write to",
  );
}

await runMain(async () => {
  let parsed;
  try {
    parsed = parseArgs({
      args: Deno.args,
      allowPositionals: true,
      options: {
        format: { type: "string" },
        out: { type: "string" },
        quiet: { type: "boolean", default: false },
        help: { type: "boolean", short: "h", default: false },
      },
    });
  } catch (err) {
    throw new UserError((err as Error).message, USAGE);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const format = values.format;
  if (format !== "bt9" && format !== "champsim") {
    throw new UserError(`--format must be bt9 or champsim, got ${format ?? "nothing"}`, USAGE);
  }
  if (positionals.length !== 1 || !values.out) {
    throw new UserError("give exactly one trace file and --out FILE", USAGE);
  }
  const [tracePath] = positionals;
  const out = values.out;
  for (const path of [out, `${out}.partial`]) {
    await checkOutputPath("--out", path, [["the trace being exported", tracePath]]);
  }
  await openTrace(tracePath); // a missing or damaged trace is reported before anything is written
  await ensureParentDir(out);
  const partial = `${out}.partial`;
  const file = await Deno.open(partial, { write: true, create: true, truncate: true }).catch(
    (err) => {
      throw new UserError(
        `cannot write ${out}: ${err.message}`,
        "choose an output path in a folder you can write to",
      );
    },
  );
  const writer = file.writable.getWriter();
  try {
    const summary = format === "bt9"
      ? await exportBt9(tracePath, writer, { quiet: values.quiet })
      : await exportChampsim(tracePath, writer, { quiet: values.quiet });
    await writer.close();
    await Deno.rename(partial, out);
    console.log(`${JSON.stringify(summary)} -> ${out}`);
  } catch (err) {
    await writer.abort().catch(() => {});
    await Deno.remove(partial).catch(() => {});
    throw writeError(err, out);
  }
});
