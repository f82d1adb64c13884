/**
 * Training speed of the NCF GGNN: our tfjs-wasm code against a PyTorch
 * reference (bench/torch_ggnn.py) on identical batches, sizes and heads.
 *
 * The batches (H=64, T=4, batch 64 in groups of 16 instances per topology,
 * binary encoding, branch head) are exported to one file that the torch side
 * reads, so both train on exactly the same graphs. Data: `--dataset DIR` (a
 * graph-builder dataset) or, by default, branch instances built from the
 * small-scale suite traces of a few workloads (bench/suite_trace.ts).
 *
 * Prints graphs/s for tfjs (pruned: only what reaches the task node, the
 * default; and full: every node, as the torch reference computes), torch
 * scatter (the reference) and torch dense topology-grouped; the last line is
 * `ratio tfjs/torch = X` (tfjs pruned / torch scatter).
 *
 * @module
 */
import { parseArgs } from "node:util";
import { join } from "node:path";
import { atomicWriteFile, BUILD_DIR, runMain, UserError } from "../lib/common/mod.ts";
import { loadDataset } from "../lib/graph/dataset.ts";
import { createEncoding, halvesOf } from "../lib/graph/encode.ts";
import { type Dataset, splitIndices, TASK_BRANCH } from "../lib/graph/types.ts";
import { initBackend, tf } from "../lib/model/backend.ts";
import type { Group } from "../lib/model/batch.ts";
import { NcfModel } from "../lib/model/model.ts";
import { BENCH_DATASET_WORKLOADS, benchDataset } from "./suite_trace.ts";
import { batchLoss, epochBatches } from "../lib/model/train.ts";

const HELP =
  `usage: deno run -A bench/model.ts [--dataset DIR] [--batches 30] [--python /usr/bin/python3]

  --dataset DIR   a graph-builder dataset (default: branch instances from the small-scale
                  suite traces of bzip2, perl, cc1 and gnugo, built on the fly)
  --batches N     timed training batches per variant (default 30; tfjs full uses N/3)
  --python PATH   Python with torch (default /usr/bin/python3)`;

const H = 64, T = 4, BATCH = 64, GROUP = 16, WARMUP = 3;

