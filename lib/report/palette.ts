/**
 * Colours of chart series. A series carries its own colour when it has one
 * (the experiments give every method one colour, `lib/experiments/methods.ts`);
 * any other series gets one from a spare palette picked by a hash of its
 * label, so it keeps that colour across runs and charts.
 *
 * @module
 */

/** Colours for series without one of their own. */
const SPARE_COLORS: readonly string[] = [
  "#bcbd22",
  "#7f7f7f",
  "#e7ba52",
  "#7b4173",
  "#c49c94",
  "#f7b6d2",
  "#dbdb8d",
  "#393b79",
  "#637939",
  "#843c39",
];

/** The colour (`#rrggbb`) of a series labelled `label` that has none of its own. */
export function spareColor(label: string): string {
  const key = label.toLowerCase().replace(/[^a-z0-9]/g, "");
  // FNV-1a: a stable hash, so a label keeps its colour across charts.
  let hash = 0x811c9dc5;
  for (const ch of key) hash = Math.imul(hash ^ ch.charCodeAt(0), 0x01000193) >>> 0;
  return SPARE_COLORS[hash % SPARE_COLORS.length];
}

/** `#rrggbb` with an alpha channel, as `rgba(...)`. */
export function withAlpha(color: string, alpha: number): string {
  const n = parseInt(color.slice(1), 16);
  return `rgba(${(n >> 16) & 255}, ${(n >> 8) & 255}, ${n & 255}, ${alpha})`;
}
