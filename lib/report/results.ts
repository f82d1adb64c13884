/**
 * Experiment result tables: `results/<name>.csv` with one row per
 * workload x method x seed plus `mean` and `std` rows per workload x method,
 * and a JSON sidecar `results/<name>.json` that says what the experiment
 * measured, with which settings, and whether the paper's claim reproduced.
 *
 * @module
 */
import { join } from "node:path";
import { atomicWriteFile, atomicWriteJson, RESULTS_DIR, UserError } from "../common/mod.ts";
import pl from "nodejs-polars";

/** One measurement: a method run on a workload with one seed. */
export interface ResultRow {
  /** The workload (benchmark, program class, ...), e.g. `"bzip2"`. */
  workload: string;
  /** The method (model or baseline), e.g. `"NCF"` or `"gshare"`. */
  method: string;
  /** The seed of this run: an integer. */
  seed: number;
  /** Metric name -> value, e.g. `{ accuracy: 0.93, mpki: 4.1 }`. A missing metric is left empty. */
  metrics: Record<string, number>;
}

/** The mean and standard deviation over seeds of one workload x method. */
export interface AggregateRow {
  /** The workload. */
  workload: string;
  /** The method. */
  method: string;
  /** How many seed rows the aggregate covers. */
  n: number;
  /** Metric -> mean over the seeds that have the metric (NaN if none has it). */
  mean: Record<string, number>;
  /**
   * Metric -> sample standard deviation (n - 1 in the denominator) over the
   * seeds that have the metric; NaN with fewer than two values.
   */
  std: Record<string, number>;
}

/** An experiment's table as read back from its CSV. */
export interface ResultsTable {
  /** The experiment's name (the CSV's file name without `.csv`). */
  experiment: string;
  /** The metric columns, in file order. */
  metrics: string[];
  /** The per-seed rows. */
  runs: ResultRow[];
  /** The mean/std rows, one per workload x method, in file order. */
  aggregates: AggregateRow[];
}

/** Options of {@linkcode writeResults} and {@linkcode readResults}. */
export interface ResultsOptions {
  /** Folder of the results (default {@linkcode RESULTS_DIR}). */
  dir?: string;
}

/** Options of {@linkcode writeResults}. */
export interface WriteResultsOptions extends ResultsOptions {
  /** Metric column order; by default the order in which metrics first appear. */
  metrics?: string[];
}

/** The columns before the metrics, in CSV order. */
export const FIXED_COLUMNS: readonly string[] = ["experiment", "workload", "method", "seed", "n"];

/** The `seed` cell that marks an aggregate row. */
export const MEAN_SEED = "mean";
/** The `seed` cell that marks a standard-deviation row. */
export const STD_SEED = "std";

const NAME_PATTERN = /^[a-z][a-z0-9_]*$/;

/** Throws a {@linkcode UserError} unless `name` is a valid experiment name (a safe file name). */
export function checkExperimentName(name: string): void {
  if (!NAME_PATTERN.test(name)) {
    throw new UserError(
      `invalid experiment name ${JSON.stringify(name)}`,
      "use lower-case letters, digits and underscores, starting with a letter (e.g. branch_prediction)",
    );
  }
}

/** The path of `results/<name>.<ext>` in `dir`. */
export function resultPath(name: string, ext: "csv" | "json" | "png", dir = RESULTS_DIR): string {
  checkExperimentName(name);
  return join(dir, `${name}.${ext}`);
}

/** Mean of `values` (NaN when empty). */
export function mean(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  return values.reduce((a, b) => a + b, 0) / values.length;
}

/** Sample standard deviation of `values` (n - 1 denominator; NaN with fewer than two values). */
export function sampleStd(values: readonly number[]): number {
  if (values.length < 2) return NaN;
  const m = mean(values);
  return Math.sqrt(values.reduce((a, v) => a + (v - m) ** 2, 0) / (values.length - 1));
}

