/**
 * The tensor backend: TensorFlow.js on its WebAssembly backend (SIMD, one
 * thread; see ../shared/NOTES.md), initialised once per process.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { setWasmPaths } from "@tensorflow/tfjs-backend-wasm";
import { createRequire } from "node:module";
import { dirname } from "node:path";

let ready: Promise<typeof tf> | undefined;

/**
 * Selects the wasm backend (loading its `.wasm` files from node_modules) and
 * returns the `tf` namespace. Safe to call many times.
 */
export function initBackend(): Promise<typeof tf> {
  ready ??= (async () => {
    const require = createRequire(import.meta.url);
    const wasmFile = require.resolve(
      "@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm",
    );
    setWasmPaths(dirname(wasmFile) + "/");
    // Silence tfjs's "hi there" banner about a faster node backend we cannot install.
    tf.env().set("IS_NODE", false);
    // The threaded build's worker cannot start under Deno: force the single-threaded SIMD build.
    tf.env().set("WASM_HAS_MULTITHREAD_SUPPORT", false);
    if (!(await tf.setBackend("wasm")) || tf.getBackend() !== "wasm") {
      throw new Error("the TensorFlow.js wasm backend failed to start (see the log above)");
    }
    return tf;
  })();
  return ready;
}

export { tf };
