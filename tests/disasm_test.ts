import assert from "node:assert/strict";
import { join } from "node:path";
import { UserError } from "../lib/common/mod.ts";
import {
  disassembleFile,
  type Instruction,
  loadObject,
  type ObjectCode,
  type Operand,
  parseInstructionText,
} from "../lib/disasm/mod.ts";

const reg = (name: string, canonical: string, width: number): Operand => ({
  kind: "reg",
  reg: canonical,
  name,
  width,
});

/** Expected fields of a parsed instruction; fields left out are not checked. */
type Expected = Partial<Omit<Instruction, "implicit">> & { implicit?: string[] };

/**
 * Real objdump output (after the raw bytes) and the parse it must give, at
 * address 0x1000 with length 8 unless given.
 */
const TABLE: [string, Expected, { address: bigint; length: number }?][] = [
  ["mov    rdi,QWORD PTR [rsp+0x10]", {
    mnemonic: "mov",
    operands: [reg("rdi", "rdi", 64), {
      kind: "mem",
      base: "rsp",
      scale: 1,
      disp: 0x10n,
      width: 64,
      ripRelative: false,
    }],
    access: ["write", "read"],
    reads: ["rsp"],
    writes: ["rdi"],
    readsFlags: false,
    writesFlags: false,
    flow: "other",
  }],
  ["mov    DWORD PTR [rsp+0x38],r9d", {
    access: ["write", "read"],
    reads: ["rsp", "r9"],
    writes: [],
  }],
  ["movzx  eax,BYTE PTR [rdi]", {
    operands: [reg("eax", "rax", 32), {
      kind: "mem",
      base: "rdi",
      scale: 1,
      disp: 0n,
      width: 8,
      ripRelative: false,
    }],
    access: ["write", "read"],
    writes: ["rax"],
  }],
  ["movsx  rdx,BYTE PTR [rdi]", { access: ["write", "read"], reads: ["rdi"], writes: ["rdx"] }],
  ["movsxd rax,DWORD PTR [rdx+rax*4]", {
    operands: [reg("rax", "rax", 64), {
      kind: "mem",
      base: "rdx",
      index: "rax",
      scale: 4,
      disp: 0n,
      width: 32,
      ripRelative: false,
    }],
    reads: ["rdx", "rax"],
    writes: ["rax"],
  }],
  ["lea    rdx,[rbx+rcx*8-0x18]", {
    operands: [reg("rdx", "rdx", 64), {
      kind: "mem",
      base: "rbx",
      index: "rcx",
      scale: 8,
      disp: -0x18n,
      width: 0,
      ripRelative: false,
    }],
    access: ["write", "address"],
    reads: ["rbx", "rcx"],
    writes: ["rdx"],
  }],
  ["lea    rdi,[rip+0xe4a]        # 2004 <_IO_stdin_used+0x4>", {
    operands: [reg("rdi", "rdi", 64), {
      kind: "mem",
      base: "rip",
      scale: 1,
      disp: 0xe4an,
      width: 0,
      ripRelative: true,
      absolute: 0x2004n,
    }],
    reads: [],
    text: "lea    rdi,[rip+0xe4a]",
  }, { address: 0x11b3n, length: 7 }],
  ["mov    rax,QWORD PTR fs:0x28", {
    operands: [reg("rax", "rax", 64), {
      kind: "mem",
      scale: 1,
      disp: 0x28n,
      segment: "fs",
      width: 64,
      ripRelative: false,
    }],
    access: ["write", "read"],
    reads: [],
  }],
  ["mov    eax,DWORD PTR fs:[rax]", { reads: ["rax"], writes: ["rax"] }],
  ["push   rbp", {
    access: ["read"],
    reads: ["rbp", "rsp"],
    writes: ["rsp"],
    implicit: ["readwrite rsp", "write [rsp-8]"],
  }],
  ["pop    rbx", {
    access: ["write"],
    reads: ["rsp"],
    writes: ["rbx", "rsp"],
    implicit: ["readwrite rsp", "read [rsp+0]"],
  }],
  ["call   1139 <sum_scaled>", {
    operands: [{ kind: "target", address: 0x1139n }],
    target: 0x1139n,
    flow: "call",
    indirect: false,
    implicit: ["readwrite rsp", "write [rsp-8]"],
    text: "call   1139",
  }],
  ["call   QWORD PTR [rax+0x18]", { flow: "call", indirect: true, reads: ["rax", "rsp"] }],
  ["ret", { flow: "return", implicit: ["readwrite rsp", "read [rsp+0]"] }],
  ["jne    2b977 <__gconv_get_alias_db@@GLIBC_PRIVATE+0x3a67>", {
    mnemonic: "jne",
    target: 0x2b977n,
    flow: "branch",
    readsFlags: true,
    writesFlags: false,
  }],
  ["jmp    26000 <__h_errno@@GLIBC_PRIVATE+0x25f8c>", {
    flow: "jump",
    indirect: false,
    target: 0x26000n,
  }],
  ["notrack jmp rax", { prefixes: ["notrack"], flow: "jump", indirect: true, reads: ["rax"] }],
  ["jrcxz  4c680", { flow: "branch", reads: ["rcx"], readsFlags: false }],
  ["cmp    rdx,0x64", {
    operands: [reg("rdx", "rdx", 64), { kind: "imm", value: 0x64n }],
    access: ["read", "read"],
    writes: [],
    writesFlags: true,
  }],
  ["test   DWORD PTR [rbx],0x8000", { access: ["read", "read"], writes: [], writesFlags: true }],
  ["add    rcx,rdx", { access: ["readwrite", "read"], reads: ["rcx", "rdx"], writes: ["rcx"] }],
  ["imul   esi,DWORD PTR [rax+r13*1+0x54],0x1fe0", {
    access: ["write", "read", "read"],
    reads: ["rax", "r13"],
    writes: ["rsi"],
    writesFlags: true,
  }],
  ["cmovne rdi,rsi", {
    access: ["readwrite", "read"],
    reads: ["rdi", "rsi"],
    writes: ["rdi"],
    readsFlags: true,
  }],
  ["sete   al", {
    operands: [reg("al", "rax", 8)],
    access: ["write"],
    writes: ["rax"],
    readsFlags: true,
  }],
  ["xor    eax,eax", { access: ["write", "none"], reads: [], writes: ["rax"], writesFlags: true }],
  ["xor    eax,edx", { access: ["readwrite", "read"], reads: ["rax", "rdx"] }],
  ["xchg   DWORD PTR [rdi],eax", { access: ["readwrite", "readwrite"], writes: ["rax"] }],
  ["rep stos QWORD PTR es:[rdi],rax", {
    prefixes: ["rep"],
    mnemonic: "stos",
    access: ["write", "read"],
    reads: ["rdi", "rax", "rcx"],
    writes: ["rdi", "rcx"],
  }],
  ["lock cmpxchg DWORD PTR [rdi],edx", {
    prefixes: ["lock"],
    mnemonic: "cmpxchg",
    access: ["readwrite", "read"],
    reads: ["rdi", "rdx", "rax"],
    writes: ["rax"],
    writesFlags: true,
  }],
  ["cqo", { reads: ["rax"], writes: ["rdx"] }],
  ["idiv   esi", { reads: ["rsi", "rax", "rdx"], writes: ["rax", "rdx"] }],
  ["movdqa xmm0,XMMWORD PTR [rip+0x172154]        # 1d7e40 <x>", {
    operands: [reg("xmm0", "xmm0", 128), {
      kind: "mem",
      base: "rip",
      scale: 1,
      disp: 0x172154n,
      width: 128,
      ripRelative: true,
      absolute: 0x1000n + 8n + 0x172154n,
    }],
    access: ["write", "read"],
  }],
  ["pxor   xmm0,xmm0", { access: ["write", "none"], reads: [], writes: ["xmm0"] }],
  ["pxor   xmm1,xmm2", { access: ["readwrite", "read"], reads: ["xmm1", "xmm2"] }],
  ["vpxor  xmm0,xmm0,xmm0", { access: ["write", "none", "none"], reads: [] }],
  ["vpminub ymm19{k1}{z},ymm19,ymm18", {
    operands: [
      { kind: "reg", reg: "ymm19", name: "ymm19", width: 256, mask: "k1", zeroing: true },
      reg("ymm19", "ymm19", 256),
      reg("ymm18", "ymm18", 256),
    ],
    access: ["write", "read", "read"],
    reads: ["k1", "ymm19", "ymm18"],
  }],
  ["vpaddb ymm18{k6},ymm31,ymm18", { access: ["readwrite", "read", "read"] }],
  ["nop    DWORD PTR [rax+rax*1+0x0]", { mnemonic: "nop", access: ["none"], reads: [] }],
  ["cs nop WORD PTR [rax+rax*1+0x0]", { prefixes: ["cs"], mnemonic: "nop", reads: [] }],
  ["xchg   ax,ax", { access: ["none", "none"], reads: [], writes: [] }],
  ["endbr64", { mnemonic: "endbr64", operands: [], reads: [], writes: [], flow: "other" }],
  ["data16 data16 rex.W call 1234 <__tls_get_addr@plt>", {
    prefixes: ["data16", "data16", "rex.W"],
    flow: "call",
    target: 0x1234n,
  }],
  ["shr    eax,1", { operands: [reg("eax", "rax", 32), { kind: "imm", value: 1n }] }],
  ["ud2", { flow: "halt" }],
  ["(bad)", { opaque: true, mnemonic: "(bad)", operands: [], reads: [], writes: [] }],
  ["mov    rax,QWORD PTR [rax+foo]", { opaque: true, operands: [] }],
];

