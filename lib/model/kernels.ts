/**
 * The few TensorFlow.js kernels and gradients the GGNN needs that the wasm
 * backend lacks or runs slowly (../../shared/NOTES.md: no UnsortedSegmentSum,
 * so no gather gradient; `slice` copies its whole input; transposed matMuls
 * run 8x slower than plain ones; `tanh` is scalar libm).
 *
 * - {@linkcode sparseSum}: `out = sum_i S_i x_i` for constant 0/1 sparse
 *   matrices `S_i` ({@linkcode SparseMap}): gather, scatter-add, segment sum
 *   and row prefix in one kernel, written in JS over the wasm heap. Its
 *   gradient is the same kernel with the transposed maps.
 * - {@linkcode gruCell}: the element-wise part of a GRU cell fused into one
 *   kernel (forward and backward), so a GRU step is 2 matMuls + 1 kernel.
 * - {@linkcode matMul2d}: a 2-D matMul whose gradient transposes explicitly
 *   and then runs plain matMuls (XNNPACK) instead of transposed ones.
 *
 * Each has a finite-difference gradient check in tests/model_kernels_test.ts.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import type { BackendWasm } from "@tensorflow/tfjs-backend-wasm";

/**
 * A constant 0/1 matrix `[numOut, numIn]` in CSR form: output row `r` is the
 * sum of input rows `col[rowPtr[r] .. rowPtr[r + 1])`.
 */
export class SparseMap {
  #transposed?: SparseMap;

  constructor(
    /** Rows of the result. */
    readonly numOut: number,
    /** Rows of the input it applies to. */
    readonly numIn: number,
    /** `[numOut + 1]` start of each output row's entries in `col`. */
    readonly rowPtr: Int32Array,
    /** Input row of each entry. */
    readonly col: Int32Array,
  ) {}

  /** The map sending input row `i` to output row `targets[i]` (dropped when -1): a scatter-add. */
  static fromTargets(targets: Int32Array, numOut: number): SparseMap {
    const rowPtr = new Int32Array(numOut + 1);
    for (const t of targets) if (t >= 0) rowPtr[t + 1]++;
    for (let r = 0; r < numOut; r++) rowPtr[r + 1] += rowPtr[r];
    const fill = rowPtr.slice(0, numOut);
    const col = new Int32Array(rowPtr[numOut]);
    for (let i = 0; i < targets.length; i++) if (targets[i] >= 0) col[fill[targets[i]]++] = i;
    return new SparseMap(numOut, targets.length, rowPtr, col);
  }

  /** The map whose output row `r` copies input row `sources[r]` (a gather); -1 leaves row `r` zero. */
  static fromSources(sources: Int32Array, numIn: number): SparseMap {
    const rowPtr = new Int32Array(sources.length + 1);
    let n = 0;
    for (let r = 0; r < sources.length; r++) {
      if (sources[r] >= 0) n++;
      rowPtr[r + 1] = n;
    }
    const col = n === sources.length ? sources : sources.filter((s) => s >= 0);
    return new SparseMap(sources.length, numIn, rowPtr, col);
  }

  /** The map keeping the first `numOut` of `numIn` rows. */
  static prefix(numOut: number, numIn: number): SparseMap {
    const sources = new Int32Array(numOut);
    for (let r = 0; r < numOut; r++) sources[r] = r;
    return SparseMap.fromSources(sources, numIn);
  }

  /** The transposed map `[numIn, numOut]` (computed once). */
  transpose(): SparseMap {
    if (!this.#transposed) {
      const rowPtr = new Int32Array(this.numIn + 1);
      for (const c of this.col) rowPtr[c + 1]++;
      for (let r = 0; r < this.numIn; r++) rowPtr[r + 1] += rowPtr[r];
      const fill = rowPtr.slice(0, this.numIn);
      const col = new Int32Array(this.col.length);
      for (let r = 0; r < this.numOut; r++) {
        for (let k = this.rowPtr[r]; k < this.rowPtr[r + 1]; k++) col[fill[this.col[k]]++] = r;
      }
      this.#transposed = new SparseMap(this.numIn, this.numOut, rowPtr, col);
      this.#transposed.#transposed = this;
    }
    return this.#transposed;
  }
}

