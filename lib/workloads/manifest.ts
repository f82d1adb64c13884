/**
 * The workload manifest (`data/workloads.json`): what each workload runs, on
 * which generated inputs, and which instruction window each scale traces.
 *
 * The file is declarative; this module types it and checks it, so that a
 * mistake in an entry is reported by name with the fix instead of failing
 * deep inside a run.
 *
 * @module
 */
import { join } from "node:path";
import { ROOT, UserError } from "../common/mod.ts";
import { GENERATORS } from "./generators/mod.ts";

/** Where the manifest lives. */
export const MANIFEST_PATH: string = join(ROOT, "data", "workloads.json");

/** How a workload's program comes to exist. */
export type WorkloadKind = "debian" | "kernel" | "driver";

/** Trace scales: `small` for fast checks, `full` for long windows. */
export type Scale = "small" | "full";

/** The scales in {@linkcode WorkloadSpec.scales}. */
export const SCALES: readonly Scale[] = ["small", "full"];

/** Which part of a run a trace records. */
export interface TraceWindow {
  /** Instructions executed before recording starts (past start-up). */
  skip: number;
  /** Instructions recorded. */
  window: number;
}

/** A value of a generator parameter or template variable. */
export type ParamValue = string | number | boolean;

/** One input of a workload: a seed and the parameters its generator uses. */
export interface InputSpec {
  /** Short name, unique within the workload (used in file names). */
  name: string;
  /** Seed of the input generator (also available as `{seed}` in templates). */
  seed: number;
  /** Parameters of the workload's generator (checked against its defaults). */
  params: Record<string, ParamValue>;
  /** Extra template variables for the argument list (not seen by the generator). */
  vars: Record<string, ParamValue>;
  /** Optional per-scale override of the workload's windows. */
  scales?: Partial<Record<Scale, Partial<TraceWindow>>>;
}

/** One workload of the suite, as declared in the manifest. */
export interface WorkloadSpec {
  /** Short unique name, e.g. `bzip2`. */
  name: string;
  /** The SPEC CPU2006 benchmark (or suite) this workload stands in for. */
  analog: string;
  kind: WorkloadKind;
  /** One line on what the workload does. */
  description: string;
  /**
   * `debian`: absolute path of the installed program. `kernel`/`driver`: C
   * source path relative to the repository, compiled into `build/workloads/`.
   */
  program: string;
  /** Debian package providing the program or library (for the fix message). */
  package?: string;
  /** Extra compiler/linker arguments for kernels and drivers, e.g. `-lquantum`. */
  link: string[];
  /**
   * Argument template. Placeholders: `{input}` (the input's folder, `.`: the
   * program runs in it, or in a copy of it when traced), `{seed}`,
   * and any key of the input's `params` or `vars`.
   */
  args: string[];
  /** Optional standard-input file template (same placeholders). */
  stdin?: string;
  /** Extra environment variables that make the run deterministic. */
  env: Record<string, string>;
  /** Input generator id (see `lib/workloads/generators/`). */
  generator: string;
  inputs: InputSpec[];
  /** Default trace windows per scale. */
  scales: Record<Scale, TraceWindow>;
}

const NAME_RE = /^[a-z0-9][a-z0-9_]*$/;
const PLACEHOLDER_RE = /\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

