/**
 * Charts for the experiments, rendered server-side to PNG: bar and line charts
 * with error bars through chart.js on an `@napi-rs/canvas` canvas, and a
 * labelled heatmap (a confusion matrix) drawn straight on the canvas. Every
 * chart is written atomically; a series keeps its colour everywhere (its
 * own, or {@linkcode spareColor} of its label).
 *
 * @module
 */
import { type Canvas, createCanvas, type SKRSContext2D } from "@napi-rs/canvas";
import {
  Chart,
  type ChartConfiguration,
  type ChartItem,
  type Plugin,
  registerables,
} from "chart.js";
import { atomicWriteFile, UserError } from "../common/mod.ts";
import { spareColor, withAlpha } from "./palette.ts";
import type { AggregateRow } from "./results.ts";

Chart.register(...registerables);
Chart.defaults.font.family = "DejaVu Sans";
Chart.defaults.color = "#222";

/** The default chart size in pixels. */
export const DEFAULT_SIZE = { width: 900, height: 500 } as const;

/** One method's values across the categories (or x positions) of a chart. */
export interface ChartSeries {
  /** The method, e.g. `"NCF"`. */
  label: string;
  /** `#rrggbb` (default: {@linkcode spareColor} of the label). */
  color?: string;
  /** One value per category; NaN leaves a gap. */
  values: number[];
  /** Half-length of the error bar per category (e.g. the std over seeds); NaN or absent: no bar. */
  errors?: number[];
}

/** Options shared by every chart. */
export interface ChartBaseOptions {
  /** Title above the chart. */
  title: string;
  /** PNG file to write. */
  out: string;
  /** Width in pixels (default 900). */
  width?: number;
  /** Height in pixels (default 500). */
  height?: number;
}

/** Options of {@linkcode barChart}. */
export interface BarChartOptions extends ChartBaseOptions {
  /** The groups along the x axis, e.g. workloads. */
  categories: string[];
  /** One bar per series in each group, e.g. one per method. */
  series: ChartSeries[];
  /** The y axis title, e.g. `"accuracy (%)"`. */
  yLabel: string;
  /** The x axis title (default none). */
  xLabel?: string;
  /** Lower end of the y axis (default 0). */
  yMin?: number;
  /** Upper end of the y axis (default: fit the data and error bars). */
  yMax?: number;
}

/** Options of {@linkcode lineChart}. */
export interface LineChartOptions extends ChartBaseOptions {
  /** The x positions as labels, e.g. `["0", "bb start", "16", "64"]`. */
  x: string[];
  /** One line per series. */
  series: ChartSeries[];
  /** The y axis title. */
  yLabel: string;
  /** The x axis title, e.g. `"snapshot lead (instructions)"`. */
  xLabel?: string;
  /** Lower end of the y axis (default: fit the data). */
  yMin?: number;
  /** Upper end of the y axis (default: fit the data). */
  yMax?: number;
}

/** Options of {@linkcode heatmap}. */
export interface HeatmapOptions extends ChartBaseOptions {
  /** Row labels, e.g. the true classes. */
  rows: string[];
  /** Column labels, e.g. the predicted classes. */
  cols: string[];
  /** `values[r][c]`, e.g. counts or row-normalised fractions; NaN cells stay grey. */
  values: number[][];
  /** Title of the row axis (default `"true"`). */
  rowLabel?: string;
  /** Title of the column axis (default `"predicted"`). */
  colLabel?: string;
  /** Formats a cell's label (default: integers as is, others with 2 decimals). */
  format?: (value: number) => string;
}

function colorOf(series: ChartSeries): string {
  return series.color ?? spareColor(series.label);
}

function checkSize(options: ChartBaseOptions): { width: number; height: number } {
  const width = options.width ?? DEFAULT_SIZE.width;
  const height = options.height ?? DEFAULT_SIZE.height;
  for (const [name, v] of [["width", width], ["height", height]] as const) {
    if (!Number.isInteger(v) || v < 100 || v > 8000) {
      throw new UserError(
        `chart "${options.title}": ${name} ${v} is out of range`,
        "use an integer from 100 to 8000 pixels",
      );
    }
  }
  return { width, height };
}

