/**
 * The run's setup, `results/setup.json`: scale, seeds, workloads, windows,
 * instruction counts, dataset sizes, tool versions and the machine. The
 * pipeline writes it with {@linkcode writeSetup}; the report shows it.
 *
 * @module
 */
import { join } from "node:path";
import { atomicWriteJson, RESULTS_DIR, ROOT, UserError } from "../common/mod.ts";

/**
 * The setup of a run. Known fields are typed; any other field is shown in the
 * report too (scalars as lines, flat objects as key/value tables, arrays of
 * objects as tables).
 */
export interface SetupInfo {
  /** The scale of the run, e.g. `"small"`. */
  scale: string;
  /** The seeds every experiment uses. */
  seeds?: number[];
  /** One entry per workload x input: name, input, window, instructions, branches, loads, ... */
  workloads?: Record<string, unknown>[];
  /** One entry per data set: task, train/test sizes, ... */
  datasets?: Record<string, unknown>[];
  /** Tool -> version, e.g. from {@linkcode collectEnvironment}. */
  versions?: Record<string, string>;
  /** Machine facts, e.g. from {@linkcode collectEnvironment}. */
  machine?: Record<string, string | number>;
  /** Anything else worth recording. */
  [key: string]: unknown;
}

/** Options of {@linkcode writeSetup} and {@linkcode readSetup}. */
export interface SetupOptions {
  /** Folder of the results (default {@linkcode RESULTS_DIR}). */
  dir?: string;
}

/** The path of `setup.json` in `dir`. */
export function setupPath(dir = RESULTS_DIR): string {
  return join(dir, "setup.json");
}

/** Writes `results/setup.json` atomically. Returns the path. */
export async function writeSetup(setup: SetupInfo, options: SetupOptions = {}): Promise<string> {
  const path = setupPath(options.dir);
  await atomicWriteJson(path, setup);
  return path;
}

/**
 * Reads `results/setup.json`: `undefined` when it does not exist.
 *
 * @throws {UserError} when it is not a JSON object.
 */
export async function readSetup(options: SetupOptions = {}): Promise<SetupInfo | undefined> {
  const path = setupPath(options.dir);
  let value: unknown;
  try {
    value = JSON.parse(await Deno.readTextFile(path));
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return undefined;
    throw new UserError(
      `${path} is not valid JSON: ${(err as Error).message}`,
      "re-run the pipeline (make) to rewrite it",
    );
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new UserError(`${path} is not a JSON object`, "re-run the pipeline (make) to rewrite it");
  }
  return value as SetupInfo;
}

/** The first line a command prints, or `"not installed"` when it cannot run. */
async function firstLine(command: string, args: string[]): Promise<string> {
  try {
    const { stdout, stderr } = await new Deno.Command(command, {
      args,
      stdout: "piped",
      stderr: "piped",
    }).output();
    const text = new TextDecoder().decode(stdout.length > 0 ? stdout : stderr);
    return text.split("\n")[0].trim() || "unknown";
  } catch {
    return "not installed";
  }
}

/** The `version` of an npm package installed in the repository's node_modules. */
async function npmVersion(name: string): Promise<string> {
  try {
    const pkg = JSON.parse(
      await Deno.readTextFile(join(ROOT, "node_modules", name, "package.json")),
    );
    return String(pkg.version);
  } catch {
    return "not installed";
  }
}

/** Tool versions (Deno, TypeScript, tfjs, Valgrind, gcc) and machine facts (OS, CPU, cores, memory). */
export async function collectEnvironment(): Promise<
  Pick<Required<SetupInfo>, "versions" | "machine">
> {
  const osRelease = await Deno.readTextFile("/etc/os-release").catch(() => "");
  const cpuInfo = await Deno.readTextFile("/proc/cpuinfo").catch(() => "");
  return {
    versions: {
      deno: Deno.version.deno,
      typescript: Deno.version.typescript,
      tfjs: await npmVersion("@tensorflow/tfjs"),
      "tfjs-backend-wasm": await npmVersion("@tensorflow/tfjs-backend-wasm"),
      valgrind: await firstLine("valgrind", ["--version"]),
      gcc: await firstLine("gcc", ["--version"]),
    },
    machine: {
      os: /^PRETTY_NAME="?([^"\n]*)"?/m.exec(osRelease)?.[1] ?? Deno.build.os,
      kernel: Deno.osRelease(),
      cpu: /^model name\s*:\s*(.*)$/m.exec(cpuInfo)?.[1] ?? Deno.build.arch,
      cores: navigator.hardwareConcurrency,
      "memory (GB)": Math.round(Deno.systemMemoryInfo().total / 2 ** 30),
    },
  };
}
