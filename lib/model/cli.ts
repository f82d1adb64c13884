/**
 * Command line: `train` a model on a dataset, `evaluate` it on a split.
 *
 * ```
 * deno task train --dataset DIR --task branch|address|multi --out DIR [options]
 * deno task evaluate --model DIR --dataset DIR [--split test]
 * ```
 *
 * @module
 */
import { parseArgs } from "node:util";
import { runMain, UserError } from "../common/mod.ts";
import { ENCODING_NAMES, type EncodingName } from "../graph/encode.ts";
import { loadDataset } from "../graph/dataset.ts";
import { SPLIT_NAMES, splitIndices, type SplitName } from "../graph/types.ts";
import { initBackend } from "./backend.ts";
import { ADDRESS_HEAD_NAMES, type AddressHeadName, DEFAULT_DELTA_CLASSES } from "./heads.ts";
import { loadModel } from "./store.ts";
import {
  checkOutputFolder,
  DEFAULT_SPEC,
  DEFAULT_TRAIN_OPTIONS,
  train,
  type TrainOptions,
  type TrainSpec,
} from "./train.ts";
import { Progress } from "../common/mod.ts";

const TRAIN_HELP =
  `usage: deno task train --dataset DIR --task branch|address|multi --out DIR [options]

Trains the NCF gated graph neural network on a dataset folder and writes the
model to --out: each task with the weights of its best epoch by its own
validation metric (branch: misprediction rate; address: cache-line accuracy
over all instances). Run it again with the same options to resume an
interrupted run from its last checkpoint.

  --dataset DIR         dataset folder (written by the graph builder)
  --task T              branch, address, or multi (both heads, mixed batches)
  --out DIR             output folder: model.json, checkpoint.json and their weights
  --restart             discard the checkpoint and model in --out and train from
                        scratch (default off: resume)
  --static-only         hide every dynamic value: the baseline without execution
                        (default off)
  --encoding E          value encoding: binary|hex|categorical|scalar (default ${DEFAULT_SPEC.encoding})
  --categories N        vocabulary size of the categorical encoding (default 255)
  --no-tokens           do not embed node tokens (instruction mnemonics with condition
                        code and width, register names): the ablation (default: tokens on)
  --address-head H      delta-class: a class over the train split's frequent cache-line
                        deltas, or "no prediction"; delta-bits: the bits of the line delta;
                        absolute: the 64 bits of the next address, the paper's head
                        (default ${DEFAULT_SPEC.addressHead})
  --delta-classes N     classes of delta-class besides "no prediction" (default ${DEFAULT_DELTA_CLASSES})
  --hidden H            hidden size (default ${DEFAULT_SPEC.hidden})
  --steps T             propagation steps (default ${DEFAULT_SPEC.steps})
  --batch N             instances per batch (default ${DEFAULT_TRAIN_OPTIONS.batch})
  --group N             instances of one topology per group in a batch (default ${DEFAULT_TRAIN_OPTIONS.group})
  --epochs N            maximum epochs (default ${DEFAULT_TRAIN_OPTIONS.epochs})
  --patience N          stop after N epochs in which no task's validation metric
                        improved (default ${DEFAULT_TRAIN_OPTIONS.patience})
  --lr X                Adam learning rate (default ${DEFAULT_TRAIN_OPTIONS.lr})
  --seed N              seed of weights and batch order (default ${DEFAULT_TRAIN_OPTIONS.seed})
  --checkpoint-every S  seconds between mid-epoch checkpoints (default 60)
  -h, --help            this help`;

const EVALUATE_HELP = `usage: deno task evaluate --model DIR --dataset DIR [--split test]

Prints one JSON object of metrics: branch accuracy and misprediction rate;
for addresses the share of instances with a prediction (coverage), the
cache-line accuracy of the predictions, and cache-line (bits 63..6) and exact
accuracy over all instances; counts.

  --model DIR     a --out folder of \`deno task train\`
  --dataset DIR   dataset folder
  --split S       train|valid|test (default test)
  -h, --help      this help`;