function describeImplicit(ins: Instruction): string[] {
  return ins.implicit.map(({ operand, access }) =>
    operand.kind === "reg"
      ? `${access} ${operand.reg}`
      : `${access} [${operand.kind === "mem" ? operand.base : "?"}${
        operand.kind === "mem" && operand.disp < 0n ? "" : "+"
      }${operand.kind === "mem" ? operand.disp : ""}]`
  );
}

Deno.test("instruction texts parse into operands, accesses, flags and flow", () => {
  for (const [text, expected, at = { address: 0x1000n, length: 8 }] of TABLE) {
    const ins = parseInstructionText(text, at);
    const { implicit, ...fields } = expected;
    for (const [key, value] of Object.entries(fields)) {
      assert.deepEqual(ins[key as keyof Instruction], value, `${text}: ${key}`);
    }
    if (implicit) assert.deepEqual(describeImplicit(ins), implicit, `${text}: implicit`);
    if (!expected.opaque) assert.equal(ins.opaque, false, `${text}: opaque`);
  }
});

const LOOP_PROGRAM = `
#include <stdio.h>
__attribute__((noinline)) long sum_scaled(const long *values, long count) {
  long total = 0;
  for (long i = 0; i < count; i++) {
    if (values[i] > 100) total += values[i] * 3;
    else total -= values[i];
  }
  return total;
}
int main(int argc, char **argv) {
  long values[64];
  for (int i = 0; i < 64; i++) values[i] = i * argc * 7;
  printf("%ld\\n", sum_scaled(values, 64));
  return 0;
}
`;