function checkSeries(title: string, positions: number, series: readonly ChartSeries[]): void {
  if (positions === 0) {
    throw new UserError(
      `chart "${title}" has no categories`,
      "pass at least one category / x label",
    );
  }
  if (series.length === 0) {
    throw new UserError(`chart "${title}" has no series`, "pass at least one series");
  }
  for (const s of series) {
    if (s.values.length !== positions || (s.errors && s.errors.length !== positions)) {
      throw new UserError(
        `chart "${title}", series ${s.label}: ${s.values.length} values and ${
          s.errors?.length ?? "no"
        } errors ` +
          `for ${positions} categories`,
        "give each series one value (and one error) per category",
      );
    }
  }
}

/** chart.js wants `null` for a gap. */
function gapsToNull(values: readonly number[]): (number | null)[] {
  return values.map((v) => (Number.isFinite(v) ? v : null));
}

/** The lowest and highest ends of values +- errors, for the axis range. */
function extent(series: readonly ChartSeries[]): { lo: number; hi: number } {
  let lo = Infinity;
  let hi = -Infinity;
  for (const s of series) {
    s.values.forEach((v, i) => {
      if (!Number.isFinite(v)) return;
      const e = s.errors && Number.isFinite(s.errors[i]) ? s.errors[i] : 0;
      lo = Math.min(lo, v - e);
      hi = Math.max(hi, v + e);
    });
  }
  return Number.isFinite(lo) ? { lo, hi } : { lo: 0, hi: 1 };
}

/** Paints the canvas white first: PNGs are otherwise transparent. */
const whiteBackground: Plugin = {
  id: "ncfWhiteBackground",
  beforeDraw(chart) {
    const { ctx, width, height } = chart;
    ctx.save();
    ctx.fillStyle = "#ffffff";
    ctx.fillRect(0, 0, width, height);
    ctx.restore();
  },
};

/** Draws value +- error as a vertical bar with caps over each bar or point (chart.js has none). */
function errorBarsPlugin(series: readonly ChartSeries[], style: "bar" | "line"): Plugin {
  return {
    id: "ncfErrorBars",
    afterDatasetsDraw(chart) {
      const { ctx } = chart;
      const yScale = chart.scales.y;
      ctx.save();
      ctx.lineWidth = 1.5;
      series.forEach((s, i) => {
        const meta = chart.getDatasetMeta(i);
        if (!s.errors || meta.hidden) return;
        ctx.strokeStyle = style === "bar" ? "#333333" : colorOf(s);
        meta.data.forEach((element, j) => {
          const value = s.values[j];
          const error = s.errors![j];
          if (!Number.isFinite(value) || !Number.isFinite(error) || error <= 0) return;
          const { x, width } = element.getProps(["x", "width"], true) as {
            x: number;
            width?: number;
          };
          const top = yScale.getPixelForValue(value + error);
          const bottom = yScale.getPixelForValue(value - error);
          const cap = Math.max(3, Math.min(8, (width ?? 12) * 0.3));
          ctx.beginPath();
          ctx.moveTo(x, top);
          ctx.lineTo(x, bottom);
          ctx.moveTo(x - cap, top);
          ctx.lineTo(x + cap, top);
          ctx.moveTo(x - cap, bottom);
          ctx.lineTo(x + cap, bottom);
          ctx.stroke();
        });
      });
      ctx.restore();
    },
  };
}

async function writePng(canvas: Canvas, out: string): Promise<string> {
  const png = await canvas.encode("png");
  await atomicWriteFile(out, new Uint8Array(png.buffer, png.byteOffset, png.byteLength));
  return out;
}

/** Renders a chart.js configuration to `out` at the given size. */
async function renderChart(
  config: ChartConfiguration,
  size: { width: number; height: number },
  out: string,
) {
  const canvas = createCanvas(size.width, size.height);
  // chart.js accepts any object with a 2-D context; the napi-rs context is one, typed differently.
  const chart = new Chart(canvas.getContext("2d") as unknown as ChartItem, config);
  try {
    return await writePng(canvas, out);
  } finally {
    chart.destroy();
  }
}

