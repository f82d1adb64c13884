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
 *   inputs, which its arguments name relative to it.
 *
 * `NNNNNNNN` is the first free number from 0: the same path whenever no other
 * sandbox is in use, and always the same length. Valgrind itself adds no
 * randomness (no address-space randomisation, a fixed stack, one thread at a
 * time in a fixed order); see lib/trace/README.md for what remains.
 *
 * @module
 */
import { basename, join } from "node:path";

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
  /** {@linkcode FIXED_ENV} with `HOME` = {@linkcode Sandbox.work}. */
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
    await Deno.mkdir(join(dir, "bin"));
    await Deno.mkdir(work);
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
      env: { ...FIXED_ENV, HOME: work },
      remove,
    };
  } catch (err) {
    await remove();
    throw err;
  }
}
