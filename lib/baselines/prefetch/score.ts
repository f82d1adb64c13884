/**
 * Runs next-address predictors over a load stream and scores them on its
 * test part: the online predictors together in one pass (the stream is
 * decoded once for all of them), the LSTM with its own train and predict
 * passes.
 *
 * @module
 */
import { Progress, UserError } from "../../common/mod.ts";
import { openTrace, type TraceFile } from "../../trace/mod.ts";
import { type LoadStream, loadStreamFromTrace } from "./loads.ts";
import {
  type LstmOptions,
  type LstmTrainingStats,
  LstmVocabularyBuilder,
  trainAddressLstm,
} from "./lstm.ts";
import { type AddressPredictor, growToFit } from "./predictor.ts";
import {
  ADDRESS_PREDICTOR_NAMES,
  type AddressPredictorOptions,
  createAddressPredictor,
  LSTM_PREDICTOR,
} from "./registry.ts";
import { type AddressScore, AddressScoreboard } from "./scoreboard.ts";

/** Options of {@linkcode scoreAddressStream}. */
export interface ScoreAddressStreamOptions {
  loads: LoadStream;
  /** Predictor names (see `ADDRESS_PREDICTOR_NAMES`), scored in this order. */
  predictors: string[];
  /** First instruction count of the test part; earlier loads train and warm up. */
  testFrom: number;
  /** Options per online predictor name, e.g. `{ stride: { entries: 1024 } }`. */
  predictorOptions?: Record<string, AddressPredictorOptions>;
  /** Options of the LSTM (its `quiet` defaults to this call's `quiet`). */
  lstm?: LstmOptions;
  /**
   * Load executions, named by site and icount (as the GNN dataset's instance
   * table names them), at which to return every predictor's prediction, so
   * that another model can be compared on exactly the same instances. The
   * LSTM predicts only in the test part (NaN before it).
   */
  recordAt?: LoadExecutions;
  /** No progress bars (default false). */
  quiet?: boolean;
}

/** Load executions, row by row: the execution of `site[i]` at instruction count `icount[i]`. */
export interface LoadExecutions {
  site: ArrayLike<number>;
  icount: ArrayLike<number>;
}

/** Predictions at the executions asked for with `recordAt`, in the order asked. */
export interface RecordedPredictions {
  site: Uint32Array;
  icount: Float64Array;
  /** Address of the execution. */
  addr: Float64Array;
  /** Address of the site's next execution (NaN if it never executes again). */
  nextAddr: Float64Array;
  /** Per predictor name, the predicted next address (NaN = no prediction). */
  predictions: Record<string, Float64Array>;
}

/** What {@linkcode scoreAddressStream} returns. */
export interface AddressScoreReport {
  testFrom: number;
  /** Loads in the stream. */
  loads: number;
  /** Loads with `icount >= testFrom`. */
  testLoads: number;
  /** One score per requested predictor, in the requested order. */
  scores: AddressScore[];
  /** How the LSTM trained, if it ran. */
  lstmTraining?: LstmTrainingStats;
  /** Present when `recordAt` was given. */
  recorded?: RecordedPredictions;
}

function checkPredictorNames(names: string[]): void {
  if (names.length === 0) {
    throw new UserError(
      "no address predictor chosen",
      `name one or more of: ${ADDRESS_PREDICTOR_NAMES.join(", ")}`,
    );
  }
  const seen = new Set<string>();
  for (const name of names) {
    if (!ADDRESS_PREDICTOR_NAMES.includes(name)) {
      throw new UserError(
        `unknown address predictor "${name}"`,
        `use one of: ${ADDRESS_PREDICTOR_NAMES.join(", ")}`,
      );
    }
    if (seen.has(name)) {
      throw new UserError(`address predictor "${name}" is named twice`, "name each predictor once");
    }
    seen.add(name);
  }
}

/**
 * Scores `predictors` on the test part of `loads`: every test execution of
 * a load site that has a next execution is one instance.
 */