const SPARSE_SUM = "NcfSparseSum";
const SPARSE_GATHER = "NcfSparseGather";
const MAT_MUL = "NcfMatMul2d";
const ADAM = "NcfAdam";
/** The wasm backend's own matMul kernel, which {@linkcode matMul2d} runs. */
const batchMatMul = tf.getKernel("BatchMatMul", "wasm");
const GRU_CELL = "NcfGruCell";
const GRU_CELL_GRAD = "NcfGruCellGrad";

type KernelArgs = {
  inputs: Record<string, tf.TensorInfo>;
  backend: unknown;
  attrs?: tf.NamedAttrMap;
};

function heap(backend: BackendWasm, t: tf.TensorInfo): Float32Array {
  return backend.typedArrayFromHeap(t) as Float32Array;
}

/** out[r] (+)= sum of x rows listed by `map` for output row r; `accumulate` false overwrites. */
function applyMap(
  x: Float32Array,
  map: SparseMap,
  out: Float32Array,
  width: number,
  accumulate: boolean,
): void {
  const { rowPtr, col, numOut } = map;
  for (let r = 0; r < numOut; r++) {
    let k = rowPtr[r];
    const end = rowPtr[r + 1];
    const o = r * width;
    if (!accumulate) {
      if (k === end) {
        out.fill(0, o, o + width);
        continue;
      }
      const s = col[k++] * width;
      out.set(x.subarray(s, s + width), o);
    }
    for (; k < end; k++) {
      const s = col[k] * width;
      for (let j = 0; j < width; j++) out[o + j] += x[s + j];
    }
  }
}

function sparseSumKernel({ inputs, backend, attrs }: KernelArgs): tf.TensorInfo {
  const wasm = backend as BackendWasm;
  const maps = (attrs as unknown as { maps: SparseMap[] }).maps;
  const width = inputs.x0.shape[1];
  const out = wasm.makeOutput([maps[0].numOut, width], "float32");
  const o = heap(wasm, out);
  maps.forEach((map, i) => applyMap(heap(wasm, inputs[`x${i}`]), map, o, width, i > 0));
  return out;
}

/**
 * `sum_i maps[i] · xs[i]`: each `xs[i]` is `[maps[i].numIn, W]`, the result
 * `[numOut, W]` (all maps share `numOut`). Differentiable in every `xs[i]`.
 */
export function sparseSum(xs: tf.Tensor2D[], maps: SparseMap[]): tf.Tensor2D {
  if (xs.length === 0 || xs.length !== maps.length) {
    throw new Error("sparseSum needs one map per input");
  }
  const inputs: tf.NamedTensorMap = {};
  xs.forEach((x, i) => {
    if (
      x.shape[0] !== maps[i].numIn || x.shape[1] !== xs[0].shape[1] ||
      maps[i].numOut !== maps[0].numOut
    ) {
      throw new Error(`sparseSum: input ${i} of shape [${x.shape}] does not fit its map`);
    }
    inputs[`x${i}`] = x;
  });
  return tf.engine().runKernel(
    SPARSE_SUM,
    inputs,
    { maps } as unknown as tf.NamedAttrMap,
  ) as tf.Tensor2D;
}