/** Options every chart.js chart here shares: static rendering, title, legend, axes titles. */
function commonOptions(title: string, xLabel: string | undefined) {
  return {
    animation: false as const,
    responsive: false,
    devicePixelRatio: 1,
    plugins: {
      title: { display: true, text: title, font: { size: 16, weight: "bold" as const } },
      legend: { position: "top" as const },
    },
    scales: {
      x: { title: { display: xLabel !== undefined, text: xLabel ?? "" }, grid: { display: false } },
    },
  };
}

/**
 * A grouped bar chart (e.g. workloads x methods) with error bars, written as a
 * PNG to `options.out`. Returns the path.
 *
 * @throws {UserError} when a series does not have one value per category, or the size is invalid.
 */
export async function barChart(options: BarChartOptions): Promise<string> {
  const size = checkSize(options);
  checkSeries(options.title, options.categories.length, options.series);
  const { lo, hi } = extent(options.series);
  const common = commonOptions(options.title, options.xLabel);
  const config: ChartConfiguration = {
    type: "bar",
    data: {
      labels: options.categories,
      datasets: options.series.map((s) => ({
        label: s.label,
        data: gapsToNull(s.values),
        backgroundColor: colorOf(s),
        borderColor: colorOf(s),
        borderWidth: 1,
      })),
    },
    options: {
      ...common,
      scales: {
        ...common.scales,
        y: {
          min: options.yMin ?? Math.min(0, lo),
          max: options.yMax,
          suggestedMax: hi,
          title: { display: true, text: options.yLabel },
        },
      },
    },
    plugins: [whiteBackground, errorBarsPlugin(options.series, "bar")],
  };
  return await renderChart(config, size, options.out);
}

/**
 * A line chart over labelled x positions (e.g. accuracy vs snapshot lead), one
 * line per series with error bars, written as a PNG to `options.out`. Returns the path.
 *
 * @throws {UserError} when a series does not have one value per x label, or the size is invalid.
 */
export async function lineChart(options: LineChartOptions): Promise<string> {
  const size = checkSize(options);
  checkSeries(options.title, options.x.length, options.series);
  const { lo, hi } = extent(options.series);
  const common = commonOptions(options.title, options.xLabel);
  const config: ChartConfiguration = {
    type: "line",
    data: {
      labels: options.x,
      datasets: options.series.map((s) => ({
        label: s.label,
        data: gapsToNull(s.values),
        borderColor: colorOf(s),
        backgroundColor: withAlpha(colorOf(s), 0.8),
        borderWidth: 2,
        pointRadius: 4,
        spanGaps: false,
      })),
    },
    options: {
      ...common,
      scales: {
        ...common.scales,
        x: { ...common.scales.x, offset: true },
        y: {
          min: options.yMin,
          max: options.yMax,
          suggestedMin: lo,
          suggestedMax: hi,
          title: { display: true, text: options.yLabel },
        },
      },
    },
    plugins: [whiteBackground, errorBarsPlugin(options.series, "line")],
  };
  return await renderChart(config, size, options.out);
}

/** The default cell label: integers as is, other numbers with 2 decimals. */
function defaultCellFormat(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toFixed(2);
}

/** White -> dark blue for t in [0, 1]. */
function heatColor(t: number): string {
  const from = [247, 251, 255];
  const to = [8, 48, 107];
  const c = from.map((f, i) => Math.round(f + (to[i] - f) * Math.min(1, Math.max(0, t))));
  return `rgb(${c[0]}, ${c[1]}, ${c[2]})`;
}

/** Draws `text` at most `maxWidth` wide, shortened with an ellipsis. */
function fitText(ctx: SKRSContext2D, text: string, maxWidth: number): string {
  if (ctx.measureText(text).width <= maxWidth) return text;
  let cut = text;
  while (cut.length > 1 && ctx.measureText(cut + "…").width > maxWidth) cut = cut.slice(0, -1);
  return cut + "…";
}

