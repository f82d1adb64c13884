/**
 * Weight files: named float32 tensors in TensorFlow.js's weights-manifest
 * format (`tf.io.encodeWeights` / `tf.io.decodeWeights`), stored as a JSON
 * record (`model.json`, `checkpoint.json`) whose `weightsManifest` names a
 * binary file beside it, as a tfjs `model.json` does.
 *
 * Writes are atomic as a pair: the binary gets a fresh name
 * (`<stem>.<tag>.bin`) and is written first; the JSON, renamed into place
 * after it, is the commit point; binaries no JSON names any more are removed
 * last. A reader sees the old pair or the new one, never a mix.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { join } from "node:path";
import { atomicWriteFile, atomicWriteJson, UserError } from "../common/mod.ts";

/** A JSON record with its weights' manifest (one group, one binary file). */
export interface WeightsRecord {
  weightsManifest: tf.io.WeightsManifestConfig;
}

/**
 * Writes `record` as `dir/<stem>.json` with `tensors` in a fresh
 * `dir/<stem>.<tag>.bin`, then removes the stem's older binaries.
 */
export async function saveWeightsRecord(
  dir: string,
  stem: string,
  record: Record<string, unknown>,
  tensors: ReadonlyMap<string, tf.Tensor>,
): Promise<void> {
  const named = [...tensors.keys()].sort().map((name) => ({ name, tensor: tensors.get(name)! }));
  const { data, specs } = await tf.io.encodeWeights(named);
  const file = `${stem}.${crypto.randomUUID().slice(0, 8)}.bin`;
  await atomicWriteFile(join(dir, file), new Uint8Array(data as ArrayBuffer));
  const full: WeightsRecord = { ...record, weightsManifest: [{ paths: [file], weights: specs }] };
  await atomicWriteJson(join(dir, `${stem}.json`), full);
  for await (const entry of Deno.readDir(dir)) {
    if (entry.name.startsWith(`${stem}.`) && entry.name.endsWith(".bin") && entry.name !== file) {
      await Deno.remove(join(dir, entry.name)).catch(() => {});
    }
  }
}

/** Why a weights record cannot be read, and what to do about it. */
export interface DamagedRecord {
  /** The fix to suggest when the record or its binary is damaged. */
  fix: string;
}

/**
 * Reads `dir/<stem>.json` and its weights, or `undefined` when there is no
 * such record. A damaged record (unreadable JSON, missing or short binary) is
 * a {@linkcode UserError} with `damaged.fix`.
 */
export async function loadWeightsRecord<T extends WeightsRecord>(
  dir: string,
  stem: string,
  damaged: DamagedRecord,
): Promise<{ record: T; tensors: Map<string, tf.Tensor> } | undefined> {
  const path = join(dir, `${stem}.json`);
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return undefined;
    throw err;
  }
  const fail = (why: string): never => {
    throw new UserError(`${path} is damaged: ${why}`, damaged.fix);
  };
  let record: T;
  try {
    record = JSON.parse(text);
  } catch (err) {
    return fail(`it is not valid JSON (${(err as Error).message})`);
  }
  const group = record?.weightsManifest?.[0];
  if (!group || !Array.isArray(group.paths) || !Array.isArray(group.weights)) {
    return fail("it has no weightsManifest");
  }
  let data: Uint8Array;
  try {
    data = await Deno.readFile(join(dir, group.paths[0]));
  } catch (err) {
    return fail(`its weights ${group.paths[0]} cannot be read (${(err as Error).message})`);
  }
  const expected = group.weights.reduce(
    (sum, w) => sum + 4 * w.shape.reduce((a: number, b: number) => a * b, 1),
    0,
  );
  if (data.byteLength !== expected || group.weights.some((w) => w.dtype !== "float32")) {
    return fail(`its weights hold ${data.byteLength} bytes, the manifest describes ${expected}`);
  }
  const decoded = tf.io.decodeWeights(data.slice().buffer, group.weights);
  return { record, tensors: new Map(Object.entries(decoded)) };
}