/** Writes the batches as the union graphs torch reads: one JSON header line, then raw arrays. */
async function exportBatches(ds: Dataset, batches: Group[][], path: string): Promise<void> {
  const encoding = createEncoding({ name: "binary" });
  const halves = halvesOf(ds.instances.values);
  const E = ds.edgeTypes.length;
  const chunks: Uint8Array[] = [];
  let offset = 0;
  const put = (a: Float32Array | Int32Array) => {
    const bytes = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
    chunks.push(bytes);
    const at = offset;
    offset += bytes.length;
    return { offset: at, length: a.length, dtype: a instanceof Float32Array ? "f4" : "i4" };
  };
  const header = batches.map((groups) => {
    const known: number[] = [],
      unknown: number[] = [],
      src: number[] = [],
      dst: number[] = [],
      type: number[] = [];
    const task: number[] = [], label: number[] = [];
    const encoded: number[] = [];
    const groupInfo: number[] = []; // per group: start node, N, B, first local edge, local edge count
    const localSrc: number[] = [], localDst: number[] = [], localType: number[] = [];
    let nodes = 0;
    const code = new Float32Array(64);
    for (const g of groups) {
      const topo = ds.topologies[g.topology];
      const N = topo.nodeKind.length;
      groupInfo.push(nodes, N, g.instances.length, localSrc.length, topo.edgeSrc.length * 2);
      for (let e = 0; e < topo.edgeSrc.length; e++) {
        localSrc.push(topo.edgeSrc[e], topo.edgeDst[e]);
        localDst.push(topo.edgeDst[e], topo.edgeSrc[e]);
        localType.push(topo.edgeType[e], E + topo.edgeType[e]);
      }
      for (let k = 0; k < g.instances.length; k++) {
        const i = g.instances[k];
        const start = ds.instances.valueStart[i];
        topo.valueNodes.forEach((v, j) => {
          if (ds.instances.known[start + j]) {
            known.push(nodes + v);
            encoding.encodeInto(halves[2 * (start + j)], halves[2 * (start + j) + 1], code, 0);
            encoded.push(...code);
          } else unknown.push(nodes + v);
        });
        for (let e = 0; e < topo.edgeSrc.length; e++) {
          src.push(nodes + topo.edgeSrc[e], nodes + topo.edgeDst[e]);
          dst.push(nodes + topo.edgeDst[e], nodes + topo.edgeSrc[e]);
          type.push(topo.edgeType[e], E + topo.edgeType[e]);
        }
        task.push(nodes + topo.taskNode);
        label.push(Number(ds.instances.label[i]));
        nodes += N;
      }
    }
    return {
      nodes,
      encoded: put(Float32Array.from(encoded)),
      known: put(Int32Array.from(known)),
      unknown: put(Int32Array.from(unknown)),
      src: put(Int32Array.from(src)),
      dst: put(Int32Array.from(dst)),
      type: put(Int32Array.from(type)),
      task: put(Int32Array.from(task)),
      label: put(Float32Array.from(label)),
      groups: put(Int32Array.from(groupInfo)),
      localSrc: put(Int32Array.from(localSrc)),
      localDst: put(Int32Array.from(localDst)),
      localType: put(Int32Array.from(localType)),
    };
  });
  const head = new TextEncoder().encode(
    JSON.stringify({
      hidden: H,
      steps: T,
      messageTypes: 2 * E,
      encodingWidth: 64,
      warmup: WARMUP,
      batches: header,
    }) + "\n",
  );
  const out = new Uint8Array(head.length + offset);
  out.set(head);
  let at = head.length;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  await atomicWriteFile(path, out);
}

/** Trains `batches` with tfjs; returns graphs/s over the batches after the warm-up, and the memory peak. */
function timeTfjs(ds: Dataset, batches: Group[][], kind: "pruned" | "full") {
  const model = NcfModel.create({
    task: "branch",
    staticOnly: false,
    encoding: { name: "binary" },
    hidden: H,
    steps: T,
    tokens: true,
    vocabulary: [...ds.vocabulary].sort(),
    edgeTypes: ds.edgeTypes,
  }, 1);
  const names = [...model.params.keys()].filter((n) =>
    !n.startsWith("address/") && !n.startsWith("readout/")
  );
  const vars = names.map((n) => model.params.get(n)!);
  const optimizer = tf.train.adam(1e-3);
  const planner = model.planner(ds, kind);
  let graphs = 0, start = 0, peakRss = 0;
  batches.forEach((batch, b) => {
    if (b === WARMUP) start = performance.now();
    const plan = planner.plan(batch);
    const loss = optimizer.minimize(
      () => batchLoss(model.params, plan, model.heads),
      true,
      vars as tf.Variable[],
    );
    loss?.dataSync();
    loss?.dispose();
    if (b >= WARMUP) graphs += batch.reduce((s, g) => s + g.instances.length, 0);
    peakRss = Math.max(peakRss, Deno.memoryUsage().rss);
  });
  const seconds = (performance.now() - start) / 1000;
  optimizer.dispose();
  model.dispose();
  return { graphsPerSecond: graphs / seconds, peakRss };
}

