/**
 * Shared helpers used by every stage: user-facing errors, atomic files,
 * progress bars, the repository's paths, seeded random streams and child
 * processes that end with an interrupted parent.
 *
 * @module
 */
export * from "./errors.ts";
export * from "./fs.ts";
export * from "./progress.ts";
export * from "./paths.ts";
export * from "./process.ts";
export * from "./random.ts";
