/**
 * Shared helpers used by every stage: user-facing errors, atomic files,
 * progress bars and the repository's paths.
 *
 * @module
 */
export * from "./errors.ts";
export * from "./fs.ts";
export * from "./progress.ts";
export * from "./paths.ts";
