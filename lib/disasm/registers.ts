/**
 * x86-64 register names as `objdump -M intel` prints them: canonical full
 * register and width of every name.
 *
 * @module
 */

/** What a register name stands for. */
export interface RegisterInfo {
  /** Canonical register: the full general-purpose register (`eax` -> `rax`); other names as written. */
  reg: string;
  /** Width in bits of the name as written (`al` 8, `eax` 32, `xmm0` 128). */
  width: number;
}

const GPR_NAMES: [string, string, string, string][] = [
  // [64-bit, 32-bit, 16-bit, low 8-bit]
  ["rax", "eax", "ax", "al"],
  ["rcx", "ecx", "cx", "cl"],
  ["rdx", "edx", "dx", "dl"],
  ["rbx", "ebx", "bx", "bl"],
  ["rsp", "esp", "sp", "spl"],
  ["rbp", "ebp", "bp", "bpl"],
  ["rsi", "esi", "si", "sil"],
  ["rdi", "edi", "di", "dil"],
];

function buildRegisterTable(): Map<string, RegisterInfo> {
  const table = new Map<string, RegisterInfo>();
  const add = (name: string, reg: string, width: number) => table.set(name, { reg, width });
  for (const [r64, r32, r16, r8] of GPR_NAMES) {
    add(r64, r64, 64);
    add(r32, r64, 32);
    add(r16, r64, 16);
    add(r8, r64, 8);
  }
  for (const [high, full] of [["ah", "rax"], ["ch", "rcx"], ["dh", "rdx"], ["bh", "rbx"]]) {
    add(high, full, 8);
  }
  for (let n = 8; n < 16; n++) {
    add(`r${n}`, `r${n}`, 64);
    add(`r${n}d`, `r${n}`, 32);
    add(`r${n}w`, `r${n}`, 16);
    add(`r${n}b`, `r${n}`, 8);
  }
  add("rip", "rip", 64);
  add("eip", "rip", 32);
  for (let n = 0; n < 32; n++) {
    add(`xmm${n}`, `xmm${n}`, 128);
    add(`ymm${n}`, `ymm${n}`, 256);
    add(`zmm${n}`, `zmm${n}`, 512);
  }
  for (let n = 0; n < 8; n++) {
    add(`k${n}`, `k${n}`, 64);
    add(`mm${n}`, `mm${n}`, 64);
    add(`st(${n})`, `st(${n})`, 80);
  }
  add("st", "st(0)", 80);
  for (const seg of ["es", "cs", "ss", "ds", "fs", "gs"]) add(seg, seg, 16);
  for (let n = 0; n < 4; n++) add(`bnd${n}`, `bnd${n}`, 128);
  for (let n = 0; n < 16; n++) {
    add(`cr${n}`, `cr${n}`, 64);
    add(`dr${n}`, `dr${n}`, 64);
  }
  return table;
}

/** Every register name objdump prints in 64-bit Intel syntax. */
export const REGISTER_TABLE: ReadonlyMap<string, RegisterInfo> = buildRegisterTable();

/** Pseudo register for the flags in def-use results (flags are coarse: one register). */
export const FLAGS = "rflags";

/**
 * The registers the System V ABI lets a callee clobber. Def-use treats a call
 * as writing all of them (and the flags), since the callee is not analysed.
 */
export const CALL_CLOBBERED: readonly string[] = [
  "rax",
  "rcx",
  "rdx",
  "rsi",
  "rdi",
  "r8",
  "r9",
  "r10",
  "r11",
  FLAGS,
];

/** The canonical register of a name as written, or `undefined` if it is no register. */
export function registerInfo(name: string): RegisterInfo | undefined {
  return REGISTER_TABLE.get(name);
}

/**
 * The storage a register shares with others, for def-use: `xmm3`, `ymm3` and
 * `zmm3` are one register; everything else is its own canonical name.
 */
export function registerFamily(reg: string): string {
  const c = reg.charCodeAt(0);
  if ((c === 0x78 || c === 0x79) && reg.startsWith("mm", 1)) return "z" + reg.slice(1);
  return reg;
}
