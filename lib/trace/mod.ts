/**
 * The tracer: a Valgrind tool recording every conditional branch and memory
 * read of a program (with optional register snapshots) into a compact trace,
 * and the streaming reader every later stage uses.
 *
 * @module
 */
export * from "./types.ts";
export * from "./reader.ts";
export * from "./run.ts";
export * from "./snapshots.ts";
export * from "./objects.ts";
export { SANDBOX_VERSION } from "./sandbox.ts";
