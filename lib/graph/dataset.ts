/**
 * Building, checking, saving and loading {@linkcode Dataset}s.
 *
 * On disk a dataset is a folder: `manifest.json` (format, version, counts,
 * vocabularies, sources, meta and the list of array files) and one raw
 * little-endian typed-array file per column (`*.bin`). The folder is written
 * next to its destination and renamed into place, so a reader never sees a
 * half-written dataset.
 *
 * @module
 */
import { basename, dirname, join } from "node:path";
import { atomicWriteFile, atomicWriteJson, UserError } from "../common/mod.ts";
import {
  type Dataset,
  type Instance,
  type InstanceTable,
  NODE_INSTRUCTION,
  NODE_PSEUDO,
  type Source,
  SPLIT_NAMES,
  TASK_BRANCH,
  TASK_NAMES,
  type Topology,
} from "./types.ts";

/** The `format` field of a dataset manifest. */
export const DATASET_FORMAT = "ncf-dataset";
/** The version this code writes and reads; bumped on any incompatible change. */
export const DATASET_VERSION = 3;

type Typed =
  | Uint8Array
  | Int32Array
  | Uint32Array
  | Float64Array
  | BigUint64Array;
type TypedCtor = { new (n: number): Typed; BYTES_PER_ELEMENT: number };

const DTYPES: Record<string, TypedCtor> = {
  u8: Uint8Array,
  i32: Int32Array,
  u32: Uint32Array,
  f64: Float64Array,
  u64: BigUint64Array as unknown as TypedCtor,
};

function dtypeOf(a: Typed): string {
  if (a instanceof Uint8Array) return "u8";
  if (a instanceof Int32Array) return "i32";
  if (a instanceof Uint32Array) return "u32";
  if (a instanceof Float64Array) return "f64";
  return "u64";
}

/** A typed array that grows by doubling, for appending rows of unknown count. */
class Column<T extends Typed> {
  data: T;
  length = 0;
  constructor(private ctor: TypedCtor, capacity = 1024) {
    this.data = new ctor(capacity) as T;
  }
  reserve(extra: number): void {
    if (this.length + extra <= this.data.length) return;
    let cap = this.data.length * 2;
    while (cap < this.length + extra) cap *= 2;
    const next = new this.ctor(cap) as T;
    (next as Uint8Array).set(this.data as Uint8Array);
    this.data = next;
  }
  push(v: number | bigint): void {
    this.reserve(1);
    (this.data as unknown as (number | bigint)[])[this.length++] = v;
  }
  append(values: ArrayLike<number> | ArrayLike<bigint>): void {
    this.reserve(values.length);
    (this.data as Uint8Array).set(values as ArrayLike<number>, this.length);
    this.length += values.length;
  }
  done(): T {
    return this.data.slice(0, this.length) as T;
  }
}

/** Options of a {@linkcode DatasetBuilder}. */
export interface DatasetBuilderOptions {
  /** Forward edge type names. */
  edgeTypes: string[];
  /** Node token names (opcodes, operand names); more can be added with {@linkcode DatasetBuilder.token}. */
  vocabulary?: string[];
  /** How the dataset is built: free-form JSON stored in the manifest. */
  meta?: Record<string, unknown>;
}

/**
 * Accumulates topologies and instances, then hands out a checked
 * {@linkcode Dataset}. The graph builder and the synthetic generators use it.
 */
export class DatasetBuilder {
  #edgeTypes: string[];
  #vocabulary: string[];
  #tokenIds = new Map<string, number>();
  #meta: Record<string, unknown>;
  #topologies: Topology[] = [];
  #sources: Source[] = [];
  #sourceIds = new Map<string, number>();
  #topology = new Column<Uint32Array>(Uint32Array);
  #task = new Column<Uint8Array>(Uint8Array);
  #split = new Column<Uint8Array>(Uint8Array);
  #valueStart = new Column<Uint32Array>(Uint32Array);
  #values = new Column<BigUint64Array>(BigUint64Array as unknown as TypedCtor);
  #known = new Column<Uint8Array>(Uint8Array);
  #label = new Column<BigUint64Array>(BigUint64Array as unknown as TypedCtor);
  #icount = new Column<Float64Array>(Float64Array);
  #source = new Column<Uint32Array>(Uint32Array);
  #site = new Column<Uint32Array>(Uint32Array);
  #currentAddress = new Column<BigUint64Array>(BigUint64Array as unknown as TypedCtor);
  #currentValue = new Column<BigUint64Array>(BigUint64Array as unknown as TypedCtor);
  #previous = new Column<BigUint64Array>(BigUint64Array as unknown as TypedCtor);
  #hasPrevious = new Column<Uint8Array>(Uint8Array);

