/**
 * Reproducible runs: the same program and inputs give the same trace,
 * whoever runs it, from which folder, in which environment, and wherever the
 * repository was cloned.
 *
 * Before `main`, the loader and libc walk the environment, the arguments and
 * the auxiliary vector (`AT_EXECFN` is the program's path), and strings on
 * the stack shift its alignment: one more variable or a longer path changes
 * the instruction count, and with it which instructions a skip window holds.
 * A sandbox therefore gives the program:
 *
 * - only {@linkcode FIXED_ENV}, `HOME` (its working folder) and the variables
 *   the caller adds; Valgrind adds `LD_PRELOAD` and `VALGRIND_LIB`, which
 *   point into the sandbox, and Debian's `valgrind` script adds `PWD` and a
 *   few fixed ones;
 * - its own path as `/tmp/ncf-run-NNNNNNNN/bin/NAME` (a link to the program,
 *   NAME its file name unless the caller fixes one;
 *   the trace still names the real file, which Valgrind resolves);
 * - a fresh working folder `/tmp/ncf-run-NNNNNNNN/work` holding copies of its
 *   inputs, which its arguments name relative to it;
 * - its shared libraries as links in `/tmp/ncf-run-NNNNNNNN/lib`, named by
 *   `LD_LIBRARY_PATH`, so that the loader never reads the machine's library
 *   cache (see {@linkcode linkLibraries}).
 *
 * `NNNNNNNN` is the first free number from 0: the same path whenever no other
 * sandbox is in use, and always the same length. Valgrind itself adds no
 * randomness (no address-space randomisation, a fixed stack, one thread at a
 * time in a fixed order); see lib/trace/README.md for what remains.
 *
 * @module
 */
import { basename, join } from "node:path";

/**
 * What a sandbox gives the program, as a number that trace stamps record: raise it whenever a
 * change here changes traces, so that the traces made the old way are made again.
 * 2: the program's libraries linked in, the loader no longer reads the library cache.
 */
export const SANDBOX_VERSION = 2;

/** Where sandboxes are made: a fixed folder, not `$TMPDIR` (its length would vary). */
const SANDBOX_ROOT = "/tmp";
const SANDBOX_PREFIX = "ncf-run-";

/** The environment of a reproducible run, before `HOME` and the caller's additions. */
export const FIXED_ENV: Readonly<Record<string, string>> = {
  PATH: "/usr/local/bin:/usr/bin:/bin",
  LC_ALL: "C",
  TZ: "UTC",
};

/** A run folder of fixed-length path; {@linkcode Sandbox.remove} deletes it. */
export interface Sandbox {
  /** `/tmp/ncf-run-NNNNNNNN`. */
  dir: string;
  /** The path the program is run by: `dir/bin/NAME`, a link to it. */
  program: string;
  /** The working folder, with copies of the inputs. */
  work: string;
  /** `dir/vg`, a link to the tracer's folder: Valgrind's `VALGRIND_LIB`. */
  valgrindLib: string;
  /** Links to the program's shared libraries: its `LD_LIBRARY_PATH`. */
  lib: string;
  /** {@linkcode FIXED_ENV} with `HOME` = {@linkcode Sandbox.work} and `LD_LIBRARY_PATH` = {@linkcode Sandbox.lib}. */
  env: Record<string, string>;
  remove(): Promise<void>;
}

/** Copies the contents of `from` into `to` (copies: a program that writes its input changes nothing). */
async function copyInto(from: string, to: string): Promise<void> {
  for await (const entry of Deno.readDir(from)) {
    const src = join(from, entry.name), dst = join(to, entry.name);
    if ((await Deno.stat(src)).isDirectory) {
      await Deno.mkdir(dst);
      await copyInto(src, dst);
    } else {
      await Deno.copyFile(src, dst);
    }
  }
}

/** `ldd`'s lines `NAME => PATH (0xADDRESS)`: a library the loader resolved. */
const RESOLVED_LIBRARY = /^\s*(\S+) => (\/\S+) \(0x[0-9a-f]+\)$/;

/**
 * Links `lib/NAME` to every shared library `program` loads, as `ldd` resolves
 * them. Without them the loader looks each one up in `/etc/ld.so.cache`,
 * which changes whenever any package is installed: installing chromium
 * changed the lookup's binary search by a step (120 instructions in every
 * corpus trace) and moved the cache's mapping, and every later one, by a
 * page, heap pointers in the program's snapshots included. A static program
 * (`ldd` fails) gets an empty folder.
 */
async function linkLibraries(program: string, lib: string): Promise<void> {
  const { success, stdout } = await new Deno.Command("ldd", {
    args: [program],
    clearEnv: true,
    env: { ...FIXED_ENV },
    stdout: "piped",
    stderr: "null",
  }).output();
  if (!success) return;
  for (const line of new TextDecoder().decode(stdout).split("\n")) {
    const found = line.match(RESOLVED_LIBRARY);
    if (found) await Deno.symlink(found[2], join(lib, found[1]));
  }
}

async function makeDir(): Promise<string> {
  for (let n = 0;; n++) {
    const dir = join(SANDBOX_ROOT, SANDBOX_PREFIX + String(n).padStart(8, "0"));
    try {
      await Deno.mkdir(dir, { mode: 0o700 });
      return dir;
    } catch (err) {
      if (!(err instanceof Deno.errors.AlreadyExists)) throw err;
    }
  }
}

/**
 * Makes a sandbox for `program` (an absolute path) traced with the tool in
 * `tracerDir`; the files of folder `inputs`, if given, are copied into its
 * working folder, and the program is linked as `name` (default: its own file
 * name; a fixed name makes the run independent of what the file is called).
 */
export async function makeSandbox(
  program: string,
  tracerDir: string,
  { inputs, name = basename(program) }: { inputs?: string; name?: string } = {},
): Promise<Sandbox> {
  const dir = await makeDir();
  const remove = () => Deno.remove(dir, { recursive: true }).catch(() => {});
  try {
    const work = join(dir, "work");
    const lib = join(dir, "lib");
    await Deno.mkdir(join(dir, "bin"));
    await Deno.mkdir(work);
    await Deno.mkdir(lib);
    await linkLibraries(program, lib);
    const linked = join(dir, "bin", name);
    await Deno.symlink(program, linked);
    const valgrindLib = join(dir, "vg");
    await Deno.symlink(tracerDir, valgrindLib);
    if (inputs !== undefined) await copyInto(inputs, work);
    return {
      dir,
      program: linked,
      work,
      valgrindLib,
      lib,
      env: { ...FIXED_ENV, HOME: work, LD_LIBRARY_PATH: lib },
      remove,
    };
  } catch (err) {
    await remove();
    throw err;
  }
}
