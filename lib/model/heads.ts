/**
 * The task heads' outputs: what a head is trained to output for an instance
 * (its target row), which loss compares them, and how outputs decode back
 * into a prediction.
 *
 * | head                  | outputs | target row                                             | loss    |
 * |-----------------------|---------|--------------------------------------------------------|---------|
 * | branch                | 1       | taken (1) or not (0)                                   | BCE     |
 * | address `delta-class` | C + 1   | one-hot of the line delta's class; index C = "other"   | softmax |
 * | `delta-value-class`   | C + 1   | one-hot of the rule's class; index C = "other"         | softmax |
 * | address `delta-bits`  | 58      | bit j of the line delta, two's complement mod 2^58     | BCE     |
 * | address `absolute`    | 64      | bit j of the next address (the paper's head)           | BCE     |
 *
 * The line delta is `(next >> 6) - (current >> 6)`: how many 64-byte cache
 * lines the load moves between this execution and the next, read relative to
 * the address it accesses now ({@linkcode InstanceTable.currentAddress}), as
 * stride prefetchers and the embedding LSTM of Hashemi et al. do. The cache-line
 * metric scores exactly these bits, so the delta heads spend no loss on the
 * offset inside a line; their predicted address keeps the current offset.
 * `delta-class` predicts nothing ("no prediction") when "other" wins: a delta
 * outside the C most frequent of the train split.
 *
 * `delta-value-class` widens the classes to rules of two kinds: the current
 * line plus d (`a+d`, as `delta-class`), or the line of the value the load just
 * read plus d (`v+d`): the next node of a linked structure is a pointer the
 * program has just loaded (content-directed prefetching). An instance's class is
 * the most frequent of its rules that made the vocabulary.
 *
 * @module
 */
import type { InstanceTable } from "../graph/types.ts";

/** Names of the address heads (`train --address-head`). */
export const ADDRESS_HEAD_NAMES = [
  "delta-class",
  "delta-value-class",
  "delta-bits",
  "absolute",
] as const;
/** An address head's name. */
export type AddressHeadName = typeof ADDRESS_HEAD_NAMES[number];

/** A fitted address head, stored in the model config. */
export type AddressHeadSpec =
  /** `deltas`: the class vocabulary, most frequent first, as signed decimal strings of line deltas. */
  | { name: "delta-class"; deltas: string[] }
  /** `rules`: the class vocabulary, most frequent first: `a+N` / `v+N` (current or loaded value's line + N). */
  | { name: "delta-value-class"; rules: string[] }
  | { name: "delta-bits" }
  | { name: "absolute" };

/** Bits of the offset inside a 64-byte cache line. */
export const LINE_OFFSET_BITS = 6n;
/** Bits of a line number (and of a line delta, modulo 2^58). */
export const LINE_BITS = 58;
/** Bits of an address. */
export const ADDRESS_BITS = 64;
/** A line delta needs this many occurrences in the train split to become a class. */
export const MIN_DELTA_COUNT = 2;
/** Default number of `delta-class` classes (besides "other"). */
export const DEFAULT_DELTA_CLASSES = 128;

/** How a head's outputs are trained. */
export interface TaskHead {
  /** Outputs per example. */
  readonly width: number;
  /** `bce`: independent sigmoid outputs; `softmax`: one class among `width`. */
  readonly loss: "bce" | "softmax";
  /** Adds instance `i`'s target row to `out[offset .. offset + width)` (merged instances are averaged). */
  addTarget(instances: InstanceTable, i: number, out: Float64Array, offset: number): void;
}

/** An address head: a {@linkcode TaskHead} that also decodes its outputs. */
export interface AddressHead extends TaskHead {
  readonly spec: AddressHeadSpec;
  /**
   * The next address predicted by `logits[offset .. offset + width)` for an
   * instance that accesses `at.current` now and reads `at.value` there, or
   * `undefined` for "no prediction".
   */
  decode(logits: ArrayLike<number>, offset: number, at: AccessNow): bigint | undefined;
}

