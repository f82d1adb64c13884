/**
 * Runs a program under the ncftrace Valgrind tool and leaves a whole trace at
 * the output path (or keeps `OUT.partial` and says why).
 *
 * @module
 */
import { basename, delimiter, dirname, isAbsolute, join, resolve } from "node:path";
import { BUILD_DIR, ensureParentDir, UserError } from "../common/mod.ts";
import { readFooter, type TraceFooter } from "./reader.ts";
import { parseSnapshotSpec } from "./snapshots.ts";
import type { ProgramEnd } from "./types.ts";

/** Options of {@linkcode traceProgram}. */
export interface TraceOptions {
  /** Program to trace: a path, or a name looked up in PATH. */
  program: string;
  /** Its arguments. */
  args?: string[];
  /** Trace file to write. */
  out: string;
  /** Instructions to skip before recording (default 0). */
  skip?: number;
  /** Instructions to record, 0 = until the program ends (default 0). */
  window?: number;
  /** At the window's end: stop the program (default) or let it run on unrecorded. */
  afterWindow?: "stop" | "run";
  /** Snapshot specification (lib/trace/README.md; default "none"). */
  snapshots?: string;
  /** File fed to the program's standard input (default: none, empty input). */
  stdin?: string;
  /** The program's standard output: inherit (default), null, or a file path. */
  stdout?: "inherit" | "null" | string;
  /** Working folder of the program (default: the current one). */
  cwd?: string;
  /** Extra environment variables of the program. */
  env?: Record<string, string>;
  /** Do not echo the tracer's and the program's standard error. */
  quiet?: boolean;
}

/** What a trace run produced. */
export interface TraceResult {
  /** The trace file (renamed from `.partial` once whole). */
  out: string;
  /** Size of the trace in bytes. */
  bytes: number;
  /** Instructions recorded in the window. */
  instructions: number;
  branches: number;
  loads: number;
  snapshots: number;
  /** How the program ended (exit code, fatal signal, or the window's end). */
  end: ProgramEnd;
  /** False when a window was asked for and the program ended before filling it. */
  windowFull: boolean;
  /** The full footer of the trace. */
  footer: TraceFooter;
  /** Wall-clock seconds of the traced run. */
  seconds: number;
}

/** The built tool and the folder Valgrind must be pointed at. */
export const TRACER_DIR: string = join(BUILD_DIR, "valgrind");
const TRACER_BINARY = join(TRACER_DIR, "ncftrace-amd64-linux");

async function isExecutableFile(path: string): Promise<boolean> {
  try {
    const st = await Deno.stat(path);
    return st.isFile && ((st.mode ?? 0o111) & 0o111) !== 0;
  } catch {
    return false;
  }
}

/** Resolves a program name or path the way a shell would; throws a UserError if it cannot run. */
export async function resolveProgram(program: string, cwd?: string): Promise<string> {
  if (program.includes("/")) {
    const path = isAbsolute(program) ? program : resolve(cwd ?? Deno.cwd(), program);
    let st: Deno.FileInfo;
    try {
      st = await Deno.stat(path);
    } catch {
      throw new UserError(
        `program ${program} does not exist`,
        "check the path of the program to trace",
      );
    }
    if (!st.isFile) {
      throw new UserError(
        `program ${program} is not a file`,
        "give the path of an executable file",
      );
    }
    if (((st.mode ?? 0o111) & 0o111) === 0) {
      throw new UserError(
        `program ${program} is not executable`,
        `make it executable (chmod +x ${program})`,
      );
    }
    return path;
  }
  for (const dir of (Deno.env.get("PATH") ?? "").split(delimiter)) {
    if (dir && await isExecutableFile(join(dir, program))) return join(dir, program);
  }
  throw new UserError(
    `program ${program} was not found in PATH`,
    "install it (make apt installs the workloads) or give its path",
  );
}

/** Checks that `out` can be written by creating and removing a probe file beside it. */
async function checkWritable(out: string): Promise<void> {
  await ensureParentDir(out);
  const probe = join(dirname(out), `.${basename(out)}.probe-${Deno.pid}`);
  try {
    await Deno.writeFile(probe, new Uint8Array());
    await Deno.remove(probe);
  } catch (err) {
    throw new UserError(
      `cannot write the trace to ${out}: ${(err as Error).message}`,
      "choose an output path in a folder you can write to",
    );
  }
}

function checkCount(name: string, value: number | undefined): number {
  const v = value ?? 0;
  if (!Number.isSafeInteger(v) || v < 0) {
    throw new UserError(`${name} must be a whole number >= 0, got ${value}`, `give --${name} N`);
  }
  return v;
}

