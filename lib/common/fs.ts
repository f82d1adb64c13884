/**
 * File helpers: atomic writes (a reader never sees a half-written file) and
 * freshness checks used to skip work that is already done.
 *
 * @module
 */
import { dirname } from "node:path";
import { UserError } from "./errors.ts";

/** Where a file is written before it is renamed into place. */
function tempPathFor(path: string): string {
  return `${path}.tmp-${Deno.pid}-${crypto.randomUUID().slice(0, 8)}`;
}

/** Creates `path`'s folder, turning a permission problem into a {@linkcode UserError}. */
export async function ensureParentDir(path: string): Promise<void> {
  const dir = dirname(path);
  try {
    await Deno.mkdir(dir, { recursive: true });
  } catch (err) {
    throw new UserError(
      `cannot create folder ${dir}: ${(err as Error).message}`,
      "choose an output path in a folder you can write to",
    );
  }
}

/**
 * Refuses, before anything is written, an output path (given by option
 * `option`) that is a folder or one of `inputs` (`[what, path]` pairs; the
 * same file also through a link): a {@linkcode UserError} naming both.
 */
export async function checkOutputPath(
  option: string,
  path: string,
  inputs: [what: string, path: string][],
): Promise<void> {
  const stat = (p: string) => Deno.stat(p).catch(() => undefined);
  const out = await stat(path);
  if (!out) return;
  if (out.isDirectory) {
    throw new UserError(`${option} ${path} is a folder`, `give a file name to ${option}`);
  }
  for (const [what, input] of inputs) {
    const st = await stat(input);
    if (st && st.dev === out.dev && st.ino === out.ino) {
      throw new UserError(
        `${option} ${path} is ${what}: writing it would destroy it`,
        `give another ${option} path`,
      );
    }
  }
}

/** Writes `data` to `path` atomically: to a temporary file first, then renamed. */
export async function atomicWriteFile(path: string, data: Uint8Array | string): Promise<void> {
  await ensureParentDir(path);
  const tmp = tempPathFor(path);
  try {
    if (typeof data === "string") await Deno.writeTextFile(tmp, data);
    else await Deno.writeFile(tmp, data);
    await Deno.rename(tmp, path);
  } catch (err) {
    await Deno.remove(tmp).catch(() => {});
    if (err instanceof Deno.errors.PermissionDenied || err instanceof Deno.errors.NotFound) {
      throw new UserError(
        `cannot write ${path}: ${(err as Error).message}`,
        "choose an output path in a folder you can write to",
      );
    }
    throw err;
  }
}

/** Writes `value` as pretty JSON to `path`, atomically. */
export function atomicWriteJson(path: string, value: unknown): Promise<void> {
  return atomicWriteFile(path, JSON.stringify(value, null, 2) + "\n");
}

/** The modification time of `path` in ms, or `undefined` if it does not exist. */
export async function mtimeOf(path: string): Promise<number | undefined> {
  try {
    return (await Deno.stat(path)).mtime?.getTime();
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return undefined;
    throw err;
  }
}

/** True when `target` exists and is newer than every existing path in `sources`. */
export async function isUpToDate(target: string, sources: string[]): Promise<boolean> {
  const t = await mtimeOf(target);
  if (t === undefined) return false;
  for (const s of sources) {
    const m = await mtimeOf(s);
    if (m !== undefined && m > t) return false;
  }
  return true;
}

/** The SHA-256 of a file's bytes, in hex: identifies content regardless of mtimes. */
export async function sha256File(path: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", await Deno.readFile(path));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}
