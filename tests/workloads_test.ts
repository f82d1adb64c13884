import assert from "node:assert/strict";
import { join } from "node:path";
import { Rng, ROOT, UserError } from "../lib/common/mod.ts";
import { eventDigest } from "../lib/trace/testing.ts";
import {
  GENERATORS,
  listWorkloads,
  MIN_USABLE_SHARE,
  type ParamValue,
  parseManifest,
  resolveWorkload,
  runNative,
  tracePath,
  traceProblem,
  traceSuite,
  usableWorkloads,
} from "../lib/workloads/mod.ts";
import { traceProgram } from "../lib/trace/mod.ts";
import { ensureTracer } from "../lib/trace/testing.ts";

/** Small parameters per generator, so that the determinism checks stay fast. */
const SMALL_PARAMS: Record<string, Record<string, ParamValue>> = {
  "bytes-mix": { bytes: 60000, segment: 4096 },
  "perl-script": { lines: 200, records: 300, patterns: 4 },
  "c-unit": { functions: 6, statements: 4 },
  "gtp-game": { opening: 10, genmoves: 2 },
  "hmm-search": { modelLength: 40, members: 8, sequences: 40, length: 80 },
  "chess-session": { games: 3 },
  "yuv-video": { width: 64, height: 48, frames: 3 },
  "xml-xslt": { items: 50, categories: 5, tags: 20 },
  "csr-graph": { scale: 9, degree: 4 },
};

async function readTree(dir: string): Promise<Map<string, Uint8Array>> {
  const files = new Map<string, Uint8Array>();
  for await (const entry of Deno.readDir(dir)) {
    if (entry.isFile) files.set(entry.name, await Deno.readFile(join(dir, entry.name)));
  }
  return files;
}