function validateRows(name: string, rows: readonly ResultRow[]): void {
  if (rows.length === 0) {
    throw new UserError(
      `experiment ${name} has no result rows`,
      "run the experiment before writing its results",
    );
  }
  const seen = new Set<string>();
  for (const [i, row] of rows.entries()) {
    const where = `experiment ${name}, row ${i + 1}`;
    for (const key of ["workload", "method"] as const) {
      if (typeof row[key] !== "string" || row[key].trim() === "") {
        throw new UserError(`${where}: ${key} is empty`, `give every row a non-empty ${key} name`);
      }
    }
    if (!Number.isInteger(row.seed)) {
      throw new UserError(`${where}: seed ${row.seed} is not an integer`, "use integer seeds");
    }
    const key = JSON.stringify([row.workload, row.method, row.seed]);
    if (seen.has(key)) {
      throw new UserError(
        `${where}: ${row.workload} x ${row.method} x seed ${row.seed} appears twice`,
        "write one row per workload x method x seed",
      );
    }
    seen.add(key);
    for (const [metric, value] of Object.entries(row.metrics)) {
      if (FIXED_COLUMNS.includes(metric)) {
        throw new UserError(
          `${where}: metric name ${metric} clashes with a fixed column`,
          "rename the metric",
        );
      }
      if (typeof value !== "number" || !Number.isFinite(value)) {
        throw new UserError(
          `${where}: metric ${metric} is ${value}, not a finite number`,
          "leave a metric out of `metrics` when it has no value",
        );
      }
    }
  }
}

/** Workloads, then methods, in the order they first appear: the order of the table's groups. */
function groupOrder(rows: readonly ResultRow[]): { workload: string; method: string }[] {
  const workloads = [...new Set(rows.map((r) => r.workload))];
  const methods = [...new Set(rows.map((r) => r.method))];
  const present = new Set(rows.map((r) => JSON.stringify([r.workload, r.method])));
  return workloads.flatMap((workload) =>
    methods.filter((method) => present.has(JSON.stringify([workload, method])))
      .map((method) => ({ workload, method }))
  );
}

/** The rows as a polars frame: workload, method, seed, then one nullable column per metric. */
function runsFrame(rows: readonly ResultRow[], metrics: readonly string[]): pl.DataFrame {
  return pl.DataFrame({
    workload: rows.map((r) => r.workload),
    method: rows.map((r) => r.method),
    seed: pl.Series("seed", rows.map((r) => r.seed), pl.Int64),
    ...Object.fromEntries(
      metrics.map((m) => [m, pl.Series(m, rows.map((r) => r.metrics[m] ?? null), pl.Float64)]),
    ),
  });
}

/**
 * Computes the mean/std aggregate of each workload x method with polars (order: workloads, then
 * methods, as first seen): the mean over the seeds that have a metric (NaN if none has it), the
 * sample standard deviation (n - 1; NaN with fewer than two values).
 */
export function aggregate(rows: readonly ResultRow[], metrics?: readonly string[]): AggregateRow[] {
  const names = metrics ?? [...new Set(rows.flatMap((r) => Object.keys(r.metrics)))];
  if (rows.length === 0) return [];
  const frame = runsFrame(rows, names).lazy()
    .groupBy(["workload", "method"])
    .agg(
      pl.col("seed").count().alias("n"),
      ...names.flatMap((m) => [
        pl.col(m).mean().alias(`mean ${m}`),
        pl.col(m).std().alias(`std ${m}`),
      ]),
    )
    .collectSync();
  const byKey = new Map(
    frame.toRecords().map((r) => [JSON.stringify([r.workload, r.method]), r]),
  );
  const number = (v: unknown) => (typeof v === "number" ? v : NaN);
  return groupOrder(rows).map(({ workload, method }) => {
    const r = byKey.get(JSON.stringify([workload, method]))!;
    return {
      workload,
      method,
      n: Number(r.n),
      mean: Object.fromEntries(names.map((m) => [m, number(r[`mean ${m}`])])),
      std: Object.fromEntries(names.map((m) => [m, number(r[`std ${m}`])])),
    };
  });
}

/** A metric column for the CSV: integers stay integers, missing values are empty cells. */
function metricSeries(name: string, values: (number | undefined)[]): pl.Series {
  const present = values.filter((v): v is number => v !== undefined && !Number.isNaN(v));
  const integral = present.every((v) => Number.isSafeInteger(v));
  const cells = values.map((v) => (v === undefined || Number.isNaN(v) ? null : v));
  return pl.Series(name, cells, integral ? pl.Int64 : pl.Float64);
}

/**
 * Writes `results/<name>.csv` atomically: per workload x method, its seed rows
 * (sorted by seed) followed by a `mean` and a `std` row (column `n` = number of
 * seeds). Returns the path written.
 *
 * @throws {UserError} on an invalid name, no rows, a duplicate workload x method x seed,
 * a non-integer seed or a non-finite metric.
 */
