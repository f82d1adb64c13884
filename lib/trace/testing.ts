/**
 * Helpers for tests that need real traces: build the tool, compile a small C
 * program from `tests/programs/`, and read its symbols. Tests never mock a
 * trace.
 *
 * @module
 */
import { join } from "node:path";
import { ROOT } from "../common/mod.ts";
import { TRACER_DIR } from "./run.ts";

async function run(cmd: string, args: string[]): Promise<string> {
  const out = await new Deno.Command(cmd, { args, stdout: "piped", stderr: "piped" }).output();
  const text = new TextDecoder().decode(out.stdout);
  if (!out.success) {
    throw new Error(`${cmd} ${args.join(" ")} failed:\n${new TextDecoder().decode(out.stderr)}`);
  }
  return text;
}

/** Builds the Valgrind tool (`make tracer`) unless it is already there. */
export async function ensureTracer(): Promise<void> {
  try {
    await Deno.stat(join(TRACER_DIR, "ncftrace-amd64-linux"));
  } catch {
    await run("make", ["-C", ROOT, "tracer"]);
  }
}

/** Compiles `tests/programs/NAME.c` with `gcc -O1 -g` into `dir`; returns the binary's path. */
export async function compileTestProgram(name: string, dir: string): Promise<string> {
  const binary = join(dir, name);
  await run("gcc", ["-O1", "-g", "-o", binary, join(ROOT, "tests", "programs", `${name}.c`)]);
  return binary;
}

/** Static address range `[start, end)` of a function, from `nm -S`. */
export async function symbolRange(
  binary: string,
  symbol: string,
): Promise<{ start: bigint; end: bigint }> {
  for (const line of (await run("nm", ["-S", "--defined-only", binary])).split("\n")) {
    const [addr, size, , name] = line.trim().split(/\s+/);
    if (name === symbol && size) {
      const start = BigInt("0x" + addr);
      return { start, end: start + BigInt("0x" + size) };
    }
  }
  throw new Error(`symbol ${symbol} not found in ${binary}`);
}
