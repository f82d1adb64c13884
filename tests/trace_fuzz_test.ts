/**
 * Trace integrity: a real trace (tests/programs/branchy.c) damaged in many
 * ways (cut at every part, bytes flipped in the header, the frames of records
 * and the footer) always gives a TraceError that says what is wrong, never
 * wrong events, another error or a hang. Also: an old format version, and a
 * header whose JSON is `null` under a valid checksum.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { crc32 } from "node:zlib";
import { openTrace, readFooter, summarizeTrace, TraceError } from "../lib/trace/mod.ts";
import { testTempDir, traceTestProgram } from "../lib/trace/testing.ts";

const dir = await testTempDir("ncf-fuzz-test-");

/** A whole trace with snapshots: more than one frame of records. */
async function wholeTrace(): Promise<Uint8Array> {
  const path = await traceTestProgram("branchy", dir, {
    args: ["700"],
    out: "whole.ncf",
    snapshots: "all,every=3",
  });
  return await Deno.readFile(path);
}

const u32 = (b: Uint8Array, at: number) => new DataView(b.buffer, b.byteOffset).getUint32(at, true);

/** Where the parts of a trace are (FORMAT.md): header, frames, end frame, footer. */
function layout(bytes: Uint8Array) {
  const dataStart = 13 + u32(bytes, 9) + 4;
  const frames: { at: number; length: number }[] = [];
  let at = dataStart;
  while (u32(bytes, at) !== 0) {
    frames.push({ at, length: u32(bytes, at) });
    at += 8 + u32(bytes, at);
  }
  return { dataStart, frames, endFrame: at, footer: at + 4, size: bytes.length };
}

/** Reads a file to its end every way a consumer does; returns the first error. */
async function readAllWays(path: string): Promise<unknown> {
  try {
    const trace = await openTrace(path);
    for await (const _ of trace.chunks({ chunkSize: 1000 })) { /* read to the end */ }
    const summary = await summarizeTrace(path);
    await readFooter(path); // undefined or a footer: never throws for damage
    return summary.complete ? undefined : new TraceError(summary.notes[0]);
  } catch (err) {
    return err;
  }
}

/** `readAllWays`, failing the test if it takes longer than 20 s (a hang). */
async function readWithin(path: string): Promise<unknown> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const hang = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`reading ${path} hangs`)), 20_000);
  });
  try {
    return await Promise.race([readAllWays(path), hang]);
  } finally {
    clearTimeout(timer);
  }
}

Deno.test("fuzz: every cut and every flipped byte of a trace gives a clear TraceError", async () => {
  const bytes = await wholeTrace();
  const l = layout(bytes);
  assert.ok(l.frames.length >= 2, `${l.frames.length} frames: the test needs several`);
  assert.equal(await readAllWays(join(dir, "whole.ncf")), undefined, "the intact trace reads");

  const cases: { name: string; data: Uint8Array }[] = [];
  const cut = (at: number) => cases.push({ name: `cut at ${at}`, data: bytes.slice(0, at) });
  const flip = (at: number, mask = 0x5a) => {
    const data = bytes.slice();
    data[at] ^= mask;
    cases.push({ name: `flip of byte ${at}`, data });
  };
  // Cuts: inside the header, at and inside each frame, the end frame and the footer.
  for (const at of [0, 4, 8, 9, 12, 13, 40, l.dataStart - 1, l.dataStart, l.dataStart + 3]) cut(at);
  for (const f of l.frames) {
    for (const at of [f.at + 4, f.at + 4 + (f.length >> 1), f.at + 4 + f.length + 2]) cut(at);
  }
  for (const at of [l.endFrame, l.endFrame + 2, l.footer, l.footer + 5, l.size - 13, l.size - 8]) {
    cut(at);
  }
  cut(l.size - 1);
  // Flips in the header: magic, version, JSON length, JSON, checksum.
  for (
    const at of [0, 7, 8, 9, 10, 12, 13, 14, 30, l.dataStart - 5, l.dataStart - 4, l.dataStart - 1]
  ) {
    flip(at);
  }
  // In every frame: its length, records at the start, middle and end, its checksum.
  let seed = 7;
  const random = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
  for (const f of l.frames) {
    const payload = f.at + 4;
    for (const at of [f.at, f.at + 1, f.at + 3, payload, payload + f.length - 1]) flip(at);
    for (let k = 0; k < 6; k++) flip(payload + Math.floor(random() * f.length), 1 << (k % 8));
    for (const at of [payload + f.length, payload + f.length + 3]) flip(at);
  }
  // The end frame, every field byte of the footer, its checksum, length and end marker.
  for (let at = l.endFrame; at < l.size; at++) flip(at);
  // Data after the end.
  cases.push({ name: "bytes appended", data: new Uint8Array([...bytes, 1, 2, 3]) });
  assert.ok(cases.length >= 50, `${cases.length} cases`);

  for (const [k, c] of cases.entries()) {
    const path = join(dir, `case-${k}.ncf`);
    await Deno.writeFile(path, c.data);
    const err = await readWithin(path);
    assert.ok(
      err instanceof TraceError,
      `${c.name}: ${err === undefined ? "read without an error" : err}`,
    );
    assert.match(
      err.message,
      /truncated|corrupt|not an ncf trace|end marker|format version|data after/,
      c.name,
    );
    assert.ok(err.fix.length > 0, c.name);
    await Deno.remove(path);
  }
});

Deno.test("fuzz: an old format version says to re-trace; a header of null is corrupt", async () => {
  const bytes = (await Deno.stat(join(dir, "whole.ncf")).catch(() => undefined))
    ? await Deno.readFile(join(dir, "whole.ncf"))
    : await wholeTrace();
  const old = bytes.slice();
  old[8] = 1;
  const oldPath = join(dir, "old.ncf");
  await Deno.writeFile(oldPath, old);
  for (const read of [() => openTrace(oldPath), () => readFooter(oldPath)]) {
    await assert.rejects(
      read(),
      (e: Error) =>
        e instanceof TraceError && /format version 1, made by an older tracer/.test(e.message) &&
        /re-trace/.test(e.fix),
    );
  }
  // A header whose JSON is `null`, with a checksum that matches it.
  const rest = bytes.subarray(layout(bytes).dataStart);
  const json = new TextEncoder().encode("null");
  const header = new Uint8Array(13 + json.length + 4);
  header.set(bytes.subarray(0, 9));
  new DataView(header.buffer).setUint32(9, json.length, true);
  header.set(json, 13);
  new DataView(header.buffer).setUint32(
    13 + json.length,
    crc32(header.subarray(0, 13 + json.length)),
    true,
  );
  const nullPath = join(dir, "null-header.ncf");
  await Deno.writeFile(nullPath, new Uint8Array([...header, ...rest]));
  await assert.rejects(
    openTrace(nullPath),
    (e: Error) => e instanceof TraceError && /corrupt header/.test(e.message),
  );
});
