/**
 * {@linkcode ObjectCode}: one object file's instructions, functions, blocks,
 * control flow and register def-use, and {@linkcode loadObject} to get it
 * (cached on disk).
 *
 * @module
 */
import { basename, join, resolve } from "node:path";
import { BUILD_DIR, Progress, UserError } from "../common/mod.ts";
import { cachePathFor, type CacheSource, readCache, writeCache } from "./cache.ts";
import { buildControlFlow, type ControlFlow, EDGE_KINDS, rowAt, takenKind } from "./cfg.ts";
import { DefUseAnalysis, type DefUseEdge, type DefUses, type ReachingDefs } from "./defuse.ts";
import { type ParsedObject, parseWithObjdump } from "./listing.ts";
import { instructionFrom } from "./shape.ts";
import type { Block, DisasmWarning, Edge, FunctionInfo, Instruction } from "./types.ts";

/** Default folder of the disassembly cache. */
export const DISASM_CACHE_DIR: string = join(BUILD_DIR, "disasm");

/**
 * The static code of one object file. Instruction objects are made on demand
 * from compact columns, so that even a 5-million-instruction program stays
 * small; use {@linkcode instruction} and {@linkcode instructionCount} on big
 * objects, {@linkcode instructions} when all are wanted.
 */
export class ObjectCode {
  /** Absolute path of the object file. */
  readonly path: string;
  /** True when the parse was read from the disk cache instead of running objdump. */
  readonly fromCache: boolean;
  /** Functions (objdump's `<symbol>:` sections) in address order. */
  readonly functions: readonly FunctionInfo[];
  /** Instructions objdump printed that could not be parsed (kept as opaque instructions). */
  readonly warnings: readonly DisasmWarning[];
  readonly #parsed: ParsedObject;
  readonly #cfg: ControlFlow;
  readonly #defUse: DefUseAnalysis;
  #all?: Instruction[];
  #blocks?: Block[];

  /** Wraps a parsed object (from {@linkcode loadObject}; not meant to be called directly). */
  constructor(parsed: ParsedObject, fromCache: boolean) {
    this.path = parsed.path;
    this.fromCache = fromCache;
    this.functions = parsed.functions;
    this.warnings = parsed.warnings;
    this.#parsed = parsed;
    this.#cfg = buildControlFlow(parsed);
    this.#defUse = new DefUseAnalysis(parsed, this.#cfg);
  }

  /** Number of instructions. */
  get instructionCount(): number {
    return this.#parsed.addresses.length;
  }

  /** Number of opaque instructions (each has exactly one warning in {@linkcode warnings}). */
  get opaqueCount(): number {
    return this.warnings.length;
  }

  /** Direct jump or call destinations that start no instruction (e.g. jumps over a `lock` prefix). */
  get unresolvedTargets(): number {
    return this.#cfg.unresolvedTargets;
  }

  /** All instructions sorted by address (made on first use, then kept). */
  get instructions(): readonly Instruction[] {
    if (!this.#all) {
      const all = new Array<Instruction>(this.instructionCount);
      for (let i = 0; i < all.length; i++) all[i] = this.#make(i);
      this.#all = all;
    }
    return this.#all;
  }

  /** The instruction at `index` (a new object each call unless {@linkcode instructions} was used). */
  instruction(index: number): Instruction {
    this.#checkIndex(index);
    return this.#all?.[index] ?? this.#make(index);
  }

