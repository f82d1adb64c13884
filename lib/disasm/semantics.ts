/**
 * What an instruction does with its operands: which are read and written,
 * implicit registers and stack slots, flags, and its control-flow class.
 *
 * Rules go by mnemonic family; the README lists them and what is approximate.
 *
 * @module
 */
import { registerInfo } from "./registers.ts";
import type { Access, Flow, ImplicitOperand, MemOperand, Operand, RegOperand } from "./types.ts";

/** The effects of one instruction (everything but its address-dependent parts). */
export interface Semantics {
  access: Access[];
  implicit: ImplicitOperand[];
  reads: string[];
  writes: string[];
  readsFlags: boolean;
  writesFlags: boolean;
  flow: Flow;
  indirect: boolean;
}

const CONDITIONS = [
  "o",
  "no",
  "b",
  "c",
  "nae",
  "ae",
  "nb",
  "nc",
  "e",
  "z",
  "ne",
  "nz",
  "be",
  "na",
  "a",
  "nbe",
  "s",
  "ns",
  "p",
  "pe",
  "np",
  "po",
  "l",
  "nge",
  "ge",
  "nl",
  "le",
  "ng",
  "g",
  "nle",
];
const CONDITIONAL_JUMPS = new Set(CONDITIONS.map((c) => "j" + c));
const CMOVS = new Set(CONDITIONS.map((c) => "cmov" + c));
const SETS = new Set(CONDITIONS.map((c) => "set" + c));

function words(text: string): Set<string> {
  return new Set(text.trim().split(/\s+/));
}

/** Destination written, sources read, flags untouched. */
const MOVES = words(`
  mov movabs movzx movsx movsxd movd movq movdqa movdqu movaps movups movapd movupd movntdq
  movnti movntps movntpd movntdqa movntq lddqu movddup movshdup movsldup movq2dq movdq2q
  pmovmskb movmskps movmskpd pshufd pshufhw pshuflw pshufw pextrb pextrw pextrd pextrq extractps
  movbe sqrtps sqrtpd rcpps rsqrtps roundps roundpd pabsb pabsw pabsd phminposuw aesimc
  aeskeygenassist sarx shlx shrx rorx pdep pext pmovzxbw pmovzxbd pmovzxbq pmovzxwd pmovzxwq
  pmovzxdq pmovsxbw pmovsxbd pmovsxbq pmovsxwd pmovsxwq pmovsxdq rdfsbase rdgsbase rdpid`);
/** Destination written, sources read, flags written. */
const MOVES_SETTING_FLAGS = words(`
  bsf bsr tzcnt lzcnt popcnt andn bextr blsi blsmsk blsr bzhi rdrand rdseed`);
/** Scalar SSE operations that keep the destination's upper elements: the destination is read too. */
const MERGING_SCALARS = words(`
  cvtsi2ss cvtsi2sd cvtss2sd cvtsd2ss sqrtss sqrtsd roundss roundsd rcpss rsqrtss movhlps movlhps`);
/** Every operand read, flags written. */
const COMPARES = words(`
  cmp test bt ucomiss ucomisd comiss comisd ptest vptest vtestps vtestpd vucomiss vucomisd
  vcomiss vcomisd kortestb kortestw kortestd kortestq ktestb ktestw ktestd ktestq`);
/** Destination read and written, sources read, flags written. */
const ARITHMETIC = words(`
  add sub and or xor adc sbb neg inc dec shl shr sal sar rol ror rcl rcr shld shrd bts btr btc
  adcx adox`);
/** Flags read by the arithmetic above. */
const READS_CARRY = words("adc sbb rcl rcr adcx adox");
/** Destination read and written, no flags. */
const READ_MODIFY = words("not bswap crc32");
/** VEX/EVEX forms whose destination is also a source (FMA3 `vfmadd231sd`, not FMA4 `vfmaddsd`). */
const VEX_ACCUMULATING =
  /^v(fn?m(add|sub|addsub|subadd)(132|213|231)|pternlog|perm[it]2|pdpbusd|pdpwssd|pshldv|pshrdv|pmadd52|gather|pgather)/;
