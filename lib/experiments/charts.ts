/**
 * A study's charts drawn from its results table: bars per workload and method, lines over a
 * sequence of methods (a snapshot lead, a data size) with flat reference lines, or a study's own
 * drawing. Every method keeps its colour (`methods.ts`).
 *
 * @module
 */
import { barChart, lineChart, mean, sampleStd, seriesFromAggregates } from "../report/mod.ts";
import { colorOfLabel, label, method } from "./methods.ts";
import { ALL_WORKLOADS } from "./pooling.ts";
import type { BarChartSpec, ChartSpec, LineChartSpec, LineSeries, ResultInput } from "./study.ts";

type Input = ResultInput<unknown, unknown, unknown>;

/** Draws one chart spec into `out`; returns `out`. */
export async function drawChart<I extends Input>(
  chart: ChartSpec<I>,
  input: I,
  out: string,
): Promise<string> {
  if (chart.kind === "custom") await chart.draw(input, out);
  else if (chart.kind === "line") await drawLine(chart, input, out);
  else await drawBars(chart, input, out);
  return out;
}

async function drawBars(chart: BarChartSpec, input: Input, out: string): Promise<void> {
  const all = input.table.workloads();
  const workloads = [
    ...all.filter((w) => w !== ALL_WORKLOADS),
    ...all.filter((w) => w === ALL_WORKLOADS),
  ];
  await barChart({
    title: chart.title,
    out,
    ...seriesFromAggregates(input.table.aggregates, chart.metric, {
      workloads,
      scale: chart.scale ?? 1,
      colorOf: colorOfLabel,
    }),
    yLabel: chart.yLabel,
    yMin: 0,
    yMax: chart.yMax,
    width: chart.width,
  });
}

async function drawLine<I extends Input>(
  chart: LineChartSpec<I>,
  input: I,
  out: string,
): Promise<void> {
  const x = chart.x(input);
  const values = (id: string, metric: string, flip?: boolean) =>
    input.table.values(ALL_WORKLOADS, id, metric).map((v) =>
      (chart.scale ?? 100) * (flip ? 1 - v : v)
    );
  await lineChart({
    title: chart.title,
    out,
    x: x.map((p) => p.label),
    series: chart.series.map((s) => {
      if (s.method) {
        const flat = mean(values(s.method, s.metric, s.flip));
        return {
          label: s.label,
          values: x.map(() => flat),
          color: s.color ?? method(s.method).color,
        };
      }
      const points = x.map((p) => values(p.method, s.metric, s.flip));
      return {
        label: s.label,
        values: points.map(mean),
        errors: points.map(sampleStd),
        color: s.color,
      };
    }),
    yLabel: chart.yLabel,
    xLabel: chart.xLabel,
  });
}

/** The two charts of a study of GNN variants: branch misprediction rate and next-address line accuracy. */
export function gnnCharts(what: string, per: string): BarChartSpec[] {
  return [
    {
      kind: "bar",
      metric: "branch_misprediction_rate",
      scale: 100,
      title: `${what}: branch misprediction rate (mean ± std over seeds)`,
      yLabel: "misprediction rate (%)",
      caption: `Branch misprediction rate per workload and ${per}.`,
    },
    {
      kind: "bar",
      suffix: "_address",
      metric: "address_line_accuracy",
      scale: 100,
      title: `${what}: next-address line accuracy (mean ± std over seeds)`,
      yLabel: "line accuracy (%)",
      caption: `Next-address line accuracy per workload and ${per}.`,
    },
  ];
}

/**
 * The series of a line chart of GNN variants along x: branch accuracy and next-address line
 * accuracy of the method at each position, and the same two of `flat` (a method x does not apply
 * to) as flat lines.
 */
export function gnnLineSeries(flat: string): LineSeries[] {
  const [branch, line] = ["branch_misprediction_rate", "address_line_accuracy"];
  return [
    { label: "branch accuracy (%)", metric: branch, flip: true, color: "#d62728" },
    { label: "address line accuracy (%)", metric: line, color: "#1f77b4" },
    { label: `${label(flat)} branch accuracy (%)`, metric: branch, flip: true, method: flat },
    { label: `${label(flat)} line accuracy (%)`, metric: line, method: flat, color: "#aec7e8" },
  ];
}