async function compile(dir: string, source: string, name: string): Promise<string> {
  const c = join(dir, `${name}.c`);
  const exe = join(dir, name);
  await Deno.writeTextFile(c, source);
  const out = await new Deno.Command("gcc", { args: ["-O1", "-g", "-o", exe, c] }).output();
  assert.ok(out.success, new TextDecoder().decode(out.stderr));
  return exe;
}

/** Indices of `code`'s instructions in function `name`. */
function rowsOf(code: ObjectCode, name: string): number[] {
  const f = code.functionNamed(name);
  assert.ok(f, `function ${name} found`);
  return Array.from({ length: f.end - f.start }, (_, k) => f.start + k);
}

Deno.test("a compiled loop: functions, blocks, CFG edges and def-use", async () => {
  const dir = await Deno.makeTempDir({ prefix: "disasm_test_" });
  try {
    const code = await disassembleFile(await compile(dir, LOOP_PROGRAM, "loop"));
    assert.equal(code.fromCache, false);
    assert.equal(code.opaqueCount, 0);

    // Function lookup by symbol, and by address.
    const rows = rowsOf(code, "sum_scaled");
    const sum = code.functionNamed("sum_scaled")!;
    assert.equal(code.indexAt(sum.address), sum.start);
    assert.equal(code.indexAt(sum.address + 1n), -1);
    for (const i of rows) assert.equal(code.functionOf(i), sum);
    assert.ok(code.functionNamed("printf")?.name.endsWith("@plt"));

    // Blocks tile the function; each ends in a control transfer or before a leader.
    const blocks = [...new Set(rows.map((i) => code.blockOf(i).id))].map((id) => code.blocks[id]);
    assert.equal(blocks[0].start, sum.start);
    assert.equal(blocks.at(-1)!.end, sum.end);
    for (const b of blocks) {
      for (let i = b.start; i < b.end - 1; i++) {
        assert.deepEqual(code.successors(i), [{ from: i, to: i + 1, kind: "fallthrough" }]);
        assert.equal(code.instruction(i).flow, "other");
        if (i > b.start) {
          assert.deepEqual(code.predecessors(i), [{ from: i - 1, to: i, kind: "fallthrough" }]);
        }
      }
    }

    // The loop: a conditional branch or jump going back, whose body holds the array load.
    const load = rows.find((i) => {
      const ins = code.instruction(i);
      return ins.mnemonic === "mov" && ins.operands[1]?.kind === "mem" && ins.access[1] === "read";
    });
    assert.ok(load !== undefined, "the loop's load of values[i]");
    const backEdges = rows.flatMap((i) => code.successors(i)).filter((e) => e.to <= e.from);
    assert.ok(backEdges.length >= 1, "a back edge");
    const conditional = rows.filter((i) => code.instruction(i).flow === "branch");
    for (const i of conditional) {
      assert.deepEqual(code.successors(i).map((e) => e.kind).sort(), ["fallthrough", "target"]);
      assert.equal(code.instruction(code.successors(i)[1].to).address, code.instruction(i).target);
    }
    const ret = rows.find((i) => code.instruction(i).flow === "return")!;
    assert.deepEqual(code.successors(ret), []);

    // Def-use of the loop's pointer/counter: the load's base register is reached by its
    // initialisation before the loop and by its increment inside the loop.
    const base = (code.instruction(load).operands[1] as { base: string }).base;
    const reaching = code.reachingDefs(load).find((r) => r.reg === base)!;
    assert.equal(reaching.defs.length, 2, `defs of ${base}: ${reaching.defs}`);
    const [init, step] = reaching.defs;
    assert.ok(init < load && code.blockOf(init).id !== code.blockOf(load).id);
    assert.equal(code.instruction(step).mnemonic, "add");
    assert.deepEqual(code.instruction(step).writes, [base]);
    assert.ok(code.usesOf(step).some((u) => u.reg === base && u.uses.includes(load)));
    // The increment also reaches itself around the loop.
    assert.ok(code.reachingDefs(step).find((r) => r.reg === base)!.defs.includes(step));
    // Each conditional branch reads the flags of the compare or test before it.
    for (const i of conditional) {
      const flags = code.reachingDefs(i).find((r) => r.reg === "rflags")!;
      assert.deepEqual(flags.defs, [i - 1]);
    }
    // Window form: the pairs inside the function include (increment -> load).
    assert.ok(
      code.defUse(sum.start, sum.end).some((e) =>
        e.def === step && e.use === load && e.reg === base
      ),
    );

    // main calls sum_scaled: a call edge to its entry and a fall-through to the return point.
    const call = rowsOf(code, "main").find((i) => code.instruction(i).target === sum.address)!;
    assert.deepEqual(code.successors(call), [
      { from: call, to: call + 1, kind: "fallthrough" },
      { from: call, to: sum.start, kind: "call" },
    ]);
    assert.ok(code.predecessors(sum.start).some((e) => e.from === call && e.kind === "call"));
    // The result register read after the call is defined by the call.
    const afterCall = code.reachingDefs(call + 1).find((r) => r.reg === "rax");
    if (afterCall) assert.deepEqual(afterCall.defs, [call]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("the cache is used for an unchanged file and refreshed for a changed one", async () => {
  const dir = await Deno.makeTempDir({ prefix: "disasm_test_" });
  try {
    const cacheDir = join(dir, "cache");
    const exe = await compile(dir, LOOP_PROGRAM, "cached");
    const first = await loadObject(exe, { cacheDir, quiet: true });
    const second = await loadObject(exe, { cacheDir, quiet: true });
    assert.equal(first.fromCache, false);
    assert.equal(second.fromCache, true);
    assert.deepEqual(second.instructions, first.instructions);
    assert.deepEqual(second.blocks, first.blocks);
    assert.deepEqual(second.functions, first.functions);
    const load = second.indexAt(second.functionNamed("sum_scaled")!.address) + 3;
    assert.deepEqual(second.reachingDefs(load), first.reachingDefs(load));

    await compile(dir, LOOP_PROGRAM.replace("* 3", "* 5"), "cached");
    const third = await loadObject(exe, { cacheDir, quiet: true });
    assert.equal(third.fromCache, false);
    // The old version's cache file is gone: one file per object.
    assert.equal((await Array.fromAsync(Deno.readDir(cacheDir))).length, 1);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("bad input gives a UserError with a fix", async () => {
  const dir = await Deno.makeTempDir({ prefix: "disasm_test_" });
  try {
    await assert.rejects(loadObject(join(dir, "missing"), { quiet: true }), (err: unknown) => {
      assert.ok(err instanceof UserError);
      assert.match(err.message, /does not exist/);
      return true;
    });
    const text = join(dir, "script.sh");
    await Deno.writeTextFile(text, "#!/bin/sh\necho hi\n");
    await assert.rejects(loadObject(text, { quiet: true }), (err: unknown) => {
      assert.ok(err instanceof UserError);
      assert.match(err.message, /not an ELF/);
      assert.match(err.fix, /compiled program/);
      return true;
    });
    await assert.rejects(loadObject(dir, { quiet: true }), UserError);

    // Without objdump on the PATH, the command line says so and how to fix it.
    const cli = new URL("../lib/disasm/cli.ts", import.meta.url).pathname;
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", cli, "--no-cache", "/bin/true"],
      env: { PATH: dir },
    }).output();
    const stderr = new TextDecoder().decode(out.stderr);
    assert.equal(out.code, 2);
    assert.match(stderr, /error: objdump is not installed\n\s+fix: install binutils/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("libc parses without crashes, few opaque instructions, and loads again from the cache", async () => {
  const libc = "/lib/x86_64-linux-gnu/libc.so.6";
  const dir = await Deno.makeTempDir({ prefix: "disasm_test_" });
  try {
    const code = await loadObject(libc, { cacheDir: dir, quiet: true });
    assert.equal(code.fromCache, false);
    assert.ok(code.instructionCount > 100_000);
    console.log(
      `libc: ${code.instructionCount} instructions, ${code.opaqueCount} opaque, ` +
        `${code.blocks.length} blocks, ${code.unresolvedTargets} unresolved direct targets`,
    );
    assert.ok(code.opaqueCount <= code.instructionCount / 1000, `${code.opaqueCount} opaque`);
    assert.equal(code.unresolvedTargets, 0);

    // Sites are found by the static offset objdump prints.
    const malloc = code.functionNamed("malloc")!;
    assert.equal(code.instruction(code.indexAt(malloc.address)).address, malloc.address);
    assert.ok(code.functions.some((f) => f.section === ".plt" && f.name.endsWith("@plt")));

    // glibc jumps over `lock` prefixes: the destination has an instruction of its own.
    const skips = code.instructions.filter((ins) =>
      ins.prefixes[0] === "lock" && code.indexAt(ins.address + 1n) === ins.index + 1
    );
    assert.ok(skips.length > 0);
    for (const ins of skips) {
      const bare = code.instruction(ins.index + 1);
      assert.equal(bare.mnemonic, ins.mnemonic);
      assert.equal(bare.address + BigInt(bare.length), ins.address + BigInt(ins.length));
      assert.ok(code.predecessors(bare.index).some((e) => e.kind === "target"));
    }

    // Def-use over the largest function works (lazily, per function).
    const largest = code.functions.reduce((a, b) => (b.end - b.start > a.end - a.start ? b : a));
    const middle = (largest.start + largest.end) >>> 1;
    assert.ok(Array.isArray(code.reachingDefs(middle)));

    const again = await loadObject(libc, { cacheDir: dir, quiet: true });
    assert.equal(again.fromCache, true);
    assert.equal(again.instructionCount, code.instructionCount);
    assert.deepEqual(again.instruction(middle), code.instruction(middle));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