/** Results independent of the (identical) sources: `xor eax,eax`, `pcmpeqd xmm0,xmm0`. */
const ZERO_IDIOMS = words(`
  xor sub sbb pxor xorps xorpd vpxor vpxord vpxorq vxorps vxorpd psubb psubw psubd psubq vpsubb
  vpsubw vpsubd vpsubq pcmpeqb pcmpeqw pcmpeqd pcmpeqq pcmpgtb pcmpgtw pcmpgtd pcmpgtq andnps
  andnpd pandn vpandn vpandnd vpandnq`);
const NO_EFFECT = words(`
  nop endbr64 endbr32 pause lfence mfence sfence fwait wait vzeroupper vzeroall xend fninit
  fnclex ffree ffreep fincstp fdecstp emms int1 clts`);
const HALTS = words("ud2 ud0 ud1 hlt int3");
/** Memory operand whose address is computed but not accessed. */
const ADDRESS_ONLY = words(`
  lea prefetch prefetchw prefetchwt1 prefetchnta prefetcht0 prefetcht1 prefetcht2 clflush
  clflushopt clwb cldemote`);
const STORES = words(`
  stmxcsr vstmxcsr fxsave fxsave64 xsave xsave64 xsavec xsavec64 xsaveopt xsaveopt64 xsaves fnstcw
  fstcw fnstsw fstsw fnstenv fstenv fnsave fsave`);
const LOADS = words(`
  ldmxcsr vldmxcsr fxrstor fxrstor64 xrstor xrstor64 xrstors fldcw fldenv frstor`);
const FLAG_WRITERS = words("sahf clc stc cmc cld std xtest");
/** x87 loads: push onto the register stack. */
const X87_LOADS = words("fld fild fbld fld1 fldz fldpi fldl2e fldln2 fldl2t fldlg2");
/** x87 stores of `st(0)`: destination written. */
const X87_STORES = words("fst fstp fist fistp fisttp fbstp");
const X87_COMPARES = words(
  "fcom fcomp fcompp fucom fucomp fucompp fcomi fcomip fucomi fucomip ftst fxam",
);

const STRING_REGISTERS: Record<string, string[]> = {
  movs: ["rsi", "rdi"],
  cmps: ["rsi", "rdi"],
  stos: ["rdi"],
  scas: ["rdi"],
  lods: ["rsi"],
  ins: ["rdi", "rdx"],
  outs: ["rsi", "rdx"],
};

function reg(name: string): RegOperand {
  const info = registerInfo(name)!;
  return { kind: "reg", reg: info.reg, name, width: info.width };
}

function stackSlot(base: string, disp: bigint): MemOperand {
  return { kind: "mem", base, scale: 1, disp, width: 64, ripRelative: false };
}

const PUSHED_SLOT = stackSlot("rsp", -8n);
const TOP_SLOT = stackSlot("rsp", 0n);
const FRAME_SLOT = stackSlot("rbp", 0n);

/** Mutable state of one analysis. */
class Builder {
  access: Access[];
  implicit: ImplicitOperand[] = [];
  readsFlags = false;
  writesFlags = false;
  flow: Flow = "other";
  indirect = false;

  constructor(readonly operands: Operand[]) {
    this.access = operands.map(() => "read");
  }
  /** First operand written (and read if `readToo`), the others read. */
  destination(readToo: boolean): this {
    if (this.access.length > 0) this.access[0] = readToo ? "readwrite" : "write";
    return this;
  }
  all(access: Access): this {
    this.access.fill(access);
    return this;
  }
  regs(access: Access, names: string[]): this {
    for (const name of names) this.implicit.push({ operand: reg(name), access });
    return this;
  }
  memory(access: Access, slot: MemOperand): this {
    this.implicit.push({ operand: slot, access });
    return this;
  }
  flags(reads: boolean, writes: boolean): this {
    this.readsFlags ||= reads;
    this.writesFlags ||= writes;
    return this;
  }
}

function isTarget(op: Operand | undefined): boolean {
  return op?.kind === "target";
}

