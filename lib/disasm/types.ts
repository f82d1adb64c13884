/**
 * The static view of machine code: parsed instructions, operands, functions,
 * basic blocks and control-flow edges.
 *
 * Parsed objects are shared between instructions (an operand text parsed once
 * is reused): treat them as read-only.
 *
 * @module
 */

/** A register operand, e.g. `eax` or `ymm18{k6}`. */
export interface RegOperand {
  /** Discriminant. */
  kind: "reg";
  /** Canonical register: the full general-purpose register (`eax`, `ax`, `al` -> `rax`); others as named (`xmm0`, `k1`, `st(0)`). */
  reg: string;
  /** The name as written. */
  name: string;
  /** Width of the name as written, in bits. */
  width: number;
  /** AVX-512 write mask (`{k1}`), read by the instruction. */
  mask?: string;
  /** AVX-512 zeroing-masking (`{z}`): masked-off elements become 0 instead of keeping the old value. */
  zeroing?: boolean;
}

/** A memory operand: `[base + index*scale + disp]`, e.g. `QWORD PTR fs:[rax+rbx*8-0x10]`. */
export interface MemOperand {
  /** Discriminant. */
  kind: "mem";
  /** Canonical base register (`rip` when rip-relative). */
  base?: string;
  /** Canonical index register. */
  index?: string;
  /** 1, 2, 4 or 8 (1 when there is no index). */
  scale: number;
  /** Signed displacement; the whole address for `ds:0x1234` forms. */
  disp: bigint;
  /** Segment override as written (`fs`, `gs`, `es`, `ds`). */
  segment?: string;
  /** Access width in bits from the `PTR` size (`QWORD PTR` 64); 0 when none is printed (`lea`, `fxsave`). */
  width: number;
  /** True for `[rip+disp]`. */
  ripRelative: boolean;
  /** For rip-relative operands: the static address accessed (next instruction's address + disp). */
  absolute?: bigint;
  /** AVX-512 embedded broadcast (`DWORD BCST [rax]`): one element of `width` bits is read. */
  broadcast?: boolean;
  /** AVX-512 write mask on a memory destination (`[rdi]{k1}`). */
  mask?: string;
}

/** An immediate, as printed: `0xffffffffffffffff` stays unsigned. */
export interface ImmOperand {
  /** Discriminant. */
  kind: "imm";
  /** The value as printed (hex immediates are unsigned). */
  value: bigint;
}

/** The destination of a direct jump, branch or call (a static address in the same object). */
export interface TargetOperand {
  /** Discriminant. */
  kind: "target";
  /** Static address of the destination. */
  address: bigint;
}

/** One operand of an instruction. */
export type Operand = RegOperand | MemOperand | ImmOperand | TargetOperand;

/**
 * How an instruction uses an operand.
 *
 * - `read`, `write`, `readwrite`: the value (register or memory) is read and/or written;
 *   a memory operand's address registers are read in every case.
 * - `address`: only a memory operand's address is computed (`lea`, `prefetcht0`); memory is not touched.
 * - `none`: not used at all (`nop DWORD PTR [rax]`, the sources of a zeroing idiom `xor eax,eax`).
 */
export type Access = "read" | "write" | "readwrite" | "address" | "none";

/** An operand the instruction uses without printing it: `rsp` and the stack slot of `push`, `rdx` of `cqo`. */
export interface ImplicitOperand {
  /** The register or memory slot (e.g. `[rsp-8]` for what `push` writes). */
  operand: RegOperand | MemOperand;
  /** How it is used. */
  access: Access;
}

/**
 * Control-flow class.
 *
 * - `branch`: conditional (`jcc`, `jrcxz`, `loop`, `xbegin`): target or fall-through.
 * - `jump`: unconditional `jmp` (see {@linkcode Instruction.indirect}).
 * - `call`, `return`.
 * - `halt`: does not continue (`ud2`, `hlt`, `int3`).
 * - `other`: falls through to the next instruction.
 */
export type Flow = "branch" | "jump" | "call" | "return" | "halt" | "other";

/** One parsed instruction. */
export interface Instruction {
  /** Position in `ObjectCode.instructions`. */
  index: number;
  /** Static address, as `objdump -d` prints it. */
  address: bigint;
  /** Length in bytes (from the raw bytes objdump prints). */
  length: number;
  /** Mnemonic without prefixes, e.g. `cmpxchg`, `stos`, `nop`, `(bad)` for opaque instructions. */
  mnemonic: string;
  /** Prefixes printed before the mnemonic, in order: `lock`, `rep`, `repz`, `repnz`, `bnd`, `notrack`, `cs`, `data16`, `rex.W`, ... */
  prefixes: string[];
  /** Explicit operands in Intel order (destination first). */
  operands: Operand[];
  /** How each explicit operand is used, parallel to {@linkcode operands}. */
  access: Access[];
  /** Operands used without being printed (stack pointer and slot, string registers, `rax`/`rdx` of `div`). */
  implicit: ImplicitOperand[];
  /** Canonical registers read: operands read, address registers (never `rip`), masks, implicit reads. */
  reads: string[];
  /** Canonical registers written, explicit and implicit. */
  writes: string[];
  /** Reads the flags (coarse: any flag, e.g. `jcc`, `cmovcc`, `adc`). */
  readsFlags: boolean;
  /** Writes the flags (coarse: any flag, e.g. `cmp`, `add`). */
  writesFlags: boolean;
  /** Control-flow class. */
  flow: Flow;
  /** For `jump` and `call`: the destination comes from a register or memory. */
  indirect: boolean;
  /** Destination of a direct jump, branch or call. */
  target?: bigint;
  /** Index of the enclosing function in `ObjectCode.functions`. */
  func: number;
  /** True when the instruction could not be understood (`(bad)`, unparseable operands): no operands, no effects. */
  opaque: boolean;
  /** The instruction as objdump printed it, without comments. */
  text: string;
}

/** A function: the instructions under one `<symbol>:` header of objdump. */
export interface FunctionInfo {
  /** Position in `ObjectCode.functions`. */
  index: number;
  /** Symbol name as objdump prints it (`main`, `memcpy@plt`, `__libc_start_main@@GLIBC_2.34`). */
  name: string;
  /** Address of the symbol. */
  address: bigint;
  /** Section the function is in (`.text`, `.plt`). */
  section: string;
  /** First instruction index. */
  start: number;
  /** One past the last instruction index. */
  end: number;
}

/** A basic block: straight-line instructions entered only at the first and left only after the last. */
export interface Block {
  /** Position in `ObjectCode.blocks`. */
  id: number;
  /** First instruction index. */
  start: number;
  /** One past the last instruction index. */
  end: number;
  /** Enclosing function index. */
  func: number;
}

/**
 * Kind of a control-flow edge.
 *
 * - `fallthrough`: to the next instruction (also a branch not taken, and a call's return point).
 * - `target`: a direct jump or branch taken.
 * - `call`: a direct call to the callee's first instruction.
 */
export type EdgeKind = "fallthrough" | "target" | "call";

/** A control-flow edge between two instructions (indices). */
export interface Edge {
  /** Index of the instruction the edge leaves. */
  from: number;
  /** Index of the instruction the edge enters. */
  to: number;
  /** What kind of transfer it is. */
  kind: EdgeKind;
}

/** Something odd seen while parsing; the instruction concerned is kept as opaque. */
export interface DisasmWarning {
  /** Address of the instruction concerned, if any. */
  address?: bigint;
  /** What is wrong, with the instruction text. */
  message: string;
}