  constructor(options: DatasetBuilderOptions) {
    this.#edgeTypes = [...options.edgeTypes];
    this.#vocabulary = [];
    for (const name of options.vocabulary ?? []) this.token(name);
    this.#meta = options.meta ?? {};
  }

  /** The vocabulary id of a token name, adding it if new. */
  token(name: string): number {
    let id = this.#tokenIds.get(name);
    if (id === undefined) {
      id = this.#vocabulary.length;
      this.#vocabulary.push(name);
      this.#tokenIds.set(name, id);
    }
    return id;
  }

  /** The source id of a workload run, adding it if new. */
  source(source: Source): number {
    const key = JSON.stringify([source.workload, source.input]);
    let id = this.#sourceIds.get(key);
    if (id === undefined) {
      id = this.#sources.length;
      this.#sources.push({ workload: source.workload, input: source.input });
      this.#sourceIds.set(key, id);
    }
    return id;
  }

  /** Adds a topology (checked) and returns its id. */
  addTopology(topology: Topology): number {
    checkTopology(
      topology,
      this.#edgeTypes.length,
      this.#vocabulary.length,
      `topology ${this.#topologies.length}`,
    );
    this.#topologies.push(topology);
    return this.#topologies.length - 1;
  }

  /** Number of instances added so far. */
  get instanceCount(): number {
    return this.#topology.length;
  }

  /** Adds one instance (checked) and returns its index. */
  addInstance(instance: Instance): number {
    const topology = this.#topologies[instance.topology];
    if (!topology) throw new RangeError(`instance refers to unknown topology ${instance.topology}`);
    const n = topology.valueNodes.length;
    if (instance.values.length !== n || instance.known.length !== n) {
      throw new RangeError(
        `instance has ${instance.values.length} values and ${instance.known.length} known flags, its topology ${n} value nodes`,
      );
    }
    const task = TASK_NAMES.indexOf(instance.task);
    const split = SPLIT_NAMES.indexOf(instance.split);
    if (task < 0) throw new RangeError(`unknown task ${instance.task}`);
    if (split < 0) throw new RangeError(`unknown split ${instance.split}`);
    if (task === TASK_BRANCH && instance.label !== 0n && instance.label !== 1n) {
      throw new RangeError(`a branch label must be 0n or 1n, got ${instance.label}`);
    }
    this.#topology.push(instance.topology);
    this.#task.push(task);
    this.#split.push(split);
    this.#valueStart.push(this.#values.length);
    this.#values.append(instance.values);
    this.#known.append(instance.known);
    this.#label.push(BigInt.asUintN(64, instance.label));
    this.#icount.push(instance.icount);
    this.#source.push(instance.source);
    this.#site.push(instance.site);
    this.#currentAddress.push(BigInt.asUintN(64, instance.currentAddress ?? 0n));
    this.#currentValue.push(BigInt.asUintN(64, instance.currentValue ?? 0n));
    this.#previous.push(BigInt.asUintN(64, instance.previous ?? 0n));
    this.#hasPrevious.push(instance.previous === undefined ? 0 : 1);
    return this.#topology.length - 1;
  }

  /** The finished dataset (the builder can be dropped afterwards). */
  finish(): Dataset {
    const instances: InstanceTable = {
      count: this.#topology.length,
      topology: this.#topology.done(),
      task: this.#task.done(),
      split: this.#split.done(),
      valueStart: this.#valueStart.done(),
      values: this.#values.done(),
      known: this.#known.done(),
      label: this.#label.done(),
      icount: this.#icount.done(),
      source: this.#source.done(),
      site: this.#site.done(),
      currentAddress: this.#currentAddress.done(),
      currentValue: this.#currentValue.done(),
      previous: this.#previous.done(),
      hasPrevious: this.#hasPrevious.done(),
    };
    return {
      edgeTypes: this.#edgeTypes,
      vocabulary: this.#vocabulary,
      topologies: this.#topologies,
      instances,
      sources: this.#sources,
      meta: this.#meta,
    };
  }
}