function sameRegisters(ops: Operand[]): boolean {
  return ops.length > 0 &&
    ops.every((op) => op.kind === "reg" && op.name === (ops[0] as RegOperand).name);
}

/** Control transfers; returns false if `mnemonic` is none. */
function controlFlow(b: Builder, mnemonic: string): boolean {
  const ops = b.operands;
  if (CONDITIONAL_JUMPS.has(mnemonic)) {
    b.flow = "branch";
    b.flags(true, false);
  } else if (mnemonic === "jrcxz" || mnemonic === "jecxz") {
    b.flow = "branch";
    b.regs("read", ["rcx"]);
  } else if (mnemonic.startsWith("loop")) {
    b.flow = "branch";
    b.regs("readwrite", ["rcx"]).flags(mnemonic !== "loop", false);
  } else if (mnemonic === "xbegin") {
    b.flow = "branch";
    b.regs("write", ["rax"]);
  } else if (mnemonic === "jmp" || mnemonic === "ljmp") {
    b.flow = "jump";
    b.indirect = !isTarget(ops[0]);
  } else if (mnemonic === "call" || mnemonic === "lcall") {
    b.flow = "call";
    b.indirect = !isTarget(ops[0]);
    b.regs("readwrite", ["rsp"]).memory("write", PUSHED_SLOT);
  } else if (/^(ret|retf|iret[dq]?|sysret|sysexit)$/.test(mnemonic)) {
    b.flow = "return";
    b.regs("readwrite", ["rsp"]).memory("read", TOP_SLOT);
  } else if (HALTS.has(mnemonic)) {
    b.flow = "halt";
  } else {
    return false;
  }
  return true;
}

