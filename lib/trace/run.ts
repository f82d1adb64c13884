/**
 * Runs a program under the ncftrace Valgrind tool and leaves a whole trace at
 * the output path (or keeps `OUT.partial` and says why).
 *
 * @module
 */
import { basename, delimiter, dirname, isAbsolute, join, resolve } from "node:path";
import {
  BUILD_DIR,
  checkOutputPath,
  ensureParentDir,
  Interrupted,
  spawnChild,
  UserError,
} from "../common/mod.ts";
import { readFooter, windowFull } from "./reader.ts";
import { makeSandbox, type Sandbox } from "./sandbox.ts";
import { parseSnapshotSpec } from "./snapshots.ts";
import type { ProgramEnd, TraceFooter } from "./types.ts";

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
  /** Working folder of the program (default: the current one; not with `reproducible`). */
  cwd?: string;
  /** Extra environment variables of the program. */
  env?: Record<string, string>;
  /** Do not echo the tracer's and the program's standard error. */
  quiet?: boolean;
  /**
   * Stop the program once the trace has about this many bytes (it ends
   * whole, `end.how` = `limit`; up to about 1 MiB more is written); default
   * 0, no cap.
   */
  maxBytes?: number;
  /**
   * Run reproducibly (`sandbox.ts`): only a fixed environment plus `env`,
   * the program seen at a fixed-length path, in a fresh working folder
   * holding copies of the files of folder `inputs` (name them in `args`
   * relative to it), run by the name `name` (default: its own file name).
   * Default: the caller's environment plus `env`, in `cwd`.
   */
  reproducible?: { inputs?: string; name?: string };
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
/** The built tool: a trace older than it was made by another tracer. */
export const TRACER_BINARY: string = join(TRACER_DIR, "ncftrace-amd64-linux");

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

/** The options' numbers and choices, checked. */
function checkSettings(options: TraceOptions) {
  const skip = checkCount("skip", options.skip);
  const window = checkCount("window", options.window);
  const maxBytes = checkCount("max-bytes", options.maxBytes);
  const afterWindow = options.afterWindow ?? "stop";
  if (afterWindow !== "stop" && afterWindow !== "run") {
    throw new UserError(
      `--after-window must be stop or run, got ${afterWindow}`,
      "give --after-window stop or run",
    );
  }
  if (options.reproducible && options.cwd !== undefined) {
    throw new UserError(
      "a reproducible run has its own working folder: cwd cannot be given too",
      "give the inputs' folder as reproducible.inputs and name the inputs relative to it",
    );
  }
  const snapshots = options.snapshots ?? "none";
  parseSnapshotSpec(snapshots);
  return { skip, window, maxBytes, afterWindow, snapshots };
}

/** Information on an existing path (following links), or undefined. */
async function statOf(path: string): Promise<Deno.FileInfo | undefined> {
  try {
    return await Deno.stat(path);
  } catch {
    return undefined;
  }
}

/**
 * Refuses, before anything is written, a run that would destroy a file of the
 * user's: an output that is a folder, the program, or the standard input; a
 * standard input or inputs folder of the wrong kind.
 */
async function checkPaths(
  options: TraceOptions,
  program: string,
  out: string,
  stdoutFile: string | undefined,
): Promise<void> {
  const inputs: [string, string][] = [["the program", program]];
  if (options.stdin !== undefined) {
    const st = await statOf(options.stdin);
    if (!st) {
      throw new UserError(
        `stdin file ${options.stdin} does not exist`,
        "give an existing input file",
      );
    }
    if (st.isDirectory) {
      throw new UserError(
        `--stdin ${options.stdin} is a folder`,
        "give a file to feed the program",
      );
    }
    inputs.push(["the --stdin file", options.stdin]);
  }
  const inputsDir = options.reproducible?.inputs;
  if (inputsDir !== undefined && !(await statOf(inputsDir))?.isDirectory) {
    throw new UserError(
      `inputs folder ${inputsDir} is not a folder`,
      "give the folder of the inputs",
    );
  }
  for (const path of [out, `${out}.partial`]) await checkOutputPath("--out", path, inputs);
  if (stdoutFile !== undefined) {
    await checkOutputPath("--stdout", stdoutFile, [...inputs, ["the trace's --out", out]]);
  }
}

/** What Valgrind runs and with what: in a sandbox, or in the caller's environment. */
interface Launch {
  args: string[];
  options: Deno.CommandOptions;
  sandbox?: Sandbox;
}

