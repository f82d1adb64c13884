/**
 * Helpers shared by the hardware predictors' configurations.
 *
 * @module
 */
import { UserError } from "../common/mod.ts";

/** Checks a power-of-two table size and returns its log2. */
export function log2TableSize(what: string, entries: number): number {
  const bits = Math.log2(entries);
  if (!Number.isInteger(bits) || bits < 1 || bits > 28) {
    throw new UserError(
      `${what} must be a power of two between 2 and 2^28, got ${entries}`,
      `pass a power of two such as ${2 ** Math.min(28, Math.max(1, Math.round(bits || 1)))}`,
    );
  }
  return bits;
}