/** Instructions with implicit registers or unusual operand use; returns false if `mnemonic` is none. */
function special(b: Builder, mnemonic: string, prefixes: string[]): boolean {
  const ops = b.operands;
  switch (mnemonic) {
    case "push":
      b.regs("readwrite", ["rsp"]).memory("write", PUSHED_SLOT);
      return true;
    case "pop":
      b.destination(false).regs("readwrite", ["rsp"]).memory("read", TOP_SLOT);
      return true;
    case "pushf":
    case "pushfq":
      b.regs("readwrite", ["rsp"]).memory("write", PUSHED_SLOT).flags(true, false);
      return true;
    case "popf":
    case "popfq":
      b.regs("readwrite", ["rsp"]).memory("read", TOP_SLOT).flags(false, true);
      return true;
    case "leave":
      b.regs("readwrite", ["rbp"]).regs("write", ["rsp"]).memory("read", FRAME_SLOT);
      return true;
    case "enter":
      b.regs("readwrite", ["rsp", "rbp"]).memory("write", PUSHED_SLOT);
      return true;
    case "syscall":
      b.regs("readwrite", ["rax"]).regs("read", ["rdi", "rsi", "rdx", "r10", "r8", "r9"]);
      b.regs("write", ["rcx", "r11"]);
      return true;
    case "cpuid":
      b.regs("readwrite", ["rax", "rcx"]).regs("write", ["rbx", "rdx"]);
      return true;
    case "rdtsc":
      b.regs("write", ["rax", "rdx"]);
      return true;
    case "rdtscp":
      b.regs("write", ["rax", "rdx", "rcx"]);
      return true;
    case "rdpkru":
    case "xgetbv":
      b.regs("read", ["rcx"]).regs("write", ["rax", "rdx"]);
      return true;
    case "wrpkru":
    case "xsetbv":
      b.regs("read", ["rax", "rcx", "rdx"]);
      return true;
    case "cdq":
    case "cqo":
    case "cwd":
      b.regs("read", ["rax"]).regs("write", ["rdx"]);
      return true;
    case "cdqe":
    case "cwde":
    case "cbw":
      b.regs("readwrite", ["rax"]);
      return true;
    case "lahf":
      b.regs("readwrite", ["rax"]).flags(true, false);
      return true;
    case "mul":
      b.regs("readwrite", ["rax"]).regs("write", ["rdx"]).flags(false, true);
      return true;
    case "imul":
      if (ops.length === 1) b.regs("readwrite", ["rax"]).regs("write", ["rdx"]);
      else b.destination(ops.length === 2);
      b.flags(false, true);
      return true;
    case "div":
    case "idiv":
      b.regs("readwrite", ["rax", "rdx"]).flags(false, true);
      return true;
    case "mulx":
      b.all("read").regs("read", ["rdx"]);
      b.access[0] = b.access[1] = "write";
      return true;
    case "xchg":
      // `xchg ax,ax` (66 90) is how objdump prints a two-byte nop.
      b.all(sameRegisters(ops) ? "none" : "readwrite");
      return true;
    case "xadd":
      b.all("readwrite").flags(false, true);
      return true;
    case "cmpxchg":
      b.destination(true).regs("readwrite", ["rax"]).flags(false, true);
      return true;
    case "cmpxchg8b":
    case "cmpxchg16b":
      b.all("readwrite").regs("readwrite", ["rax", "rdx"]).regs("read", ["rbx", "rcx"]);
      b.flags(false, true);
      return true;
    case "pcmpistri":
    case "vpcmpistri":
      b.regs("write", ["rcx"]).flags(false, true);
      return true;
    case "pcmpestri":
    case "vpcmpestri":
      b.regs("read", ["rax", "rdx"]).regs("write", ["rcx"]).flags(false, true);
      return true;
    case "pcmpistrm":
    case "vpcmpistrm":
      b.regs("write", ["xmm0"]).flags(false, true);
      return true;
    case "pcmpestrm":
    case "vpcmpestrm":
      b.regs("read", ["rax", "rdx"]).regs("write", ["xmm0"]).flags(false, true);
      return true;
    case "movss":
    case "movsd":
    case "movlps":
    case "movlpd":
    case "movhps":
    case "movhpd": {
      // A register destination keeps its other elements, except movss/movsd loading from
      // memory (they zero the rest); a memory destination is a plain store.
      const zeroingLoad = (mnemonic === "movss" || mnemonic === "movsd") && ops[1]?.kind === "mem";
      b.destination(ops[0]?.kind === "reg" && !zeroingLoad);
      return true;
    }
    case "xabort":
    case "int":
      return true;
  }
  const stringRegs = STRING_REGISTERS[mnemonic];
  if (stringRegs) {
    // Intel syntax prints string operands: destination first, except for cmps/scas (both read).
    if (mnemonic !== "cmps" && mnemonic !== "scas") b.destination(false);
    b.regs("readwrite", stringRegs);
    if (prefixes.some((p) => p.startsWith("rep"))) b.regs("readwrite", ["rcx"]);
    b.flags(false, mnemonic === "cmps" || mnemonic === "scas");
    return true;
  }
  return false;
}

/** x87 instructions (coarse: the register stack is modelled as reads and writes of `st(0)`). */
function x87(b: Builder, mnemonic: string): boolean {
  if (mnemonic.charCodeAt(0) !== 0x66 /* f */) return false;
  const n = b.operands.length;
  if (X87_LOADS.has(mnemonic)) {
    b.regs("write", ["st(0)"]);
  } else if (X87_STORES.has(mnemonic)) {
    b.destination(false).regs("read", ["st(0)"]);
  } else if (X87_COMPARES.has(mnemonic)) {
    const both = n === 0 && mnemonic !== "ftst" && mnemonic !== "fxam";
    if (n < 2) b.regs("read", both ? ["st(0)", "st(1)"] : ["st(0)"]);
    b.flags(false, mnemonic.includes("comi"));
  } else if (mnemonic === "fxch") {
    b.all("readwrite");
    if (n < 2) b.regs("readwrite", ["st(0)"]);
  } else if (mnemonic.startsWith("fcmov")) {
    b.destination(true).flags(true, false);
  } else if (n === 2) {
    b.destination(true);
  } else if (/^fi?(add|sub|subr|mul|div|divr)p?$/.test(mnemonic)) {
    b.regs("readwrite", n === 0 ? ["st(0)", "st(1)"] : ["st(0)"]);
  } else if (n === 0) {
    b.regs("readwrite", ["st(0)"]);
  } else {
    return false;
  }
  return true;
}

