/**
 * Data to compress: a mix of prose, random noise, runs and slowly varying
 * binary records, in segments, so that a compressor meets every regime.
 *
 * @module
 */
import { join } from "node:path";
import { atomicWriteFile } from "../../common/mod.ts";
import type { Rng } from "../../common/random.ts";
import { makeVocabulary, prose, ZipfSampler } from "./text.ts";
import type { InputGenerator } from "./types.ts";

function noise(rng: Rng, n: number): Uint8Array {
  return rng.bytes(n);
}

function runs(rng: Rng, n: number): Uint8Array {
  const out = new Uint8Array(n);
  let i = 0;
  while (i < n) {
    const len = 1 + rng.int(0, 200);
    const pattern = rng.bytes(1 + rng.int(0, 4));
    for (let k = 0; k < len && i < n; k++, i++) out[i] = pattern[k % pattern.length];
  }
  return out;
}

/** Little-endian 32-bit records whose fields drift by small steps (like a table dump). */
function records(rng: Rng, n: number): Uint8Array {
  const out = new Uint8Array(n);
  const view = new DataView(out.buffer);
  const fields = 2 + rng.int(0, 6);
  const state = Array.from({ length: fields }, () => rng.u32());
  for (let i = 0; i + 4 <= n; i += 4) {
    const f = (i / 4) % fields;
    state[f] = (state[f] + rng.int(-3, 40)) >>> 0;
    view.setUint32(i, state[f], true);
  }
  return out;
}

/** The `bytes-mix` generator: `data.bin` for a compressor. */
export const bytesMix: InputGenerator = {
  description: "data.bin: segments of prose, noise, runs and drifting binary records",
  defaults: { bytes: 4_000_000, text: 0.6, noise: 0.1, runs: 0.1, records: 0.2, segment: 16384 },
  generate({ dir, params, rng }) {
    const total = params.bytes as number;
    const segment = params.segment as number;
    const kinds = ["text", "noise", "runs", "records"] as const;
    const weights = kinds.map((k) => params[k] as number);
    const vocab = makeVocabulary(rng, 5000);
    const zipf = new ZipfSampler(vocab.length);
    const encoder = new TextEncoder();
    const out = new Uint8Array(total);
    let at = 0;
    while (at < total) {
      const n = Math.min(
        total - at,
        Math.max(64, Math.round(segment * (0.25 + 1.5 * rng.float()))),
      );
      const kind = rng.weighted(kinds, weights);
      const part = kind === "text"
        ? encoder.encode(prose(rng, vocab, zipf, n)).subarray(0, n)
        : kind === "noise"
        ? noise(rng, n)
        : kind === "runs"
        ? runs(rng, n)
        : records(rng, n);
      out.set(part, at);
      at += part.length;
    }
    return atomicWriteFile(join(dir, "data.bin"), out);
  },
};
