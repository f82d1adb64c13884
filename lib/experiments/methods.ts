/**
 * Every method a study reports: one id, one label (the `method` column of the
 * results and the legend of the charts) and one colour, the same everywhere.
 * Studies name methods by id; a method family with a parameter (the snapshot
 * lead) has a function that makes its ids.
 *
 * @module
 */

/** What kind of method it is (the report groups and colours by it). */
export type MethodKind =
  | "ncf"
  | "gnn"
  | "branch predictor"
  | "prefetcher"
  | "reference"
  | "classifier";

/** A method of the results. */
export interface Method {
  /** Stable id, used in code and cache keys, e.g. `"static-only"`. */
  id: string;
  /** The name in tables and charts, e.g. `"static-only GNN"`. */
  label: string;
  /** `#rrggbb`, the same in every chart. */
  color: string;
  kind: MethodKind;
}

const NCF_RED = "#d62728";

const LIST: Method[] = [
  // NCF and its variants: reds and oranges, so the paper's method stands out.
  { id: "ncf", label: "NCF", color: NCF_RED, kind: "ncf" },
  { id: "static-only", label: "static-only GNN", color: "#ff9896", kind: "gnn" },
  { id: "ncf-no-tokens", label: "NCF (no tokens)", color: "#fdae6b", kind: "ncf" },
  { id: "ncf-absolute", label: "NCF (absolute 64-bit head)", color: "#e6550d", kind: "ncf" },
  { id: "ncf-delta-bits", label: "NCF (delta-bits head)", color: "#fd8d3c", kind: "ncf" },
  { id: "ncf-delta-class", label: "NCF (delta-class head)", color: "#a50f15", kind: "ncf" },
  {
    id: "ncf-delta-value-class",
    label: "NCF (delta-value-class head)",
    color: "#67000d",
    kind: "ncf",
  },
  { id: "dynamic-only", label: "dynamic-only GNN", color: "#f7b6d2", kind: "gnn" },
  { id: "branch-only", label: "NCF, branch task only", color: "#ad494a", kind: "ncf" },
  { id: "address-only", label: "NCF, address task only", color: "#e7969c", kind: "ncf" },
  { id: "ncf-hex", label: "NCF, hex values", color: "#ff7f0e", kind: "ncf" },
  { id: "ncf-categorical", label: "NCF, categorical values", color: "#e6a817", kind: "ncf" },
  { id: "ncf-scalar", label: "NCF, scalar values", color: "#bcbd22", kind: "ncf" },
  { id: "ncf-time-split", label: "NCF, time split", color: NCF_RED, kind: "ncf" },
  { id: "ncf-input-split", label: "NCF, input split", color: "#843c39", kind: "ncf" },
  // Branch predictors (lib/baselines/branch): blues, greens, purples.
  { id: "bimodal", label: "bimodal", color: "#17becf", kind: "branch predictor" },
  { id: "gshare", label: "gshare", color: "#1f77b4", kind: "branch predictor" },
  { id: "perceptron", label: "perceptron", color: "#2ca02c", kind: "branch predictor" },
  {
    id: "hashed-perceptron",
    label: "hashed perceptron",
    color: "#98df8a",
    kind: "branch predictor",
  },
  { id: "tage-sc-l-64kb", label: "TAGE-SC-L 64KB", color: "#9467bd", kind: "branch predictor" },
  { id: "tage-sc-l-8kb", label: "TAGE-SC-L 8KB", color: "#c5b0d5", kind: "branch predictor" },
  // Trivial references: greys.
  { id: "per-site-majority", label: "per-site majority", color: "#c7c7c7", kind: "reference" },
  { id: "previous-outcome", label: "previous outcome", color: "#969696", kind: "reference" },
  { id: "same-address", label: "next = current address", color: "#c7c7c7", kind: "reference" },
  { id: "last-delta", label: "current + last delta", color: "#969696", kind: "reference" },
  // NCF on its sites, TAGE-SC-L 64KB on every other branch (the architect's view).
  { id: "hybrid", label: "NCF + TAGE-SC-L 64KB hybrid", color: "#8c6d31", kind: "ncf" },
  // Prefetchers (lib/baselines/prefetch).
  { id: "stride", label: "per-PC stride", color: "#1f77b4", kind: "prefetcher" },
  { id: "ghb-pcdc", label: "GHB PC/DC", color: "#2ca02c", kind: "prefetcher" },
  { id: "markov", label: "Markov table", color: "#17becf", kind: "prefetcher" },
  { id: "lstm", label: "embedding LSTM", color: "#9467bd", kind: "prefetcher" },
  // Algorithm classification.
  { id: "ncf-frozen", label: "NCF frozen (pre-trained on branches)", color: NCF_RED, kind: "ncf" },
  { id: "ncf-finetuned", label: "NCF fine-tuned", color: "#a50f15", kind: "ncf" },
  { id: "scratch", label: "GNN trained from scratch", color: "#e377c2", kind: "gnn" },
  { id: "static-only-frozen", label: "static-only GNN frozen", color: "#ff9896", kind: "gnn" },
  { id: "untrained", label: "untrained GNN (random weights)", color: "#7f7f7f", kind: "gnn" },
  { id: "bag-of-opcodes", label: "bag of opcodes", color: "#8c564b", kind: "classifier" },
];