function checkTopology(
  t: Topology,
  numEdgeTypes: number,
  vocabularySize: number,
  where: string,
): void {
  const n = t.nodeKind.length;
  const fail = (what: string) => {
    throw new RangeError(`${where}: ${what}`);
  };
  if (n === 0) fail("has no nodes");
  if (t.token.length !== n) fail(`token has ${t.token.length} entries for ${n} nodes`);
  for (let v = 0; v < n; v++) {
    if (t.nodeKind[v] > NODE_PSEUDO) fail(`node ${v} has unknown kind ${t.nodeKind[v]}`);
    if (t.token[v] < -1 || t.token[v] >= vocabularySize) {
      fail(`node ${v} has token ${t.token[v]} outside the vocabulary`);
    }
  }
  const m = t.edgeSrc.length;
  if (t.edgeDst.length !== m || t.edgeType.length !== m) fail("edge arrays differ in length");
  for (let e = 0; e < m; e++) {
    if (t.edgeSrc[e] < 0 || t.edgeSrc[e] >= n || t.edgeDst[e] < 0 || t.edgeDst[e] >= n) {
      fail(`edge ${e} (${t.edgeSrc[e]} -> ${t.edgeDst[e]}) leaves the graph`);
    }
    if (t.edgeType[e] >= numEdgeTypes) {
      fail(`edge ${e} has type ${t.edgeType[e]}, only ${numEdgeTypes} exist`);
    }
  }
  if (!(t.taskNode >= 0 && t.taskNode < n)) fail(`task node ${t.taskNode} outside the graph`);
  const seen = new Set<number>();
  for (const v of t.valueNodes) {
    if (v < 0 || v >= n) fail(`value node ${v} outside the graph`);
    if (t.nodeKind[v] === NODE_INSTRUCTION) fail(`value node ${v} is an instruction node`);
    if (seen.has(v)) fail(`value node ${v} listed twice`);
    seen.add(v);
  }
}

/** Checks a dataset's internal consistency; throws a RangeError naming the first problem. */
export function validateDataset(ds: Dataset): void {
  ds.topologies.forEach((t, i) =>
    checkTopology(t, ds.edgeTypes.length, ds.vocabulary.length, `topology ${i}`)
  );
  const t = ds.instances;
  let expectedStart = 0;
  for (let i = 0; i < t.count; i++) {
    const topo = ds.topologies[t.topology[i]];
    if (!topo) throw new RangeError(`instance ${i} refers to unknown topology ${t.topology[i]}`);
    if (t.task[i] >= TASK_NAMES.length) {
      throw new RangeError(`instance ${i} has unknown task ${t.task[i]}`);
    }
    if (t.split[i] >= SPLIT_NAMES.length) {
      throw new RangeError(`instance ${i} has unknown split ${t.split[i]}`);
    }
    if (t.task[i] === TASK_BRANCH && topo.nodeKind[topo.taskNode] !== NODE_INSTRUCTION) {
      throw new RangeError(`instance ${i}: a branch task must be read at an instruction node`);
    }
    if (t.valueStart[i] !== expectedStart) {
      throw new RangeError(`instance ${i} has inconsistent value offsets`);
    }
    expectedStart += topo.valueNodes.length;
    if (t.source[i] >= ds.sources.length) {
      throw new RangeError(`instance ${i} refers to unknown source ${t.source[i]}`);
    }
  }
  if (expectedStart !== t.values.length || t.known.length !== t.values.length) {
    throw new RangeError(
      `value arrays hold ${t.values.length} entries, instances need ${expectedStart}`,
    );
  }
}

/** Names of the topology columns on disk (see {@linkcode packTopologies}). */
const TOPOLOGY_COLUMNS = [
  "nodeOffset",
  "edgeOffset",
  "valueOffset",
  "nodeKind",
  "token",
  "edgeSrc",
  "edgeDst",
  "edgeType",
  "valueNode",
  "taskNode",
] as const;

/** Concatenated topology columns, as stored on disk. */
function packTopologies(
  topologies: Topology[],
): Record<typeof TOPOLOGY_COLUMNS[number], Typed> {
  const T = topologies.length;
  const nodeOffset = new Uint32Array(T + 1);
  const edgeOffset = new Uint32Array(T + 1);
  const valueOffset = new Uint32Array(T + 1);
  topologies.forEach((t, i) => {
    nodeOffset[i + 1] = nodeOffset[i] + t.nodeKind.length;
    edgeOffset[i + 1] = edgeOffset[i] + t.edgeSrc.length;
    valueOffset[i + 1] = valueOffset[i] + t.valueNodes.length;
  });
  const nodeKind = new Uint8Array(nodeOffset[T]);
  const token = new Int32Array(nodeOffset[T]);
  const edgeSrc = new Int32Array(edgeOffset[T]);
  const edgeDst = new Int32Array(edgeOffset[T]);
  const edgeType = new Uint8Array(edgeOffset[T]);
  const valueNode = new Int32Array(valueOffset[T]);
  const taskNode = new Int32Array(T);
  topologies.forEach((t, i) => {
    nodeKind.set(t.nodeKind, nodeOffset[i]);
    token.set(t.token, nodeOffset[i]);
    edgeSrc.set(t.edgeSrc, edgeOffset[i]);
    edgeDst.set(t.edgeDst, edgeOffset[i]);
    edgeType.set(t.edgeType, edgeOffset[i]);
    valueNode.set(t.valueNodes, valueOffset[i]);
    taskNode[i] = t.taskNode;
  });
  return {
    nodeOffset,
    edgeOffset,
    valueOffset,
    nodeKind,
    token,
    edgeSrc,
    edgeDst,
    edgeType,
    valueNode,
    taskNode,
  };
}

