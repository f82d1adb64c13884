/**
 * Helpers for tests that need real traces: build the tool, compile a small C
 * program from `tests/programs/`, and read its symbols. Tests never mock a
 * trace.
 *
 * @module
 */
import { createHash } from "node:crypto";
import { basename, join } from "node:path";
import { ROOT } from "../common/mod.ts";
import { openTrace } from "./reader.ts";
import { traceProgram, TRACER_DIR } from "./run.ts";

async function run(cmd: string, args: string[]): Promise<string> {
  const out = await new Deno.Command(cmd, { args, stdout: "piped", stderr: "piped" }).output();
  const text = new TextDecoder().decode(out.stdout);
  if (!out.success) {
    throw new Error(`${cmd} ${args.join(" ")} failed:\n${new TextDecoder().decode(out.stderr)}`);
  }
  return text;
}

/** A fresh temporary folder of a test module, removed when the module's tests end. */
export async function testTempDir(prefix: string): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix });
  globalThis.addEventListener("unload", () => Deno.removeSync(dir, { recursive: true }));
  return dir;
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

/**
 * Builds the tracer if needed, compiles `tests/programs/NAME.c` into `dir`
 * and traces it with `args` and `snapshots` into `dir/OUT` (its output
 * discarded); returns the trace's path.
 */
export async function traceTestProgram(
  name: string,
  dir: string,
  options: { args: string[]; out: string; snapshots: string },
): Promise<string> {
  await ensureTracer();
  const out = join(dir, options.out);
  await traceProgram({
    program: await compileTestProgram(name, dir),
    args: options.args,
    out,
    stdout: "null",
    snapshots: options.snapshots,
    quiet: true,
  });
  return out;
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

/**
 * SHA-256 of what a trace says about the run, independent of where files
 * lie: every event (kind, its site's object by base name, static offset and
 * operand, icount, outcome, address, size, value, snapshot registers) and the
 * footer's instruction and block counts and end (not its byte counts: the
 * objects' paths take bytes). Two runs with equal digests executed the same.
 */
export async function eventDigest(path: string): Promise<string> {
  const trace = await openTrace(path);
  const hash = createHash("sha256");
  const siteKeys: string[] = [];
  for await (const c of trace.chunks({ chunkSize: 65536 })) {
    const { sites, objects } = trace.meta;
    for (let k = siteKeys.length; k < sites.length; k++) {
      const s = sites[k];
      siteKeys.push(`${s.kind} ${basename(objects[s.object])}+${s.offset} ${s.operand}`);
    }
    const rows: string[] = [];
    for (let i = 0; i < c.length; i++) {
      const row = c.snapshot[i];
      rows.push(
        `${siteKeys[c.site[i]]} ${c.icount[i]} ${c.taken[i]} ${c.addr[i]} ${c.size[i]} ${
          c.value[i]
        }` +
          (row >= 0 ? ` ${c.regs.subarray(row * 16, row * 16 + 16).join(",")}` : ""),
      );
    }
    hash.update(rows.join("\n"));
  }
  const f = trace.footer!;
  hash.update(JSON.stringify([f.instructions, f.instructionsTotal, f.blocks, f.end]));
  return hash.digest("hex");
}
