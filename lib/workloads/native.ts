/**
 * Runs a resolved workload natively (no tracer): to check that its inputs are
 * accepted and, optionally, to count the instructions it executes (with
 * Valgrind's exp-bbv tool, about 50x slower than native) when choosing
 * skip/window values.
 *
 * @module
 */
import { spawnChild } from "../common/mod.ts";
import type { ResolvedRun } from "./resolve.ts";

/** Options of {@linkcode runNative}. */
export interface NativeRunOptions {
  /** Count guest instructions under `valgrind --tool=exp-bbv` (default false). */
  countInstructions?: boolean;
  /** Kill the program after this many ms (default: no limit). */
  timeoutMs?: number;
}

/** What a native run did. */
export interface NativeResult {
  /** Exit code (null when killed by a signal). */
  code: number | null;
  /** Signal name when killed by one. */
  signal: string | null;
  /** Wall-clock seconds. */
  seconds: number;
  /** Bytes the program wrote to standard output (discarded). */
  stdoutBytes: number;
  /** The last lines of standard error. */
  stderrTail: string;
  /** Instructions executed (only with `countInstructions`). */
  instructions?: number;
}

async function drain(
  stream: ReadableStream<Uint8Array>,
  keepTail: boolean,
): Promise<[number, string]> {
  let bytes = 0;
  let tail = "";
  const decoder = new TextDecoder();
  for await (const chunk of stream) {
    bytes += chunk.length;
    if (keepTail) tail = (tail + decoder.decode(chunk, { stream: true })).slice(-20000);
  }
  return [bytes, tail];
}

/** Runs `run` to completion natively, standard output discarded. */
export async function runNative(
  run: ResolvedRun,
  options: NativeRunOptions = {},
): Promise<NativeResult> {
  const valgrindArgs = ["--tool=exp-bbv", "--bb-out-file=/dev/null", "--pc-out-file=/dev/null"];
  const [command, args] = options.countInstructions
    ? ["valgrind", [...valgrindArgs, run.program, ...run.args]]
    : [run.program, run.args];
  const start = performance.now();
  const { process: child, status: ended } = spawnChild(command, {
    args,
    cwd: run.cwd,
    env: run.env,
    stdin: run.stdin ? "piped" : "null",
    stdout: "piped",
    stderr: "piped",
  });
  const timer = options.timeoutMs === undefined
    ? undefined
    : setTimeout(() => child.kill("SIGKILL"), options.timeoutMs);
  const feed = run.stdin
    ? Deno.open(run.stdin).then((f) => f.readable.pipeTo(child.stdin)).catch(() => {})
    : Promise.resolve();
  const [[stdoutBytes], [, stderr], status] = await Promise.all([
    drain(child.stdout, false),
    drain(child.stderr, true),
    ended,
    feed,
  ]);
  clearTimeout(timer);
  const result: NativeResult = {
    code: status.signal ? null : status.code,
    signal: status.signal,
    seconds: (performance.now() - start) / 1000,
    stdoutBytes,
    stderrTail: stderr.split("\n").filter((l) => !l.startsWith("==")).slice(-15).join("\n"),
  };
  if (options.countInstructions) {
    const counts = [...stderr.matchAll(/Total instructions: (\d+)/g)].map((m) => Number(m[1]));
    if (counts.length > 0) result.instructions = counts.reduce((a, b) => a + b, 0);
  }
  return result;
}
