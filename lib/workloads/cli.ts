/**
 * Command line of the workload suite.
 *
 *   deno run -A lib/workloads/cli.ts list
 *   deno run -A lib/workloads/cli.ts prepare [--only a,b]
 *   deno run -A lib/workloads/cli.ts check [--only a,b] [--inputs all|first] [--count]
 *   deno run -A lib/workloads/cli.ts traces [--scale small|full] [--only a,b] [--inputs all|first]
 *
 * @module
 */
import { parseArgs } from "node:util";
import { Progress, runMain, UserError } from "../common/mod.ts";
import { listWorkloads, type Scale, SCALES, type WorkloadSpec } from "./manifest.ts";
import { runNative } from "./native.ts";
import { resolveWorkload } from "./resolve.ts";
import { SUITE_SNAPSHOTS, traceSuite } from "./suite.ts";
import { formatTable } from "./table.ts";

const HELP = `Usage: deno run -A lib/workloads/cli.ts COMMAND [options]

Commands:
  list      the workloads, their SPEC analogs and inputs
  prepare   build the kernels/driver and generate every input (skips what is current)
  check     run each workload x input natively once: exit status, time and,
            with --count, instructions (valgrind exp-bbv, about 50x slower)
  traces    trace every workload x input into data/cache/traces/<scale>/
            (skips traces that are up to date), then print and save a summary

Options:
  --only a,b          only these workloads (default: all)
  --inputs all|first  every input or only each workload's first (default: all)
  --scale small|full  traces: which skip/window set (default: small, or $SCALE)
  --snapshots SPEC    traces: register snapshots (default: small ${SUITE_SNAPSHOTS.small},
                      full ${SUITE_SNAPSHOTS.full})
  --force             traces: trace again even when up to date
  --count             check: also count instructions
  --timeout S         check: kill a run after S seconds (default: 600)
  -h, --help          this help
`;

/** The workloads selected by `--only` (all when absent); unknown names are a UserError. */
function selectWorkloads(only: string | undefined): WorkloadSpec[] {
  const all = listWorkloads();
  if (!only) return all;
  const names = only.split(",").map((s) => s.trim()).filter(Boolean);
  for (const name of names) {
    if (!all.some((w) => w.name === name)) {
      throw new UserError(
        `unknown workload "${name}" in --only`,
        `use names from: ${all.map((w) => w.name).join(", ")}`,
      );
    }
  }
  return all.filter((w) => names.includes(w.name));
}

function selectInputs(mode: string): "all" | "first" {
  if (mode !== "all" && mode !== "first") {
    throw new UserError(
      `--inputs must be all or first, got "${mode}"`,
      "give --inputs all or --inputs first",
    );
  }
  return mode;
}

function parseScale(text: string): Scale {
  if (!SCALES.includes(text as Scale)) {
    throw new UserError(`unknown scale "${text}"`, `give --scale ${SCALES.join(" or --scale ")}`);
  }
  return text as Scale;
}

function pairs(workloads: WorkloadSpec[], inputs: "all" | "first"): [WorkloadSpec, string][] {
  return workloads.flatMap((w) =>
    (inputs === "first" ? w.inputs.slice(0, 1) : w.inputs).map((i) =>
      [w, i.name] as [WorkloadSpec, string]
    )
  );
}

function list(): void {
  const rows = listWorkloads().map((w) => [
    w.name,
    w.analog,
    w.kind,
    w.inputs.map((i) => i.name).join(", "),
    `${w.scales.small.skip / 1e6}M+${w.scales.small.window / 1e6}M`,
    `${w.scales.full.skip / 1e6}M+${w.scales.full.window / 1e6}M`,
  ]);
  console.log(
    formatTable(
      ["workload", "analog", "kind", "inputs", "small skip+window", "full skip+window"],
      rows,
    ),
  );
}

async function prepare(workloads: WorkloadSpec[]): Promise<void> {
  const todo = pairs(workloads, "all");
  const progress = new Progress({ label: "prepare", total: todo.length, unit: "inputs" });
  for (const [spec, input] of todo) {
    await resolveWorkload(spec.name, { input });
    progress.tick();
  }
  progress.finish("inputs are in data/cache/inputs/, programs in build/workloads/");
}

async function check(
  workloads: WorkloadSpec[],
  options: { inputs: "all" | "first"; count: boolean; timeoutMs: number },
): Promise<void> {
  const todo = pairs(workloads, options.inputs);
  const progress = new Progress({ label: "check", total: todo.length, unit: "runs" });
  const rows: string[][] = [];
  let failures = 0;
  for (const [spec, input] of todo) {
    const run = await resolveWorkload(spec.name, { input, scale: "full" });
    const result = await runNative(run, {
      countInstructions: options.count,
      timeoutMs: options.timeoutMs,
    });
    const ok = result.code === 0;
    if (!ok) {
      failures++;
      console.error(
        `${spec.name}/${input}: ${result.signal ?? `exit ${result.code}`}\n${result.stderrTail}`,
      );
    }
    rows.push([
      spec.name,
      input,
      ok ? "ok" : result.signal ?? `exit ${result.code}`,
      result.seconds.toFixed(2),
      result.instructions === undefined ? "-" : (result.instructions / 1e6).toFixed(0),
      String(run.skip + run.window <= (result.instructions ?? Infinity) ? "yes" : "NO"),
    ]);
    progress.tick();
  }
  progress.finish();
  console.log(
    formatTable(["workload", "input", "status", "seconds", "M instr", "fits full window"], rows),
  );
  if (failures > 0) {
    throw new UserError(
      `${failures} run(s) failed`,
      "see the messages above; fix the inputs in data/workloads.json",
      1,
    );
  }
}

const OPTIONS = {
  only: { type: "string" },
  inputs: { type: "string", default: "all" },
  scale: { type: "string", default: Deno.env.get("SCALE") || "small" },
  snapshots: { type: "string" },
  force: { type: "boolean", default: false },
  count: { type: "boolean", default: false },
  timeout: { type: "string", default: "600" },
  help: { type: "boolean", short: "h", default: false },
} as const;

async function main(): Promise<void> {
  let parsed;
  try {
    parsed = parseArgs({ args: Deno.args, allowPositionals: true, options: OPTIONS });
  } catch (err) {
    throw new UserError((err as Error).message, "see --help for the options");
  }
  const { values, positionals } = parsed;
  const command = positionals[0];
  if (values.help || !command) {
    console.log(HELP);
    return;
  }
  if (positionals.length > 1) {
    throw new UserError(`unexpected argument "${positionals[1]}"`, "see --help");
  }
  const workloads = () => selectWorkloads(values.only);
  switch (command) {
    case "list":
      return list();
    case "prepare":
      return await prepare(workloads());
    case "check": {
      const timeout = Number(values.timeout);
      if (!(timeout > 0)) {
        throw new UserError(`--timeout must be a positive number of seconds`, "give --timeout 600");
      }
      return await check(workloads(), {
        inputs: selectInputs(values.inputs),
        count: values.count,
        timeoutMs: timeout * 1000,
      });
    }
    case "traces": {
      await traceSuite({
        scale: parseScale(values.scale),
        workloads: workloads(),
        inputs: selectInputs(values.inputs),
        snapshots: values.snapshots,
        force: values.force,
      });
      return;
    }
    default:
      throw new UserError(
        `unknown command "${command}"`,
        "use list, prepare, check or traces (see --help)",
      );
  }
}

if (import.meta.main) await runMain(main);
