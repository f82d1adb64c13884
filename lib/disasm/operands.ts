/**
 * Parsing of one instruction's text as `objdump -d -M intel` prints it.
 *
 * @module
 */
import { registerInfo } from "./registers.ts";
import type { MemOperand, Operand, RegOperand } from "./types.ts";

/** Tokens objdump prints before a mnemonic that are prefixes, not instructions. */
const PREFIXES = new Set([
  "lock",
  "rep",
  "repz",
  "repe",
  "repnz",
  "repne",
  "bnd",
  "notrack",
  "xacquire",
  "xrelease",
  "cs",
  "ds",
  "es",
  "ss",
  "fs",
  "gs",
  "data16",
  "data32",
  "addr16",
  "addr32",
  "{vex}",
  "{vex3}",
  "{evex}",
  "{load}",
  "{store}",
]);

/** Width in bits of each `... PTR` size keyword. */
const PTR_WIDTHS: Record<string, number> = {
  BYTE: 8,
  WORD: 16,
  DWORD: 32,
  FWORD: 48,
  QWORD: 64,
  TBYTE: 80,
  XMMWORD: 128,
  OWORD: 128,
  YMMWORD: 256,
  ZMMWORD: 512,
};

/** Mnemonics whose bare hex operand (`jmp 26000`) is a code address. */
export function hasDirectTarget(mnemonic: string): boolean {
  return mnemonic.charCodeAt(0) === 0x6a /* j */ || mnemonic === "call" ||
    mnemonic.startsWith("loop") || mnemonic === "xbegin";
}

/** The text of an instruction split into prefixes, mnemonic and operand texts. */
export interface SplitInstruction {
  prefixes: string[];
  mnemonic: string;
  operands: string[];
}

/**
 * Splits `lock cmpxchg DWORD PTR [rdi],edx` into prefixes, mnemonic and operand
 * texts. The text must already be free of objdump's `# ...` comment and
 * `<symbol>` annotations.
 */
export function splitInstruction(text: string): SplitInstruction {
  const tokens = text.trim().split(/\s+/);
  const prefixes: string[] = [];
  let i = 0;
  while (i < tokens.length - 1 && (PREFIXES.has(tokens[i]) || tokens[i].startsWith("rex"))) {
    prefixes.push(tokens[i++]);
  }
  const mnemonic = tokens[i++] ?? "";
  // Operands hold spaces only inside size keywords ("QWORD PTR [rax]").
  const rest = tokens.slice(i).join(" ");
  return { prefixes, mnemonic, operands: rest === "" ? [] : rest.split(",") };
}

/** Thrown for operand text the parser does not understand. */
export class OperandSyntaxError extends Error {}

const NUMBER = /^-?(0x[0-9a-f]+|[0-9]+)$/;
const BARE_HEX = /^[0-9a-f]+$/;
const MEMORY =
  /^(?:([A-Z]+) (PTR|BCST) )?(?:([cdefgs]s):)?(?:\[([^\]]*)\]|(0x[0-9a-f]+))((?:\{[^}]*\})*)$/;
const DECORATIONS = /\{([^}]*)\}/g;

function parseNumber(text: string): bigint {
  return text.startsWith("-") ? -BigInt(text.slice(1)) : BigInt(text);
}

function decorations(text: string): { mask?: string; zeroing?: boolean } {
  const out: { mask?: string; zeroing?: boolean } = {};
  for (const m of text.matchAll(DECORATIONS)) {
    if (m[1] === "z") out.zeroing = true;
    else if (/^k[0-7]$/.test(m[1])) out.mask = m[1];
    else throw new OperandSyntaxError(`unknown decoration {${m[1]}}`);
  }
  return out;
}

function parseRegister(text: string): RegOperand | undefined {
  const brace = text.indexOf("{");
  const name = brace < 0 ? text : text.slice(0, brace);
  const info = registerInfo(name);
  if (!info) return undefined;
  const op: RegOperand = { kind: "reg", reg: info.reg, name, width: info.width };
  if (brace >= 0) Object.assign(op, decorations(text.slice(brace)));
  return op;
}

function parseAddress(inner: string, op: MemOperand): void {
  for (const m of inner.matchAll(/([+-]?)([^+-]+)/g)) {
    const [, sign, term] = m;
    const star = term.indexOf("*");
    if (star >= 0) {
      const name = term.slice(0, star);
      // objdump's pseudo index register "always zero" (`[rax+riz*1]` in padding)
      if (name === "riz" || name === "eiz") continue;
      const info = registerInfo(name);
      const scale = Number(term.slice(star + 1));
      if (!info || sign === "-" || ![1, 2, 4, 8].includes(scale)) {
        throw new OperandSyntaxError(`bad index term ${term}`);
      }
      op.index = info.reg;
      op.scale = scale;
    } else if (NUMBER.test(term)) {
      const value = BigInt(term);
      op.disp += sign === "-" ? -value : value;
    } else {
      const info = registerInfo(term);
      if (!info || sign === "-" || op.base !== undefined) {
        throw new OperandSyntaxError(`bad address term ${term}`);
      }
      op.base = info.reg;
      op.ripRelative = info.reg === "rip";
    }
  }
}

function parseMemory(text: string): MemOperand | undefined {
  const m = MEMORY.exec(text);
  if (!m) return undefined;
  const [, size, ptrOrBcst, segment, inner, absolute, decoration] = m;
  let width = 0;
  if (size !== undefined) {
    width = PTR_WIDTHS[size];
    if (width === undefined) throw new OperandSyntaxError(`unknown size ${size}`);
  }
  const op: MemOperand = { kind: "mem", scale: 1, disp: 0n, width, ripRelative: false };
  if (segment !== undefined) op.segment = segment;
  if (ptrOrBcst === "BCST") op.broadcast = true;
  if (inner !== undefined) parseAddress(inner, op);
  else op.disp = BigInt(absolute);
  if (decoration) {
    const { mask } = decorations(decoration);
    if (mask) op.mask = mask;
  }
  return op;
}

/**
 * Parses one operand text. Bare hex numbers are code addresses when
 * `directTarget` is set (`jmp 26000`), otherwise immediates must be written
 * `0x..` or in decimal (`shr eax,1`). Rounding controls (`{rn-sae}`) give
 * `undefined`: they are not operands. Throws {@linkcode OperandSyntaxError}.
 */
export function parseOperand(text: string, directTarget: boolean): Operand | undefined {
  if (directTarget && BARE_HEX.test(text)) return { kind: "target", address: BigInt("0x" + text) };
  if (NUMBER.test(text)) return { kind: "imm", value: parseNumber(text) };
  if (text.startsWith("{") && text.endsWith("}")) return undefined;
  const operand = parseRegister(text) ?? parseMemory(text);
  if (!operand) throw new OperandSyntaxError(`cannot parse operand "${text}"`);
  return operand;
}