function bad(where: string, problem: string): never {
  throw new UserError(
    `${MANIFEST_PATH}: ${where}: ${problem}`,
    "fix the entry (docs/workloads.md describes every field)",
  );
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function str(where: string, v: unknown): string {
  if (typeof v !== "string" || v === "") bad(where, "must be a non-empty string");
  return v;
}

function count(where: string, v: unknown, min: number): number {
  if (typeof v !== "number" || !Number.isSafeInteger(v) || v < min) {
    bad(where, `must be an integer >= ${min}`);
  }
  return v;
}

function strList(where: string, v: unknown): string[] {
  if (!Array.isArray(v) || v.some((a) => typeof a !== "string")) {
    bad(where, "must be a list of strings");
  }
  return v as string[];
}

function values(where: string, v: unknown): Record<string, ParamValue> {
  if (v === undefined) return {};
  if (!isRecord(v)) bad(where, "must be an object");
  for (const [k, x] of Object.entries(v)) {
    if (!["string", "number", "boolean"].includes(typeof x)) {
      bad(`${where}.${k}`, "must be a string, number or boolean");
    }
  }
  return v as Record<string, ParamValue>;
}

function window(where: string, v: unknown, partial: boolean): Partial<TraceWindow> {
  if (!isRecord(v)) bad(where, "must be an object with skip and window");
  const out: Partial<TraceWindow> = {};
  for (const key of ["skip", "window"] as const) {
    if (v[key] === undefined && partial) continue;
    out[key] = count(`${where}.${key}`, v[key], key === "window" ? 1 : 0);
  }
  return out;
}

function parseInput(where: string, v: unknown, generator: string): InputSpec {
  if (!isRecord(v)) bad(where, "must be an object");
  const name = str(`${where}.name`, v.name);
  if (!NAME_RE.test(name)) bad(`${where}.name`, "use lower-case letters, digits and _");
  const params = values(`${where}.params`, v.params);
  const defaults = GENERATORS[generator].defaults;
  for (const [k, x] of Object.entries(params)) {
    if (!(k in defaults)) {
      bad(
        `${where}.params.${k}`,
        `generator ${generator} has no such parameter (it has: ${
          Object.keys(defaults).join(", ") || "none"
        })`,
      );
    }
    if (typeof x !== typeof defaults[k]) {
      bad(`${where}.params.${k}`, `must be a ${typeof defaults[k]}`);
    }
  }
  const input: InputSpec = {
    name,
    seed: count(`${where}.seed`, v.seed, 0),
    params,
    vars: values(`${where}.vars`, v.vars),
  };
  if (v.scales !== undefined) {
    if (!isRecord(v.scales)) bad(`${where}.scales`, "must be an object");
    input.scales = {};
    for (const [scale, w] of Object.entries(v.scales)) {
      if (!SCALES.includes(scale as Scale)) bad(`${where}.scales`, `unknown scale ${scale}`);
      input.scales[scale as Scale] = window(`${where}.scales.${scale}`, w, true);
    }
  }
  return input;
}

function parseWorkload(where: string, v: unknown): WorkloadSpec {
  if (!isRecord(v)) bad(where, "must be an object");
  const name = str(`${where}.name`, v.name);
  if (!NAME_RE.test(name)) bad(`${where}.name`, "use lower-case letters, digits and _");
  where = `workload ${name}`;
  const kind = str(`${where}.kind`, v.kind) as WorkloadKind;
  if (!["debian", "kernel", "driver"].includes(kind)) {
    bad(`${where}.kind`, "must be debian, kernel or driver");
  }
  const generator = str(`${where}.generator`, v.generator);
  if (!(generator in GENERATORS)) {
    bad(`${where}.generator`, `unknown generator (known: ${Object.keys(GENERATORS).join(", ")})`);
  }
  if (!Array.isArray(v.inputs) || v.inputs.length < 2) {
    bad(`${where}.inputs`, "must list at least two inputs");
  }
  const inputs = v.inputs.map((x, i) => parseInput(`${where}.inputs[${i}]`, x, generator));
  const seen = new Set<string>();
  for (const input of inputs) {
    if (seen.has(input.name)) bad(`${where}.inputs`, `input name ${input.name} is used twice`);
    seen.add(input.name);
  }
  if (!isRecord(v.scales)) bad(`${where}.scales`, "must give small and full windows");
  const scales = {} as Record<Scale, TraceWindow>;
  for (const scale of SCALES) {
    scales[scale] = window(`${where}.scales.${scale}`, v.scales[scale], false) as TraceWindow;
  }
  const env = values(`${where}.env`, v.env);
  const spec: WorkloadSpec = {
    name,
    analog: str(`${where}.analog`, v.analog),
    kind,
    description: str(`${where}.description`, v.description),
    program: str(`${where}.program`, v.program),
    package: v.package === undefined ? undefined : str(`${where}.package`, v.package),
    link: v.link === undefined ? [] : strList(`${where}.link`, v.link),
    args: strList(`${where}.args`, v.args),
    stdin: v.stdin === undefined ? undefined : str(`${where}.stdin`, v.stdin),
    env: Object.fromEntries(Object.entries(env).map(([k, x]) => [k, String(x)])),
    generator,
    inputs,
    scales,
  };
  if (kind === "debian" && !spec.program.startsWith("/")) {
    bad(`${where}.program`, "a debian program must be an absolute path");
  }
  if (kind !== "debian" && !spec.program.endsWith(".c")) {
    bad(`${where}.program`, "a kernel or driver program must be a C source (.c)");
  }
  // Every placeholder must be defined for every input.
  for (const input of inputs) {
    const known = new Set([
      "input",
      "seed",
      ...Object.keys(GENERATORS[generator].defaults),
      ...Object.keys(input.vars),
    ]);
    for (const text of [...spec.args, spec.stdin ?? ""]) {
      for (const m of text.matchAll(PLACEHOLDER_RE)) {
        if (!known.has(m[1])) {
          bad(`${where}.args`, `{${m[1]}} is not defined for input ${input.name}`);
        }
      }
    }
  }
  return spec;
}

/** Parses and checks a manifest document (the parsed JSON). */
export function parseManifest(doc: unknown): WorkloadSpec[] {
  if (!isRecord(doc) || !Array.isArray(doc.workloads)) {
    bad("top level", "must be { workloads: [...] }");
  }
  const specs = doc.workloads.map((w, i) => parseWorkload(`workloads[${i}]`, w));
  const seen = new Set<string>();
  for (const spec of specs) {
    if (seen.has(spec.name)) bad(`workload ${spec.name}`, "name is used twice");
    seen.add(spec.name);
  }
  return specs;
}

let cached: WorkloadSpec[] | undefined;

/** Every workload of the suite, in manifest order. */
export function listWorkloads(): WorkloadSpec[] {
  if (!cached) {
    let text: string;
    try {
      text = Deno.readTextFileSync(MANIFEST_PATH);
    } catch (err) {
      throw new UserError(
        `cannot read the workload manifest ${MANIFEST_PATH}: ${(err as Error).message}`,
        "restore data/workloads.json from git",
      );
    }
    let doc: unknown;
    try {
      doc = JSON.parse(text);
    } catch (err) {
      bad("JSON", (err as Error).message);
    }
    cached = parseManifest(doc);
  }
  return structuredClone(cached);
}

/** The workload called `name`; a {@linkcode UserError} listing the known names otherwise. */
export function findWorkload(name: string): WorkloadSpec {
  const specs = listWorkloads();
  const spec = specs.find((s) => s.name === name);
  if (!spec) {
    throw new UserError(
      `unknown workload "${name}"`,
      `use one of: ${specs.map((s) => s.name).join(", ")}`,
    );
  }
  return spec;
}

/** Replaces `{name}` placeholders in `template` from `vars`. */
export function fillTemplate(template: string, vars: Record<string, ParamValue>): string {
  return template.replace(PLACEHOLDER_RE, (whole, key: string) => {
    if (!(key in vars)) throw new Error(`placeholder ${whole} has no value`);
    return String(vars[key]);
  });
}
