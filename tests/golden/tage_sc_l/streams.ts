/**
 * Hand-made branch streams for the TAGE-SC-L golden test: deterministic
 * (seeded xorshift), each a mix of loops with backward branches, calls and
 * returns, indirect jumps and calls, and conditional branches that are
 * biased, random, periodic or copies of earlier outcomes, so that every part
 * of the predictors (allocation, u aging, USE_ALT_ON_NA, the loop predictor,
 * the corrector's components and thresholds, IMLI) is exercised.
 *
 * Run as a script, it writes each stream as text for the reference driver
 * (one line per branch: `kind pc taken target`, kind as in
 * `lib/baselines/branch/predictor.ts`, addresses in hex): see README.md.
 *
 * @module
 */
import { join } from "node:path";
import { atomicWriteFile } from "../../../lib/common/mod.ts";
import {
  CALL,
  CALL_INDIRECT,
  CONDITIONAL,
  JUMP,
  JUMP_INDIRECT,
  RETURN,
} from "../../../lib/baselines/branch/predictor.ts";

/** A branch stream in program order. */
export interface BranchStream {
  kind: number[];
  pc: number[];
  taken: boolean[];
  target: number[];
}

/** xorshift32: deterministic pseudo-random numbers in [1, 2^32). */
export function xorshift32(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s;
  };
}

/** How a conditional site decides its outcome. */
type Behaviour =
  | { kind: "biased"; percent: number }
  | { kind: "period"; pattern: boolean[] }
  | { kind: "copy"; distance: number }
  | { kind: "xor"; a: number; b: number };

/** A stream builder that keeps the global outcome history for correlated sites. */
class Builder {
  readonly stream: BranchStream = { kind: [], pc: [], taken: [], target: [] };
  readonly #outcomes: boolean[] = [];
  readonly #counts = new Map<number, number>();
  readonly random: () => number;

  constructor(seed: number) {
    this.random = xorshift32(seed);
  }

  get conditionals(): number {
    return this.#outcomes.length;
  }

  conditional(pc: number, target: number, taken: boolean): void {
    this.#push(CONDITIONAL, pc, taken, target);
    this.#outcomes.push(taken);
  }

  transfer(kind: number, pc: number, target: number): void {
    this.#push(kind, pc, true, target);
  }

  /** A conditional branch whose outcome follows `behaviour`. */
  site(pc: number, target: number, behaviour: Behaviour): void {
    const n = this.#counts.get(pc) ?? 0;
    this.#counts.set(pc, n + 1);
    const past = (d: number) => this.#outcomes[this.#outcomes.length - d] ?? false;
    let taken: boolean;
    switch (behaviour.kind) {
      case "biased":
        taken = this.random() % 100 < behaviour.percent;
        break;
      case "period":
        taken = behaviour.pattern[n % behaviour.pattern.length];
        break;
      case "copy":
        taken = past(behaviour.distance);
        break;
      case "xor":
        taken = past(behaviour.a) !== past(behaviour.b);
        break;
    }
    this.conditional(pc, target, taken);
  }

  #push(kind: number, pc: number, taken: boolean, target: number): void {
    this.stream.kind.push(kind);
    this.stream.pc.push(pc);
    this.stream.taken.push(taken);
    this.stream.target.push(target);
  }
}