function unpackTopologies(c: Record<string, Typed>): Topology[] {
  const nodeOffset = c.nodeOffset as Uint32Array;
  const edgeOffset = c.edgeOffset as Uint32Array;
  const valueOffset = c.valueOffset as Uint32Array;
  const out: Topology[] = [];
  for (let i = 0; i + 1 < nodeOffset.length; i++) {
    out.push({
      nodeKind: (c.nodeKind as Uint8Array).subarray(nodeOffset[i], nodeOffset[i + 1]),
      token: (c.token as Int32Array).subarray(nodeOffset[i], nodeOffset[i + 1]),
      edgeSrc: (c.edgeSrc as Int32Array).subarray(edgeOffset[i], edgeOffset[i + 1]),
      edgeDst: (c.edgeDst as Int32Array).subarray(edgeOffset[i], edgeOffset[i + 1]),
      edgeType: (c.edgeType as Uint8Array).subarray(edgeOffset[i], edgeOffset[i + 1]),
      taskNode: (c.taskNode as Int32Array)[i],
      valueNodes: (c.valueNode as Int32Array).subarray(valueOffset[i], valueOffset[i + 1]),
    });
  }
  return out;
}

const INSTANCE_COLUMNS = [
  "topology",
  "task",
  "split",
  "values",
  "known",
  "label",
  "icount",
  "source",
  "site",
  "currentAddress",
  "currentValue",
  "previous",
  "hasPrevious",
] as const;

interface Manifest {
  format: string;
  version: number;
  topologies: number;
  instances: number;
  edgeTypes: string[];
  vocabulary: string[];
  sources: Source[];
  meta: Record<string, unknown>;
  /** Column name -> file, element type and element count. */
  columns: Record<string, { file: string; dtype: string; length: number }>;
}

async function isDatasetDir(dir: string): Promise<boolean> {
  try {
    const m = JSON.parse(await Deno.readTextFile(join(dir, "manifest.json")));
    return m?.format === DATASET_FORMAT;
  } catch {
    return false;
  }
}

async function isEmptyDir(dir: string): Promise<boolean> {
  for await (const _ of Deno.readDir(dir)) return false;
  return true;
}

/**
 * Writes `dataset` to the folder `dir` atomically: into a sibling temporary
 * folder, renamed into place. An existing dataset at `dir` is replaced; any
 * other non-empty folder is refused.
 */
export async function saveDataset(dir: string, dataset: Dataset): Promise<void> {
  validateDataset(dataset);
  let exists = false;
  try {
    exists = (await Deno.stat(dir)).isDirectory;
    if (!exists) {
      throw new UserError(
        `${dir} exists and is not a folder`,
        "choose another output folder for the dataset",
      );
    }
  } catch (err) {
    if (!(err instanceof Deno.errors.NotFound)) throw err;
  }
  if (exists && !(await isDatasetDir(dir)) && !(await isEmptyDir(dir))) {
    throw new UserError(
      `${dir} is a non-empty folder that does not hold a dataset`,
      "choose a new or empty output folder (an existing dataset there would be replaced)",
    );
  }
  const parent = dirname(dir);
  const tag = `${Deno.pid}-${crypto.randomUUID().slice(0, 8)}`;
  const tmp = join(parent, `.${basename(dir)}.tmp-${tag}`);
  const columns: Record<string, Typed> = { ...packTopologies(dataset.topologies) };
  for (const name of INSTANCE_COLUMNS) columns[name] = dataset.instances[name];
  const manifest: Manifest = {
    format: DATASET_FORMAT,
    version: DATASET_VERSION,
    topologies: dataset.topologies.length,
    instances: dataset.instances.count,
    edgeTypes: dataset.edgeTypes,
    vocabulary: dataset.vocabulary,
    sources: dataset.sources,
    meta: dataset.meta,
    columns: {},
  };
  try {
    for (const [name, data] of Object.entries(columns)) {
      const file = `${name}.bin`;
      await atomicWriteFile(
        join(tmp, file),
        new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
      );
      manifest.columns[name] = { file, dtype: dtypeOf(data), length: data.length };
    }
    await atomicWriteJson(join(tmp, "manifest.json"), manifest);
    if (exists) {
      const old = join(parent, `.${basename(dir)}.old-${tag}`);
      await Deno.rename(dir, old);
      await Deno.rename(tmp, dir);
      await Deno.remove(old, { recursive: true });
    } else {
      await Deno.rename(tmp, dir);
    }
  } catch (err) {
    await Deno.remove(tmp, { recursive: true }).catch(() => {});
    throw err;
  }
}

