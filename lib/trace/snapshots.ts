/**
 * The snapshot specification (`--snapshots SPEC`), parsed the way the Valgrind
 * tool parses it, so that a bad one is reported before anything runs.
 * Grammar: lib/trace/README.md.
 *
 * @module
 */
import { UserError } from "../common/mod.ts";

/** Largest K of `lead=K` (the tool keeps this many block entries). */
export const MAX_LEAD_INSTRUCTIONS = 4096;

/** A parsed snapshot specification. */
export interface SnapshotSpec {
  /** Snapshot every branch / every load. */
  branches: boolean;
  loads: boolean;
  /** `at=OBJECT+0xOFFSET` selectors: file basename and static address. */
  at: { object: string; offset: bigint }[];
  /** `pc=0xADDR` selectors (run-time addresses). */
  pcs: bigint[];
  /** Only every Nth execution of a site (1 = all). */
  every: number;
  /** Adaptive thinning bound K, 0 = none. */
  maxPerSite: number;
  /** Where the registers are read: at the instruction (0), at its block's start, or K instructions earlier. */
  lead: 0 | "block" | number;
}

function bad(item: string, expected: string): never {
  throw new UserError(
    `bad --snapshots item '${item}': ${expected}`,
    "see the snapshot grammar in lib/trace/README.md",
  );
}

function integer(text: string): bigint | undefined {
  return /^(0x[0-9a-fA-F]+|\d+)$/.test(text) ? BigInt(text) : undefined;
}

/** Parses a snapshot specification; throws a {@linkcode UserError} naming the bad item. */
export function parseSnapshotSpec(text: string): SnapshotSpec {
  const spec: SnapshotSpec = {
    branches: false,
    loads: false,
    at: [],
    pcs: [],
    every: 1,
    maxPerSite: 0,
    lead: 0,
  };
  let none = false;
  for (const item of text.split(",")) {
    const [key, value] = item.includes("=")
      ? [item.slice(0, item.indexOf("=")), item.slice(item.indexOf("=") + 1)]
      : [item, ""];
    if (item === "none") none = true;
    else if (item === "branches") spec.branches = true;
    else if (item === "loads") spec.loads = true;
    else if (item === "all") spec.branches = spec.loads = true;
    else if (key === "at") {
      const plus = value.lastIndexOf("+");
      const offset = plus > 0 ? integer(value.slice(plus + 1)) : undefined;
      if (offset === undefined) bad(item, "expected at=OBJECT+0xOFFSET");
      spec.at.push({ object: value.slice(0, plus), offset });
    } else if (key === "pc") {
      const pc = integer(value);
      if (pc === undefined) bad(item, "expected pc=0xADDRESS");
      spec.pcs.push(pc);
    } else if (key === "every") {
      const n = integer(value);
      if (n === undefined || n < 1n) bad(item, "expected every=N with N >= 1");
      spec.every = Number(n);
    } else if (key === "max-per-site") {
      const k = integer(value);
      if (k === undefined || k < 1n) bad(item, "expected max-per-site=K with K >= 1");
      spec.maxPerSite = Number(k);
    } else if (key === "lead") {
      const k = integer(value);
      if (value === "block") spec.lead = "block";
      else if (k !== undefined && k <= BigInt(MAX_LEAD_INSTRUCTIONS)) spec.lead = Number(k);
      else bad(item, `expected lead=0, lead=block or lead=K with K <= ${MAX_LEAD_INSTRUCTIONS}`);
    } else {bad(
        item,
        "unknown item (none, branches, loads, all, at=, pc=, every=, max-per-site=, lead=)",
      );}
  }
  if (spec.at.length > 64 || spec.pcs.length > 64) bad(text, "at most 64 at= and 64 pc= selectors");
  const selected = spec.branches || spec.loads || spec.at.length > 0 || spec.pcs.length > 0;
  if (none && selected) bad(text, "'none' cannot be combined with a selector");
  if (!none && !selected) {
    bad(text, "modifiers need a selector (branches, loads, all, at=..., pc=...)");
  }
  return spec;
}