export async function scoreAddressStream(
  options: ScoreAddressStreamOptions,
): Promise<AddressScoreReport> {
  const { loads, predictors, testFrom, quiet = false } = options;
  checkPredictorNames(predictors);
  if (!Number.isFinite(testFrom) || testFrom < 0) {
    throw new UserError(
      `testFrom must be an instruction count (>= 0), got ${testFrom}`,
      "pass the split point as a number",
    );
  }
  const online = predictors.filter((name) => name !== LSTM_PREDICTOR)
    .map((name) => createAddressPredictor(name, options.predictorOptions?.[name]));
  const boards = new Map<string, AddressScoreboard>(
    predictors.map((name) => [name, new AddressScoreboard()]),
  );
  const wantLstm = predictors.includes(LSTM_PREDICTOR);
  const vocabulary = wantLstm ? new LstmVocabularyBuilder() : undefined;
  const recording = options.recordAt ? new Recorder(options.recordAt, predictors) : undefined;

  const onlineBoards = online.map((p) => boards.get(p.name)!);
  const progress = new Progress({
    label: `address baselines (${online.map((p) => p.name).join(", ") || "vocabulary"})`,
    total: loads.instructions || undefined,
    unit: loads.instructions ? "instr" : "batches",
    quiet,
  });
  let loadCount = 0;
  let testLoads = 0;
  let lastIcount = 0;
  for await (const batch of loads.batches()) {
    for (let i = 0; i < batch.length; i++) {
      const site = batch.site[i];
      const addr = batch.addr[i];
      const scored = batch.icount[i] >= testFrom;
      if (scored) testLoads++;
      else vocabulary?.observe(site, addr);
      const row = recording?.rowOf(site, batch.icount[i], addr) ?? -1;
      for (let p = 0; p < online.length; p++) {
        const prediction = online[p].access(site, batch.pc[i], addr);
        onlineBoards[p].observe(site, addr, prediction, scored);
        if (row >= 0) recording!.store(online[p].name, row, prediction);
      }
    }
    loadCount += batch.length;
    if (loads.instructions) {
      const icount = batch.icount[batch.length - 1];
      progress.tick(icount - lastIcount);
      lastIcount = icount;
    } else progress.tick();
  }
  progress.finish();
  recording?.checkAllFound();
  if (testLoads === 0) {
    throw new UserError(
      `the test part is empty: no load has an instruction count >= ${testFrom}`,
      "choose an earlier split point (testFrom)",
    );
  }

  let lstmTraining: LstmTrainingStats | undefined;
  if (vocabulary) {
    const lstmOptions = { quiet, ...options.lstm };
    const model = await trainAddressLstm({
      loads,
      testFrom,
      vocabulary: vocabulary.build(lstmOptions),
      ...lstmOptions,
    });
    try {
      const board = boards.get(LSTM_PREDICTOR)!;
      const lstmRecording = recording?.lstmRecorder();
      await model.predict({
        loads,
        testFrom,
        onLoad: (site, addr, icount, prediction) => {
          board.observe(site, addr, prediction, true);
          lstmRecording?.(site, icount, prediction);
        },
      });
      lstmTraining = model.training;
    } finally {
      model.dispose();
    }
  }

  const storage = new Map<string, number | undefined>(
    online.map((p: AddressPredictor) => [p.name, p.storageBits]),
  );
  return {
    testFrom,
    loads: loadCount,
    testLoads,
    scores: predictors.map((name) => boards.get(name)!.result(name, storage.get(name))),
    ...(lstmTraining ? { lstmTraining } : {}),
    ...(recording ? { recorded: recording.recorded } : {}),
  };
}

/** Options of {@linkcode scoreAddressPredictors}: a trace in place of the load stream. */
export interface ScoreAddressPredictorsOptions extends Omit<ScoreAddressStreamOptions, "loads"> {
  /** A trace file's path, or a trace opened with `openTrace`. */
  trace: string | TraceFile;
}

/**
 * Scores `predictors` on the test part (`icount >= testFrom`) of a trace:
 * {@linkcode scoreAddressStream} over the trace's loads.
 */
export async function scoreAddressPredictors(
  options: ScoreAddressPredictorsOptions,
): Promise<AddressScoreReport> {
  const { trace, ...rest } = options;
  const file = typeof trace === "string" ? await openTrace(trace) : trace;
  return scoreAddressStream({ ...rest, loads: await loadStreamFromTrace(file) });
}

/**
 * Finds asked-for executions in a stream that runs in icount order: the
 * requests are sorted by icount and a cursor follows the stream.
 */