/** The checked manifest of the dataset in `dir` (see {@linkcode loadDataset}). */
async function readManifest(dir: string): Promise<Manifest> {
  let manifest: Manifest;
  try {
    manifest = JSON.parse(await Deno.readTextFile(join(dir, "manifest.json")));
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) {
      throw new UserError(
        `no dataset at ${dir} (no manifest.json)`,
        "pass the folder a dataset was written to (the graph builder's output), or build it first",
      );
    }
    throw new UserError(
      `cannot read the dataset manifest in ${dir}: ${(err as Error).message}`,
      "rebuild the dataset",
    );
  }
  if (manifest?.format !== DATASET_FORMAT) {
    throw new UserError(
      `${dir} does not hold an ncf dataset (format ${manifest?.format})`,
      "pass a dataset folder",
    );
  }
  if (manifest.version !== DATASET_VERSION) {
    throw new UserError(
      `${dir} holds dataset version ${manifest.version}, this code reads version ${DATASET_VERSION}` +
        (manifest.version < DATASET_VERSION ? " (it was built by older code)" : ""),
      "rebuild the dataset with `deno task dataset --out DIR ...` (the experiments rebuild their cached datasets by themselves)",
    );
  }
  const missing = [...TOPOLOGY_COLUMNS, ...INSTANCE_COLUMNS].filter((name) =>
    typeof manifest.columns?.[name]?.file !== "string"
  );
  if (missing.length > 0) {
    throw new UserError(
      `dataset ${dir}: its manifest.json ` +
        (typeof manifest.columns === "object" && manifest.columns !== null
          ? `lists no column ${missing.join(", ")}`
          : "has no columns (the list of its array files)"),
      "rebuild the dataset (the manifest is damaged or was written by hand)",
    );
  }
  return manifest;
}

/** The column arrays the manifest lists, each checked against its size and type. */
async function readColumns(dir: string, manifest: Manifest): Promise<Record<string, Typed>> {
  const columns: Record<string, Typed> = {};
  for (const [name, c] of Object.entries(manifest.columns)) {
    const ctor = DTYPES[c.dtype];
    let bytes: Uint8Array;
    try {
      bytes = await Deno.readFile(join(dir, c.file));
    } catch (err) {
      throw new UserError(
        `dataset ${dir} is incomplete: ${(err as Error).message}`,
        "rebuild the dataset",
      );
    }
    if (!ctor || bytes.byteLength !== c.length * ctor.BYTES_PER_ELEMENT) {
      throw new UserError(
        `dataset ${dir}: ${c.file} has the wrong size or type`,
        "rebuild the dataset",
      );
    }
    columns[name] = new (ctor as unknown as new (b: ArrayBuffer) => Typed)(
      bytes.buffer as ArrayBuffer,
    );
  }
  return columns;
}

/** Reads a dataset written by {@linkcode saveDataset}; bad or missing folders raise a {@linkcode UserError}. */
export async function loadDataset(dir: string): Promise<Dataset> {
  const manifest = await readManifest(dir);
  const columns = await readColumns(dir, manifest);
  const topologies = unpackTopologies(columns);
  const count = manifest.instances;
  const valueStart = new Uint32Array(count);
  const topologyCol = columns.topology as Uint32Array;
  for (let i = 0, s = 0; i < count; i++) {
    valueStart[i] = s;
    s += topologies[topologyCol[i]]?.valueNodes.length ?? 0;
  }
  const instances = { count, valueStart } as InstanceTable;
  for (const name of INSTANCE_COLUMNS) {
    (instances as unknown as Record<string, Typed>)[name] = columns[name];
  }
  const dataset: Dataset = {
    edgeTypes: manifest.edgeTypes,
    vocabulary: manifest.vocabulary,
    topologies,
    instances,
    sources: manifest.sources,
    meta: manifest.meta,
  };
  try {
    validateDataset(dataset);
  } catch (err) {
    throw new UserError(
      `dataset ${dir} is inconsistent: ${(err as Error).message}`,
      "rebuild the dataset",
    );
  }
  return dataset;
}