async function generate(id: string, seed: number): Promise<Map<string, Uint8Array>> {
  const dir = await Deno.makeTempDir({ prefix: "ncf-gen-" });
  try {
    const generator = GENERATORS[id];
    await generator.generate({
      dir,
      params: { ...generator.defaults, ...SMALL_PARAMS[id] },
      rng: new Rng(seed),
      seed,
    });
    return await readTree(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

function sameFiles(a: Map<string, Uint8Array>, b: Map<string, Uint8Array>): boolean {
  if (a.size !== b.size) return false;
  for (const [name, bytes] of a) {
    const other = b.get(name);
    if (!other || other.length !== bytes.length || !other.every((x, i) => x === bytes[i])) {
      return false;
    }
  }
  return true;
}

Deno.test("manifest: unique names, at least two distinct inputs each, programs present", async () => {
  const workloads = listWorkloads();
  assert.ok(workloads.length >= 12);
  assert.equal(new Set(workloads.map((w) => w.name)).size, workloads.length);
  for (const w of workloads) {
    assert.ok(w.inputs.length >= 2, `${w.name} has fewer than two inputs`);
    assert.equal(new Set(w.inputs.map((i) => i.name)).size, w.inputs.length);
    assert.equal(
      new Set(w.inputs.map((i) => i.seed)).size,
      w.inputs.length,
      `${w.name}: seeds repeat`,
    );
    assert.ok(w.scales.small.window < w.scales.full.window);
    if (w.kind === "debian") assert.ok((await Deno.stat(w.program)).isFile, `${w.program} missing`);
  }
  assert.ok(workloads.filter((w) => w.kind === "kernel").length >= 3);
});

Deno.test("manifest: every workload x input resolves to a runnable program and existing files", async () => {
  for (const w of listWorkloads()) {
    for (const input of w.inputs) {
      const run = await resolveWorkload(w.name, { input: input.name, scale: "small" });
      assert.equal(run.workload, w.name);
      assert.equal(run.input, input.name);
      assert.ok((await Deno.stat(run.program)).isFile);
      assert.ok((await Deno.stat(run.cwd)).isDirectory);
      if (run.stdin) assert.ok((await Deno.stat(run.stdin)).isFile);
      for (const arg of run.args) {
        assert.ok(!/[{}]/.test(arg), `${w.name}: unfilled placeholder in ${arg}`);
        assert.ok(!arg.includes(run.cwd), `${w.name}: ${arg} names the input by its absolute path`);
        if (arg.startsWith("./")) await Deno.stat(join(run.cwd, arg)); // throws if missing
      }
      assert.equal(run.skip, input.scales?.small?.skip ?? w.scales.small.skip);
    }
  }
  const byIndex = await resolveWorkload("bzip2", { input: 1, scale: "full" });
  assert.equal(byIndex.input, listWorkloads().find((w) => w.name === "bzip2")!.inputs[1].name);
  assert.equal(byIndex.window, listWorkloads().find((w) => w.name === "bzip2")!.scales.full.window);
});

Deno.test("generators: same seed gives the same bytes, another seed other bytes", async () => {
  for (const id of Object.keys(GENERATORS)) {
    const a = await generate(id, 11);
    const b = await generate(id, 11);
    assert.ok(sameFiles(a, b), `${id} is not deterministic`);
    if (id === "args-only") continue;
    assert.ok(a.size > 0, `${id} wrote nothing`);
    const c = await generate(id, 12);
    assert.ok(!sameFiles(a, c), `${id} ignores its seed`);
  }
});

Deno.test("rng: reproducible streams, ranges respected", () => {
  const a = new Rng(42), b = new Rng(42), c = new Rng("42");
  const xs = Array.from({ length: 100 }, () => a.u32());
  assert.deepEqual(xs, Array.from({ length: 100 }, () => b.u32()));
  assert.notDeepEqual(xs, Array.from({ length: 100 }, () => c.u32()));
  for (let i = 0; i < 1000; i++) {
    const x = a.int(-3, 5);
    assert.ok(Number.isInteger(x) && x >= -3 && x < 5);
    const f = a.float();
    assert.ok(f >= 0 && f < 1);
  }
  assert.deepEqual([...new Rng(7).shuffle([1, 2, 3, 4, 5])].sort(), [1, 2, 3, 4, 5]);
});

Deno.test("kernels and driver compile and run natively on every input, exit 0", async () => {
  for (const w of listWorkloads().filter((w) => w.kind !== "debian")) {
    for (const input of w.inputs) {
      const run = await resolveWorkload(w.name, { input: input.name });
      const result = await runNative(run, { timeoutMs: 120_000 });
      assert.equal(
        result.code,
        0,
        `${w.name}/${input.name}: ${result.signal ?? result.code}\n${result.stderrTail}`,
      );
      assert.ok(result.stdoutBytes > 0, `${w.name}/${input.name} printed nothing`);
    }
  }
});

Deno.test("unknown workload or input: a UserError listing the known names", async () => {
  await assert.rejects(
    () => resolveWorkload("no-such-workload"),
    (err: unknown) =>
      err instanceof UserError && /bzip2/.test(err.fix) && /libquantum/.test(err.fix),
  );
  await assert.rejects(
    () => resolveWorkload("bzip2", { input: "nope" }),
    (err: unknown) => err instanceof UserError && /text/.test(err.fix),
  );
  await assert.rejects(() => resolveWorkload("bzip2", { input: 99 }), UserError);
});

Deno.test("manifest checks name the broken field", () => {
  const entry = {
    name: "toy",
    analog: "none",
    kind: "debian",
    description: "toy",
    program: "/bin/true",
    args: ["{input}/x", "{missing}"],
    generator: "args-only",
    inputs: [{ name: "a", seed: 1 }, { name: "b", seed: 2 }],
    scales: { small: { skip: 0, window: 10 }, full: { skip: 0, window: 100 } },
  };
  assert.throws(
    () => parseManifest({ workloads: [entry] }),
    (e: unknown) => e instanceof UserError && /\{missing\}/.test(e.message),
  );
  const oneInput = { ...entry, args: [], inputs: [{ name: "a", seed: 1 }] };
  assert.throws(
    () => parseManifest({ workloads: [oneInput] }),
    (e: unknown) => e instanceof UserError && /two inputs/.test(e.message),
  );
  const badParam = {
    ...entry,
    args: [],
    generator: "bytes-mix",
    inputs: [{ name: "a", seed: 1, params: { bites: 3 } }, { name: "b", seed: 2 }],
  };
  assert.throws(
    () => parseManifest({ workloads: [badParam] }),
    (e: unknown) => e instanceof UserError && /bites/.test(e.message),
  );
  assert.equal(parseManifest({ workloads: [{ ...entry, args: [] }] })[0].name, "toy");
});

Deno.test("traceSuite: traces a kernel's window, then reuses the up-to-date trace", async () => {
  const dir = await Deno.makeTempDir({ prefix: "ncf-suite-" });
  try {
    const bst = listWorkloads().filter((w) => w.name === "bst");
    const options = {
      scale: "small" as const,
      workloads: bst,
      inputs: "first" as const,
      dir,
      quiet: true,
    };
    const first = await traceSuite(options);
    assert.equal(first.rows.length, 1);
    const row = first.rows[0];
    assert.equal(row.instructions, bst[0].scales.small.window);
    assert.ok(row.window_full && row.end === "window");
    assert.ok(row.branches > 0 && row.loads > 0 && row.snapshots > 0);
    assert.ok(!row.reused);
    assert.ok((await Deno.stat(row.trace)).size === row.bytes);
    const summary = JSON.parse(await Deno.readTextFile(join(dir, "summary.json")));
    assert.equal(summary.rows[0].instructions, row.instructions);
    const second = await traceSuite(options);
    assert.ok(second.rows[0].reused);
    assert.equal(second.rows[0].branches, row.branches);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("every workload's first input traces a non-empty window under the tracer", async () => {
  await ensureTracer();
  const dir = await Deno.makeTempDir({ prefix: "ncf-suite-all-" });
  try {
    for (const w of listWorkloads()) {
      const run = await resolveWorkload(w.name, { input: w.inputs[0].name, scale: "small" });
      const result = await traceProgram({
        program: run.program,
        args: run.args,
        out: join(dir, `${w.name}.trace`),
        skip: run.skip,
        window: 200_000,
        stdin: run.stdin,
        stdout: "null",
        reproducible: { inputs: run.cwd },
        env: run.env,
        quiet: true,
      });
      const where = `${w.name}/${w.inputs[0].name}: ended ${JSON.stringify(result.end)}`;
      assert.equal(result.end.how, "window", where);
      assert.ok(result.windowFull && result.branches > 0 && result.loads > 0, where);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("traceProblem: empty, killed and short traces are unusable, full ones are not", () => {
  const row = {
    workload: "w",
    input: "i",
    trace: "t",
    instructions: 5e6,
    branches: 1000,
    branches_taken: 400,
    loads: 2000,
    branch_pcs: 10,
    load_pcs: 20,
    snapshots: 5,
    bytes: 100,
    bytes_per_event: 1,
    seconds: 1,
    end: "window",
    window_full: true,
    reused: false,
  };
  assert.equal(traceProblem(row), undefined);
  assert.match(
    traceProblem({ ...row, instructions: 0, branches: 0, end: "exit 0", window_full: false })!,
    /empty/,
  );
  assert.match(
    traceProblem({ ...row, instructions: 1e5, end: "SIGILL", window_full: false })!,
    /SIGILL/,
  );
  assert.match(traceProblem({ ...row, end: "exit 0", window_full: false })!, /before the window/);
});

Deno.test("traceSuite: a failing workload is listed as unusable and the others go on", async () => {
  const dir = await Deno.makeTempDir({ prefix: "ncf-suite-fail-" });
  try {
    const good = listWorkloads().filter((w) => w.name === "bst" || w.name === "listwalk");
    const broken = { ...good[0], name: "no-such-workload" };
    const summary = await traceSuite({
      scale: "small",
      workloads: [...good, broken],
      inputs: "first",
      dir,
      quiet: true,
    });
    assert.equal(summary.rows.length, 2);
    assert.deepEqual(summary.unusable.map((u) => u.workload), ["no-such-workload"]);
    assert.deepEqual(usableWorkloads(summary).sort(), ["bst", "listwalk"]);
    // Two of three usable is enough; one of two is not (MIN_USABLE_SHARE of 2/3).
    assert.ok(MIN_USABLE_SHARE > 0.5 && MIN_USABLE_SHARE <= 2 / 3);
    await assert.rejects(
      () =>
        traceSuite({
          scale: "small",
          workloads: [good[0], broken],
          inputs: "first",
          dir,
          quiet: true,
        }),
      (e: unknown) => e instanceof UserError && /1 of 2 workloads/.test(e.message),
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("traceSuite: the same trace from another clone location, folder and environment", async () => {
  const tmp = await Deno.makeTempDir({ prefix: "ncf-clone-" });
  try {
    const bfs = listWorkloads().filter((w) => w.name === "bfs");
    const here = await traceSuite({
      scale: "small",
      workloads: bfs,
      inputs: "first",
      dir: join(tmp, "here"),
      quiet: true,
    });
    // A copy of the code at a longer path, with its own build and cache; the
    // tracer binary is the same.
    const clone = join(tmp, "a", "clone", "at", "another", "location", "ncf");
    await Deno.mkdir(join(clone, "data"), { recursive: true });
    await Deno.mkdir(join(clone, "build"), { recursive: true });
    const copy = async (from: string, to: string) => {
      const r = await new Deno.Command("cp", { args: ["-a", from, to] }).output();
      assert.ok(r.success, new TextDecoder().decode(r.stderr));
    };
    for (const p of ["lib", "deno.json", "deno.lock"]) await copy(join(ROOT, p), join(clone, p));
    for (const p of ["workloads.json", "kernels"]) {
      await copy(join(ROOT, "data", p), join(clone, "data", p));
    }
    await copy(join(ROOT, "build", "valgrind"), join(clone, "build", "valgrind"));
    const elsewhere = join(tmp, "some", "other", "folder");
    await Deno.mkdir(elsewhere, { recursive: true });
    const run = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", join(clone, "lib/workloads/cli.ts"), "traces", "--only", "bfs"]
        .concat(["--inputs", "first", "--scale", "small"]),
      cwd: elsewhere,
      clearEnv: true,
      env: {
        PATH: "/usr/bin:/bin",
        HOME: elsewhere,
        LANG: "fr_FR.UTF-8",
        PADDING: "x".repeat(200),
      },
      stdout: "piped",
      stderr: "piped",
    }).output();
    assert.ok(run.success, new TextDecoder().decode(run.stderr));
    const there = tracePath(
      "small",
      "bfs",
      bfs[0].inputs[0].name,
      join(clone, "data/cache/traces/small"),
    );
    assert.equal(await eventDigest(there), await eventDigest(here.rows[0].trace));
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
});
