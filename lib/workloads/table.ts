/**
 * Plain-text tables for command-line summaries.
 *
 * @module
 */

/** Formats rows under a header as aligned columns (numbers right-aligned). */
export function formatTable(header: string[], rows: string[][]): string {
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => (r[c] ?? "").length)));
  const isNumeric = header.map((_, c) =>
    rows.length > 0 && rows.every((r) => /^-?[\d.,]+%?$|^-$/.test(r[c] ?? ""))
  );
  const line = (cells: string[]) =>
    cells.map((cell, c) => isNumeric[c] ? cell.padStart(widths[c]) : cell.padEnd(widths[c])).join(
      "  ",
    ).trimEnd();
  return [line(header), widths.map((w) => "-".repeat(w)).join("  "), ...rows.map(line)].join("\n");
}
