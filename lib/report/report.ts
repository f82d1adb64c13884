/**
 * Assembles `results/report.md` and a self-contained `results/report.html`
 * from whatever the experiments left in `results/`: `setup.json`, and per
 * experiment its sidecar `<name>.json`, table `<name>.csv` and charts
 * `<name>.png`. Experiments come in a fixed order; one that has not run is
 * listed as "not run", one whose files are broken is shown with the problem.
 *
 * @module
 */
import { join } from "node:path";
import {
  atomicWriteFile,
  DEFAULT_CLASSIFIER_DIR,
  mtimeOf,
  RESULTS_DIR,
  UserError,
} from "../common/mod.ts";
import {
  type Badge,
  type Block,
  type Document,
  renderHtml,
  renderMarkdown,
  type Text,
} from "./document.ts";
import {
  type AggregateRow,
  type Claim,
  EXPERIMENT_SCHEMA,
  readExperimentMeta,
  readResults,
  type ResultsTable,
  type StoredExperimentMeta,
  VERDICTS,
} from "./results.ts";
import { readSetup, type SetupInfo } from "./setup.ts";

/** A study the report expects, shown even before it runs. */
export interface PlannedStudy {
  name: string;
  title: string;
  /** What it measures. */
  measures: string;
  /** Its charts are among the report's headline charts. */
  headline?: boolean;
}

/** Options of {@linkcode buildReport} and {@linkcode writeReport}. */
export interface ReportOptions {
  /** Folder holding the results, where the report is written too (default {@linkcode RESULTS_DIR}). */
  dir?: string;
  /** The time stamped on the report (default now). */
  now?: Date;
  /** The studies in report order (the experiments' registry); others found in the folder follow. */
  planned?: readonly PlannedStudy[];
}

/** A built report: both renderings and the problems met on the way. */
export interface BuiltReport {
  /** The report as Markdown (charts referenced as files next to it). */
  markdown: string;
  /** The report as one self-contained HTML page. */
  html: string;
  /** Problems with result files (each also shown in the report). */
  warnings: string[];
}

/** What was found for one experiment. */
interface LoadedExperiment {
  name: string;
  title: string;
  measures: string;
  meta?: StoredExperimentMeta;
  table?: ResultsTable;
  charts: { file: string; png: Uint8Array; caption: string }[];
  problems: string[];
}

async function readIfExists(path: string): Promise<Uint8Array | undefined> {
  try {
    return await Deno.readFile(path);
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return undefined;
    throw err;
  }
}

function problemOf(err: unknown): string {
  if (err instanceof UserError) return `${err.message} (fix: ${err.fix})`;
  throw err;
}

/** Names of the experiment sidecars in `dir` (JSON files with the experiment schema marker). */
async function findExperiments(dir: string): Promise<string[]> {
  const names: string[] = [];
  try {
    for await (const entry of Deno.readDir(dir)) {
      const match = /^([a-z][a-z0-9_]*)\.json$/.exec(entry.name);
      if (!entry.isFile || !match || match[1] === "setup") continue;
      const text = await Deno.readTextFile(join(dir, entry.name));
      // A cheap filter first: other JSON files (benchmarks) are not experiments.
      if (text.includes(EXPERIMENT_SCHEMA)) names.push(match[1]);
    }
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) {
      throw new UserError(
        `results folder ${dir} does not exist`,
        "run the experiments first (make), or pass --dir",
      );
    }
    throw err;
  }
  return names.sort();
}

async function loadExperiment(
  dir: string,
  name: string,
  planned: PlannedStudy | undefined,
): Promise<LoadedExperiment> {
  const loaded: LoadedExperiment = {
    name,
    title: planned?.title ?? name,
    measures: planned?.measures ?? "",
    charts: [],
    problems: [],
  };
  const exists = async (ext: string) => (await mtimeOf(join(dir, `${name}.${ext}`))) !== undefined;
  // Neither a sidecar nor a table: the experiment has not run.
  if (!(await exists("json")) && !(await exists("csv"))) return loaded;
  try {
    loaded.meta = await readExperimentMeta(name, { dir });
  } catch (err) {
    loaded.problems.push(problemOf(err));
  }
  if (loaded.meta) {
    loaded.title = loaded.meta.title;
    loaded.measures = loaded.meta.measures;
    for (const claim of loaded.meta.claims) {
      if (!VERDICTS.includes(claim.reproduced)) {
        loaded.problems.push(
          `claim "${claim.paper}" has an unknown verdict ${JSON.stringify(claim.reproduced)}`,
        );
      }
    }
  }
  try {
    loaded.table = await readResults(name, { dir });
  } catch (err) {
    loaded.problems.push(problemOf(err));
  }
  const chartRefs = [
    { file: `${name}.png`, caption: loaded.meta?.chartCaption ?? loaded.title, required: false },
    ...(loaded.meta?.charts ?? []).map((c) => ({ ...c, required: true })),
  ];
  for (const ref of chartRefs) {
    // Chart names come from the sidecar: keep them inside the results folder.
    if (!/^[A-Za-z0-9_.-]+\.png$/.test(ref.file)) {
      loaded.problems.push(
        `chart ${JSON.stringify(ref.file)} is not a PNG file name inside the results folder`,
      );
      continue;
    }
    const png = await readIfExists(join(dir, ref.file));
    if (png) loaded.charts.push({ file: ref.file, png, caption: ref.caption });
    else if (ref.required) loaded.problems.push(`chart ${ref.file} is missing`);
  }
  return loaded;
}