  /** Index of the instruction starting at static address `offset`, or -1 (O(log n)). */
  indexAt(offset: bigint): number {
    return rowAt(this.#parsed.addresses, Number(offset));
  }

  /** The instruction starting at static address `offset`, if any. */
  instructionAt(offset: bigint): Instruction | undefined {
    const index = this.indexAt(offset);
    return index < 0 ? undefined : this.instruction(index);
  }

  /** Static address of instruction `index` (without making the instruction object). */
  addressOf(index: number): bigint {
    this.#checkIndex(index);
    return BigInt(this.#parsed.addresses[index]);
  }

  /** The function containing instruction `index`. */
  functionOf(index: number): FunctionInfo {
    this.#checkIndex(index);
    return this.functions[this.#cfg.funcOfRow[index]];
  }

  /**
   * The function named `name`: an exact match first, else the one whose name
   * before `@` is `name` (`memcpy` finds `memcpy@@GLIBC_2.14`), preferring code
   * over `@plt` stubs.
   */
  functionNamed(name: string): FunctionInfo | undefined {
    const exact = this.functions.find((f) => f.name === name);
    if (exact) return exact;
    // Skip objdump's made-up names for unnamed code (`printf@plt-0x10`, `*ABS*+0x9f550@plt`).
    const matches = this.functions.filter((f) =>
      f.name.startsWith(name + "@") && !/[+-]0x/.test(f.name)
    );
    return matches.find((f) => !f.name.endsWith("@plt")) ?? matches[0];
  }

  /** All basic blocks in address order (made on first use, then kept). */
  get blocks(): readonly Block[] {
    if (!this.#blocks) {
      const count = this.#cfg.blockStarts.length - 1;
      this.#blocks = Array.from({ length: count }, (_, id) => this.#makeBlock(id));
    }
    return this.#blocks;
  }

  /** The basic block containing instruction `index`. */
  blockOf(index: number): Block {
    this.#checkIndex(index);
    const id = this.#cfg.blockOfRow[index];
    return this.#blocks?.[id] ?? this.#makeBlock(id);
  }

  /** Control-flow edges leaving instruction `index`: fall-through, direct target, direct call. */
  successors(index: number): Edge[] {
    this.#checkIndex(index);
    const edges: Edge[] = [];
    const next = this.#cfg.fallthrough[index];
    if (next >= 0) edges.push({ from: index, to: next, kind: "fallthrough" });
    const to = this.#cfg.taken[index];
    if (to >= 0) edges.push({ from: index, to, kind: takenKind(this.#parsed, index) });
    return edges;
  }

  /** Control-flow edges entering instruction `index`. */
  predecessors(index: number): Edge[] {
    this.#checkIndex(index);
    const { predecessorStarts, predecessors, predecessorKinds } = this.#cfg;
    const edges: Edge[] = [];
    for (let k = predecessorStarts[index]; k < predecessorStarts[index + 1]; k++) {
      edges.push({ from: predecessors[k], to: index, kind: EDGE_KINDS[predecessorKinds[k]] });
    }
    return edges;
  }

  /**
   * For each register instruction `index` reads (and `rflags` if it reads
   * flags), the instructions of its function whose writes may reach the read
   * (-1: from outside the analysed code). The function (or, in one with more
   * than 8192 instructions, the 4096-instruction chunk with 2048 instructions
   * of context each side) is analysed on first use, then kept. The arrays are
   * shared: do not modify them.
   */
  reachingDefs(index: number): ReachingDefs[] {
    return this.#defUse.reachingDefs(this.functionOf(index), index);
  }

  /** For each register instruction `index` writes, the instructions of its function that may read the value. */
  usesOf(index: number): DefUses[] {
    return this.#defUse.usesOf(this.functionOf(index), index);
  }

  /** Every def-use pair with both instructions in `[fromIndex, toIndex)`, ordered by use. */
  defUse(fromIndex: number, toIndex: number): DefUseEdge[] {
    const from = Math.max(0, fromIndex);
    const to = Math.min(this.instructionCount, toIndex);
    const edges: DefUseEdge[] = [];
    for (let use = from; use < to; use++) {
      for (const { reg, defs } of this.reachingDefs(use)) {
        for (const def of defs) if (def >= from && def < to) edges.push({ def, use, reg });
      }
    }
    return edges;
  }

  #checkIndex(index: number): void {
    if (!(Number.isInteger(index) && index >= 0 && index < this.instructionCount)) {
      throw new RangeError(`instruction index ${index} is outside [0, ${this.instructionCount})`);
    }
  }

  #makeBlock(id: number): Block {
    const start = this.#cfg.blockStarts[id];
    return { id, start, end: this.#cfg.blockStarts[id + 1], func: this.#cfg.funcOfRow[start] };
  }

  #make(index: number): Instruction {
    const { addresses, lengths, shapeIds, targets, shapes } = this.#parsed;
    return instructionFrom(shapes.get(shapeIds[index]), {
      index,
      address: BigInt(addresses[index]),
      length: lengths[index],
      target: targets[index],
      func: this.#cfg.funcOfRow[index],
    });
  }
}

/** Options of {@linkcode loadObject}. */
export interface LoadObjectOptions {
  /** Folder of the disassembly cache (default `build/disasm` in the repository). */
  cacheDir?: string;
  /** Read and write the cache (default true). */
  cache?: boolean;
  /** No progress output (default false). */
  quiet?: boolean;
}

async function sourceOf(path: string): Promise<CacheSource> {
  let info: Deno.FileInfo;
  try {
    info = await Deno.stat(path);
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) {
      throw new UserError(`object file ${path} does not exist`, "check the path");
    }
    throw err;
  }
  if (!info.isFile) {
    throw new UserError(`${path} is not a file`, "give the path of a program or shared library");
  }
  return { path, size: info.size, mtimeMs: info.mtime?.getTime() ?? 0 };
}

/**
 * Disassembles and parses an object file (program, PIE or not, or shared
 * library), with its CFG and def-use, using the disk cache when it holds
 * this version of the file. Throws {@linkcode UserError} for a missing file,
 * a file that is not ELF, or a missing objdump.
 */
export async function loadObject(
  path: string,
  options: LoadObjectOptions = {},
): Promise<ObjectCode> {
  const { cacheDir = DISASM_CACHE_DIR, cache = true, quiet = false } = options;
  const absolute = resolve(path);
  const source = await sourceOf(absolute);
  const cacheFile = await cachePathFor(cacheDir, source);
  if (cache) {
    const cached = await readCache(cacheFile, source);
    if (cached) return new ObjectCode(cached, true);
  }
  const progress = new Progress({
    label: `disassemble ${basename(absolute)}`,
    unit: "instructions",
    quiet,
  });
  const parsed = await parseWithObjdump(absolute, progress);
  let where = "not cached";
  if (cache) {
    try {
      await writeCache(cacheFile, source, parsed);
      where = `cached in ${cacheFile}`;
    } catch (err) {
      if (!(err instanceof UserError)) throw err;
      where = `not cached: ${err.message}`;
    }
  }
  progress.finish(
    `disassembled ${absolute}: ${parsed.addresses.length} instructions, ` +
      `${parsed.warnings.length} opaque; ${where}`,
  );
  return new ObjectCode(parsed, false);
}

/** Disassembles and parses an object file without the cache (for tests and one-off use). */
export async function disassembleFile(
  path: string,
  options: { quiet?: boolean } = {},
): Promise<ObjectCode> {
  return await loadObject(path, { cache: false, quiet: options.quiet ?? true });
}
