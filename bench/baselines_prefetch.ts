/**
 * Throughput of the next-address baselines: loads/s of each online
 * predictor on the same load stream (decoded once into memory, so only the
 * predictor is timed), their ratio to `stride` measured in the same run, and
 * the LSTM's training and prediction loads/s.
 *
 * Usage: deno run -A bench/baselines_prefetch.ts [TRACE] [options]
 *
 * @module
 */
import { parseArgs } from "node:util";
import { join } from "node:path";
import { atomicWriteJson, RESULTS_DIR, runMain, UserError } from "../lib/common/mod.ts";
import {
  createAddressPredictor,
  type LoadBatch,
  type LoadStream,
  loadStreamFromArrays,
  loadStreamFromTrace,
  ONLINE_ADDRESS_PREDICTORS,
  trainAddressLstm,
} from "../lib/baselines/prefetch/mod.ts";
import { openTrace } from "../lib/trace/mod.ts";

import { benchTrace } from "./suite_trace.ts";
const HELP = `Usage: deno run -A bench/baselines_prefetch.ts [TRACE] [options]

Times the next-address baselines on one load stream.

TRACE                 a trace file (default: the suite's bzip2/text trace at the small scale,
                      traced first if it is missing)
--max-loads N         loads read from the trace (default 2000000)
--lstm-steps N        LSTM gradient steps of 128 windows of 16 loads (default 40)
--out FILE            JSON results (default results/bench/baselines_prefetch.json)
--help                this text`;

/** Reads up to `max` loads of a stream into one in-memory batch. */
async function materialize(stream: LoadStream, max: number): Promise<LoadStream> {
  const parts: LoadBatch[] = [];
  let n = 0;
  for await (const batch of stream.batches()) {
    parts.push(batch);
    n += batch.length;
    if (n >= max) break;
  }
  n = Math.min(n, max);
  const site = new Uint32Array(n);
  const pc = new Float64Array(n);
  const addr = new Float64Array(n);
  const icount = new Float64Array(n);
  let at = 0;
  for (const part of parts) {
    const take = Math.min(part.length, n - at);
    site.set(part.site.subarray(0, take), at);
    pc.set(part.pc.subarray(0, take), at);
    addr.set(part.addr.subarray(0, take), at);
    icount.set(part.icount.subarray(0, take), at);
    at += take;
  }
  const sitePcs: number[] = [];
  site.forEach((s, i) => sitePcs[s] = pc[i]);
  return loadStreamFromArrays({ site, addr, icount, sitePcs });
}

function positiveInteger(name: string, text: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) {
    throw new UserError(
      `--${name} must be a positive integer, got "${text}"`,
      `pass e.g. --${name} 1000`,
    );
  }
  return value;
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      "max-loads": { type: "string", default: "2000000" },
      "lstm-steps": { type: "string", default: "40" },
      out: { type: "string", default: join(RESULTS_DIR, "bench", "baselines_prefetch.json") },
      help: { type: "boolean", default: false },
    },
  });
  if (values.help) {
    console.log(HELP);
    return;
  }
  const maxLoads = positiveInteger("max-loads", values["max-loads"]);
  const lstmSteps = positiveInteger("lstm-steps", values["lstm-steps"]);

  const tracePath = positionals[0] ?? await benchTrace();
  const source = `trace ${tracePath}`;
  const loads = await materialize(await loadStreamFromTrace(await openTrace(tracePath)), maxLoads);
  const [batch] = await Array.fromAsync(loads.batches());
  console.log(`source: ${source}, ${batch.length} loads, ${new Set(batch.site).size} sites`);

  const online: Record<
    string,
    { loadsPerSecond: number; ratioToStride?: number; coverage: number }
  > = {};
  for (const name of Object.keys(ONLINE_ADDRESS_PREDICTORS)) {
    const predictor = createAddressPredictor(name);
    let covered = 0;
    const started = performance.now();
    for (let i = 0; i < batch.length; i++) {
      if (predictor.access(batch.site[i], batch.pc[i], batch.addr[i]) !== undefined) {
        covered++;
      }
    }
    const seconds = (performance.now() - started) / 1000;
    online[name] = { loadsPerSecond: batch.length / seconds, coverage: covered / batch.length };
  }
  for (const result of Object.values(online)) {
    result.ratioToStride = result.loadsPerSecond / online["stride"].loadsPerSecond;
  }

  // The LSTM (default sizes): train on the first 80% of the loads, predict the rest.
  const testFrom = batch.icount[Math.floor(batch.length * 0.8)];
  const model = await trainAddressLstm({ loads, testFrom, steps: lstmSteps });
  let predicted = 0;
  const started = performance.now();
  await model.predict({ loads, testFrom, onLoad: () => predicted++ });
  const predictSeconds = (performance.now() - started) / 1000;
  model.dispose();
  const lstm = {
    trainLoadsPerSecond: model.training.trainedLoads / model.training.seconds,
    predictLoadsPerSecond: predicted / predictSeconds,
    trainedLoads: model.training.trainedLoads,
    predictedLoads: predicted,
  };

  console.log("predictor     loads/s     x stride  coverage");
  for (const [name, r] of Object.entries(online)) {
    console.log(
      `${name.padEnd(12)} ${r.loadsPerSecond.toExponential(2).padStart(9)}  ${
        r.ratioToStride!.toFixed(2).padStart(9)
      }` +
        `  ${r.coverage.toFixed(3).padStart(8)}`,
    );
  }
  console.log(
    `lstm train   ${lstm.trainLoadsPerSecond.toExponential(2).padStart(9)}  ${
      (lstm.trainLoadsPerSecond / online["stride"].loadsPerSecond).toExponential(2).padStart(9)
    }  (${lstm.trainedLoads} labelled loads)`,
  );
  console.log(
    `lstm predict ${lstm.predictLoadsPerSecond.toExponential(2).padStart(9)}  ${
      (lstm.predictLoadsPerSecond / online["stride"].loadsPerSecond).toExponential(2).padStart(9)
    }  (${lstm.predictedLoads} loads)`,
  );
  await atomicWriteJson(values.out, { source, loads: batch.length, online, lstm });
  console.log(`results written to ${values.out}`);
}

if (import.meta.main) await runMain(main);