/** How many decimals show about 4 significant digits of numbers the size of `reference`. */
function decimalsFor(reference: number): number {
  const a = Math.abs(reference);
  if (!Number.isFinite(a) || a >= 1000) return 0;
  if (a >= 100) return 1;
  if (a >= 10) return 2;
  if (a >= 1) return 3;
  return 4;
}

/** `mean ± std` with matching decimals; `—` for a missing value. */
export function formatMeanStd(mean: number, std: number): string {
  if (!Number.isFinite(mean)) return "—";
  const d = decimalsFor(mean);
  return Number.isFinite(std) ? `${mean.toFixed(d)} ± ${std.toFixed(d)}` : mean.toFixed(d);
}

/** A settings value as text: scalars as is (big integers with separators), lists of scalars joined. */
function formatValue(value: unknown): string {
  if (value === null || value === undefined) return "—";
  if (typeof value === "number" && Number.isInteger(value) && Math.abs(value) >= 10_000) {
    return value.toLocaleString("en-US");
  }
  if (typeof value === "number" && !Number.isInteger(value)) {
    return String(Number(value.toPrecision(4)));
  }
  if (typeof value !== "object") return String(value);
  if (Array.isArray(value) && value.every((v) => typeof v !== "object" || v === null)) {
    return value.map(formatValue).join(", ");
  }
  return JSON.stringify(value);
}

/** Nested records flattened to `a.b.c` keys; lists of records stay whole (they become tables). */
function flatten(record: Record<string, unknown>, prefix = ""): [string, unknown][] {
  return Object.entries(record).flatMap(([k, v]): [string, unknown][] => {
    const key = prefix ? `${prefix}.${k}` : k;
    return typeof v === "object" && v !== null && !Array.isArray(v)
      ? flatten(v as Record<string, unknown>, key)
      : [[key, v]];
  });
}

const isRecordList = (v: unknown): v is Record<string, unknown>[] =>
  Array.isArray(v) && v.length > 0 &&
  v.every((x) => typeof x === "object" && x !== null && !Array.isArray(x));

/** A list of records as a table, one column per key (nested records flattened). */
function recordTable(rows: Record<string, unknown>[]): Block {
  const flat = rows.map((r) => Object.fromEntries(flatten(r)));
  const columns = [...new Set(flat.flatMap((r) => Object.keys(r)))];
  return {
    kind: "table",
    header: columns,
    rows: flat.map((r) => columns.map((c) => formatValue(r[c]))),
    align: columns.map((
      c,
    ) => (flat.every((r) => r[c] === undefined || typeof r[c] === "number") ? "right" : "left")),
  };
}

/** Settings as readable tables: scalars and short lists in one key/value table, lists of records each as a table. */
function settingsBlocks(record: Record<string, unknown>, level: 3 | 4 = 3): Block[] {
  const entries = flatten(record);
  const tables = entries.filter(([, v]) => isRecordList(v));
  const scalars = entries.filter(([, v]) => !isRecordList(v));
  const blocks: Block[] = [];
  if (scalars.length > 0) {
    blocks.push({
      kind: "table",
      header: ["Setting", "Value"],
      rows: scalars.map(([k, v]) => [k, formatValue(v)]),
    });
  }
  for (const [key, rows] of tables) {
    blocks.push(
      { kind: "heading", level: level as 3, text: key },
      recordTable(rows as Record<string, unknown>[]),
    );
  }
  return blocks;
}

function resultsTable(aggregates: readonly AggregateRow[], metrics: readonly string[]): Block {
  return {
    kind: "table",
    header: ["Workload", "Method", "n", ...metrics.map((m) => `${m} (mean ± std)`)],
    rows: aggregates.map((a) => [
      a.workload,
      a.method,
      String(a.n),
      ...metrics.map((m) => formatMeanStd(a.mean[m] ?? NaN, a.std[m] ?? NaN)),
    ]),
    align: ["left", "left", "right", ...metrics.map(() => "right" as const)],
  };
}

