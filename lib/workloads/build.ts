/**
 * Compiles the suite's own C programs (kernels and drivers) with gcc-12
 * `-O2 -g` into `build/workloads/`, when missing or out of date.
 *
 * @module
 */
import { dirname, join } from "node:path";
import { atomicWriteFile, BUILD_DIR, isUpToDate, ROOT, UserError } from "../common/mod.ts";
import type { WorkloadSpec } from "./manifest.ts";

/** Where compiled workloads go. */
export const WORKLOADS_BUILD_DIR: string = join(BUILD_DIR, "workloads");

/** The compiler every kernel and driver is built with. */
export const COMPILER = "gcc-12";

const CFLAGS = ["-O2", "-g", "-std=gnu11", "-Wall", "-Wextra", "-Wno-unused-parameter"];

/** The executable built from a kernel's or driver's source. */
export function binaryPath(spec: WorkloadSpec): string {
  return join(WORKLOADS_BUILD_DIR, spec.name);
}

function compileArgs(spec: WorkloadSpec, out: string): string[] {
  return [...CFLAGS, "-o", out, join(ROOT, spec.program), ...spec.link];
}

/** The headers in a source's folder: a kernel may include any of them. */
async function headersBeside(source: string): Promise<string[]> {
  const dir = dirname(source);
  const headers: string[] = [];
  for await (const entry of Deno.readDir(dir)) {
    if (entry.isFile && entry.name.endsWith(".h")) headers.push(join(dir, entry.name));
  }
  return headers;
}

/**
 * Builds a kernel or driver (a no-op when the binary is newer than its source
 * and was built with the same command) and returns the binary's path.
 */
export async function buildProgram(spec: WorkloadSpec): Promise<string> {
  if (spec.kind === "debian") throw new Error(`${spec.name} is not built: it is a Debian program`);
  const source = join(ROOT, spec.program);
  const out = binaryPath(spec);
  const stamp = `${out}.cmd`;
  const command = [COMPILER, ...compileArgs(spec, out)].join(" ");
  const previous = await Deno.readTextFile(stamp).catch(() => "");
  if (previous === command && await isUpToDate(out, [source, ...await headersBeside(source)])) {
    return out;
  }

  await Deno.mkdir(WORKLOADS_BUILD_DIR, { recursive: true });
  const tmp = `${out}.tmp-${Deno.pid}-${crypto.randomUUID().slice(0, 8)}`;
  let result: Deno.CommandOutput;
  try {
    result = await new Deno.Command(COMPILER, {
      args: compileArgs(spec, tmp),
      stdout: "piped",
      stderr: "piped",
    }).output();
  } catch (err) {
    throw new UserError(
      `cannot run ${COMPILER}: ${(err as Error).message}`,
      "install it: make apt",
    );
  }
  if (!result.success) {
    await Deno.remove(tmp).catch(() => {});
    const log = new TextDecoder().decode(result.stderr).trim();
    throw new UserError(
      `compiling workload ${spec.name} (${spec.program}) failed:\n${log}`,
      spec.package
        ? `install the ${spec.package} package (make apt), or fix the source`
        : "fix the source",
    );
  }
  await Deno.rename(tmp, out);
  await atomicWriteFile(stamp, command);
  return out;
}
