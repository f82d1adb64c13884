import assert from "node:assert/strict";
import {
  createEncoding,
  decodeBinary,
  decodeHex,
  encodeValues,
  ENCODING_NAMES,
  fitEncoding,
} from "../lib/graph/encode.ts";

const SAMPLES = BigUint64Array.from([
  0n,
  1n,
  8n,
  0x5555_5555_1234n,
  0x7ffd_dead_beefn,
  0xffff_ffff_ffff_ffffn,
  1n << 63n,
]);

Deno.test("every encoding gives [n, width] with its documented width", () => {
  const categorical = fitEncoding("categorical", SAMPLES, new Uint8Array(SAMPLES.length).fill(1), {
    categories: 4,
  });
  const widths = { binary: 64, hex: 256, categorical: 5, scalar: 2 };
  for (const name of ENCODING_NAMES) {
    const enc = createEncoding(name === "categorical" ? categorical : { name });
    assert.equal(enc.width, widths[name], name);
    assert.equal(encodeValues(enc, SAMPLES).length, SAMPLES.length * enc.width, name);
  }
});

Deno.test("binary and hex decode back to the value", () => {
  for (const name of ["binary", "hex"] as const) {
    const enc = createEncoding({ name });
    const code = encodeValues(enc, SAMPLES);
    SAMPLES.forEach((v, i) => {
      const decoded = name === "binary" ? decodeBinary(code, i * 64) : decodeHex(code, i * 256);
      assert.equal(decoded, v, `${name} of ${v.toString(16)}`);
    });
  }
  // Binary is LSB first; hex one-hot per nibble.
  const b = encodeValues(createEncoding({ name: "binary" }), BigUint64Array.from([0b1010n]));
  assert.deepEqual(Array.from(b.subarray(0, 4)), [0, 1, 0, 1]);
  const h = encodeValues(createEncoding({ name: "hex" }), BigUint64Array.from([0xa3n]));
  assert.equal(h[3], 1);
  assert.equal(h[16 + 10], 1);
  assert.equal(h.reduce((a, x) => a + x, 0), 16);
});

Deno.test("scalar is sign and log2 magnitude of the signed value", () => {
  const code = encodeValues(
    createEncoding({ name: "scalar" }),
    BigUint64Array.from([0n, 7n, 0xffff_ffff_ffff_fff9n, 1n << 63n]),
  );
  assert.deepEqual(Array.from(code.subarray(0, 2)), [0, 0]);
  assert.deepEqual([code[2], code[3]], [1, Math.fround(3 / 64)]);
  assert.deepEqual([code[4], code[5]], [-1, Math.fround(3 / 64)]);
  assert.deepEqual([code[6], code[7]], [-1, Math.fround(63 / 64)]);
});

Deno.test("categorical keeps the most frequent known values, the rest is out of vocabulary", () => {
  const values = BigUint64Array.from([5n, 5n, 5n, 9n, 9n, 2n, 7n, 7n, 7n, 7n]);
  const known = Uint8Array.from([1, 1, 1, 1, 1, 1, 0, 0, 0, 0]);
  const spec = fitEncoding("categorical", values, known, { categories: 2 });
  assert.deepEqual(spec.categories, ["5", "9"]);
  const code = encodeValues(createEncoding(spec), BigUint64Array.from([9n, 2n, 7n]));
  assert.deepEqual(Array.from(code), [0, 1, 0, 0, 0, 1, 0, 0, 1]);
});