function claimsTable(claims: readonly Claim[]): Block {
  return {
    kind: "table",
    header: ["The paper's claim", "What we measured", "Reproduced"],
    rows: claims.map((c) => [c.paper, c.measured, { badge: c.reproduced }]),
  };
}

function setupBlocks(setup: SetupInfo | undefined): Block[] {
  const blocks: Block[] = [{ kind: "heading", level: 2, text: "Appendix: setup", id: "setup" }];
  if (!setup) {
    blocks.push({
      kind: "paragraph",
      text: [
        "No ",
        { code: "results/setup.json" },
        " yet: the pipeline (",
        { code: "make" },
        ") records the setup.",
      ],
    });
    return blocks;
  }
  return [...blocks, ...settingsBlocks(setup)];
}

function experimentBlocks(exp: LoadedExperiment): Block[] {
  const blocks: Block[] = [{ kind: "heading", level: 2, text: exp.title, id: exp.name }];
  const ran = exp.meta !== undefined || exp.table !== undefined;
  if (!ran && exp.problems.length === 0) {
    blocks.push({ kind: "paragraph", text: [{ badge: "not run" }, ` ${exp.measures}`] });
    return blocks;
  }
  if (exp.measures) {
    blocks.push({ kind: "paragraph", text: [{ bold: "What it measures:" }, ` ${exp.measures}`] });
  }
  if (exp.problems.length > 0) {
    blocks.push({
      kind: "list",
      items: exp.problems.map((p): Text => [{ badge: "error" }, ` ${p}`]),
    });
  }
  for (const chart of exp.charts) blocks.push({ kind: "image", ...chart });
  if (exp.table) {
    const wanted = exp.meta?.reportMetrics ?? exp.table.metrics;
    const metrics = wanted.filter((m) => exp.table!.metrics.includes(m));
    blocks.push(
      { kind: "heading", level: 3, text: "Results" },
      resultsTable(exp.table.aggregates, metrics),
    );
  }
  if (exp.meta) {
    if (exp.meta.claims.length > 0) {
      blocks.push({ kind: "heading", level: 3, text: "Claim" }, claimsTable(exp.meta.claims));
    }
    if (Object.keys(exp.meta.settings).length > 0) {
      blocks.push(
        { kind: "heading", level: 3, text: "Settings" },
        ...settingsBlocks(exp.meta.settings, 4),
      );
    }
    if (exp.meta.notes.length > 0) {
      blocks.push({ kind: "heading", level: 3, text: "Notes: what was tried" }, {
        kind: "list",
        items: exp.meta.notes,
      });
    }
  }
  return blocks;
}

/** The study `deno task classifier` exports from: its section shows the classifier's rates. */
const CLASSIFIER_STUDY = "algorithm_classification";

type ClassifierRate = { warned: number; programs: number; accuracy?: number | null };

/**
 * `deno task classify`'s measured rates (named right, warned), from the bundle `deno task
 * classifier` wrote beside the results (`<dir>/../results/algorithms/classifier/`); none when
 * it has not been exported.
 */
async function classifierBlocks(dir: string): Promise<Block[]> {
  const path = join(dir, "..", DEFAULT_CLASSIFIER_DIR, "classifier.json");
  const rates: Record<string, ClassifierRate> & { measuredOn: string } | undefined = await Deno
    .readTextFile(path).then((t) => JSON.parse(t).warningRates).catch(() => undefined);
  if (!rates) return [];
  const pct = (x?: number | null) =>
    typeof x === "number" && Number.isFinite(x) ? `${(100 * x).toFixed(0)}%` : "—";
  const measured: [string, ClassifierRate | undefined][] = [
    ["held-out implementations of the known classes", rates.known],
    ["known classes, written outside the corpus", rates.outside],
    ["foreign programs (none of the classes)", rates.foreign],
  ];
  const rows = measured.flatMap(([what, r]) =>
    r ? [[what, String(r.programs), pct(r.warned), pct(r.accuracy)]] : []
  );
  return [
    { kind: "heading", level: 3, text: "deno task classify: named right, and its warning" },
    {
      kind: "table",
      header: ["programs", "binaries", "warned (out of distribution)", "named right"],
      rows,
      align: ["left", "right", "right", "right"],
    },
    { kind: "paragraph", text: [`Measured on ${rates.measuredOn}.`] },
  ];
}

/** The headline table: every claim with the paper's number, ours and the verdict, linked to its section. */
function headlineBlocks(
  experiments: readonly LoadedExperiment[],
  headlineCharts: Block[],
): Block[] {
  const rows: Text[][] = [];
  for (const exp of experiments) {
    const study: Text = { link: exp.title, to: exp.name };
    const claims = exp.meta?.claims ?? [];
    if (claims.length === 0) {
      const badge: Badge = exp.problems.length > 0
        ? "error"
        : exp.meta
        ? "inconclusive"
        : "not run";
      rows.push([study, exp.meta ? "(no claim recorded)" : exp.measures, "—", "—", { badge }]);
    }
    for (const c of claims) {
      rows.push([study, c.paper, c.paperNumber ?? "—", c.ours ?? c.measured, {
        badge: c.reproduced,
      }]);
    }
  }
  return [
    { kind: "heading", level: 2, text: "Headline results", id: "headline" },
    {
      kind: "table",
      header: ["Study", "The paper's claim", "Paper", "Ours (mean ± std over seeds)", "Reproduced"],
      rows,
    },
    ...headlineCharts,
  ];
}

