/**
 * The static side: `objdump -d` parsed into instructions with operands and
 * their read/write effects, functions, basic blocks, control-flow edges and
 * register def-use, cached per object file.
 *
 * ```ts
 * const libc = await loadObject("/lib/x86_64-linux-gnu/libc.so.6");
 * const i = libc.indexAt(0x28bd0n);
 * libc.instruction(i).operands; libc.successors(i); libc.reachingDefs(i);
 * ```
 *
 * @module
 */
export * from "./types.ts";
export { DISASM_CACHE_DIR, disassembleFile, loadObject, ObjectCode } from "./object.ts";
export type { LoadObjectOptions } from "./object.ts";
export type { DefUseEdge, DefUses, ReachingDefs } from "./defuse.ts";
export { CALL_CLOBBERED, FLAGS, registerFamily, registerInfo } from "./registers.ts";
export type { RegisterInfo } from "./registers.ts";
export { parseInstructionText } from "./shape.ts";
export type { ParseInstructionOptions } from "./shape.ts";