function positive(
  name: string,
  text: string | undefined,
  fallback: number,
  integer = true,
): number {
  if (text === undefined) return fallback;
  const v = Number(text);
  if (!Number.isFinite(v) || v <= 0 || (integer && !Number.isInteger(v))) {
    throw new UserError(
      `--${name} must be a positive ${integer ? "integer" : "number"}, got ${text}`,
      `pass e.g. --${name} ${fallback}`,
    );
  }
  return v;
}

type OptionSpecs = Record<string, { type: "string" | "boolean"; short?: string }>;

function parse(args: string[], options: OptionSpecs, help: string) {
  try {
    return parseArgs({
      args,
      options: { ...options, help: { type: "boolean", short: "h" } },
      allowPositionals: false,
    })
      .values as Record<string, string | boolean | undefined>;
  } catch (err) {
    throw new UserError((err as Error).message, `see the options:\n${help}`);
  }
}

/** The --address-head value, checked. */
function addressHeadOf(text: string | undefined): AddressHeadName {
  const head = text ?? DEFAULT_SPEC.addressHead;
  if (!ADDRESS_HEAD_NAMES.includes(head as AddressHeadName)) {
    throw new UserError(
      `unknown --address-head ${head}`,
      `use one of ${ADDRESS_HEAD_NAMES.join(", ")}`,
    );
  }
  return head as AddressHeadName;
}

/** The options `train` accepts (see TRAIN_HELP). */
const TRAIN_OPTIONS: OptionSpecs = {
  dataset: { type: "string" },
  task: { type: "string" },
  out: { type: "string" },
  restart: { type: "boolean" },
  "static-only": { type: "boolean" },
  encoding: { type: "string" },
  categories: { type: "string" },
  "no-tokens": { type: "boolean" },
  "address-head": { type: "string" },
  "delta-classes": { type: "string" },
  hidden: { type: "string" },
  steps: { type: "string" },
  batch: { type: "string" },
  group: { type: "string" },
  epochs: { type: "string" },
  patience: { type: "string" },
  lr: { type: "string" },
  seed: { type: "string" },
  "checkpoint-every": { type: "string" },
};

type Values = ReturnType<typeof parse>;

/** A positive number option, or its default. */
function numberOf(v: Values, name: string, fallback: number, integer = true): number {
  return positive(name, v[name] as string | undefined, fallback, integer);
}

/** The model spec of `train`'s options, checked. */
function trainSpecOf(v: Values): TrainSpec {
  const task = v.task as string;
  if (!["branch", "address", "multi"].includes(task)) {
    throw new UserError(`unknown --task ${task}`, "use --task branch, address or multi");
  }
  const encoding = (v.encoding as string | undefined) ?? DEFAULT_SPEC.encoding;
  if (!ENCODING_NAMES.includes(encoding as EncodingName)) {
    throw new UserError(
      `unknown --encoding ${encoding}`,
      `use one of ${ENCODING_NAMES.join(", ")}`,
    );
  }
  return {
    task: task as TrainSpec["task"],
    staticOnly: Boolean(v["static-only"]),
    encoding: encoding as EncodingName,
    categories: numberOf(v, "categories", 255),
    hidden: numberOf(v, "hidden", DEFAULT_SPEC.hidden),
    steps: numberOf(v, "steps", DEFAULT_SPEC.steps),
    tokens: !v["no-tokens"],
    addressHead: addressHeadOf(v["address-head"] as string | undefined),
    deltaClasses: numberOf(v, "delta-classes", DEFAULT_DELTA_CLASSES),
  };
}

