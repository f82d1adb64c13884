/**
 * The contract every input generator follows.
 *
 * @module
 */
import type { ParamValue } from "../manifest.ts";
import type { Rng } from "../../common/random.ts";

/** What a generator gets: where to write, its parameters and a seeded stream. */
export interface GeneratorContext {
  /** A fresh folder to write the input's files into (renamed into place when done). */
  dir: string;
  /** The generator's defaults overridden by the input's `params`. */
  params: Record<string, ParamValue>;
  /** Seeded from the input's seed: the only source of randomness allowed. */
  rng: Rng;
  /** The input's seed, for programs that take one themselves. */
  seed: number;
}

/** Makes one kind of workload input, deterministically from its seed. */
export interface InputGenerator {
  /** One line on what it makes. */
  description: string;
  /** Every parameter with its default value (also fixes each parameter's type). */
  defaults: Record<string, ParamValue>;
  /** Writes the input files into `ctx.dir`. */
  generate(ctx: GeneratorContext): Promise<void>;
}