function scaleOf(setup: SetupInfo | undefined, experiments: readonly LoadedExperiment[]): string {
  if (setup?.scale) return String(setup.scale);
  const scales = new Set(
    experiments.map((e) => e.meta?.settings.scale).filter((s) => s !== undefined).map(String),
  );
  return scales.size > 0 ? [...scales].join(", ") : "unknown";
}

/**
 * Builds the report from the files in `options.dir` (default `results/`).
 *
 * @throws {UserError} when the folder does not exist or `setup.json` is not valid.
 */
export async function buildReport(options: ReportOptions = {}): Promise<BuiltReport> {
  const dir = options.dir ?? RESULTS_DIR;
  const now = options.now ?? new Date();
  const found = await findExperiments(dir);
  const planned = options.planned ?? [];
  const names = planned.map((p) => p.name);
  const order = [...names, ...found.filter((n) => !names.includes(n))];
  const experiments = await Promise.all(
    order.map((name) => loadExperiment(dir, name, planned.find((p) => p.name === name))),
  );
  const setup = await readSetup({ dir });
  const classifier = await classifierBlocks(dir);

  const ran = experiments.filter((e) => e.meta || e.table);
  const verdicts = experiments.flatMap((e) => e.meta?.claims ?? []).map((c) => c.reproduced);
  const tally = VERDICTS.map((v) => `${verdicts.filter((x) => x === v).length} ${v}`).join(", ");
  const headlineCharts = experiments.filter((e) => planned.find((p) => p.name === e.name)?.headline)
    .flatMap((e) => e.charts.slice(0, 1).map((c): Block => ({ kind: "image", ...c })));
  const blocks: Block[] = [
    {
      kind: "paragraph",
      text: [
        { bold: "ncf" },
        " reproduces, in TypeScript on Deno, the ICLR 2020 paper ",
        { bold: "Learning Execution through Neural Code Fusion" },
        " (Shi, Swersky, Tarlow, Ranganathan, Hashemi; arXiv 1906.07181): a graph neural network over the static " +
        "assembly around an instruction, filled with the dynamic values of a snapshot of the running program, " +
        "predicts branches and load addresses, and its embeddings transfer to algorithm classification. " +
        "Workloads are open-source stand-ins for SPEC CPU2006 (see PAPER.md).",
      ],
    },
    {
      kind: "list",
      items: [
        [{ bold: "Generated" }, `: ${now.toISOString().replace("T", " ").slice(0, 16)} UTC`],
        [{ bold: "Scale" }, `: ${scaleOf(setup, experiments)}`],
        [{ bold: "Studies run" }, `: ${ran.length} of ${experiments.length}`],
        [{ bold: "Claims" }, `: ${tally}`],
      ],
    },
    {
      kind: "toc",
      entries: [
        { id: "headline", text: "Headline results" },
        ...experiments.map((e) => ({
          id: e.name,
          text: e.title + (e.meta || e.table ? "" : " (not run)"),
        })),
        { id: "setup", text: "Appendix: setup" },
      ],
    },
    ...headlineBlocks(experiments, headlineCharts),
    ...experiments.flatMap((e) => [
      ...experimentBlocks(e),
      ...(e.name === CLASSIFIER_STUDY && e.meta ? classifier : []),
    ]),
    ...setupBlocks(setup),
  ];
  const doc: Document = {
    title: "ncf: Learning Execution through Neural Code Fusion, reproduced",
    blocks,
  };
  const warnings = experiments.flatMap((e) => e.problems.map((p) => `${e.name}: ${p}`));
  return { markdown: renderMarkdown(doc), html: renderHtml(doc), warnings };
}

/**
 * Builds the report and writes `report.md` and `report.html` atomically into
 * the results folder. Returns their paths and the warnings.
 */
export async function writeReport(
  options: ReportOptions = {},
): Promise<{ markdownPath: string; htmlPath: string; warnings: string[] }> {
  const dir = options.dir ?? RESULTS_DIR;
  const report = await buildReport(options);
  const markdownPath = join(dir, "report.md");
  const htmlPath = join(dir, "report.html");
  await atomicWriteFile(markdownPath, report.markdown);
  await atomicWriteFile(htmlPath, report.html);
  return { markdownPath, htmlPath, warnings: report.warnings };
}
