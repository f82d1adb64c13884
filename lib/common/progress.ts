/**
 * A progress bar for long work: count, rate and ETA on standard error.
 *
 * On a terminal it redraws one line; elsewhere (CI logs, files) it prints a
 * plain line at most every {@linkcode ProgressOptions.logEveryMs} ms.
 *
 * @module
 */

/** Options of a {@linkcode Progress}. */
export interface ProgressOptions {
  /** What is being done, e.g. `"train branch"`. */
  label: string;
  /** Total units of work, if known (enables the bar and the ETA). */
  total?: number;
  /** Name of a unit, e.g. `"graphs"` (default `"items"`). */
  unit?: string;
  /** Minimum time between two non-terminal log lines (default 10000 ms). */
  logEveryMs?: number;
  /** Suppress all output (for tests). */
  quiet?: boolean;
}

const encoder = new TextEncoder();

function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return "?";
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, "0")}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, "0")}m`;
}

function formatCount(n: number): string {
  if (n >= 1e9) return `${(n / 1e9).toFixed(2)}G`;
  if (n >= 1e6) return `${(n / 1e6).toFixed(2)}M`;
  if (n >= 1e4) return `${(n / 1e3).toFixed(1)}k`;
  return String(Math.round(n * 100) / 100);
}

/** A progress bar with rate and ETA. Call {@linkcode Progress.tick} as work is done. */
export class Progress {
  #opts: Required<Omit<ProgressOptions, "total">> & { total?: number };
  #done = 0;
  #start = performance.now();
  #lastDraw = 0;
  #isTty = Deno.stderr.isTerminal();

  constructor(options: ProgressOptions) {
    this.#opts = { unit: "items", logEveryMs: 10_000, quiet: false, ...options };
  }

  /** Units done so far. */
  get done(): number {
    return this.#done;
  }

  /** Records `n` more units done (default 1) and redraws if it is time. */
  tick(n = 1): void {
    this.#done += n;
    const now = performance.now();
    const every = this.#isTty ? 200 : this.#opts.logEveryMs;
    if (now - this.#lastDraw >= every) {
      this.#lastDraw = now;
      this.#draw(false);
    }
  }

  /** Ends the bar, with an optional message (e.g. where the output went). */
  finish(message?: string): void {
    this.#draw(true);
    if (message && !this.#opts.quiet) console.error(message);
  }

  #line(): string {
    const { label, total, unit } = this.#opts;
    const elapsed = (performance.now() - this.#start) / 1000;
    const rate = elapsed > 0 ? this.#done / elapsed : 0;
    const rateText = `${formatCount(rate)} ${unit}/s`;
    if (total === undefined || total <= 0) {
      return `${label}: ${formatCount(this.#done)} ${unit}, ${rateText}, ${
        formatDuration(elapsed)
      }`;
    }
    const frac = Math.min(1, this.#done / total);
    const width = 24;
    const filled = Math.round(frac * width);
    const bar = "#".repeat(filled) + "-".repeat(width - filled);
    const eta = rate > 0 ? (total - this.#done) / rate : Infinity;
    return `${label} [${bar}] ${(frac * 100).toFixed(0).padStart(3)}% ` +
      `${formatCount(this.#done)}/${formatCount(total)} ${unit}, ${rateText}, ` +
      `ETA ${formatDuration(eta)}`;
  }

  #draw(final: boolean): void {
    if (this.#opts.quiet) return;
    const line = this.#line();
    if (this.#isTty) {
      Deno.stderr.writeSync(encoder.encode(`\r\x1b[K${line}${final ? "\n" : ""}`));
    } else {
      console.error(line);
    }
  }
}