export async function writeResults(
  name: string,
  rows: readonly ResultRow[],
  options: WriteResultsOptions = {},
): Promise<string> {
  const path = resultPath(name, "csv", options.dir);
  validateRows(name, rows);
  const present = [...new Set(rows.flatMap((r) => Object.keys(r.metrics)))];
  const metrics = options.metrics ?? present;
  const unlisted = present.filter((m) => !metrics.includes(m));
  if (unlisted.length > 0) {
    throw new UserError(
      `experiment ${name}: metrics ${unlisted.join(", ")} are not in options.metrics`,
      "list every metric in options.metrics, or leave it out to use all",
    );
  }
  const lines: {
    workload: string;
    method: string;
    seed: string;
    n?: number;
    values: Record<string, number>;
  }[] = [];
  for (const agg of aggregate(rows, metrics)) {
    const runs = rows.filter((r) => r.workload === agg.workload && r.method === agg.method)
      .sort((a, b) => a.seed - b.seed);
    const group = { workload: agg.workload, method: agg.method };
    for (const run of runs) lines.push({ ...group, seed: String(run.seed), values: run.metrics });
    lines.push({ ...group, seed: MEAN_SEED, n: agg.n, values: agg.mean });
    lines.push({ ...group, seed: STD_SEED, n: agg.n, values: agg.std });
  }
  const table = pl.DataFrame([
    pl.Series("experiment", lines.map(() => name)),
    pl.Series("workload", lines.map((l) => l.workload)),
    pl.Series("method", lines.map((l) => l.method)),
    pl.Series("seed", lines.map((l) => l.seed)),
    pl.Series("n", lines.map((l) => l.n ?? null), pl.Int64),
    ...metrics.map((m) => metricSeries(m, lines.map((l) => l.values[m]))),
  ]);
  await atomicWriteFile(path, table.writeCSV().toString());
  return path;
}

/** The cells of a CSV text, every column read as text (polars), header first. */
function csvCells(text: string): string[][] {
  const frame = pl.readCSV(text, { inferSchemaLength: 0, hasHeader: false });
  return frame.rows().map((row) => row.map((cell) => (cell === null ? "" : String(cell))));
}

/**
 * Reads `results/<name>.csv` back.
 *
 * @throws {UserError} when the file is missing or not a results table.
 */
export async function readResults(
  name: string,
  options: ResultsOptions = {},
): Promise<ResultsTable> {
  const path = resultPath(name, "csv", options.dir);
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) {
      throw new UserError(`no results table ${path}`, `run the ${name} experiment first`);
    }
    throw err;
  }
  const bad = (problem: string) =>
    new UserError(
      `${path} is not a results table: ${problem}`,
      `re-run the ${name} experiment to rewrite it`,
    );
  let lines: string[][];
  try {
    lines = csvCells(text);
  } catch (err) {
    throw bad((err as Error).message.split("\n")[0]);
  }
  const header = lines[0] ?? [];
  if (FIXED_COLUMNS.some((c, i) => header[i] !== c)) {
    throw bad(`header must start with ${FIXED_COLUMNS.join(",")}`);
  }
  const metrics = header.slice(FIXED_COLUMNS.length);
  const toNumber = (cell: string, line: number) => {
    if (cell === "") return undefined;
    const v = Number(cell);
    if (Number.isNaN(v)) throw bad(`line ${line}: ${JSON.stringify(cell)} is not a number`);
    return v;
  };
  const runs: ResultRow[] = [];
  const aggregates: AggregateRow[] = [];
  for (let i = 1; i < lines.length; i++) {
    const cells = lines[i];
    if (cells.length !== header.length) {
      throw bad(`line ${i + 1} has ${cells.length} fields, not ${header.length}`);
    }
    const [, workload, method, seed, n] = cells;
    const values: Record<string, number> = {};
    metrics.forEach((m, j) => {
      const v = toNumber(cells[FIXED_COLUMNS.length + j], i + 1);
      if (v !== undefined) values[m] = v;
    });
    if (seed === MEAN_SEED || seed === STD_SEED) {
      let agg = aggregates.find((a) => a.workload === workload && a.method === method);
      if (!agg) {
        agg = { workload, method, n: toNumber(n, i + 1) ?? 0, mean: {}, std: {} };
        aggregates.push(agg);
      }
      const target = seed === MEAN_SEED ? agg.mean : agg.std;
      for (const m of metrics) target[m] = values[m] ?? NaN;
    } else {
      const s = toNumber(seed, i + 1);
      if (s === undefined || !Number.isInteger(s)) {
        throw bad(`line ${i + 1}: seed ${JSON.stringify(seed)}`);
      }
      runs.push({ workload, method, seed: s, metrics: values });
    }
  }
  return { experiment: name, metrics, runs, aggregates };
}

/** Whether a measured result supports the paper's claim. */
export type Verdict = "yes" | "partly" | "no" | "inconclusive";

/** The verdicts, in the order the report explains them. */
export const VERDICTS: readonly Verdict[] = ["yes", "partly", "no", "inconclusive"];

