/**
 * Checks that the object files a trace names are still the ones that ran:
 * the static side (disassembly) of a site is read from the file on disk, so a
 * program rebuilt after it was traced would silently pair events with the
 * wrong instructions.
 *
 * @module
 */
import { UserError } from "../common/mod.ts";

/**
 * Throws a {@linkcode UserError} naming every object in `objects` that was
 * modified after the trace at `tracePath` was written. Objects that no longer
 * exist are left to the disassembler, which reports them.
 */
export async function assertObjectsUnchanged(
  tracePath: string,
  objects: readonly string[],
): Promise<void> {
  const tracedAt = (await Deno.stat(tracePath)).mtime?.getTime() ?? Infinity;
  const changed: string[] = [];
  for (const path of objects) {
    try {
      const modified = (await Deno.stat(path)).mtime?.getTime() ?? 0;
      if (modified > tracedAt) changed.push(path);
    } catch (err) {
      if (!(err instanceof Deno.errors.NotFound)) throw err;
    }
  }
  if (changed.length > 0) {
    throw new UserError(
      `${
        changed.join(", ")
      } changed after ${tracePath} was recorded: its code no longer matches the trace`,
      "trace the program again (or restore the files it ran)",
    );
  }
}