/** The optimisation options of `train`'s options, checked. */
function trainOptionsOf(v: Values): TrainOptions {
  const seedText = v.seed as string | undefined;
  const seed = seedText === undefined ? DEFAULT_TRAIN_OPTIONS.seed : Number(seedText);
  if (!Number.isInteger(seed)) {
    throw new UserError(`--seed must be an integer, got ${seedText}`, "pass e.g. --seed 1");
  }
  return {
    batch: numberOf(v, "batch", DEFAULT_TRAIN_OPTIONS.batch),
    group: numberOf(v, "group", DEFAULT_TRAIN_OPTIONS.group),
    epochs: numberOf(v, "epochs", DEFAULT_TRAIN_OPTIONS.epochs),
    patience: numberOf(v, "patience", DEFAULT_TRAIN_OPTIONS.patience),
    lr: numberOf(v, "lr", DEFAULT_TRAIN_OPTIONS.lr, false),
    seed,
  };
}

async function trainCommand(args: string[]): Promise<void> {
  const v = parse(args, TRAIN_OPTIONS, TRAIN_HELP);
  if (v.help) return console.log(TRAIN_HELP);
  if (!v.dataset || !v.task || !v.out) {
    throw new UserError(
      "train needs --dataset, --task and --out",
      "e.g. deno task train --dataset data/cache/ds --task branch --out results/m",
    );
  }
  const spec = trainSpecOf(v);
  const options = trainOptionsOf(v);
  const checkpointEverySeconds = numberOf(v, "checkpoint-every", 60, false);
  await checkOutputFolder(v.out as string);
  await initBackend();
  const dataset = await loadDataset(v.dataset as string);
  const result = await train(dataset, spec, options, v.out as string, {
    checkpointEverySeconds,
    restart: Boolean(v.restart),
  });
  console.log(
    JSON.stringify({
      out: v.out,
      bestEpochs: result.bestEpochs,
      resumed: result.resumed,
      valid: result.valid,
    }),
  );
}

async function evaluateCommand(args: string[]): Promise<void> {
  const v = parse(args, {
    model: { type: "string" },
    dataset: { type: "string" },
    split: { type: "string" },
  }, EVALUATE_HELP);
  if (v.help) return console.log(EVALUATE_HELP);
  if (!v.model || !v.dataset) {
    throw new UserError(
      "evaluate needs --model and --dataset",
      "e.g. deno task evaluate --model results/m --dataset data/cache/ds",
    );
  }
  const split = ((v.split as string | undefined) ?? "test") as SplitName;
  if (!SPLIT_NAMES.includes(split)) {
    throw new UserError(`unknown --split ${split}`, `use one of ${SPLIT_NAMES.join(", ")}`);
  }
  await initBackend();
  const model = await loadModel(v.model as string);
  const dataset = await loadDataset(v.dataset as string);
  model.checkDataset(dataset, v.dataset as string);
  const kinds = model.config.task === "multi" ? [0, 1] : [model.config.task === "branch" ? 0 : 1];
  const indices = [...splitIndices(dataset, split)].filter((i) =>
    kinds.includes(dataset.instances.task[i])
  );
  if (indices.length === 0) {
    throw new UserError(
      `the ${split} split of ${v.dataset} has no ${model.config.task} instances`,
      "pick another --split or dataset",
    );
  }
  const progress = new Progress({
    label: `evaluate ${split}`,
    total: indices.length,
    unit: "graphs",
  });
  const metrics = model.evaluate(dataset, indices, { onBatch: (n: number) => progress.tick(n) });
  progress.finish();
  console.log(
    JSON.stringify({
      model: v.model,
      dataset: v.dataset,
      split,
      task: model.config.task,
      staticOnly: model.config.staticOnly,
      ...metrics,
    }),
  );
}

if (import.meta.main) {
  await runMain(async () => {
    const [command, ...rest] = Deno.args;
    if (command === "train") await trainCommand(rest);
    else if (command === "evaluate") await evaluateCommand(rest);
    else {
      throw new UserError(
        `unknown command ${command ?? "(none)"}`,
        "use `deno task train --help` or `deno task evaluate --help`",
      );
    }
  });
}
