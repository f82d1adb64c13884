/**
 * Pooling per-workload rows into one row per method and seed over every
 * workload (workload `all`): rates are weighted by the instances they were
 * measured on, counts are summed. Each metric column says how it pools.
 *
 * @module
 */
import type { ResultRow } from "../report/mod.ts";

/** Pseudo-workload of the pooled instances of every workload. */
export const ALL_WORKLOADS = "all";

/** A metric column of a study's results. */
export interface MetricColumn {
  name: string;
  /**
   * How the pooled row gets it: `sum` over workloads, or the mean weighted by a weight of each row
   * (a metric, or one of the row's {@linkcode ResultRow.weights}). Absent: not pooled.
   */
  pool?: "sum" | { weight: string };
  /** Shown in the report's table (default true). */
  report?: boolean;
}

/** A per-workload row, and the weights it pools with (not written to the CSV). */
export interface PoolableRow extends ResultRow {
  weights?: Record<string, number>;
}

/**
 * One row per method and seed with workload {@linkcode ALL_WORKLOADS}, pooling the rows of every
 * workload (rows already named `all` are left out) by each column's rule. A row without a metric
 * (or without its weight) does not count for it; a pooled metric no row has is left out.
 */
export function poolRows(
  rows: readonly PoolableRow[],
  columns: readonly MetricColumn[],
): ResultRow[] {
  const groups = new Map<string, PoolableRow[]>();
  for (const row of rows) {
    if (row.workload === ALL_WORKLOADS) continue;
    const key = JSON.stringify([row.method, row.seed]);
    groups.set(key, [...(groups.get(key) ?? []), row]);
  }
  const pooled: ResultRow[] = [];
  for (const group of groups.values()) {
    const metrics: Record<string, number> = {};
    for (const column of columns) {
      const value = poolColumn(group, column);
      if (value !== undefined) metrics[column.name] = value;
    }
    if (Object.keys(metrics).length > 0) {
      pooled.push({
        workload: ALL_WORKLOADS,
        method: group[0].method,
        seed: group[0].seed,
        metrics,
      });
    }
  }
  return pooled;
}

function poolColumn(group: readonly PoolableRow[], column: MetricColumn): number | undefined {
  if (!column.pool) return undefined;
  const present = group.filter((r) => r.metrics[column.name] !== undefined);
  if (present.length === 0) return undefined;
  if (column.pool === "sum") return present.reduce((s, r) => s + r.metrics[column.name], 0);
  const { weight } = column.pool;
  let total = 0, sum = 0;
  for (const row of present) {
    const w = row.weights?.[weight] ?? row.metrics[weight];
    if (w === undefined) continue;
    total += w;
    sum += w * row.metrics[column.name];
  }
  return total > 0 ? sum / total : undefined;
}

/** The rows without their pooling weights (what the CSV holds). */
export function withoutWeights(rows: readonly PoolableRow[]): ResultRow[] {
  return rows.map(({ workload, method, seed, metrics }) => ({ workload, method, seed, metrics }));
}