function sigmoid(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

/**
 * Fused GRU element-wise forward (PyTorch GRUCell semantics, gate order r, z, n):
 * r = σ(gx_r + bx_r + gh_r + bh_r), z = σ(gx_z + bx_z + gh_z + bh_z),
 * n = tanh(gx_n + bx_n + r ⊙ (gh_n + bh_n)), h' = (1 - z) ⊙ n + z ⊙ h.
 * Outputs h' `[R, H]` and the gates (r, z, n) `[R, 3H]` for the backward pass.
 */
function gruCellKernel({ inputs, backend }: KernelArgs): tf.TensorInfo[] {
  const wasm = backend as BackendWasm;
  const [R, H] = inputs.h.shape;
  const hOut = wasm.makeOutput([R, H], "float32");
  const gatesOut = wasm.makeOutput([R, 3 * H], "float32");
  const gx = heap(wasm, inputs.gx), gh = heap(wasm, inputs.gh), h = heap(wasm, inputs.h);
  const bx = heap(wasm, inputs.bx), bh = heap(wasm, inputs.bh);
  const out = heap(wasm, hOut), gates = heap(wasm, gatesOut);
  for (let i = 0; i < R; i++) {
    const g = i * 3 * H;
    for (let j = 0; j < H; j++) {
      const r = sigmoid(gx[g + j] + bx[j] + gh[g + j] + bh[j]);
      const z = sigmoid(gx[g + H + j] + bx[H + j] + gh[g + H + j] + bh[H + j]);
      const n = 2 *
          sigmoid(
            2 * (gx[g + 2 * H + j] + bx[2 * H + j] + r * (gh[g + 2 * H + j] + bh[2 * H + j])),
          ) - 1;
      gates[g + j] = r;
      gates[g + H + j] = z;
      gates[g + 2 * H + j] = n;
      out[i * H + j] = (1 - z) * n + z * h[i * H + j];
    }
  }
  return [hOut, gatesOut];
}

/** Backward of {@linkcode gruCellKernel}: [dgx, dgh, dh, dbx, dbh] from dh', the gates, gh, bh and h. */
function gruCellGradKernel({ inputs, backend }: KernelArgs): tf.TensorInfo[] {
  const wasm = backend as BackendWasm;
  const [R, H] = inputs.h.shape;
  const outs = [
    wasm.makeOutput([R, 3 * H], "float32"),
    wasm.makeOutput([R, 3 * H], "float32"),
    wasm.makeOutput([R, H], "float32"),
    wasm.makeOutput([3 * H], "float32"),
    wasm.makeOutput([3 * H], "float32"),
  ];
  const dOut = heap(wasm, inputs.dy), gates = heap(wasm, inputs.gates);
  const gh = heap(wasm, inputs.gh), bh = heap(wasm, inputs.bh), h = heap(wasm, inputs.h);
  const [dgx, dgh, dh, dbx, dbh] = outs.map((t) => heap(wasm, t));
  dbx.fill(0);
  dbh.fill(0);
  for (let i = 0; i < R; i++) {
    const g = i * 3 * H;
    for (let j = 0; j < H; j++) {
      const r = gates[g + j], z = gates[g + H + j], n = gates[g + 2 * H + j];
      const d = dOut[i * H + j];
      const dn = d * (1 - z);
      const dz = d * (h[i * H + j] - n);
      const dan = dn * (1 - n * n);
      const hn = gh[g + 2 * H + j] + bh[2 * H + j];
      const dar = dan * hn * r * (1 - r);
      const daz = dz * z * (1 - z);
      dh[i * H + j] = d * z;
      dgx[g + j] = dar;
      dgh[g + j] = dar;
      dgx[g + H + j] = daz;
      dgh[g + H + j] = daz;
      dgx[g + 2 * H + j] = dan;
      dgh[g + 2 * H + j] = dan * r;
      dbx[j] += dar;
      dbx[H + j] += daz;
      dbx[2 * H + j] += dan;
      dbh[j] += dar;
      dbh[H + j] += daz;
      dbh[2 * H + j] += dan * r;
    }
  }
  return outs;
}

/**
 * One GRU update (PyTorch GRUCell semantics, gate order r, z, n) given the
 * already multiplied inputs: `gx = x @ Wx` `[R, 3H]`, `gh = h @ Wh` `[R, 3H]`,
 * the previous state `h` `[R, H]` and biases `bx`, `bh` `[3H]`. Returns the new
 * state `[R, H]`.
 */
export function gruCell(
  gx: tf.Tensor2D,
  gh: tf.Tensor2D,
  h: tf.Tensor2D,
  bx: tf.Tensor1D,
  bh: tf.Tensor1D,
): tf.Tensor2D {
  const [R, H] = h.shape;
  if (gx.shape[0] !== R || gh.shape[0] !== R || gx.shape[1] !== 3 * H || gh.shape[1] !== 3 * H) {
    throw new Error(`gruCell: gates [${gx.shape}], [${gh.shape}] do not fit a state [${h.shape}]`);
  }
  const outs = tf.engine().runKernel(GRU_CELL, { gx, gh, h, bx, bh }) as tf.Tensor[];
  return outs[0] as tf.Tensor2D;
}

/**
 * `a @ b` for 2-D tensors; the gradient is `dy @ transpose(b)` and
 * `transpose(a) @ dy` with explicit transposes, which XNNPACK runs 8x faster
 * than tfjs's transposed matMuls on wasm. A kernel of its own (running the
 * wasm backend's BatchMatMul) rather than `tf.customGrad`, which wraps every
 * call in identity ops.
 */
export function matMul2d(a: tf.Tensor2D, b: tf.Tensor2D): tf.Tensor2D {
  if (a.shape[1] !== b.shape[0]) {
    throw new Error(`matMul2d: [${a.shape}] @ [${b.shape}] do not fit`);
  }
  return tf.engine().runKernel(MAT_MUL, { a, b }) as tf.Tensor2D;
}

function matMulKernel({ inputs, backend }: KernelArgs): tf.TensorInfo {
  return batchMatMul!.kernelFunc({
    inputs,
    backend,
    attrs: { transposeA: false, transposeB: false },
  } as never) as tf.TensorInfo;
}

/**
 * `[sum_j maps[j] · x for each j]`: one read of `x` `[numIn, W]` for several
 * sparse maps (e.g. the gathers of every message type), one output per map.
 * Its gradient adds the outputs' gradients back in a single kernel call
 * instead of one call and one tensor addition per map.
 */
export function sparseGather(x: tf.Tensor2D, maps: SparseMap[]): tf.Tensor2D[] {
  for (const map of maps) {
    if (map.numIn !== x.shape[0]) {
      throw new Error(`sparseGather: a map of ${map.numIn} input rows for [${x.shape}]`);
    }
  }
  if (maps.length === 0) return [];
  const out = tf.engine().runKernel(
    SPARSE_GATHER,
    { x },
    { maps } as unknown as tf.NamedAttrMap,
  );
  return (Array.isArray(out) ? out : [out]) as tf.Tensor2D[];
}

function sparseGatherKernel({ inputs, backend, attrs }: KernelArgs): tf.TensorInfo[] {
  const wasm = backend as BackendWasm;
  const maps = (attrs as unknown as { maps: SparseMap[] }).maps;
  const width = inputs.x.shape[1];
  return maps.map((map) => {
    const out = wasm.makeOutput([map.numOut, width], "float32");
    applyMap(heap(wasm, inputs.x), map, heap(wasm, out), width, false);
    return out;
  });
}

/** Hyper-parameters of one {@linkcode adamUpdate}. */
export interface AdamStep {
  beta1: number;
  beta2: number;
  /** The learning rate times the bias correction `sqrt(1 - beta2^t) / (1 - beta1^t)`. */
  stepSize: number;
  epsilon: number;
}

/**
 * One Adam update of a weight `p` with gradient `g` and moments `m`, `v` (all
 * one shape), fused into one pass: returns `[p', m', v']` with
 * `m' = m β1 + g (1 - β1)`, `v' = v β2 + g² (1 - β2)`,
 * `p' = p - (m' stepSize) / (√v' + ε)`. Every operation is rounded to float32
 * as the same sequence of tfjs ops would round it, so the result is bit for
 * bit theirs, in one kernel call instead of nine.
 */
export function adamUpdate(
  p: tf.Tensor,
  g: tf.Tensor,
  m: tf.Tensor,
  v: tf.Tensor,
  step: AdamStep,
): [tf.Tensor, tf.Tensor, tf.Tensor] {
  return tf.engine().runKernel(
    ADAM,
    { p, g, m, v },
    step as unknown as tf.NamedAttrMap,
  ) as unknown as [tf.Tensor, tf.Tensor, tf.Tensor];
}

function adamKernel({ inputs, backend, attrs }: KernelArgs): tf.TensorInfo[] {
  const wasm = backend as BackendWasm;
  const { beta1, beta2, stepSize, epsilon } = attrs as unknown as AdamStep;
  const f = Math.fround;
  const b1 = f(beta1), c1 = f(1 - beta1), b2 = f(beta2), c2 = f(1 - beta2);
  const size = f(stepSize), eps = f(epsilon);
  const outs = [0, 1, 2].map(() => wasm.makeOutput(inputs.p.shape, "float32"));
  const [p, g, m, v] = [inputs.p, inputs.g, inputs.m, inputs.v].map((t) => heap(wasm, t));
  const [pOut, mOut, vOut] = outs.map((t) => heap(wasm, t));
  for (let i = 0; i < p.length; i++) {
    const gi = g[i];
    const mi = f(f(m[i] * b1) + f(gi * c1));
    const vi = f(f(v[i] * b2) + f(f(gi * gi) * c2));
    mOut[i] = mi;
    vOut[i] = vi;
    pOut[i] = p[i] - f(f(mi * size) / f(f(Math.sqrt(vi)) + eps));
  }
  return outs;
}

for (
  const [kernelName, kernelFunc] of [
    [SPARSE_SUM, sparseSumKernel],
    [SPARSE_GATHER, sparseGatherKernel],
    [MAT_MUL, matMulKernel],
    [GRU_CELL, gruCellKernel],
    [GRU_CELL_GRAD, gruCellGradKernel],
    [ADAM, adamKernel],
  ] as const
) {
  tf.registerKernel({
    kernelName,
    backendName: "wasm",
    kernelFunc: kernelFunc as unknown as tf.KernelFunc,
  });
}
tf.registerGradient({
  kernelName: SPARSE_SUM,
  gradFunc: (dy, _saved, attrs) => {
    const maps = (attrs as unknown as { maps: SparseMap[] }).maps;
    const grads: Record<string, () => tf.Tensor> = {};
    maps.forEach((map, i) => {
      grads[`x${i}`] = () => sparseSum([dy as tf.Tensor2D], [map.transpose()]);
    });
    return grads;
  },
});
tf.registerGradient({
  kernelName: SPARSE_GATHER,
  gradFunc: (dys, _saved, attrs) => {
    const maps = (attrs as unknown as { maps: SparseMap[] }).maps;
    // tfjs hands a kernel with one output its gradient alone, and null for an unused output.
    const list = (Array.isArray(dys) ? dys : [dys]) as (tf.Tensor2D | null)[];
    const used = maps.flatMap((map, j) => list[j] ? [{ dy: list[j]!, map: map.transpose() }] : []);
    // tfjs asks for this gradient only when some output reaches the loss, so `used` is not empty.
    return { x: () => sparseSum(used.map((u) => u.dy), used.map((u) => u.map)) };
  },
});
tf.registerGradient({
  kernelName: MAT_MUL,
  inputsToSave: ["a", "b"],
  gradFunc: (dy, saved) => {
    const [a, b] = saved as tf.Tensor2D[];
    return {
      a: () => tf.matMul(dy as tf.Tensor2D, tf.transpose(b)),
      b: () => tf.matMul(tf.transpose(a), dy as tf.Tensor2D),
    };
  },
});
tf.registerGradient({
  kernelName: GRU_CELL,
  inputsToSave: ["gh", "h", "bh"],
  outputsToSave: [false, true],
  gradFunc: (dys, saved) => {
    const [gh, h, bh, gates] = saved;
    const dy = (dys as tf.Tensor[])[0] ?? tf.zerosLike(h);
    const [dgx, dgh, dh, dbx, dbh] = tf.engine().runKernel(GRU_CELL_GRAD, {
      dy,
      gates,
      gh,
      bh,
      h,
    }) as tf.Tensor[];
    return { gx: () => dgx, gh: () => dgh, h: () => dh, bx: () => dbx, bh: () => dbh };
  },
});
