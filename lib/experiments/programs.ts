/**
 * Small C programs of `tests/programs/` traced for the experiments: compiled
 * (`gcc -O1 -g`), traced with snapshots at chosen instructions of one
 * function, optionally from that function's first execution on, and cached
 * under `data/cache/experiments/programs/` by source, arguments and snapshot
 * selection.
 *
 * @module
 */
import { join } from "node:path";
import { atomicWriteJson, ROOT } from "../common/mod.ts";
import { loadObject } from "../disasm/mod.ts";
import { openTrace, traceProgram } from "../trace/mod.ts";
import { compileTestProgram, ensureTracer } from "../trace/testing.ts";
import { cacheDir, hashOf, readCachedJson } from "./cache.ts";

/** What to trace of a test program. */
export interface ProgramTraceOptions {
  /** `tests/programs/<name>.c`. */
  name: string;
  args: string[];
  /** Function whose instructions get snapshots. */
  func: string;
  /** Which of its instructions: by flow kind (`branch`, ...) and objdump text. */
  keep: (flow: string, text: string) => boolean;
  /** Start the window at the function's first event (skip the program's setup). */
  startAtFunction?: boolean;
  /** Extra snapshot modifiers, e.g. `max-per-site=4096` (default none). */
  modifiers?: string;
}

/** A traced test program. */
export interface ProgramTrace {
  binary: string;
  trace: string;
  /** The snapshot spec used. */
  snapshots: string;
  /** Instructions skipped before the window. */
  skip: number;
}

/** Snapshot selectors `at=BINARY+0xOFF` for the instructions of `func` that `keep` accepts. */
export async function snapshotSelectors(
  binary: string,
  func: string,
  keep: (flow: string, text: string) => boolean,
): Promise<{ selectors: string[]; range: [bigint, bigint] }> {
  const code = await loadObject(binary, { quiet: true });
  const f = code.functionNamed(func);
  if (!f) throw new Error(`${binary} has no function ${func}`);
  const name = binary.split("/").at(-1);
  const selectors: string[] = [];
  for (let i = f.start; i < f.end; i++) {
    const inst = code.instruction(i);
    if (keep(inst.flow, inst.text)) selectors.push(`at=${name}+0x${inst.address.toString(16)}`);
  }
  return {
    selectors,
    range: [code.instruction(f.start).address, code.instruction(f.end - 1).address + 1n],
  };
}

/** Compiles and traces a test program (cached). */
export async function traceTestProgram(options: ProgramTraceOptions): Promise<ProgramTrace> {
  const source = await Deno.readTextFile(join(ROOT, "tests", "programs", `${options.name}.c`));
  const key = await hashOf({
    source,
    args: options.args,
    func: options.func,
    keep: options.keep.toString(),
    startAtFunction: options.startAtFunction ?? false,
    modifiers: options.modifiers ?? "",
  });
  const dir = cacheDir("programs", `${options.name}-${key}`);
  const recordPath = join(dir, "trace.json");
  const cached = await readCachedJson<ProgramTrace>(recordPath);
  if (cached) return cached;
  await ensureTracer();
  await Deno.mkdir(dir, { recursive: true });
  const binary = await compileTestProgram(options.name, dir);
  const { selectors, range } = await snapshotSelectors(binary, options.func, options.keep);
  const snapshots = [...selectors, ...(options.modifiers ? [options.modifiers] : [])].join(",");
  const trace = join(dir, `${options.name}.trace`);
  let skip = 0;
  if (options.startAtFunction) {
    // A first pass finds the instruction count of the function's first event.
    const probe = join(dir, "probe.trace");
    await traceProgram({
      program: binary,
      args: options.args,
      out: probe,
      stdout: "null",
      quiet: true,
    });
    const t = await openTrace(probe);
    const [lo, hi] = range;
    search: for await (const chunk of t.chunks()) {
      for (let i = 0; i < chunk.length; i++) {
        const site = t.meta.sites[chunk.site[i]];
        if (site.offset >= lo && site.offset < hi && t.meta.objects[site.object] === binary) {
          skip = chunk.icount[i];
          break search;
        }
      }
    }
    await Deno.remove(probe);
  }
  await traceProgram({
    program: binary,
    args: options.args,
    out: trace,
    skip,
    snapshots,
    stdout: "null",
    quiet: true,
  });
  const result = { binary, trace, snapshots, skip };
  await atomicWriteJson(recordPath, result);
  return result;
}
