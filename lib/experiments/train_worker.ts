/**
 * A training worker process: `deno run -A lib/experiments/train_worker.ts
 * MODEL_DIR [--quiet]` trains the job described in `MODEL_DIR/job.json`
 * (written by `models.ts`) into MODEL_DIR, resuming from a checkpoint there.
 *
 * @module
 */
import { join } from "node:path";
import { runMain, UserError } from "../common/mod.ts";
import { loadDataset } from "../graph/mod.ts";
import { initBackend, train } from "../model/mod.ts";
import type { WorkerJob } from "./models.ts";

await runMain(async () => {
  const [dir, flag] = Deno.args;
  if (!dir) {
    throw new UserError(
      "no model folder given",
      "usage: deno run -A lib/experiments/train_worker.ts MODEL_DIR [--quiet]",
    );
  }
  const job: WorkerJob = JSON.parse(await Deno.readTextFile(join(dir, "job.json")));
  await initBackend();
  const dataset = await loadDataset(job.datasetDir);
  const result = await train(dataset, job.spec, job.options, dir, { quiet: flag === "--quiet" });
  result.model.dispose();
});
