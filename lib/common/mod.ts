/**
 * Shared helpers used by every stage: user-facing errors, atomic files,
 * progress bars, the repository's paths and seeded random streams.
 *
 * @module
 */
export * from "./errors.ts";
export * from "./fs.ts";
export * from "./progress.ts";
export * from "./paths.ts";
export * from "./random.ts";
