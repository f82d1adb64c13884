/**
 * Tests of the reporting layer: CSV tables with mean/std rows, sidecars,
 * charts, and the report opened in headless Chromium. Every result below is
 * test data written by the test itself.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { createCanvas, loadImage } from "@napi-rs/canvas";
import { chromium } from "playwright-core";
import { UserError } from "../lib/common/mod.ts";
import {
  barChart,
  buildReport,
  escapeHtml,
  heatmap,
  lineChart,
  readExperimentMeta,
  readResults,
  type ResultRow,
  sampleStd,
  seriesFromAggregates,
  spareColor,
  writeExperimentMeta,
  writeReport,
  writeResults,
  writeSetup,
} from "../lib/report/mod.ts";

const CHROMIUM = "/usr/bin/chromium";
/** Flags that keep headless Chromium quiet and offline (NOTES.md). */
const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** Three seeds of two methods on two workloads; names with CSV-special characters. */
function sampleRows(): ResultRow[] {
  return [
    { workload: "bzip2", method: "NCF", seed: 1, metrics: { accuracy: 0.5, mpki: 4 } },
    { workload: "bzip2", method: "NCF", seed: 2, metrics: { accuracy: 0.7 } },
    { workload: "bzip2", method: "NCF", seed: 3, metrics: { accuracy: 0.9, mpki: 6 } },
    {
      workload: "bzip2",
      method: 'gshare "8KB", global',
      seed: 1,
      metrics: { accuracy: 0.25, mpki: 10 },
    },
    { workload: "graph\nbfs", method: "NCF", seed: 7, metrics: { accuracy: 1 / 3, mpki: 1e-9 } },
  ];
}