function families(b: Builder, mnemonic: string, prefixes: string[]): void {
  if (controlFlow(b, mnemonic) || special(b, mnemonic, prefixes)) return;
  if (CMOVS.has(mnemonic)) b.destination(true).flags(true, false);
  else if (SETS.has(mnemonic)) b.destination(false).flags(true, false);
  else if (MERGING_SCALARS.has(mnemonic)) b.destination(true);
  else if (MOVES.has(mnemonic) || /^(cvt|kmov)/.test(mnemonic)) b.destination(false);
  else if (MOVES_SETTING_FLAGS.has(mnemonic)) b.destination(false).flags(false, true);
  else if (COMPARES.has(mnemonic)) b.flags(false, true);
  else if (ARITHMETIC.has(mnemonic)) b.destination(true).flags(READS_CARRY.has(mnemonic), true);
  else if (READ_MODIFY.has(mnemonic)) b.destination(true);
  else if (NO_EFFECT.has(mnemonic)) b.all("none");
  else if (ADDRESS_ONLY.has(mnemonic)) {
    b.all("address");
    if (mnemonic === "lea") b.destination(false);
  } else if (STORES.has(mnemonic)) b.destination(false);
  else if (LOADS.has(mnemonic)) b.all("read");
  else if (FLAG_WRITERS.has(mnemonic)) {
    b.flags(mnemonic === "cmc", true);
    if (mnemonic === "sahf") b.regs("read", ["rax"]);
  } else if (x87(b, mnemonic)) return;
  else if (mnemonic.charCodeAt(0) === 0x76 /* v */ || mnemonic.charCodeAt(0) === 0x6b /* k */) {
    // VEX/EVEX and mask forms are non-destructive: destination written, sources read.
    b.destination(VEX_ACCUMULATING.test(mnemonic));
  } else {
    // Legacy two-address forms (SSE arithmetic, `paddb`, `pshufb`): destination is also a source.
    b.destination(true);
  }
}

function addUnique(list: string[], name: string): void {
  if (name !== "rip" && !list.includes(name)) list.push(name);
}

function registerEffects(
  operand: Operand,
  access: Access,
  reads: string[],
  writes: string[],
): void {
  if (operand.kind === "reg") {
    if (access === "read" || access === "readwrite") addUnique(reads, operand.reg);
    if (access === "write" || access === "readwrite") addUnique(writes, operand.reg);
    if (operand.mask) addUnique(reads, operand.mask);
  } else if (operand.kind === "mem" && access !== "none") {
    if (operand.base) addUnique(reads, operand.base);
    if (operand.index) addUnique(reads, operand.index);
    if (operand.mask) addUnique(reads, operand.mask);
  }
}

/** Analyses an instruction from its mnemonic, prefixes and parsed operands. */
export function semanticsOf(mnemonic: string, prefixes: string[], operands: Operand[]): Semantics {
  const b = new Builder(operands);
  families(b, mnemonic, prefixes);

  // AVX-512 merge-masking keeps unselected destination elements: the destination is read too.
  const dst = operands[0];
  if (
    b.access[0] === "write" && dst?.kind === "reg" && dst.mask && !dst.zeroing &&
    !dst.reg.startsWith("k")
  ) {
    b.access[0] = "readwrite";
  }
  if (ZERO_IDIOMS.has(mnemonic)) {
    const vex = mnemonic.charCodeAt(0) === 0x76;
    const sources = vex ? operands.slice(1) : operands;
    if (operands.length === (vex ? 3 : 2) && sources.length > 0 && sameRegisters(sources)) {
      b.access.fill("none");
      b.access[0] = "write";
    }
  }

  const reads: string[] = [];
  const writes: string[] = [];
  operands.forEach((op, i) => registerEffects(op, b.access[i], reads, writes));
  for (const { operand, access } of b.implicit) registerEffects(operand, access, reads, writes);
  return {
    access: b.access,
    implicit: b.implicit,
    reads,
    writes,
    readsFlags: b.readsFlags,
    writesFlags: b.writesFlags,
    flow: b.flow,
    indirect: b.indirect,
  };
}