/** Sequential colours of a parametric family, first member first. */
const FAMILY_COLORS = ["#fd8d3c", "#e6550d", "#a63603", "#7f2704", "#4a1486"];

/** The id of NCF with its snapshot taken `lead` earlier (`"0"` is NCF itself). */
export function leadMethod(lead: string): string {
  return lead === "0" ? "ncf" : `ncf-lead-${lead}`;
}

/** When a lead takes the snapshot, in words: `at the instruction`, `8 instructions earlier`. */
export function leadName(lead: string): string {
  if (lead === "0") return "at the instruction";
  return lead === "block" ? "at block start" : `${lead} instructions earlier`;
}

/** The id of NCF trained on `n` instances per site (data_scaling). */
export function perSiteMethod(n: number): string {
  return `ncf-per-site-${n}`;
}

/** Parametric families: an id pattern and the label of a member. */
const FAMILIES: { pattern: RegExp; label: (p: string) => string }[] = [
  {
    pattern: /^ncf-lead-(.+)$/,
    label: (lead) => `NCF, snapshot ${leadName(lead)}`,
  },
  { pattern: /^ncf-per-site-(\d+)$/, label: (n) => `NCF, ${n} instances per site` },
];

/** The method of a family member's id, made on first use (colours in order of first use). */
function familyEntry(id: string): Method | undefined {
  for (const f of FAMILIES) {
    const param = f.pattern.exec(id)?.[1];
    if (param === undefined) continue;
    const n = [...BY_ID.keys()].filter((k) => f.pattern.test(k)).length;
    return {
      id,
      label: f.label(param),
      color: FAMILY_COLORS[n % FAMILY_COLORS.length],
      kind: "ncf",
    };
  }
  return undefined;
}

const BY_ID = new Map(LIST.map((m) => [m.id, m]));

/** The method `id`; throws for an id that is not registered (a typo in a study). */
export function method(id: string): Method {
  let found = BY_ID.get(id);
  if (!found) {
    found = familyEntry(id);
    if (!found) throw new Error(`unknown method id "${id}": add it to lib/experiments/methods.ts`);
    BY_ID.set(id, found);
  }
  return found;
}

/** The label of method `id` (the `method` column of the results). */
export function label(id: string): string {
  return method(id).label;
}

/** The colour of the method labelled `text`, if it is a registered method's label. */
export function colorOfLabel(text: string): string | undefined {
  for (const m of BY_ID.values()) if (m.label === text) return m.color;
  return undefined;
}
