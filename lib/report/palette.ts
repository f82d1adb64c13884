/**
 * One colour per method, the same in every chart: known methods have a fixed
 * colour, any other name gets one from a spare palette picked by a hash of the
 * name (stable across runs and charts).
 *
 * @module
 */

/** Fixed colours of the methods we know, keyed by {@linkcode methodKey}. */
export const METHOD_COLORS: Readonly<Record<string, string>> = {
  // NCF and its variants: reds, so the paper's method stands out.
  ncf: "#d62728",
  ncfbinary: "#d62728",
  ncfscalar: "#ff7f0e",
  ncfcategorical: "#e6a817",
  ncfstaticonly: "#ff9896",
  staticonly: "#ff9896",
  staticonlygnn: "#ff9896",
  ncffrozen: "#d62728",
  ncffinetuned: "#a50f15",
  scratch: "#e377c2",
  ncfscratch: "#e377c2",
  // Branch predictors: blues, greens, purples.
  bimodal: "#17becf",
  gshare: "#1f77b4",
  perceptron: "#2ca02c",
  hashedperceptron: "#98df8a",
  tagescl: "#9467bd",
  tage: "#9467bd",
  // Prefetchers.
  stride: "#1f77b4",
  ghb: "#2ca02c",
  ghbpcdc: "#2ca02c",
  markov: "#17becf",
  lstm: "#9467bd",
  embeddinglstm: "#9467bd",
  // Classifiers.
  bagofopcodes: "#8c564b",
};

/** Colours for methods without a fixed colour (none of them is in {@linkcode METHOD_COLORS}). */
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

/** The palette key of a method name: lower case, letters and digits only (`"TAGE-SC-L"` -> `"tagescl"`). */
export function methodKey(method: string): string {
  return method.toLowerCase().replace(/[^a-z0-9]/g, "");
}

/** The colour (`#rrggbb`) of `method`, the same in every chart. */
export function methodColor(method: string): string {
  const key = methodKey(method);
  const fixed = METHOD_COLORS[key];
  if (fixed) return fixed;
  // FNV-1a: a stable hash, so an unknown method keeps its colour across charts.
  let hash = 0x811c9dc5;
  for (const ch of key) hash = Math.imul(hash ^ ch.charCodeAt(0), 0x01000193) >>> 0;
  return SPARE_COLORS[hash % SPARE_COLORS.length];
}

/** `#rrggbb` with an alpha channel, as `rgba(...)`. */
export function withAlpha(color: string, alpha: number): string {
  const n = parseInt(color.slice(1), 16);
  return `rgba(${(n >> 16) & 255}, ${(n >> 8) & 255}, ${n & 255}, ${alpha})`;
}