class ExecutionCursor {
  readonly #site: Uint32Array;
  readonly #icount: Float64Array;
  /** Request rows sorted by icount, then site. */
  readonly #order: Uint32Array;
  readonly #found: Uint8Array;
  #cursor = 0;

  constructor(site: Uint32Array, icount: Float64Array) {
    this.#site = site;
    this.#icount = icount;
    this.#order = Uint32Array.from({ length: site.length }, (_, i) => i)
      .sort((a, b) => icount[a] - icount[b] || site[a] - site[b]);
    this.#found = new Uint8Array(site.length);
  }

  /** The first request row that is still missing, or -1 (rows before the cursor only). */
  firstMissed(): number {
    for (let k = 0; k < this.#cursor; k++) {
      if (!this.#found[this.#order[k]]) return this.#order[k];
    }
    return -1;
  }

  /** The request row of this execution, or -1; executions must come in icount order. */
  match(site: number, icount: number): number {
    const order = this.#order;
    while (this.#cursor < order.length && this.#icount[order[this.#cursor]] < icount) {
      this.#cursor++;
    }
    for (let k = this.#cursor; k < order.length && this.#icount[order[k]] === icount; k++) {
      const row = order[k];
      if (this.#site[row] === site && !this.#found[row]) {
        this.#found[row] = 1;
        return row;
      }
    }
    return -1;
  }

  /** Moves past every request (at the end of the stream). */
  finish(): void {
    this.#cursor = this.#order.length;
  }
}

/** Collects predictions at chosen load executions during the passes. */
class Recorder {
  readonly recorded: RecordedPredictions;
  #pendingRow = new Int32Array(0);
  readonly #cursor: ExecutionCursor;

  constructor(at: LoadExecutions, predictors: string[]) {
    const n = at.site.length;
    if (at.icount.length !== n) {
      throw new UserError(
        `recordAt has ${n} sites but ${at.icount.length} icounts`,
        "give one site and one icount per execution",
      );
    }
    this.recorded = {
      site: Uint32Array.from(at.site),
      icount: Float64Array.from(at.icount),
      addr: new Float64Array(n).fill(NaN),
      nextAddr: new Float64Array(n).fill(NaN),
      predictions: Object.fromEntries(
        predictors.map((name) => [name, new Float64Array(n).fill(NaN)]),
      ),
    };
    this.#cursor = new ExecutionCursor(this.recorded.site, this.recorded.icount);
  }

  /** Fills the pending next address of `site`; returns this execution's row if it was asked for, else -1. */
  rowOf(site: number, icount: number, addr: number): number {
    if (site >= this.#pendingRow.length) this.#pendingRow = growToFit(this.#pendingRow, site, -1);
    const pending = this.#pendingRow[site];
    if (pending >= 0) {
      this.recorded.nextAddr[pending] = addr;
      this.#pendingRow[site] = -1;
    }
    const row = this.#cursor.match(site, icount);
    if (row >= 0) {
      this.recorded.addr[row] = addr;
      this.#pendingRow[site] = row;
    }
    return row;
  }

  store(predictor: string, row: number, prediction: number | undefined): void {
    if (prediction !== undefined) this.recorded.predictions[predictor][row] = prediction;
  }

  /** Throws unless every asked-for execution was seen. */
  checkAllFound(): void {
    this.#cursor.finish();
    const missed = this.#cursor.firstMissed();
    if (missed >= 0) {
      throw new UserError(
        `recordAt row ${missed} (site ${this.recorded.site[missed]} at icount ${
          this.recorded.icount[missed]
        }) is not a load execution of this stream (or is named twice)`,
        "ask only for load executions of this trace, each once",
      );
    }
  }

  /** A recorder for the LSTM's pass, which sees only test loads. */
  lstmRecorder(): (site: number, icount: number, prediction: number | undefined) => void {
    const cursor = new ExecutionCursor(this.recorded.site, this.recorded.icount);
    const predictions = this.recorded.predictions[LSTM_PREDICTOR];
    return (site, icount, prediction) => {
      const row = cursor.match(site, icount);
      if (row >= 0 && prediction !== undefined) predictions[row] = prediction;
    };
  }
}