/**
 * A heatmap (e.g. a confusion matrix): one coloured, labelled cell per value,
 * row and column labels, and a colour scale; written as a PNG to
 * `options.out`. Returns the path.
 *
 * @throws {UserError} when `values` is not rows x cols, or the size is invalid.
 */
export async function heatmap(options: HeatmapOptions): Promise<string> {
  const { width, height } = checkSize(options);
  const { rows, cols, values, title } = options;
  if (rows.length === 0 || cols.length === 0) {
    throw new UserError(
      `heatmap "${title}" has no rows or no columns`,
      "pass at least one row and one column label",
    );
  }
  if (values.length !== rows.length || values.some((r) => r.length !== cols.length)) {
    throw new UserError(
      `heatmap "${title}": values are not ${rows.length} rows x ${cols.length} columns`,
      "give values[r][c] for every row and column label",
    );
  }
  const format = options.format ?? defaultCellFormat;
  const finite = values.flat().filter(Number.isFinite);
  const lo = Math.min(0, ...finite);
  const hi = Math.max(lo + 1e-12, ...finite);

  const canvas = createCanvas(width, height);
  const ctx = canvas.getContext("2d");
  ctx.fillStyle = "#ffffff";
  ctx.fillRect(0, 0, width, height);
  const font = (px: number, bold = false) => `${bold ? "bold " : ""}${px}px DejaVu Sans`;

  // Layout: title on top, row labels left, column labels below, colour scale right.
  const titleHeight = 40;
  const scaleWidth = 70;
  const axisTitle = 22;
  ctx.font = font(12);
  const rowLabelWidth = Math.min(
    width * 0.3,
    Math.max(...rows.map((r) => ctx.measureText(r).width)) + 10,
  );
  const colLabelMax = Math.max(...cols.map((c) => ctx.measureText(c).width));
  const gridLeft = axisTitle + rowLabelWidth;
  const gridWidth = width - gridLeft - scaleWidth;
  const cellWidth = gridWidth / cols.length;
  const rotate = colLabelMax + 6 > cellWidth;
  const colLabelHeight = Math.min(height * 0.3, rotate ? colLabelMax * Math.SQRT1_2 + 16 : 20);
  const gridTop = titleHeight;
  const gridHeight = height - gridTop - colLabelHeight - axisTitle;
  const cellHeight = gridHeight / rows.length;
  if (cellWidth < 2 || cellHeight < 2) {
    throw new UserError(
      `heatmap "${title}": ${rows.length} x ${cols.length} cells do not fit in ${width} x ${height} pixels`,
      "make the chart larger",
    );
  }

  ctx.fillStyle = "#222222";
  ctx.textAlign = "center";
  ctx.textBaseline = "middle";
  ctx.font = font(16, true);
  ctx.fillText(fitText(ctx, title, width - 20), width / 2, titleHeight / 2);

  // Cells, labelled when they are big enough to read.
  const cellFont = Math.max(
    8,
    Math.min(14, Math.floor(Math.min(cellHeight * 0.45, cellWidth / 4))),
  );
  ctx.font = font(cellFont);
  rows.forEach((_, r) => {
    cols.forEach((_, c) => {
      const v = values[r][c];
      const x = gridLeft + c * cellWidth;
      const y = gridTop + r * cellHeight;
      const t = (v - lo) / (hi - lo);
      ctx.fillStyle = Number.isFinite(v) ? heatColor(t) : "#cccccc";
      ctx.fillRect(x, y, cellWidth, cellHeight);
      ctx.strokeStyle = "#ffffff";
      ctx.strokeRect(x, y, cellWidth, cellHeight);
      if (Number.isFinite(v) && cellHeight >= 12 && cellWidth >= 16) {
        ctx.fillStyle = t > 0.5 ? "#ffffff" : "#222222";
        ctx.fillText(fitText(ctx, format(v), cellWidth - 2), x + cellWidth / 2, y + cellHeight / 2);
      }
    });
  });

  // Row labels, right-aligned against the grid.
  ctx.fillStyle = "#222222";
  ctx.font = font(12);
  ctx.textAlign = "right";
  rows.forEach((label, r) => {
    ctx.fillText(
      fitText(ctx, label, rowLabelWidth - 8),
      gridLeft - 6,
      gridTop + (r + 0.5) * cellHeight,
    );
  });
  // Column labels: straight when they fit, else at 45 degrees.
  cols.forEach((label, c) => {
    const x = gridLeft + (c + 0.5) * cellWidth;
    const y = gridTop + gridHeight + 6;
    if (rotate) {
      ctx.save();
      ctx.translate(x, y);
      ctx.rotate(-Math.PI / 4);
      ctx.textAlign = "right";
      ctx.textBaseline = "middle";
      ctx.fillText(fitText(ctx, label, (colLabelHeight - 10) * Math.SQRT2), 0, 0);
      ctx.restore();
    } else {
      ctx.textAlign = "center";
      ctx.textBaseline = "top";
      ctx.fillText(label, x, y);
    }
  });

  // Axis titles.
  ctx.font = font(13, true);
  ctx.textAlign = "center";
  ctx.textBaseline = "middle";
  ctx.fillText(options.colLabel ?? "predicted", gridLeft + gridWidth / 2, height - axisTitle / 2);
  ctx.save();
  ctx.translate(axisTitle / 2, gridTop + gridHeight / 2);
  ctx.rotate(-Math.PI / 2);
  ctx.fillText(options.rowLabel ?? "true", 0, 0);
  ctx.restore();

  // Colour scale: a vertical gradient with its end values.
  const barX = width - scaleWidth + 16;
  const barWidth = 14;
  const gradient = ctx.createLinearGradient(0, gridTop + gridHeight, 0, gridTop);
  for (let i = 0; i <= 10; i++) gradient.addColorStop(i / 10, heatColor(i / 10));
  ctx.fillStyle = gradient;
  ctx.fillRect(barX, gridTop, barWidth, gridHeight);
  ctx.strokeStyle = "#888888";
  ctx.strokeRect(barX, gridTop, barWidth, gridHeight);
  ctx.fillStyle = "#222222";
  ctx.font = font(11);
  ctx.textAlign = "left";
  ctx.textBaseline = "top";
  ctx.fillText(format(hi), barX + barWidth + 4, gridTop);
  ctx.textBaseline = "bottom";
  ctx.fillText(format(lo), barX + barWidth + 4, gridTop + gridHeight);

  return await writePng(canvas, options.out);
}