async function launch(
  options: TraceOptions,
  program: string,
  partial: string,
  settings: ReturnType<typeof checkSettings>,
): Promise<Launch> {
  const toolArgs = (runAs: string) => [
    "-q",
    "--command-line-only=yes",
    "--tool=ncftrace",
    `--ncf-out=${partial}`,
    `--ncf-skip=${settings.skip}`,
    `--ncf-window=${settings.window}`,
    `--ncf-after-window=${settings.afterWindow}`,
    `--ncf-snapshots=${settings.snapshots}`,
    `--ncf-max-bytes=${settings.maxBytes}`,
    `--ncf-program=${program}`,
    `--ncf-deterministic=${options.reproducible ? "yes" : "no"}`,
    runAs,
    ...(options.args ?? []),
  ];
  const streams = {
    stdin: options.stdin !== undefined ? "piped" : "null",
    stdout: options.stdout === undefined || options.stdout === "inherit"
      ? "inherit"
      : options.stdout === "null"
      ? "null"
      : "piped",
    stderr: "piped",
  } as const;
  if (!options.reproducible) {
    return {
      args: toolArgs(program),
      options: {
        ...streams,
        cwd: options.cwd,
        env: { ...options.env, VALGRIND_LIB: TRACER_DIR },
      },
    };
  }
  const sandbox = await makeSandbox(program, TRACER_DIR, options.reproducible);
  return {
    args: toolArgs(sandbox.program),
    options: {
      ...streams,
      cwd: sandbox.work,
      clearEnv: true,
      env: { ...sandbox.env, ...options.env, VALGRIND_LIB: sandbox.valgrindLib },
    },
    sandbox,
  };
}

/** The program's standard streams while it runs: input fed, output written, stderr's tail kept. */
function connect(child: Deno.ChildProcess, options: TraceOptions, stdoutFile?: string) {
  const feeding = options.stdin !== undefined
    ? (async () => {
      const input = await Deno.open(options.stdin!, { read: true });
      // The program may exit without reading everything: a broken pipe is fine.
      await input.readable.pipeTo(child.stdin).catch(() => {});
    })()
    : Promise.resolve();
  const writing = stdoutFile !== undefined
    ? (async () => {
      await ensureParentDir(stdoutFile);
      const f = await Deno.open(stdoutFile, { write: true, create: true, truncate: true });
      await child.stdout.pipeTo(f.writable);
    })()
    : Promise.resolve();
  const stderr = { tail: "" };
  const reading = (async () => {
    const decoder = new TextDecoder();
    for await (const bytes of child.stderr) {
      if (!options.quiet) await Deno.stderr.write(bytes);
      stderr.tail = (stderr.tail + decoder.decode(bytes, { stream: true })).slice(-4000);
    }
  })();
  return { done: Promise.allSettled([feeding, writing, reading]), stderr };
}

/**
 * Traces a program. Writes `OUT.partial` and renames it to `OUT` once the
 * trace has its footer (an existing `OUT` stays until then). A program that
 * crashed still gives a whole trace (its end says which signal); if the
 * tracer itself dies, `OUT.partial` is kept and a {@linkcode UserError} says
 * so; if this process is interrupted (SIGINT, SIGTERM), the tracer is
 * stopped, `OUT.partial` is kept and {@linkcode Interrupted} says so. Paths
 * that would overwrite an input, or outputs that are folders, are refused
 * before anything is written.
 */
export async function traceProgram(options: TraceOptions): Promise<TraceResult> {
  const settings = checkSettings(options);
  if (!await isExecutableFile(TRACER_BINARY)) {
    throw new UserError(
      `the tracer is not built (${TRACER_BINARY} is missing)`,
      "run `make tracer`",
    );
  }
  const program = await resolveProgram(options.program, options.cwd);
  const valgrind = await resolveProgram("valgrind");
  const out = resolve(options.out);
  const stdoutFile = options.stdout === undefined || options.stdout === "inherit" ||
      options.stdout === "null"
    ? undefined
    : resolve(options.stdout);
  await checkPaths(options, program, out, stdoutFile);
  await checkWritable(out);
  const partial = `${out}.partial`;

  const run = await launch(options, program, partial, settings);
  const started = performance.now();
  let status: Deno.CommandStatus;
  let stderrTail: string;
  try {
    const child = spawnChild(valgrind, { ...run.options, args: run.args });
    const streams = connect(child.process, options, stdoutFile);
    try {
      status = await child.status;
    } finally {
      await streams.done;
    }
    stderrTail = streams.stderr.tail;
  } catch (err) {
    if (!(err instanceof Interrupted)) throw err;
    const kept = await statOf(partial) ? `; the incomplete trace is kept as ${partial}` : "";
    throw new Interrupted(
      err.signal,
      `interrupted by ${err.signal}: the tracer was stopped${kept}`,
    );
  } finally {
    await run.sandbox?.remove();
  }
  const seconds = (performance.now() - started) / 1000;

  const footer = await readFooter(partial);
  if (!footer) {
    const how = status.signal ? `killed by ${status.signal}` : `exit code ${status.code}`;
    const exists = await statOf(partial) !== undefined;
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
    windowFull: windowFull(footer, settings.skip, settings.window),
    footer,
    seconds,
  };
}
