/**
 * Instruction shapes: everything about an instruction text that does not
 * depend on where it is. Identical texts share one parsed shape; a direct
 * jump's destination is written as {@linkcode TARGET_PLACEHOLDER} so that all
 * `jne` share one shape too.
 *
 * @module
 */
import { hasDirectTarget, OperandSyntaxError, parseOperand, splitInstruction } from "./operands.ts";
import { type Semantics, semanticsOf } from "./semantics.ts";
import type { Flow, Instruction, MemOperand, Operand } from "./types.ts";

/** Stands for the destination address in a shape's text (`jne T`). */
export const TARGET_PLACEHOLDER = "T";

/** A parsed instruction text. */
export interface Shape extends Semantics {
  /** The text, with a direct destination replaced by {@linkcode TARGET_PLACEHOLDER}. */
  text: string;
  prefixes: string[];
  mnemonic: string;
  /** Operands; a direct destination is a `target` operand with address -1. */
  operands: Operand[];
  /** Index of the `target` operand, -1 if none. */
  targetOperand: number;
  /** Index of a rip-relative memory operand, -1 if none. */
  ripOperand: number;
  /** Why the text could not be parsed (then the shape is opaque). */
  problem?: string;
}

const OPAQUE_SEMANTICS = semanticsOf("(bad)", [], []);
const BARE_HEX = /^[0-9a-f]+$/;

/** Control-flow classes by code, for the `flows` column of a parsed object. */
export const FLOW_CODES: readonly Flow[] = ["other", "branch", "jump", "call", "return", "halt"];

/**
 * The distinct instruction texts of one object and their shapes, parsed on
 * first use (a cached object only parses what is looked at).
 */
export class ShapeTable {
  /** Shape texts by id. */
  readonly texts: readonly string[];
  readonly #shapes: (Shape | undefined)[];
  readonly #operandMemo = new Map<string, Operand | undefined>();

  /** A table of `texts`, with the shapes already parsed for some of them (same ids). */
  constructor(texts: readonly string[], parsed: (Shape | undefined)[] = []) {
    this.texts = texts;
    this.#shapes = parsed;
  }

  /** The shape with id `id`. */
  get(id: number): Shape {
    return this.#shapes[id] ??= shapeOf(this.texts[id], this.#operandMemo);
  }
}

function opaqueShape(text: string, problem: string): Shape {
  return {
    ...OPAQUE_SEMANTICS,
    text,
    prefixes: [],
    mnemonic: "(bad)",
    operands: [],
    targetOperand: -1,
    ripOperand: -1,
    problem,
  };
}

/**
 * Parses one instruction text (free of objdump's comments and `<symbol>`
 * annotations). `operandMemo` shares parsed operands between shapes.
 */
export function shapeOf(text: string, operandMemo?: Map<string, Operand | undefined>): Shape {
  const { prefixes, mnemonic, operands: texts } = splitInstruction(text);
  if (mnemonic === "(bad)" || mnemonic === "") {
    return opaqueShape(text, "objdump could not decode the bytes");
  }
  const direct = hasDirectTarget(mnemonic);
  const operands: Operand[] = [];
  try {
    for (const t of texts) {
      let op: Operand | undefined;
      if (t === TARGET_PLACEHOLDER && direct) op = { kind: "target", address: -1n };
      else if (operandMemo?.has(t) && !BARE_HEX.test(t)) op = operandMemo.get(t);
      else {
        op = parseOperand(t, direct);
        operandMemo?.set(t, op);
      }
      if (op) operands.push(op);
    }
  } catch (err) {
    if (err instanceof OperandSyntaxError) return opaqueShape(text, err.message);
    throw err;
  }
  return {
    ...semanticsOf(mnemonic, prefixes, operands),
    text,
    prefixes,
    mnemonic,
    operands,
    targetOperand: operands.findIndex((op) => op.kind === "target"),
    ripOperand: operands.findIndex((op) => op.kind === "mem" && op.ripRelative),
  };
}

/** Removes objdump's trailing `# 1d2ff0 <sym+0x10>` comment and `<sym>` annotation. */
export function stripAnnotations(text: string): string {
  const hash = text.indexOf("#");
  if (hash >= 0) text = text.slice(0, hash);
  const angle = text.indexOf(" <");
  if (angle >= 0) text = text.slice(0, angle);
  return text.trimEnd();
}

/**
 * Splits a listing's instruction text into its shape text and the direct
 * destination, if the text ends in one (`jne    2b977` -> `jne    T`, 0x2b977).
 * Only a lone bare hex operand is a destination: immediates print as `0x..`.
 */
export function splitTarget(text: string): { shapeText: string; target: number } {
  const space = text.lastIndexOf(" ");
  if (space > 0 && !text.includes(",")) {
    const tail = text.slice(space + 1);
    if (BARE_HEX.test(tail)) {
      return {
        shapeText: text.slice(0, space + 1) + TARGET_PLACEHOLDER,
        target: parseInt(tail, 16),
      };
    }
  }
  return { shapeText: text, target: -1 };
}

/** Where an instruction is: everything {@linkcode instructionFrom} needs besides its shape. */
export interface Placement {
  index: number;
  address: bigint;
  length: number;
  /** Direct destination address, -1 if none. */
  target: number;
  func: number;
}

/** Makes an instruction from its shape and placement (filling in destination and rip-relative address). */
export function instructionFrom(shape: Shape, at: Placement): Instruction {
  let operands: Operand[] = shape.operands;
  let text = shape.text;
  let target: bigint | undefined;
  if (shape.targetOperand >= 0 && at.target >= 0) {
    target = BigInt(at.target);
    operands = operands.slice();
    operands[shape.targetOperand] = { kind: "target", address: target };
    text = text.slice(0, -TARGET_PLACEHOLDER.length) + at.target.toString(16);
  }
  if (shape.ripOperand >= 0) {
    if (operands === shape.operands) operands = operands.slice();
    const mem = operands[shape.ripOperand] as MemOperand;
    operands[shape.ripOperand] = { ...mem, absolute: at.address + BigInt(at.length) + mem.disp };
  }
  return {
    index: at.index,
    address: at.address,
    length: at.length,
    mnemonic: shape.mnemonic,
    prefixes: shape.prefixes,
    operands,
    access: shape.access,
    implicit: shape.implicit,
    reads: shape.reads,
    writes: shape.writes,
    readsFlags: shape.readsFlags,
    writesFlags: shape.writesFlags,
    flow: shape.flow,
    indirect: shape.indirect,
    target,
    func: at.func,
    opaque: shape.problem !== undefined,
    text,
  };
}

/** Options of {@linkcode parseInstructionText}. */
export interface ParseInstructionOptions {
  /** Static address (default 0): rip-relative operands are resolved against it. */
  address?: bigint;
  /** Length in bytes (default 0): rip-relative operands are resolved against address + length. */
  length?: number;
}

/**
 * Parses one instruction as `objdump -d -M intel` prints it after the raw
 * bytes, e.g. `lock cmpxchg DWORD PTR [rip+0x1aea8f],edx  # 1d4a10 <x>` or
 * `jne 2b977 <foo+0x12>`. Never throws: an unparseable text gives an opaque
 * instruction.
 */
export function parseInstructionText(
  text: string,
  options: ParseInstructionOptions = {},
): Instruction {
  const { shapeText, target } = splitTarget(stripAnnotations(text.trim()));
  return instructionFrom(shapeOf(shapeText), {
    index: 0,
    address: options.address ?? 0n,
    length: options.length ?? 0,
    target,
    func: 0,
  });
}
