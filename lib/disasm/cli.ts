/**
 * Command line: disassemble an object file (through the cache) and show a
 * summary, or the instructions of a function or around an address with their
 * blocks, edges and def-use.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { runMain, UserError } from "../common/mod.ts";
import { DISASM_CACHE_DIR, loadObject, type ObjectCode } from "./mod.ts";

const HELP = `usage: deno run -A lib/disasm/cli.ts FILE [options]

Disassembles FILE (a program or shared library) with objdump, parses it and
caches the result. Without --function or --at, prints a summary.

options:
  --function NAME   list the instructions of function NAME (e.g. main, malloc)
  --at HEX          list the instructions around static address HEX (e.g. 0x9655e)
  --context N       instructions before and after --at (default 10)
  --cache-dir DIR   cache folder (default ${DISASM_CACHE_DIR})
  --no-cache        neither read nor write the cache
  -h, --help        this help`;

function formatRow(code: ObjectCode, index: number): string {
  const ins = code.instruction(index);
  const block = code.blockOf(index);
  const hex = (i: number) => code.addressOf(i).toString(16);
  const edges = code.successors(index).map((e) => `${e.kind}->${hex(e.to)}`).join(" ");
  const defs = code.reachingDefs(index)
    .map((r) => `${r.reg}<-${r.defs.map((d) => (d < 0 ? "in" : hex(d))).join(",")}`)
    .join(" ");
  const head = block.start === index ? `B${block.id}`.padEnd(8) : " ".repeat(8);
  return `${head}${hex(index).padStart(8)}  ${ins.text.padEnd(44)} ${edges.padEnd(34)} ${defs}`;
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    args: Deno.args,
    allowPositionals: true,
    options: {
      function: { type: "string" },
      at: { type: "string" },
      context: { type: "string", default: "10" },
      "cache-dir": { type: "string", default: DISASM_CACHE_DIR },
      "no-cache": { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) {
    console.log(HELP);
    return;
  }
  if (positionals.length !== 1) {
    throw new UserError("give exactly one object file", "run with --help for the usage");
  }
  const context = Number(values.context);
  if (!Number.isInteger(context) || context < 0) {
    throw new UserError(
      `--context ${values.context} is not a count`,
      "give a whole number, e.g. 10",
    );
  }
  const started = performance.now();
  const code = await loadObject(positionals[0], {
    cacheDir: values["cache-dir"],
    cache: !values["no-cache"],
  });
  const seconds = (performance.now() - started) / 1000;

  let rows: number[] = [];
  if (values.function !== undefined) {
    const f = code.functionNamed(values.function);
    if (!f) {
      throw new UserError(
        `no function ${values.function} in ${code.path}`,
        "check the name (objdump -d FILE | grep '>:' lists them)",
      );
    }
    rows = Array.from({ length: f.end - f.start }, (_, k) => f.start + k);
  } else if (values.at !== undefined) {
    if (!/^(0x)?[0-9a-f]+$/i.test(values.at)) {
      throw new UserError(`--at ${values.at} is not a hex address`, "give e.g. --at 0x9655e");
    }
    const at = BigInt(values.at.startsWith("0x") ? values.at : "0x" + values.at);
    const index = code.indexAt(at);
    if (index < 0) {
      throw new UserError(
        `no instruction starts at 0x${at.toString(16)} in ${code.path}`,
        "give a static address as objdump -d prints it",
      );
    }
    const from = Math.max(0, index - context);
    const to = Math.min(code.instructionCount, index + context + 1);
    rows = Array.from({ length: to - from }, (_, k) => from + k);
  }
  if (rows.length > 0) {
    console.log(`function ${code.functionOf(rows[0]).name}`);
    for (const row of rows) console.log(formatRow(code, row));
    return;
  }
  console.log(
    `${code.path}: ${code.instructionCount} instructions, ${code.functions.length} ` +
      `functions, ${code.blocks.length} blocks, ${code.opaqueCount} opaque, ` +
      `${code.fromCache ? "read from the cache" : "parsed from objdump"} in ${
        seconds.toFixed(2)
      } s`,
  );
  for (const w of code.warnings.slice(0, 20)) {
    console.log(`  warning at ${w.address?.toString(16) ?? "?"}: ${w.message}`);
  }
}

if (import.meta.main) await runMain(main);