/** What a load does at an instance: the address it accesses and the value it reads there. */
export interface AccessNow {
  current: bigint;
  value: bigint;
}

/** The branch head: one logit, taken when positive. */
export const BRANCH_HEAD: TaskHead = {
  width: 1,
  loss: "bce",
  addTarget(instances, i, out, offset) {
    out[offset] += Number(instances.label[i]);
  },
};

const LINE_MASK = (1n << BigInt(LINE_BITS)) - 1n;
const OFFSET_MASK = (1n << LINE_OFFSET_BITS) - 1n;

/** The signed line delta `(next >> 6) - (current >> 6)` of two 64-bit addresses. */
export function lineDelta(current: bigint, next: bigint): bigint {
  return (next >> LINE_OFFSET_BITS) - (current >> LINE_OFFSET_BITS);
}

/** The address `delta` lines away from `current`, at the same offset inside the line (mod 2^64). */
export function addLines(current: bigint, delta: bigint): bigint {
  const line = ((current >> LINE_OFFSET_BITS) + delta) & LINE_MASK;
  return (line << LINE_OFFSET_BITS) | (current & OFFSET_MASK);
}

/** Adds the bits of `value` (LSB first, `bits` of them) to `out[offset ..]`. */
function addBits(value: bigint, bits: number, out: Float64Array, offset: number): void {
  const lo = Number(value & 0xffffffffn), hi = Number((value >> 32n) & 0xffffffffn);
  for (let j = 0; j < bits; j++) out[offset + j] += j < 32 ? (lo >>> j) & 1 : (hi >>> (j - 32)) & 1;
}

/** The value whose bits (LSB first) are the positive logits `logits[offset .. offset + bits)`. */
function decodeBits(logits: ArrayLike<number>, offset: number, bits: number): bigint {
  let lo = 0, hi = 0;
  for (let j = 0; j < bits; j++) {
    if (!(logits[offset + j] > 0)) continue;
    if (j < 32) lo |= 1 << j;
    else hi |= 1 << (j - 32);
  }
  return (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0);
}

function deltaClassHead(deltas: string[]): AddressHead {
  const classOf = new Map(deltas.map((d, k) => [BigInt(d), k]));
  const values = deltas.map(BigInt);
  const other = deltas.length;
  return {
    spec: { name: "delta-class", deltas },
    width: deltas.length + 1,
    loss: "softmax",
    addTarget(instances, i, out, offset) {
      const d = lineDelta(instances.currentAddress[i], instances.label[i]);
      out[offset + (classOf.get(d) ?? other)] += 1;
    },
    decode(logits, offset, { current }) {
      const best = argmax(logits, offset, other + 1);
      return best === other ? undefined : addLines(current, values[best]);
    },
  };
}

/** The index of the largest of `logits[offset .. offset + width)`. */
function argmax(logits: ArrayLike<number>, offset: number, width: number): number {
  let best = 0;
  for (let k = 1; k < width; k++) if (logits[offset + k] > logits[offset + best]) best = k;
  return best;
}

/** The two rules of an instance: `a+d` from the current address, `v+d` from the value read. */
function rulesOf(instances: InstanceTable, i: number): [string, string] {
  const next = instances.label[i];
  return [
    `a${signed(lineDelta(instances.currentAddress[i], next))}`,
    `v${signed(lineDelta(instances.currentValue[i], next))}`,
  ];
}

const signed = (d: bigint) => (d < 0n ? `${d}` : `+${d}`);

function deltaValueClassHead(rules: string[]): AddressHead {
  const classOf = new Map(rules.map((r, k) => [r, k]));
  const other = rules.length;
  return {
    spec: { name: "delta-value-class", rules },
    width: rules.length + 1,
    loss: "softmax",
    addTarget(instances, i, out, offset) {
      const classes = rulesOf(instances, i).map((r) => classOf.get(r) ?? other);
      out[offset + Math.min(...classes)] += 1;
    },
    decode(logits, offset, { current, value }) {
      const best = argmax(logits, offset, other + 1);
      if (best === other) return undefined;
      const rule = rules[best];
      return addLines(rule[0] === "a" ? current : value, BigInt(rule.slice(1)));
    },
  };
}

