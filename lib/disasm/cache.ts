/**
 * On-disk cache of parsed objects: one binary file per object file,
 * `<basename>-<hash of path>-<hash of size, mtime and format>.bin`, written
 * atomically; writing a new version removes the older ones of the same path.
 *
 * Layout: magic `NCFDIS01`, u32 header length, header JSON (source, functions,
 * warnings, shape texts), padding to 8 bytes, then the columns addresses
 * (f64), targets (f64), shape ids (u32), lengths (u8), flows (u8). Shapes are
 * parsed again from their texts on first use.
 *
 * @module
 */
import { basename, dirname, join } from "node:path";
import { atomicWriteFile } from "../common/mod.ts";
import { OBJDUMP_ARGS, type ParsedObject } from "./listing.ts";
import { ShapeTable } from "./shape.ts";
import type { DisasmWarning, FunctionInfo } from "./types.ts";

/** Bump when the parse changes: old cache files are then ignored. */
const FORMAT_VERSION = 2;
const MAGIC = new TextEncoder().encode("NCFDIS01");
/** Bytes per instruction in the columns: address, target, shape id, length, flow. */
const ROW_BYTES = 8 + 8 + 4 + 1 + 1;

/** Identity of the object file a cache entry was made from. */
export interface CacheSource {
  path: string;
  size: number;
  mtimeMs: number;
}

interface Header {
  source: CacheSource;
  rows: number;
  functions: [string, string, string, number, number][];
  warnings: [string | null, string][];
  shapeTexts: readonly string[];
}

async function shortHash(value: unknown): Promise<string> {
  const bytes = new TextEncoder().encode(JSON.stringify(value));
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  return Array.from(digest.slice(0, 6), (b) => b.toString(16).padStart(2, "0")).join("");
}

/** The prefix of every cache file name of the object at `path`. */
async function cachePrefix(path: string): Promise<string> {
  return `${basename(path)}-${await shortHash(path)}-`;
}

/** The cache file for `source` in `cacheDir`. */
export async function cachePathFor(cacheDir: string, source: CacheSource): Promise<string> {
  const version = await shortHash([FORMAT_VERSION, OBJDUMP_ARGS, source.size, source.mtimeMs]);
  return join(cacheDir, `${await cachePrefix(source.path)}${version}.bin`);
}

/** Removes the cache files of older versions of `source`'s object (best effort). */
async function pruneOlderVersions(file: string, source: CacheSource): Promise<void> {
  const dir = dirname(file);
  const prefix = await cachePrefix(source.path);
  for await (const entry of Deno.readDir(dir)) {
    const path = join(dir, entry.name);
    if (entry.name.startsWith(prefix) && entry.name.endsWith(".bin") && path !== file) {
      await Deno.remove(path).catch(() => {});
    }
  }
}

const align8 = (n: number) => (n + 7) & ~7;

/** Writes `parsed` to `file` atomically. */
export async function writeCache(
  file: string,
  source: CacheSource,
  parsed: ParsedObject,
): Promise<void> {
  const rows = parsed.addresses.length;
  const header: Header = {
    source,
    rows,
    functions: parsed.functions.map((
      f,
    ) => [f.name, f.address.toString(16), f.section, f.start, f.end]),
    warnings: parsed.warnings.map((w) => [w.address?.toString(16) ?? null, w.message]),
    shapeTexts: parsed.shapes.texts,
  };
  const headerBytes = new TextEncoder().encode(JSON.stringify(header));
  const columnsAt = align8(MAGIC.length + 4 + headerBytes.length);
  const bytes = new Uint8Array(columnsAt + rows * ROW_BYTES);
  bytes.set(MAGIC, 0);
  new DataView(bytes.buffer).setUint32(MAGIC.length, headerBytes.length, true);
  bytes.set(headerBytes, MAGIC.length + 4);
  let at = columnsAt;
  const { addresses, targets, shapeIds, lengths, flows } = parsed;
  for (const column of [addresses, targets, shapeIds, lengths, flows]) {
    bytes.set(new Uint8Array(column.buffer, column.byteOffset, column.byteLength), at);
    at += column.byteLength;
  }
  await atomicWriteFile(file, bytes);
  await pruneOlderVersions(file, source);
}

/**
 * Reads a cache file written for `source`; `undefined` if it is missing,
 * from another format version, for another file version, or damaged.
 */
export async function readCache(
  file: string,
  source: CacheSource,
): Promise<ParsedObject | undefined> {
  let bytes: Uint8Array;
  try {
    bytes = await Deno.readFile(file);
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return undefined;
    throw err;
  }
  if (bytes.length < MAGIC.length + 4 || MAGIC.some((b, i) => bytes[i] !== b)) return undefined;
  const headerLength = new DataView(bytes.buffer).getUint32(MAGIC.length, true);
  const columnsAt = align8(MAGIC.length + 4 + headerLength);
  let header: Header;
  try {
    header = JSON.parse(
      new TextDecoder().decode(bytes.subarray(MAGIC.length + 4, MAGIC.length + 4 + headerLength)),
    );
  } catch {
    return undefined;
  }
  const { rows } = header;
  const same = header.source.path === source.path && header.source.size === source.size &&
    header.source.mtimeMs === source.mtimeMs;
  if (!same || bytes.length !== columnsAt + rows * ROW_BYTES) return undefined;

  // Columns are views of the file's bytes when aligned (they are, unless the buffer is offset).
  let at = columnsAt;
  const take = (size: number): [ArrayBuffer, number, number] => {
    let buffer = bytes.buffer as ArrayBuffer;
    let offset = bytes.byteOffset + at;
    if (offset % size !== 0) {
      buffer = bytes.slice(at, at + rows * size).buffer;
      offset = 0;
    }
    at += rows * size;
    return [buffer, offset, rows];
  };
  const addresses = new Float64Array(...take(8));
  const targets = new Float64Array(...take(8));
  const shapeIds = new Uint32Array(...take(4));
  const lengths = new Uint8Array(...take(1));
  const flows = new Uint8Array(...take(1));
  const functions: FunctionInfo[] = header.functions.map((
    [name, address, section, start, end],
    index,
  ) => ({
    index,
    name,
    address: BigInt("0x" + address),
    section,
    start,
    end,
  }));
  const warnings: DisasmWarning[] = header.warnings.map(([address, message]) =>
    address === null ? { message } : { address: BigInt("0x" + address), message }
  );
  return {
    path: source.path,
    addresses,
    lengths,
    shapeIds,
    targets,
    flows,
    shapes: new ShapeTable(header.shapeTexts),
    functions,
    warnings,
  };
}
