/**
 * The reader on damaged traces (cut short, bytes flipped) and the CLI's
 * commands end to end. Traces come from a real run of tests/programs/branchy.c.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { ROOT } from "../lib/common/mod.ts";
import { BRANCH, openTrace, summarizeTrace, TraceError } from "../lib/trace/mod.ts";
import { testTempDir, traceTestProgram } from "../lib/trace/testing.ts";

const dir = await testTempDir("ncf-reader-test-");

let traced: Promise<string> | undefined;
/** A whole trace of branchy with some snapshots. */
function wholeTrace(): Promise<string> {
  traced ??= traceTestProgram("branchy", dir, {
    args: ["700"],
    out: "whole.ncf",
    snapshots: "branches,every=7",
  });
  return traced;
}

interface Read {
  sites: number[];
  icounts: number[];
  values: bigint[];
  error?: unknown;
}

async function readAll(path: string): Promise<Read> {
  const r: Read = { sites: [], icounts: [], values: [] };
  try {
    const trace = await openTrace(path);
    for await (const c of trace.chunks({ chunkSize: 1000 })) {
      for (let i = 0; i < c.length; i++) {
        r.sites.push(c.site[i]);
        r.icounts.push(c.icount[i]);
        r.values.push(c.value[i]);
      }
    }
  } catch (err) {
    r.error = err;
  }
  return r;
}

Deno.test("reader: a truncated trace yields its readable prefix, then a TraceError", async () => {
  const path = await wholeTrace();
  const bytes = await Deno.readFile(path);
  const whole = await readAll(path);
  assert.equal(whole.error, undefined);
  const view = new DataView(bytes.buffer);
  const dataStart = 13 + view.getUint32(9, true) + 4;
  const firstFrameEnd = dataStart + 8 + view.getUint32(dataStart, true);
  assert.ok(firstFrameEnd < bytes.length * 0.9, "the trace has more than one frame");
  for (
    const cut of [
      5,
      20,
      200,
      1000,
      Math.floor(bytes.length / 3),
      Math.floor(bytes.length * 0.9),
      bytes.length - 3,
    ]
  ) {
    const p = join(dir, `cut-${cut}.ncf`);
    await Deno.writeFile(p, bytes.subarray(0, cut));
    const part = await readAll(p);
    assert.ok(part.error instanceof TraceError, `cut at ${cut}: ${part.error}`);
    assert.match((part.error as Error).message, /truncated|bad magic/);
    assert.ok(part.sites.length <= whole.sites.length);
    assert.deepEqual(part.sites, whole.sites.slice(0, part.sites.length));
    assert.deepEqual(part.icounts, whole.icounts.slice(0, part.icounts.length));
    assert.deepEqual(part.values, whole.values.slice(0, part.values.length));
    // Records come in checksummed frames: a cut keeps the whole frames before it.
    if (cut >= firstFrameEnd) assert.ok(part.sites.length > 0, `cut at ${cut} keeps events`);
  }
});

Deno.test("reader: a corrupted byte always gives a TraceError (checksums), never a crash", async () => {
  const path = await wholeTrace();
  const bytes = await Deno.readFile(path);
  let seed = 42;
  const random = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
  const whole = await readAll(path);
  for (let k = 0; k < 40; k++) {
    const damaged = bytes.slice();
    const at = Math.floor(random() * damaged.length);
    damaged[at] ^= 1 + Math.floor(random() * 255);
    const p = join(dir, `corrupt-${k}.ncf`);
    await Deno.writeFile(p, damaged);
    const r = await readAll(p);
    assert.ok(r.error instanceof TraceError, `byte ${at}: ${r.error ?? "read without an error"}`);
    // What was read before the damaged frame is the trace's own prefix.
    assert.deepEqual(r.values, whole.values.slice(0, r.values.length));
  }
});

Deno.test("reader: summary counts match the footer", async () => {
  const path = await wholeTrace();
  const s = await summarizeTrace(path);
  const trace = await openTrace(path);
  for await (const _ of trace.chunks()) { /* read to the footer */ }
  const f = trace.footer!;
  assert.equal(s.complete, true);
  assert.equal(s.branches, f.branches);
  assert.equal(s.branches_taken, f.branchesTaken);
  assert.equal(s.loads, f.loads);
  assert.equal(s.snapshots, f.snapshots);
  assert.equal(s.instructions, f.instructions);
  assert.ok(s.snapshots > 0 && s.snapshots < s.branches);
  assert.ok(s.objects.some((o) => o.endsWith("/branchy")));
});

