/**
 * Turns a workload name, an input and a scale into one concrete run: the
 * program (built if it is ours), its arguments, standard input, folder,
 * environment and the instruction window to trace. Missing inputs are
 * generated first.
 *
 * @module
 */
import { UserError } from "../common/mod.ts";
import { buildProgram } from "./build.ts";
import { ensureInput, inputParams } from "./inputs.ts";
import {
  fillTemplate,
  findWorkload,
  type InputSpec,
  type ParamValue,
  type Scale,
  SCALES,
  type WorkloadSpec,
} from "./manifest.ts";

/** Options of {@linkcode resolveWorkload}. */
export interface ResolveOptions {
  /** Input name, or its index in the manifest (default: the first input). */
  input?: string | number;
  /** Trace scale (default `small`). */
  scale?: Scale;
}

/** One concrete, ready-to-run workload execution. */
export interface ResolvedRun {
  /** Workload name. */
  workload: string;
  /** Input name. */
  input: string;
  /** Trace scale the window comes from. */
  scale: Scale;
  /** Absolute path of the executable. */
  program: string;
  /** Arguments (without the program); input files are named relative to `cwd` (`./data.bin`). */
  args: string[];
  /** Absolute path of the file to feed on standard input, if any. */
  stdin?: string;
  /**
   * The input's folder: the program runs in it natively, and in a copy of it
   * when traced (`traceProgram`'s `reproducible.inputs`); nothing is written there.
   */
  cwd: string;
  /** SHA-256 of each input file, by name: identifies the input's content. */
  inputDigests: Record<string, string>;
  /** Environment variables of the run (on top of the tracer's fixed environment when traced). */
  env: Record<string, string>;
  /** Instructions to skip before tracing. */
  skip: number;
  /** Instructions to trace. */
  window: number;
}

/** Variables every run gets, so that output does not depend on the user's locale. */
const BASE_ENV: Record<string, string> = { LC_ALL: "C", TZ: "UTC" };

/** The input of `spec` named or numbered `which`; a {@linkcode UserError} listing the names otherwise. */
export function findInput(spec: WorkloadSpec, which: string | number | undefined): InputSpec {
  const names = spec.inputs.map((i) => i.name).join(", ");
  if (which === undefined) return spec.inputs[0];
  const input = typeof which === "number"
    ? spec.inputs[which]
    : spec.inputs.find((i) => i.name === which);
  if (!input) {
    throw new UserError(
      `workload ${spec.name} has no input ${
        typeof which === "number" ? `#${which}` : `"${which}"`
      }`,
      `use one of: ${names} (or an index from 0 to ${spec.inputs.length - 1})`,
    );
  }
  return input;
}

async function programPath(spec: WorkloadSpec): Promise<string> {
  if (spec.kind !== "debian") return await buildProgram(spec);
  try {
    const info = await Deno.stat(spec.program);
    if (info.isFile && (info.mode ?? 0o111) & 0o111) return spec.program;
  } catch {
    // reported below
  }
  throw new UserError(
    `workload ${spec.name} needs ${spec.program}, which is not installed`,
    `install the Debian package ${spec.package ?? "that provides it"}: make apt`,
  );
}

/**
 * Resolves workload `name` to a run, building its program and generating its
 * input when missing. Unknown names give a {@linkcode UserError} listing the
 * known ones.
 */
export async function resolveWorkload(
  name: string,
  options: ResolveOptions = {},
): Promise<ResolvedRun> {
  const spec = findWorkload(name);
  const scale = options.scale ?? "small";
  if (!SCALES.includes(scale)) {
    throw new UserError(`unknown scale "${scale}"`, `use one of: ${SCALES.join(", ")}`);
  }
  const input = findInput(spec, options.input);
  const program = await programPath(spec);
  const { dir, digests } = await ensureInput(spec, input);
  const vars: Record<string, ParamValue> = {
    ...inputParams(spec, input),
    ...input.vars,
    // Relative to the working folder: the same arguments wherever the input is.
    input: ".",
    seed: input.seed,
  };
  const window = { ...spec.scales[scale], ...input.scales?.[scale] };
  return {
    workload: spec.name,
    input: input.name,
    scale,
    program,
    args: spec.args.map((a) => fillTemplate(a, vars)),
    // Standard input is fed by the tracer, never seen by the program as a path.
    stdin: spec.stdin === undefined ? undefined : fillTemplate(spec.stdin, { ...vars, input: dir }),
    cwd: dir,
    inputDigests: digests,
    env: { ...BASE_ENV, ...spec.env },
    skip: window.skip,
    window: window.window,
  };
}