/** Functions called in turn: a loop with a data-dependent trip count, forward ifs, a return. */
function loopsAndCalls(conditionals: number): BranchStream {
  const b = new Builder(12);
  const base = 0x401000;
  const trips = [3, 7, 7, 12, 37, 5, 64, 2, 9, 100];
  let call = 0;
  while (b.conditionals < conditionals) {
    const f = call % 10;
    const entry = base + 0x1000 * (f + 1);
    const site = base + 0x40 + 0x10 * f;
    if (f % 3 === 0) b.transfer(CALL_INDIRECT, site, entry);
    else b.transfer(CALL, site, entry);
    const trip = trips[(f + (call >> 4)) % trips.length] + (call % 7 === 0 ? 1 : 0);
    for (let i = 0; i < trip; i++) {
      b.site(entry + 0x10, entry + 0x40, { kind: "period", pattern: [true, false, false] });
      if (i % 4 === 3) b.transfer(JUMP, entry + 0x20, entry + 0x30);
      b.site(entry + 0x34, entry + 0x50, { kind: "copy", distance: 2 + f });
      if (f === 4) b.transfer(JUMP_INDIRECT, entry + 0x38, entry + 0x60 + 8 * (i % 3));
      // The loop branch: backward, taken until the last iteration.
      b.conditional(entry + 0x80, entry + 0x8, i + 1 < trip);
    }
    b.site(entry + 0x90, entry + 0xa0, { kind: "biased", percent: 90 });
    b.transfer(RETURN, entry + 0xb0, site + 5);
    call++;
  }
  return b.stream;
}

/** Many sites with mixed behaviours, visited in a random order, transfers in between. */
function mixedSites(conditionals: number, seed: number, base: number): BranchStream {
  const b = new Builder(seed);
  const behaviours: Behaviour[] = [];
  for (let s = 0; s < 300; s++) {
    const r = b.random();
    const pick = r % 5;
    if (pick === 0) behaviours.push({ kind: "biased", percent: [50, 80, 97, 99][r % 4] });
    else if (pick === 1) {
      const period = 2 + (r % 40);
      behaviours.push({
        kind: "period",
        pattern: Array.from({ length: period }, (_, k) => ((r >>> k) & 1) === 1),
      });
    } else if (pick === 2) behaviours.push({ kind: "copy", distance: 1 + (r % 90) });
    else if (pick === 3) behaviours.push({ kind: "xor", a: 1 + (r % 7), b: 2 + (r % 23) });
    else behaviours.push({ kind: "biased", percent: 60 });
  }
  let s = 0;
  while (b.conditionals < conditionals) {
    // Runs of consecutive sites (straight-line code), then a jump elsewhere.
    const run = 1 + (b.random() % 12);
    for (let k = 0; k < run; k++, s = (s + 1) % behaviours.length) {
      const pc = base + 0x13 * s + 0x1000 * (s % 7);
      const backward = s % 9 === 0;
      b.site(pc, backward ? pc - 0x200 : pc + 0x30, behaviours[s]);
    }
    const r = b.random();
    const from = base + 0x90000 + 0x11 * (r % 64);
    const kinds = [JUMP, CALL, RETURN, JUMP_INDIRECT, CALL_INDIRECT];
    b.transfer(kinds[r % 5], from, base + 0x100 * ((r >>> 8) % 32));
    s = (s + (r >>> 20) % 50) % behaviours.length;
  }
  return b.stream;
}

/** The golden streams by name. */
export function goldenStreams(): Record<string, BranchStream> {
  return {
    "loops-and-calls": loopsAndCalls(30000),
    "mixed-sites": mixedSites(30000, 99, 0x55a000),
    // Run-time addresses above 2^32 and with bit 31 of the low word set (bank and hash arithmetic).
    "high-addresses": mixedSites(20000, 7, 0x7f3a_9000_0000),
  };
}

/** Writes each stream as `<name>.txt` into `dir` for the reference driver. */
async function writeStreams(dir: string): Promise<void> {
  for (const [name, stream] of Object.entries(goldenStreams())) {
    const lines = stream.kind.map((kind, i) =>
      `${kind} ${stream.pc[i].toString(16)} ${stream.taken[i] ? 1 : 0} ${
        stream.target[i].toString(16)
      }`
    );
    await atomicWriteFile(join(dir, `${name}.txt`), lines.join("\n") + "\n");
  }
}

if (import.meta.main) await writeStreams(Deno.args[0] ?? ".");
