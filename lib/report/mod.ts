/**
 * The reporting layer: experiment result tables (CSV with mean/std rows and a
 * JSON sidecar), charts rendered to PNG, the run's setup, and the report
 * assembled from all of them as Markdown and self-contained HTML.
 *
 * @module
 */
export * from "./results.ts";
export * from "./charts.ts";
export * from "./palette.ts";
export * from "./setup.ts";
export * from "./report.ts";
export { escapeHtml, escapeMarkdown } from "./document.ts";