/**
 * Traces a program. Writes `OUT.partial` and renames it to `OUT` once the
 * trace has its footer. A program that crashed still gives a whole trace
 * (its end says which signal); if the tracer itself dies, `OUT.partial` is
 * kept and a {@linkcode UserError} says so.
 */
export async function traceProgram(options: TraceOptions): Promise<TraceResult> {
  const skip = checkCount("skip", options.skip);
  const window = checkCount("window", options.window);
  const afterWindow = options.afterWindow ?? "stop";
  if (afterWindow !== "stop" && afterWindow !== "run") {
    throw new UserError(
      `--after-window must be stop or run, got ${afterWindow}`,
      "give --after-window stop or run",
    );
  }
  parseSnapshotSpec(options.snapshots ?? "none");
  if (!await isExecutableFile(TRACER_BINARY)) {
    throw new UserError(
      `the tracer is not built (${TRACER_BINARY} is missing)`,
      "run `make tracer`",
    );
  }
  const program = await resolveProgram(options.program, options.cwd);
  const out = resolve(options.out);
  await checkWritable(out);
  if (options.stdin !== undefined) {
    try {
      await Deno.stat(options.stdin);
    } catch {
      throw new UserError(
        `stdin file ${options.stdin} does not exist`,
        "give an existing input file",
      );
    }
  }
  const partial = `${out}.partial`;
  await Deno.remove(out).catch(() => {});

  const args = [
    "-q",
    "--tool=ncftrace",
    `--ncf-out=${partial}`,
    `--ncf-skip=${skip}`,
    `--ncf-window=${window}`,
    `--ncf-after-window=${afterWindow}`,
    `--ncf-snapshots=${options.snapshots ?? "none"}`,
    program,
    ...(options.args ?? []),
  ];
  const stdoutMode = options.stdout ?? "inherit";
  const toFile = stdoutMode !== "inherit" && stdoutMode !== "null";
  const started = performance.now();
  const child = new Deno.Command("valgrind", {
    args,
    cwd: options.cwd,
    env: { ...options.env, VALGRIND_LIB: TRACER_DIR },
    stdin: options.stdin !== undefined ? "piped" : "null",
    stdout: toFile ? "piped" : stdoutMode as "inherit" | "null",
    stderr: "piped",
  }).spawn();

  const feeding = options.stdin !== undefined
    ? (async () => {
      const input = await Deno.open(options.stdin!, { read: true });
      // The program may exit without reading everything: a broken pipe is fine.
      await input.readable.pipeTo(child.stdin).catch(() => {});
    })()
    : Promise.resolve();
  const writing = toFile
    ? (async () => {
      await ensureParentDir(stdoutMode);
      const f = await Deno.open(stdoutMode, { write: true, create: true, truncate: true });
      await child.stdout.pipeTo(f.writable);
    })()
    : Promise.resolve();
  // Keep the end of standard error for error messages; echo it unless quiet.
  let stderrTail = "";
  const reading = (async () => {
    const decoder = new TextDecoder();
    for await (const bytes of child.stderr) {
      if (!options.quiet) await Deno.stderr.write(bytes);
      stderrTail = (stderrTail + decoder.decode(bytes, { stream: true })).slice(-4000);
    }
  })();
  const status = await child.status;
  await Promise.all([feeding, writing, reading]);
  const seconds = (performance.now() - started) / 1000;

  const footer = await readFooter(partial);
  if (!footer) {
    const how = status.signal ? `killed by ${status.signal}` : `exit code ${status.code}`;
    const exists = await Deno.stat(partial).then(() => true, () => false);
    throw new UserError(
      `the tracer stopped without finishing the trace (valgrind ${how})` +
        (exists ? `; the incomplete trace is kept as ${partial}` : "") +
        (stderrTail.trim() ? `\n${stderrTail.trim()}` : ""),
      "read the tracer's message above; re-run the trace (make tracer rebuilds the tool)",
      1,
    );
  }
  // The tool reads the fatal signal from Valgrind's internals; the process
  // status (Valgrind re-raises the signal) names it when that failed.
  if (footer.end.how === "signal" && footer.end.signal === "unknown" && status.signal) {
    footer.end = { how: "signal", signal: status.signal };
  }
  await Deno.rename(partial, out);
  const bytes = (await Deno.stat(out)).size;
  return {
    out,
    bytes,
    instructions: footer.instructions,
    branches: footer.branches,
    loads: footer.loads,
    snapshots: footer.snapshots,
    end: footer.end,
    windowFull: window === 0 || footer.instructions >= window,
    footer,
    seconds,
  };
}
