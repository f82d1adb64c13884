/**
 * Finds the code of an algorithm inside a compiled binary: the manifest's
 * function names, including the copies compilers make of them.
 *
 * @module
 */
import type { FunctionInfo, ObjectCode } from "../disasm/mod.ts";
import type { Site, TraceMeta } from "../trace/mod.ts";

/** An algorithm function found in a binary, with its static address range. */
export interface AlgorithmSymbol {
  /** Symbol name as objdump prints it, e.g. `sift_down` or `merge.constprop.0`. */
  name: string;
  /** The manifest function it belongs to. */
  function: string;
  /** First static address (hex, as objdump prints it). */
  start: string;
  /** One past the last instruction (hex). */
  end: string;
  /** Number of instructions. */
  instructions: number;
}

/**
 * True when `symbol` is the code of function `name`: the function itself or a
 * compiler-made part or copy of it (gcc's `name.constprop.0`, `name.isra.0`,
 * `name.part.0`, `name.cold`).
 */
export function isCodeOf(symbol: string, name: string): boolean {
  return symbol === name || symbol.startsWith(`${name}.`);
}

/** The functions of `object` that implement the algorithm (see {@linkcode isCodeOf}). */
export function algorithmFunctions(object: ObjectCode, names: readonly string[]): FunctionInfo[] {
  return object.functions.filter((f) =>
    f.section === ".text" && names.some((name) => isCodeOf(f.name, name))
  );
}

/** The algorithm's symbols with their address ranges, in address order. */
export function algorithmSymbols(object: ObjectCode, names: readonly string[]): AlgorithmSymbol[] {
  return algorithmFunctions(object, names).map((f) => {
    const last = object.instruction(f.end - 1);
    return {
      name: f.name,
      function: names.find((name) => isCodeOf(f.name, name))!,
      start: `0x${f.address.toString(16)}`,
      end: `0x${(last.address + BigInt(last.length)).toString(16)}`,
      instructions: f.end - f.start,
    };
  });
}

/**
 * A test for trace sites: true when the site's instruction lies in one of the
 * algorithm's symbols inside `binary` (the traced program's absolute path), so
 * that a consumer can keep only the algorithm's events and snapshots.
 */
export function inAlgorithm(
  meta: TraceMeta,
  binary: string,
  symbols: readonly AlgorithmSymbol[],
): (site: Site) => boolean {
  const ranges = symbols.map((s) => [BigInt(s.start), BigInt(s.end)] as const);
  return (site) =>
    meta.objects[site.object] === binary &&
    ranges.some(([start, end]) => site.offset >= start && site.offset < end);
}