const DELTA_BITS_HEAD: AddressHead = {
  spec: { name: "delta-bits" },
  width: LINE_BITS,
  loss: "bce",
  addTarget(instances, i, out, offset) {
    const d = lineDelta(instances.currentAddress[i], instances.label[i]) & LINE_MASK;
    addBits(d, LINE_BITS, out, offset);
  },
  decode(logits, offset, { current }) {
    return addLines(current, decodeBits(logits, offset, LINE_BITS));
  },
};

const ABSOLUTE_HEAD: AddressHead = {
  spec: { name: "absolute" },
  width: ADDRESS_BITS,
  loss: "bce",
  addTarget(instances, i, out, offset) {
    addBits(instances.label[i], ADDRESS_BITS, out, offset);
  },
  decode(logits, offset) {
    return decodeBits(logits, offset, ADDRESS_BITS);
  },
};

/** The address head a (fitted) spec describes. */
export function createAddressHead(spec: AddressHeadSpec): AddressHead {
  switch (spec.name) {
    case "delta-class":
      return deltaClassHead(spec.deltas);
    case "delta-value-class":
      return deltaValueClassHead(spec.rules);
    case "delta-bits":
      return DELTA_BITS_HEAD;
    case "absolute":
      return ABSOLUTE_HEAD;
  }
}

/** Options of {@linkcode fitAddressHead}. */
export interface FitAddressHeadOptions {
  /** `delta-class`: at most this many classes besides "other" (default {@linkcode DEFAULT_DELTA_CLASSES}). */
  deltaClasses?: number;
}

/** The `max` most frequent keys seen at least {@linkcode MIN_DELTA_COUNT} times (ties: `order`). */
function frequent<K>(counts: Map<K, number>, max: number, order: (a: K, b: K) => number): K[] {
  return [...counts]
    .filter(([, n]) => n >= MIN_DELTA_COUNT)
    .sort(([a, n], [b, m]) => m - n || order(a, b))
    .slice(0, max)
    .map(([k]) => k);
}

const abs = (d: bigint) => (d < 0n ? -d : d);
/** Smaller magnitude first, then the negative one. */
const byMagnitude = (
  a: bigint,
  b: bigint,
) => (abs(a) < abs(b) ? -1 : abs(a) > abs(b) ? 1 : a < b ? -1 : 1);

/**
 * The spec of address head `name` fitted to the training instances `train`
 * (address instances): for `delta-class`, the line deltas seen at least
 * {@linkcode MIN_DELTA_COUNT} times, most frequent first (ties: smaller
 * magnitude, then the negative one first), at most `deltaClasses` of them;
 * for `delta-value-class` the same over both rules of every instance (ties:
 * address rules first, then as above).
 */
export function fitAddressHead(
  name: AddressHeadName,
  instances: InstanceTable,
  train: ArrayLike<number>,
  options: FitAddressHeadOptions = {},
): AddressHeadSpec {
  const max = options.deltaClasses ?? DEFAULT_DELTA_CLASSES;
  if (name === "delta-class") {
    const counts = new Map<bigint, number>();
    for (let k = 0; k < train.length; k++) {
      const d = lineDelta(instances.currentAddress[train[k]], instances.label[train[k]]);
      counts.set(d, (counts.get(d) ?? 0) + 1);
    }
    return { name, deltas: frequent(counts, max, byMagnitude).map(String) };
  }
  if (name === "delta-value-class") {
    const counts = new Map<string, number>();
    for (let k = 0; k < train.length; k++) {
      for (const r of rulesOf(instances, train[k])) counts.set(r, (counts.get(r) ?? 0) + 1);
    }
    const order = (a: string, b: string) =>
      a[0] !== b[0] ? (a[0] === "a" ? -1 : 1) : byMagnitude(BigInt(a.slice(1)), BigInt(b.slice(1)));
    return { name, rules: frequent(counts, max, order) };
  }
  return { name };
}
