/**
 * `deno task dataset`: builds a fused-graph dataset from traces and saves it
 * (see build.ts for what an instance is).
 *
 * @module
 */
import { parseArgs } from "node:util";
import { runMain, UserError } from "../common/mod.ts";
import { findWorkload, listWorkloads, type Scale, SCALES, tracePath } from "../workloads/mod.ts";
import { BUILD_DEFAULTS, buildDataset, type SplitSpec, type TraceSource } from "./build.ts";
import { saveDataset } from "./dataset.ts";
import { splitIndices, TASK_NAMES, type TaskName } from "./types.ts";

const USAGE = `usage: deno task dataset --out DIR [sources] [options]

Sources (one of):
  --workloads all|a,b   the suite's traces at --scale, every input (default: all)
  --trace FILE[@WORKLOAD/INPUT]
                        a trace file (repeatable); WORKLOAD/INPUT default to the file name
Options:
  --scale small|full    which suite traces (default: small, or $SCALE)
  --tasks branch,address
                        instances to make (default: ${BUILD_DEFAULTS.tasks.join(",")})
  --split time|input    time: the end of each window tests (default); input: --test-inputs test
  --test-inputs A,B     held-out inputs for --split input: INPUT or WORKLOAD/INPUT
                        (default: the last input of every workload)
  --test-fraction F     time split: share of each window that tests, in [0, 1)
                        (default ${BUILD_DEFAULTS.testFraction})
  --valid-fraction F    share before it that validates, in [0, 1) (default ${BUILD_DEFAULTS.validFraction})
  --max-per-site N      instances per site and split, drawn uniformly from the site's
                        executions in that part of the window (default ${BUILD_DEFAULTS.maxPerSite})
  --hops N              control-flow hops around the task instruction (default ${BUILD_DEFAULTS.hops})
  --max-instructions N  instructions per graph (default ${BUILD_DEFAULTS.maxInstructions})
  --seed N              sampling seed (default ${BUILD_DEFAULTS.seed})
  --quiet               no progress bars`;

function number(text: string | undefined, name: string, fallback: number): number {
  if (text === undefined) return fallback;
  const v = Number(text);
  if (!Number.isFinite(v) || v < 0) {
    throw new UserError(`--${name} must be a non-negative number, got ${text}`, USAGE);
  }
  return v;
}

/** The trace sources named on the command line. */
function sourcesOf(traces: string[], workloads: string, scale: Scale): TraceSource[] {
  if (traces.length > 0) {
    return traces.map((arg) => {
      const [path, label] = arg.split("@");
      const base = path.split("/").at(-1)!.replace(/\.trace$/, "");
      const [workload, input] = label ? label.split("/") : [base, "0"];
      if (!workload || !input) {
        throw new UserError(`--trace ${arg}: label must be WORKLOAD/INPUT`, USAGE);
      }
      return { path, workload, input };
    });
  }
  const specs = workloads === "all"
    ? listWorkloads()
    : workloads.split(",").map((w) => findWorkload(w.trim()));
  return specs.flatMap((spec) =>
    spec.inputs.map((input) => ({
      path: tracePath(scale, spec.name, input.name),
      workload: spec.name,
      input: input.name,
    }))
  );
}

await runMain(async () => {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      out: { type: "string" },
      workloads: { type: "string", default: "all" },
      trace: { type: "string", multiple: true, default: [] },
      scale: { type: "string", default: Deno.env.get("SCALE") ?? "small" },
      tasks: { type: "string", default: BUILD_DEFAULTS.tasks.join(",") },
      split: { type: "string", default: "time" },
      "test-inputs": { type: "string" },
      "test-fraction": { type: "string" },
      "valid-fraction": { type: "string" },
      "max-per-site": { type: "string" },
      hops: { type: "string" },
      "max-instructions": { type: "string" },
      seed: { type: "string" },
      quiet: { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  if (!values.out) throw new UserError("--out DIR is required", USAGE);
  const scale = values.scale as Scale;
  if (!SCALES.includes(scale)) {
    throw new UserError(`--scale must be one of ${SCALES.join(", ")}, got ${scale}`, USAGE);
  }
  const tasks = values.tasks.split(",").map((t) => t.trim()) as TaskName[];
  for (const t of tasks) {
    if (!TASK_NAMES.includes(t)) {
      throw new UserError(`unknown task ${t}`, `use ${TASK_NAMES.join(" or ")}`);
    }
  }
  const traces = sourcesOf(values.trace, values.workloads, scale);
  for (const t of traces) {
    try {
      await Deno.stat(t.path);
    } catch {
      throw new UserError(
        `trace ${t.path} does not exist`,
        `trace the suite first (make traces SCALE=${scale}), or check --trace`,
      );
    }
  }
  let split: SplitSpec;
  if (values.split === "time") split = { kind: "time" };
  else if (values.split === "input") {
    const byWorkload = Map.groupBy(traces, (t) => t.workload);
    const testInputs = values["test-inputs"]?.split(",").map((s) => s.trim()) ??
      [...byWorkload].map(([w, list]) => `${w}/${list.at(-1)!.input}`);
    split = { kind: "input", testInputs };
  } else throw new UserError(`--split must be time or input, got ${values.split}`, USAGE);

  const dataset = await buildDataset({
    traces,
    tasks,
    split,
    testFraction: number(values["test-fraction"], "test-fraction", BUILD_DEFAULTS.testFraction),
    validFraction: number(values["valid-fraction"], "valid-fraction", BUILD_DEFAULTS.validFraction),
    maxPerSite: number(values["max-per-site"], "max-per-site", BUILD_DEFAULTS.maxPerSite),
    hops: number(values.hops, "hops", BUILD_DEFAULTS.hops),
    maxInstructions: number(
      values["max-instructions"],
      "max-instructions",
      BUILD_DEFAULTS.maxInstructions,
    ),
    seed: number(values.seed, "seed", BUILD_DEFAULTS.seed),
    quiet: values.quiet,
  });
  await saveDataset(values.out, dataset);
  const counts = ["train", "valid", "test"].map((s) =>
    `${splitIndices(dataset, s as "train").length} ${s}`
  );
  console.log(
    `${dataset.instances.count} instances (${
      counts.join(", ")
    }), ${dataset.topologies.length} topologies, ` +
      `${traces.length} traces -> ${values.out}`,
  );
});