Deno.test("writeResults: per-seed rows, then mean/std/n per workload x method, read back equal", async () => {
  const dir = await Deno.makeTempDir({ prefix: "ncf_report_" });
  try {
    const rows = sampleRows();
    const path = await writeResults("toy_experiment", rows, { dir });
    const lines = (await Deno.readTextFile(path)).trimEnd().split("\n");
    assert.equal(lines[0], "experiment,workload,method,seed,n,accuracy,mpki");
    // polars writes a float column's integral values as 4.0.
    assert.equal(lines[1], "toy_experiment,bzip2,NCF,1,,0.5,4.0");
    assert.equal(lines[2], "toy_experiment,bzip2,NCF,2,,0.7,");
    // Hand-checked: accuracy mean (0.5+0.7+0.9)/3 = 0.7, sample std 0.2; mpki over the two seeds
    // that have it: mean 5, std sqrt(2).
    const [meanLine, stdLine] = [lines[4].split(","), lines[5].split(",")];
    assert.deepEqual(meanLine.slice(0, 5), ["toy_experiment", "bzip2", "NCF", "mean", "3"]);
    assert.ok(Math.abs(Number(meanLine[5]) - 0.7) < 1e-12);
    assert.equal(Number(meanLine[6]), 5);
    assert.deepEqual(stdLine.slice(0, 5), ["toy_experiment", "bzip2", "NCF", "std", "3"]);
    assert.ok(Math.abs(Number(stdLine[5]) - 0.2) < 1e-12);
    assert.ok(Math.abs(Number(stdLine[6]) - Math.SQRT2) < 1e-12);
    assert.equal(lines[6], 'toy_experiment,bzip2,"gshare ""8KB"", global",1,,0.25,10.0');
    // One seed: a mean but no std.
    assert.ok(lines.some((l) => l === 'toy_experiment,bzip2,"gshare ""8KB"", global",std,1,,'));

    const table = await readResults("toy_experiment", { dir });
    assert.deepEqual(table.metrics, ["accuracy", "mpki"]);
    assert.deepEqual(table.runs, rows);
    assert.equal(table.aggregates.length, 3);
    const ncf = table.aggregates[0];
    assert.equal(ncf.n, 3);
    assert.ok(Math.abs(ncf.mean.accuracy - 0.7) < 1e-12);
    assert.ok(Math.abs(ncf.std.accuracy - 0.2) < 1e-12);
    assert.equal(table.aggregates[2].workload, "graph\nbfs");
    assert.equal(table.aggregates[2].mean.mpki, 1e-9);
    assert.ok(Number.isNaN(table.aggregates[2].std.mpki));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("writeResults: bad input is a UserError naming the problem", async () => {
  const dir = await Deno.makeTempDir({ prefix: "ncf_report_" });
  try {
    const row = sampleRows()[0];
    await assert.rejects(writeResults("Bad-Name", [row], { dir }), UserError);
    await assert.rejects(writeResults("dup", [row, { ...row }], { dir }), /appears twice/);
    await assert.rejects(
      writeResults("nan", [{ ...row, metrics: { accuracy: NaN } }], { dir }),
      /finite/,
    );
    await assert.rejects(writeResults("seed", [{ ...row, seed: 1.5 }], { dir }), /integer/);
    await assert.rejects(writeResults("empty", [], { dir }), /no result rows/);
    await assert.rejects(
      readResults("missing", { dir }),
      (err: UserError) =>
        /no results table/.test(err.message) && /run the missing experiment/.test(err.fix),
    );
    assert.deepEqual([...Deno.readDirSync(dir)], [], "nothing is written on bad input");
    assert.equal(sampleStd([1]), NaN);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("experiment sidecar: written and read back; other JSON files are not experiments", async () => {
  const dir = await Deno.makeTempDir({ prefix: "ncf_report_" });
  try {
    const meta = {
      name: "toy_experiment",
      title: "Toy",
      measures: "nothing real",
      settings: { scale: "tiny", seeds: [1, 2, 3] },
      claims: [{ paper: "p", measured: "m", reproduced: "partly" as const }],
      notes: ["tried x"],
    };
    await writeExperimentMeta(meta, { dir });
    const back = await readExperimentMeta("toy_experiment", { dir });
    assert.deepEqual({ ...back, writtenAt: undefined, schema: undefined }, {
      ...meta,
      writtenAt: undefined,
      schema: undefined,
    });
    await assert.rejects(
      writeExperimentMeta({
        ...meta,
        claims: [{ paper: "p", measured: "m", reproduced: "maybe" as "yes" }],
      }, { dir }),
      /verdict/,
    );
    await Deno.writeTextFile(join(dir, "bench.json"), '{"rate": 3}');
    assert.equal(await readExperimentMeta("bench", { dir }), undefined);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

/** Decodes a PNG and returns its size and how many distinct colours it has. */
async function inspectPng(
  path: string,
): Promise<{ width: number; height: number; colors: number }> {
  const image = await loadImage(await Deno.readFile(path));
  const canvas = createCanvas(image.width, image.height);
  const ctx = canvas.getContext("2d");
  ctx.drawImage(image, 0, 0);
  const { data } = ctx.getImageData(0, 0, image.width, image.height);
  const colors = new Set<number>();
  for (let i = 0; i < data.length; i += 4) {
    colors.add(((data[i] << 16) | (data[i + 1] << 8) | data[i + 2]) * 256 + data[i + 3]);
  }
  return { width: image.width, height: image.height, colors: colors.size };
}

Deno.test("charts: bar, line and heatmap render non-blank PNGs of the asked size", async () => {
  const dir = await Deno.makeTempDir({ prefix: "ncf_charts_" });
  try {
    const series = [
      { label: "NCF", values: [0.9, 0.8, NaN], errors: [0.01, 0.02, 0] },
      { label: "TAGE-SC-L", values: [0.85, 0.82, 0.7] },
    ];
    await barChart({
      title: "test bars",
      categories: ["a", "b", "c"],
      series,
      yLabel: "accuracy",
      out: join(dir, "bar.png"),
      width: 640,
      height: 360,
    });
    await lineChart({
      title: "test lines",
      x: ["0", "8", "64"],
      series,
      yLabel: "accuracy",
      out: join(dir, "line.png"),
    });
    await heatmap({
      title: "test heatmap",
      rows: ["x", "y"],
      cols: ["x", "y", "z"],
      values: [[5, 1, 0], [2, 7, NaN]],
      out: join(dir, "heat.png"),
      width: 400,
      height: 300,
    });
    const sizes = { "bar.png": [640, 360], "line.png": [900, 500], "heat.png": [400, 300] };
    for (const [file, [width, height]] of Object.entries(sizes)) {
      const png = await inspectPng(join(dir, file));
      assert.deepEqual([png.width, png.height], [width, height], file);
      assert.ok(png.colors > 20, `${file} has only ${png.colors} colours`);
    }
    await assert.rejects(
      barChart({ title: "t", categories: ["a"], series, yLabel: "y", out: join(dir, "x.png") }),
      /3 values and 3 errors for 1 categories/,
    );
    await assert.rejects(
      heatmap({ title: "t", rows: ["a"], cols: ["b"], values: [[1, 2]], out: join(dir, "x.png") }),
      /1 rows x 1 columns/,
    );
    assert.equal(spareColor("some new method"), spareColor("Some New Method"));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

/** The studies the fixtures' report expects, in report order (as experiments/registry.ts gives them). */
const PLANNED = [
  { name: "branch_prediction", title: "Branch prediction", measures: "Fake.", headline: true },
  { name: "prefetching", title: "Prefetching", measures: "Fake, not run.", headline: true },
  { name: "algorithm_classification", title: "Algorithm classification", measures: "Fake." },
];

/** Writes two fake experiments (test data) and a setup into `dir`. */
async function writeFixtures(dir: string): Promise<void> {
  const rows = sampleRows();
  await writeResults("branch_prediction", rows, { dir });
  const { categories, series } = seriesFromAggregates(
    (await readResults("branch_prediction", { dir })).aggregates,
    "accuracy",
  );
  await barChart({
    title: "TEST DATA",
    categories,
    series,
    yLabel: "accuracy",
    out: join(dir, "branch_prediction.png"),
  });
  await writeExperimentMeta({
    name: "branch_prediction",
    title: "Branch prediction (TEST DATA)",
    measures: "Fake numbers written by tests/report_test.ts.",
    settings: { scale: "test", seeds: [1, 2, 3], window: { instructions: 1000 } },
    claims: [{
      paper: "+26% accuracy",
      measured: "made up <b>bold</b> & co",
      reproduced: "partly",
    }],
    notes: ["<script>document.title='pwned'</script> must stay text"],
  }, { dir });
  await writeResults("zz_extra", [{ workload: "w", method: "m", seed: 0, metrics: { score: 1 } }], {
    dir,
  });
  await heatmap({
    title: "TEST DATA",
    rows: ["a", "b"],
    cols: ["a", "b"],
    values: [[3, 1], [0, 4]],
    out: join(dir, "zz_extra_cm.png"),
  });
  await writeExperimentMeta({
    name: "zz_extra",
    title: "Extra experiment (TEST DATA)",
    measures: "Fake.",
    settings: {},
    claims: [],
    notes: [],
    charts: [{ file: "zz_extra_cm.png", caption: "confusion" }],
  }, { dir });
  await writeSetup({
    scale: "test",
    seeds: [1, 2, 3],
    workloads: [{ name: "bzip2", instructions: 12345 }],
  }, { dir });
  await Deno.writeTextFile(join(dir, "bench_trace.json"), '{"not": "an experiment"}');
}

Deno.test("report: markdown lists every experiment, escapes text, and says what did not run", async () => {
  const dir = await Deno.makeTempDir({ prefix: "ncf_report_" });
  try {
    await writeFixtures(dir);
    const report = await buildReport({
      dir,
      now: new Date("2020-04-26T12:00:00Z"),
      planned: PLANNED,
    });
    assert.deepEqual(report.warnings, []);
    const md = report.markdown;
    const order = [
      "Headline results",
      "Branch prediction",
      "Prefetching",
      "Algorithm classification",
      "Extra experiment",
      "Appendix: setup",
    ]
      .map((h) => md.indexOf(`## ${h}`));
    assert.ok(
      order.every((pos, i) => pos >= 0 && (i === 0 || pos > order[i - 1])),
      `section order ${order}`,
    );
    assert.match(md, /## Prefetching\n\n\*\*not run\*\*/);
    assert.match(md, /\| bzip2 \| NCF \| 3 \| 0\.7000 ± 0\.2000 \| 5\.000 ± 1\.414 \|/);
    assert.match(md, /!\[Branch prediction \(TEST DATA\)\]\(branch_prediction\.png\)/);
    assert.match(md, /\*\*Scale\*\*: test/);
    assert.match(md, /2020-04-26 12:00 UTC/);
    assert.ok(!md.includes("not an experiment"));
    assert.ok(!report.html.includes("<script>"), "HTML is escaped");
    assert.ok(report.html.includes("&lt;script&gt;"));
    assert.equal(
      escapeHtml(`<a href="x">'&'</a>`),
      "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;",
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("report: a broken result file is shown as a problem, not a crash", async () => {
  const dir = await Deno.makeTempDir({ prefix: "ncf_report_" });
  try {
    await Deno.writeTextFile(join(dir, "lead.json"), "{ not json");
    await Deno.writeTextFile(join(dir, "lead.csv"), "wrong,header\n");
    const report = await buildReport({
      dir,
      planned: [{ name: "lead", title: "Snapshot lead", measures: "Fake." }],
    });
    assert.equal(report.warnings.length, 2);
    assert.match(
      report.markdown,
      /## Snapshot lead[^#]*\*\*error\*\* [^\n]*lead\.json is not valid JSON/,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("report: the classifier's named-right and warning rates under its study", async () => {
  const tmp = await Deno.makeTempDir({ prefix: "ncf_report_" });
  const dir = join(tmp, "results");
  try {
    await writeExperimentMeta({
      name: "algorithm_classification",
      title: "Algorithm classification (TEST DATA)",
      measures: "Fake.",
      settings: {},
      claims: [],
      notes: [],
    }, { dir });
    const bundle = join(dir, "algorithms", "classifier");
    await Deno.mkdir(bundle, { recursive: true });
    await Deno.writeTextFile(
      join(bundle, "classifier.json"),
      JSON.stringify({
        warningRates: {
          known: { warned: 0.04, programs: 48, accuracy: 0.625 },
          foreign: { warned: 0.73, programs: 48 },
          measuredOn: "TEST DATA",
        },
      }),
    );
    const md = (await buildReport({ dir })).markdown;
    assert.match(md, /### deno task classify: named right, and its warning/);
    assert.match(md, /\| held-out implementations of the known classes \| 48 \| 4% \| 63% \|/);
    assert.match(md, /\| foreign programs \(none of the classes\) \| 48 \| 73% \| — \|/);
    assert.ok(!md.includes("written outside the corpus"), "no outside programs, no row");
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
});

Deno.test("report CLI: a bad flag exits non-zero with the fix", async () => {
  const cli = new URL("../experiments/run.ts", import.meta.url).pathname;
  const { code, stderr } = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", cli, "report", "--bogus"],
    stdout: "null",
    stderr: "piped",
  }).output();
  assert.equal(code, 2);
  assert.match(new TextDecoder().decode(stderr), /error: .*bogus[\s\S]*fix: see --help/);
});

Deno.test({
  name: "report.html: loads in headless Chromium, images decode, no console errors, no requests",
  // Playwright keeps pipes to the browser it started; they are closed by context.close().
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const installed = await Deno.stat(CHROMIUM).then(() => true, () => false);
    assert.ok(
      installed,
      `${CHROMIUM} is missing: run \`make test\` (it installs chromium) or \`apt-get install chromium\``,
    );
    const dir = await Deno.makeTempDir({ prefix: "ncf_report_" });
    const profile = await Deno.makeTempDir({ prefix: "ncf_chromium_" });
    try {
      await writeFixtures(dir);
      const { htmlPath } = await writeReport({ dir, planned: PLANNED });
      const context = await chromium.launchPersistentContext(profile, {
        executablePath: CHROMIUM,
        headless: true,
        args: CHROMIUM_ARGS,
      });
      try {
        const page = await context.newPage();
        await page.setViewportSize({ width: 1366, height: 768 });
        const pageUrl = `file://${htmlPath}`;
        const errors: string[] = [];
        const requests: string[] = [];
        page.on("console", (msg) => {
          if (msg.type() === "error") errors.push(msg.text());
        });
        page.on("pageerror", (err) => errors.push(err.message));
        page.on("request", (req) => {
          if (req.url() !== pageUrl && !req.url().startsWith("data:")) requests.push(req.url());
        });
        await page.goto(pageUrl, { waitUntil: "load" });
        const images = await page.$$eval(
          "img",
          (imgs) =>
            imgs.map((img) => ({
              complete: img.complete,
              width: img.naturalWidth,
              height: img.naturalHeight,
            })),
        );
        // The headline chart (branch_prediction.png again), then both studies' charts.
        assert.equal(images.length, 3, "every chart is in the page");
        for (const img of images) {
          assert.ok(
            img.complete && img.width > 0 && img.height > 0,
            `image did not decode: ${JSON.stringify(img)}`,
          );
        }
        assert.equal(
          await page.title(),
          "ncf: Learning Execution through Neural Code Fusion, reproduced",
        );
        assert.equal(
          await page.locator("script").count(),
          0,
          "no script element came from the data",
        );
        // The headline, one section per study (three planned, one found), the setup appendix.
        assert.equal(await page.locator("h2").count(), 6);
        const overflow = await page.$eval("html", (html) => html.scrollWidth - html.clientWidth);
        assert.ok(overflow <= 0, `the page scrolls sideways by ${overflow}px at a laptop's width`);
        assert.deepEqual(errors, []);
        assert.deepEqual(requests, []);
      } finally {
        await context.close();
      }
    } finally {
      await Deno.remove(dir, { recursive: true });
      await Deno.remove(profile, { recursive: true });
    }
  },
});