await runMain(async () => {
  const { values } = parseArgs({
    options: {
      dataset: { type: "string" },
      batches: { type: "string" },
      python: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) return console.log(HELP);
  const timed = Number(values.batches ?? 30);
  if (!Number.isInteger(timed) || timed < 1) {
    throw new UserError(`--batches must be a positive integer`, "e.g. --batches 30");
  }
  const python = values.python ?? "/usr/bin/python3";
  await initBackend();

  const ds = values.dataset ? await loadDataset(values.dataset) : await benchDataset();
  const train = [...splitIndices(ds, "train")].filter((i) => ds.instances.task[i] === TASK_BRANCH);
  if (train.length < BATCH * (WARMUP + timed)) {
    throw new UserError(
      `the dataset has ${train.length} branch training instances, the benchmark needs ${
        BATCH * (WARMUP + timed)
      }`,
      "pass a bigger --dataset or fewer --batches",
    );
  }
  const batches = epochBatches(ds, train, {
    batch: BATCH,
    group: GROUP,
    epochs: 1,
    lr: 1e-3,
    seed: 1,
    patience: 1,
  }, 0)
    .slice(0, WARMUP + timed);
  let nodes = 0, edges = 0, graphs = 0;
  for (const b of batches.slice(WARMUP)) {
    for (const g of b) {
      const t = ds.topologies[g.topology];
      nodes += t.nodeKind.length * g.instances.length;
      edges += t.edgeSrc.length * g.instances.length;
      graphs += g.instances.length;
    }
  }
  console.log(
    `data: ${
      values.dataset
        ? `dataset ${values.dataset}`
        : `suite traces of ${BENCH_DATASET_WORKLOADS.join(", ")} (small scale)`
    }; ` +
      `${timed} timed batches of ${BATCH} graphs (+${WARMUP} warm-up), groups of ${GROUP}, ` +
      `avg ${(nodes / graphs).toFixed(0)} nodes / ${
        (edges / graphs).toFixed(0)
      } edges per graph, ` +
      `${2 * ds.edgeTypes.length} message types, H=${H}, T=${T}, branch head, Adam`,
  );
  const pruned = timeTfjs(ds, batches, "pruned");
  const wasmHeap = (tf.backend() as unknown as { wasm: { HEAPU8: Uint8Array } }).wasm.HEAPU8.length;
  console.log(
    `tfjs-wasm (pruned to the task node's receptive field): ${
      pruned.graphsPerSecond.toFixed(0)
    } graphs/s`,
  );
  const full = timeTfjs(ds, batches.slice(0, WARMUP + Math.max(1, Math.floor(timed / 3))), "full");
  console.log(
    `tfjs-wasm (full graph, every node every step):          ${
      full.graphsPerSecond.toFixed(0)
    } graphs/s`,
  );
  console.log(
    `memory: peak rss ${(pruned.peakRss / 2 ** 20).toFixed(0)} MiB (pruned), ` +
      `${(full.peakRss / 2 ** 20).toFixed(0)} MiB (after full); wasm heap ${
        (wasmHeap / 2 ** 20).toFixed(0)
      } MiB`,
  );

  const file = join(BUILD_DIR, "bench", "model_batches.bin");
  await exportBatches(ds, batches, file);
  const torch = await new Deno.Command(python, {
    args: [join(import.meta.dirname!, "torch_ggnn.py"), file],
    stdout: "piped",
    stderr: "inherit",
  }).output().catch((err) => {
    throw new UserError(
      `cannot run ${python}: ${err.message}`,
      "run `make bench-model` (it installs python3-torch)",
    );
  });
  if (!torch.success) {
    throw new UserError(
      "the torch reference failed (see above)",
      "run `make bench-model` to install python3-torch and OpenBLAS",
    );
  }
  const result = JSON.parse(new TextDecoder().decode(torch.stdout).trim().split("\n").pop()!);
  console.log(
    `torch scatter (reference, index_add_, 1 thread):        ${result.scatter.toFixed(0)} graphs/s`,
  );
  console.log(
    `torch dense topology-grouped (1 thread):                ${result.dense.toFixed(0)} graphs/s`,
  );
  console.log(`torch blas: ${result.blas}`);
  console.log(`ratio tfjs/torch = ${(pruned.graphsPerSecond / result.scatter).toFixed(2)}`);
});