/** One claim of the paper, what we measured, and the experiment's own verdict. */
export interface Claim {
  /** The paper's claim, e.g. `"Branch prediction accuracy +26% over the state of the art"`. */
  paper: string;
  /** What we measured, in words and numbers, e.g. `"NCF 96.1% vs TAGE-SC-L 94.0% (+2.2%)"`. */
  measured: string;
  /** Whether it reproduced, as computed by the experiment. */
  reproduced: Verdict;
  /** The paper's number, short, for the headline table (e.g. `"+26%"`). */
  paperNumber?: string;
  /** Ours in the same terms, with the spread over seeds (e.g. `"+12.1% ± 2.3"`). */
  ours?: string;
}

/** A chart besides `results/<name>.png` that belongs to an experiment. */
export interface ChartRef {
  /** File name inside the results folder, e.g. `"lead_mpki.png"`. */
  file: string;
  /** One-line caption. */
  caption: string;
}

/** The JSON sidecar of an experiment, `results/<name>.json`. */
export interface ExperimentMeta {
  /** The experiment's name, as in the CSV's file name. */
  name: string;
  /** A human title, e.g. `"Branch prediction"`. */
  title: string;
  /** What the experiment measures, in a sentence or two. */
  measures: string;
  /** Its settings: scale, seeds, windows, sizes, hyper-parameters. */
  settings: Record<string, unknown>;
  /** The paper's claims it addresses, each with our verdict. */
  claims: Claim[];
  /** What was tried, caveats, surprises. */
  notes: string[];
  /** Metric columns to show in the report, in order (default: all). */
  reportMetrics?: string[];
  /** Caption of `results/<name>.png` in the report. */
  chartCaption?: string;
  /** Further charts, shown after `results/<name>.png`. */
  charts?: ChartRef[];
}

/** The sidecar as stored: the meta plus a schema marker and when it was written. */
export interface StoredExperimentMeta extends ExperimentMeta {
  /** Marks the file as an experiment sidecar ({@linkcode EXPERIMENT_SCHEMA}). */
  schema: string;
  /** ISO time the sidecar was written. */
  writtenAt: string;
}

/** The `schema` value of an experiment sidecar; other JSON files in `results/` are not experiments. */
export const EXPERIMENT_SCHEMA = "ncf.experiment/1";

/**
 * Writes the sidecar `results/<meta.name>.json` atomically. Returns the path.
 *
 * @throws {UserError} on an invalid name or verdict.
 */
export async function writeExperimentMeta(
  meta: ExperimentMeta,
  options: ResultsOptions = {},
): Promise<string> {
  const path = resultPath(meta.name, "json", options.dir);
  for (const claim of meta.claims) {
    if (!VERDICTS.includes(claim.reproduced)) {
      throw new UserError(
        `experiment ${meta.name}: verdict ${JSON.stringify(claim.reproduced)} is not one of ${
          VERDICTS.join(", ")
        }`,
        "set claims[].reproduced to one of the listed verdicts",
      );
    }
  }
  const stored: StoredExperimentMeta = {
    schema: EXPERIMENT_SCHEMA,
    ...meta,
    writtenAt: new Date().toISOString(),
  };
  await atomicWriteJson(path, stored);
  return path;
}

/**
 * Reads a sidecar back: `undefined` if the JSON is not an experiment sidecar
 * (no {@linkcode EXPERIMENT_SCHEMA} marker).
 *
 * @throws {UserError} when the file is missing, not JSON, or a sidecar with missing fields.
 */
export async function readExperimentMeta(
  name: string,
  options: ResultsOptions = {},
): Promise<StoredExperimentMeta | undefined> {
  const path = resultPath(name, "json", options.dir);
  let value: unknown;
  try {
    value = JSON.parse(await Deno.readTextFile(path));
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) {
      throw new UserError(`no experiment sidecar ${path}`, `run the ${name} experiment first`);
    }
    throw new UserError(
      `${path} is not valid JSON: ${(err as Error).message}`,
      `re-run the ${name} experiment`,
    );
  }
  if (
    typeof value !== "object" || value === null ||
    (value as { schema?: unknown }).schema !== EXPERIMENT_SCHEMA
  ) {
    return undefined;
  }
  const meta = value as StoredExperimentMeta;
  const missing = (["title", "measures", "settings", "claims", "notes"] as const).filter((k) =>
    meta[k] === undefined
  );
  if (missing.length > 0) {
    throw new UserError(
      `${path} lacks ${missing.join(", ")}`,
      `re-run the ${name} experiment to rewrite it`,
    );
  }
  return { ...meta, name };
}
