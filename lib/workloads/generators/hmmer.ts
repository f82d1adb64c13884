/**
 * A protein family and a sequence database for `hmmsearch`: a seeded
 * ancestral sequence, an alignment of mutated copies (built into a profile
 * HMM by `hmmbuild`), and random sequences of which some carry a homolog.
 *
 * @module
 */
import { join } from "node:path";
import { atomicWriteFile, UserError } from "../../common/mod.ts";
import type { Rng } from "../../common/random.ts";
import type { InputGenerator } from "./types.ts";

const AMINO = "ACDEFGHIKLMNPQRSTVWY";
// Background frequencies (percent) of the amino acids above, as in Swiss-Prot.
const FREQ = [
  8.3,
  1.4,
  5.5,
  6.8,
  3.9,
  7.1,
  2.3,
  5.9,
  5.8,
  9.7,
  2.4,
  4.1,
  4.7,
  3.9,
  5.3,
  6.6,
  5.3,
  6.9,
  1.1,
  2.9,
];
const AMINO_LIST = AMINO.split("");

function residue(rng: Rng): string {
  return rng.weighted(AMINO_LIST, FREQ);
}

function randomProtein(rng: Rng, length: number): string {
  let s = "";
  for (let i = 0; i < length; i++) s += residue(rng);
  return s;
}

/** `ancestor` with substitutions at `rate`; deletions become gaps when `gapped`. */
function mutate(rng: Rng, ancestor: string, rate: number, gapped: boolean): string {
  let s = "";
  for (const c of ancestor) {
    if (gapped && rng.chance(rate / 6)) s += "-";
    else s += rng.chance(rate) ? residue(rng) : c;
  }
  return s;
}

function fasta(name: string, seq: string): string {
  return `>${name}\n${seq.match(/.{1,60}/g)!.join("\n")}\n`;
}

/** The `hmm-search` generator: `family.sto`, `family.hmm` (by hmmbuild) and `db.fasta`. */
export const hmmSearch: InputGenerator = {
  description:
    "family.hmm (hmmbuild of a mutated-copy alignment) and db.fasta with planted homologs",
  defaults: {
    modelLength: 200,
    members: 40,
    divergence: 0.3,
    sequences: 6000,
    length: 350,
    homologs: 0.05,
  },
  async generate({ dir, params, rng }) {
    const length = params.modelLength as number;
    const ancestor = randomProtein(rng, length);
    const divergence = params.divergence as number;
    const sto = ["# STOCKHOLM 1.0", "#=GF ID ncf_family"];
    for (let m = 0; m < (params.members as number); m++) {
      sto.push(`member${String(m).padStart(4, "0")} ${mutate(rng, ancestor, divergence, true)}`);
    }
    sto.push("//");
    await atomicWriteFile(join(dir, "family.sto"), sto.join("\n") + "\n");

    const db: string[] = [];
    for (let i = 0; i < (params.sequences as number); i++) {
      const len = Math.max(30, Math.round((params.length as number) * (0.4 + 1.2 * rng.float())));
      let seq = randomProtein(rng, len);
      if (rng.chance(params.homologs as number)) {
        const from = rng.int(0, Math.floor(length / 2));
        const piece = mutate(
          rng,
          ancestor.slice(from, from + rng.int(Math.floor(length / 3), length)),
          divergence * 1.3,
          false,
        );
        const at = rng.int(0, seq.length);
        seq = seq.slice(0, at) + piece + seq.slice(at);
      }
      db.push(fasta(`seq${String(i).padStart(6, "0")}`, seq));
    }
    await atomicWriteFile(join(dir, "db.fasta"), db.join(""));

    // hmmbuild runs in dir with relative names so the model does not record
    // a temporary path; its DATE line is pinned so the bytes are reproducible.
    const out = await new Deno.Command("/usr/bin/hmmbuild", {
      args: [
        "--cpu",
        "0",
        "--seed",
        "42",
        "-o",
        "/dev/null",
        "-n",
        "ncf_family",
        "family.raw.hmm",
        "family.sto",
      ],
      cwd: dir,
      stdout: "piped",
      stderr: "piped",
    }).output().catch((err) => {
      throw new UserError(`cannot run hmmbuild: ${err.message}`, "install HMMER: make apt");
    });
    if (!out.success) {
      throw new Error(`hmmbuild failed in ${dir}: ${new TextDecoder().decode(out.stderr)}`);
    }
    const raw = await Deno.readTextFile(join(dir, "family.raw.hmm"));
    await Deno.remove(join(dir, "family.raw.hmm"));
    const pinned = raw.replace(/^DATE .*$/m, "DATE  Thu Jan  1 00:00:00 1970");
    await atomicWriteFile(join(dir, "family.hmm"), pinned);
  },
};