Deno.test("reader: fields that do not apply to an event's kind hold 0", async () => {
  const trace = await openTrace(await wholeTrace());
  let checked = 0;
  for await (const c of trace.chunks({ chunkSize: 500 })) {
    for (let i = 0; i < c.length; i++, checked++) {
      if (c.kind[i] === BRANCH) {
        assert.equal(c.size[i], 0);
        assert.equal(c.addr[i], 0n);
        assert.equal(c.value[i], 0n);
      } else {
        assert.equal(c.taken[i], 0);
        assert.ok(c.size[i] > 0);
      }
    }
  }
  assert.ok(checked > 10_000);
});

async function cli(args: string[]) {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", join(ROOT, "lib/trace/cli.ts"), ...args],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const decode = (b: Uint8Array) => new TextDecoder().decode(b);
  return { code: out.code, stdout: decode(out.stdout), stderr: decode(out.stderr) };
}

Deno.test("cli: trace, info and dump", async () => {
  await wholeTrace();
  const out = join(dir, "cli.ncf");
  const traced = await cli([
    "trace",
    "--window",
    "30000",
    "--stdout",
    "null",
    "--out",
    out,
    "--",
    join(dir, "branchy"),
    "700",
  ]);
  assert.equal(traced.code, 0, traced.stderr);
  assert.match(traced.stdout, /30000 instructions.*stopped at the window's end.*cli\.ncf/);
  const info = await cli(["info", out]);
  assert.equal(info.code, 0, info.stderr);
  const summary = JSON.parse(info.stdout);
  assert.equal(summary.instructions, 30000);
  assert.equal(summary.complete, true);
  const dump = await cli(["dump", out, "--limit", "5"]);
  const lines = dump.stdout.trim().split("\n").map((l) => JSON.parse(l));
  assert.equal(lines.length, 5);
  assert.ok(
    lines.every((l) =>
      ["branch", "load"].includes(l.kind) && /^0x/.test(l.pc) && /^0x/.test(l.offset)
    ),
  );

  const missing = await cli(["trace", "--out", join(dir, "x.ncf"), "--", join(dir, "nope")]);
  assert.notEqual(missing.code, 0);
  assert.match(missing.stderr, /error: program .* does not exist\n {2}fix: /);
  const bad = await cli(["info", join(dir, "cut-5.ncf")]);
  assert.notEqual(bad.code, 0);
});

Deno.test("cli: trace-info on a .partial says it is incomplete and how the program ended is unknown", async () => {
  const bytes = await Deno.readFile(await wholeTrace());
  const partial = join(dir, "cut.ncf.partial");
  await Deno.writeFile(partial, bytes.subarray(0, bytes.length - 100));
  const info = await cli(["info", partial]);
  assert.notEqual(info.code, 0);
  const summary = JSON.parse(info.stdout);
  assert.equal(summary.end, null);
  assert.equal(summary.complete, false);
  assert.equal(summary.window_full, false);
  assert.ok(summary.notes.some((n: string) => /named \.partial/.test(n)));
  assert.match(info.stderr, /^error: .*truncated.*\n {2}fix: /m);
});

Deno.test("cli: bad outputs and inputs are clear errors, not stack traces", async () => {
  await wholeTrace();
  const program = join(dir, "branchy");
  for (
    const [args, message] of [
      [["--stdout", dir, "--out", join(dir, "x.ncf")], /--stdout .* is a folder/],
      [["--out", dir], /--out .* is a folder/],
      [["--stdin", dir, "--out", join(dir, "x.ncf")], /--stdin .* is a folder/],
      [["--out", program], /is the program/],
      [["--inputs", dir, "--out", join(dir, "x.ncf")], /--inputs needs --reproducible/],
    ] as const
  ) {
    const r = await cli(["trace", "--quiet", ...args, "--", program, "700"]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, message);
    assert.match(r.stderr, /^error: .*\n {2}fix: /m);
    assert.doesNotMatch(r.stderr, /at .*\.ts:\d+/);
  }
  const past = await cli([
    "trace",
    "--quiet",
    "--skip",
    "100000000",
    "--stdout",
    "null",
    "--out",
    join(dir, "past.ncf"),
    "--",
    program,
    "700",
  ]);
  assert.equal(past.code, 5, "a trace that records nothing is not a success");
  assert.match(
    past.stderr,
    /inside the skip of 100000000.*records nothing\n {2}fix: give a --skip below/,
  );
});