/** Options of {@linkcode seriesFromAggregates}. */
export interface SeriesFromAggregatesOptions {
  /** Workloads to show, in order (default: all, in table order). */
  workloads?: string[];
  /** Methods to show, in order (default: all, in table order). */
  methods?: string[];
  /** Multiplier for values and errors, e.g. 100 for percentages (default 1). */
  scale?: number;
  /** The colour of a method's series (default: none of its own, see {@linkcode ChartSeries.color}). */
  colorOf?: (method: string) => string | undefined;
}

/**
 * Turns a results table's mean/std rows into {@linkcode barChart} input: the
 * workloads as categories, one series per method with the std as error bars.
 * A missing workload x method is a gap (NaN).
 */
export function seriesFromAggregates(
  aggregates: readonly AggregateRow[],
  metric: string,
  options: SeriesFromAggregatesOptions = {},
): { categories: string[]; series: ChartSeries[] } {
  const scale = options.scale ?? 1;
  const categories = options.workloads ?? [...new Set(aggregates.map((a) => a.workload))];
  const methods = options.methods ?? [...new Set(aggregates.map((a) => a.method))];
  const series = methods.map((method) => {
    const cells = categories.map((w) =>
      aggregates.find((a) => a.workload === w && a.method === method)
    );
    return {
      label: method,
      color: options.colorOf?.(method),
      values: cells.map((a) => (a?.mean[metric] ?? NaN) * scale),
      errors: cells.map((a) => (a?.std[metric] ?? NaN) * scale),
    };
  });
  return { categories, series };
}
