/**
 * Content keys for the experiment cache: a computed thing (dataset, model,
 * baseline run) lives in a folder named by the hash of everything it was
 * computed from, so a changed input gives a new folder and an unchanged one
 * is found again.
 *
 * @module
 */
import { join } from "node:path";
import stableStringify from "safe-stable-stringify";
import { atomicWriteJson } from "../common/mod.ts";
import { EXPERIMENTS_CACHE } from "./config.ts";

/**
 * The first 16 hex digits of the SHA-256 of `value`'s canonical JSON: keys sorted at every level
 * (`safe-stable-stringify`), so the same content gives the same key whatever order its properties
 * were written in; bigints as numbers.
 */
export async function hashOf(value: unknown): Promise<string> {
  const text = stableStringify(value) ?? "undefined";
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return Array.from(new Uint8Array(digest).slice(0, 8), (b) => b.toString(16).padStart(2, "0"))
    .join("");
}

/**
 * What identifies a trace's content: its `<trace>.json` record when it has
 * one (the suite and this module write it: program and input digests,
 * window, snapshot spec, tracer digest), else its size and mtime.
 */
export async function traceIdentity(path: string): Promise<unknown> {
  try {
    const stamp = JSON.parse(await Deno.readTextFile(`${path}.json`));
    return stamp.run ?? stamp;
  } catch {
    const info = await Deno.stat(path);
    return { path, size: info.size, mtime: info.mtime?.getTime() };
  }
}

/** The cache folder `data/cache/experiments/<kind>/<key>`. */
export function cacheDir(kind: string, key: string): string {
  return join(EXPERIMENTS_CACHE, kind, key);
}

/** Reads a cached JSON value, or `undefined` when there is none (or it is unreadable). */
export async function readCachedJson<T>(path: string): Promise<T | undefined> {
  try {
    return JSON.parse(await Deno.readTextFile(path)) as T;
  } catch {
    return undefined;
  }
}

/**
 * The cached JSON at `data/cache/experiments/<kind>/<hash of key>.json`, or
 * `compute()`'s value, written there atomically first.
 */
export async function cachedJson<T>(
  kind: string,
  key: unknown,
  compute: () => Promise<T>,
): Promise<T> {
  const path = join(EXPERIMENTS_CACHE, kind, `${await hashOf(key)}.json`);
  const cached = await readCachedJson<{ key: unknown; value: T }>(path);
  if (cached) return cached.value;
  const value = await compute();
  await atomicWriteJson(path, { key, value });
  return value;
}
