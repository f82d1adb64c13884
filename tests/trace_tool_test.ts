/**
 * The tracer against known ground truth: a small C program with known data,
 * its symbols, and Valgrind's lackey for the instruction count.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { ROOT, UserError } from "../lib/common/mod.ts";
import { BRANCH, openTrace, REGISTERS, traceProgram, TRACER_DIR } from "../lib/trace/mod.ts";
import type { TraceOptions } from "../lib/trace/mod.ts";
import {
  compileTestProgram,
  ensureTracer,
  eventDigest,
  symbolRange,
  testTempDir,
} from "../lib/trace/testing.ts";
import { makeSandbox } from "../lib/trace/sandbox.ts";

const N = 1000;
const THRESHOLD = 700;

/** The data branchy.c generates. */
function expectedData(): number[] {
  const data: number[] = [];
  let x = 12345;
  for (let i = 0; i < N; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    data.push((x >>> 8) % 1000);
  }
  return data;
}

let setup: Promise<{ dir: string; binary: string }> | undefined;
function program(): Promise<{ dir: string; binary: string }> {
  setup ??= (async () => {
    await ensureTracer();
    const dir = await testTempDir("ncf-trace-test-");
    return { dir, binary: await compileTestProgram("branchy", dir) };
  })();
  return setup;
}

interface SiteEvents {
  kind: "branch" | "load";
  object: string;
  offset: bigint;
  pc: bigint;
  icount: number[];
  taken: number[];
  addr: bigint[];
  value: bigint[];
  regs: (bigint[] | undefined)[];
}

/** Traces branchy and groups the events of its own sites by site. */
async function traceBranchy(name: string, options: Partial<TraceOptions> = {}) {
  const { dir, binary } = await program();
  const out = join(dir, `${name}.ncf`);
  const stdout = join(dir, `${name}.out`);
  const result = await traceProgram({
    program: binary,
    args: [String(THRESHOLD)],
    out,
    stdout,
    quiet: true,
    ...options,
  });
  const trace = await openTrace(out);
  const sites = new Map<number, SiteEvents>();
  const allIcounts: number[] = [];
  for await (const c of trace.chunks()) {
    for (let i = 0; i < c.length; i++) {
      allIcounts.push(c.icount[i]);
      const site = trace.meta.sites[c.site[i]];
      const object = trace.meta.objects[site.object];
      if (!object.endsWith("/branchy")) continue;
      let s = sites.get(site.id);
      if (!s) {
        s = {
          kind: site.kind,
          object,
          offset: site.offset,
          pc: site.pc,
          icount: [],
          taken: [],
          addr: [],
          value: [],
          regs: [],
        };
        sites.set(site.id, s);
      }
      s.icount.push(c.icount[i]);
      if (c.kind[i] === BRANCH) s.taken.push(c.taken[i]);
      else {
        s.addr.push(c.addr[i]);
        s.value.push(c.value[i]);
      }
      const row = c.snapshot[i];
      s.regs.push(row >= 0 ? Array.from(c.regs.subarray(row * 16, row * 16 + 16)) : undefined);
    }
  }
  const printed = await Deno.readTextFile(stdout).catch(() => "");
  const dataAddr = BigInt(printed.match(/data=(0x[0-9a-f]+)/)?.[1] ?? "0");
  return { result, trace, sites: [...sites.values()], allIcounts, dataAddr, binary };
}

async function sitesIn(binary: string, symbol: string, sites: SiteEvents[]) {
  const { start, end } = await symbolRange(binary, symbol);
  return sites.filter((s) => s.offset >= start && s.offset < end);
}

Deno.test("trace: exact branch outcomes, load addresses and values, a loop counter in a snapshot", async () => {
  const data = expectedData();
  const above = data.filter((v) => v > THRESHOLD).length;
  const first = await traceBranchy("plain");
  assert.equal(first.result.end.how, "exit");
  assert.equal(first.result.end.code, 0);
  const inSum = await sitesIn(first.binary, "sum_above", first.sites);

  // The `if (a[i] > t)` branch: N executions, taken exactly `above` or `N - above` times
  // (the compiler picks the jump's sense).
  const ifBranch = inSum.filter((s) =>
    s.kind === "branch" && s.taken.length === N &&
    [above, N - above].includes(s.taken.reduce((a, b) => a + b, 0))
  );
  assert.equal(ifBranch.length, 1, "exactly one branch of sum_above has the if's outcomes");

  // The load of a[i]: addresses &data[i], values data[i], in order.
  const aLoad = inSum.find((s) =>
    s.kind === "load" && s.addr.length === N && s.addr[0] === first.dataAddr
  );
  assert.ok(aLoad, "a load of sum_above reads data[0] first");
  for (let i = 0; i < N; i++) {
    assert.equal(aLoad.addr[i], first.dataAddr + BigInt(4 * i));
    assert.equal(aLoad.value[i], BigInt(data[i]));
  }

  // PCs map to the right file and static address: one load bias for all of branchy's sites.
  const bias = aLoad.pc - aLoad.offset;
  for (const s of first.sites) {
    assert.ok(s.object.endsWith("/branchy"));
    assert.equal(s.pc - s.offset, bias);
  }

  // Snapshots at that load (selected by OBJECT+0xOFFSET): some register holds i.
  const snap = await traceBranchy("snap", {
    snapshots: `at=branchy+0x${aLoad.offset.toString(16)}`,
  });
  const site = snap.sites.find((s) => s.offset === aLoad.offset)!;
  assert.equal(site.regs.filter((r) => r).length, N);
  const counterRegs = REGISTERS.filter((_, r) =>
    site.regs.every((regs, i) => regs![r] === BigInt(i))
  );
  assert.ok(counterRegs.length >= 1, "a register equals the loop counter at every snapshot");
  // The snapshot is taken before the load: the register used as index equals i, not i + 1.
  assert.equal(snap.result.snapshots, N);
});

Deno.test("trace: a && b gives two branches", async () => {
  const data = expectedData();
  const t = await traceBranchy("andand");
  let countA = 0, both = 0;
  for (let i = 0; i < N - 1; i++) {
    if (data[i] > 500) {
      countA++;
      if (data[i + 1] > 300) both++;
    }
  }
  const inBoth = await sitesIn(t.binary, "both_positive", t.sites);
  const second = inBoth.filter((s) =>
    s.kind === "branch" && s.taken.length === countA &&
    [both, countA - both].includes(s.taken.reduce((a, b) => a + b, 0))
  );
  assert.equal(second.length, 1, "the b test runs only when a holds, as its own branch");
  const firstCond = inBoth.filter((s) =>
    s.kind === "branch" && s.taken.length === N - 1 &&
    [countA, N - 1 - countA].includes(s.taken.reduce((a, b) => a + b, 0))
  );
  assert.equal(firstCond.length, 1, "the a test runs every iteration");
});

async function lackeyCount(binary: string, chase: boolean): Promise<number> {
  const { dir } = await program();
  const out = await new Deno.Command("valgrind", {
    args: ["--tool=lackey", ...(chase ? [] : ["--vex-guest-chase=no"]), binary, String(THRESHOLD)],
    env: { VALGRIND_LIB: TRACER_DIR },
    stdout: "null",
    stderr: "piped",
    cwd: dir,
  }).output();
  const m = new TextDecoder().decode(out.stderr).match(/guest instrs:\s+([\d,]+)/);
  assert.ok(m, "lackey prints its instruction count");
  return Number(m[1].replaceAll(",", ""));
}

Deno.test("trace: instruction count equals lackey's (exactly with chasing off, within 1% by default)", async () => {
  const { dir, binary } = await program();
  const result = await traceProgram({
    program: binary,
    args: [String(THRESHOLD)],
    out: join(dir, "count.ncf"),
    stdout: "null",
    cwd: dir,
    quiet: true,
  });
  const exact = await lackeyCount(binary, false);
  assert.equal(result.instructions, exact);
  const chased = await lackeyCount(binary, true);
  assert.ok(
    Math.abs(result.instructions - chased) <= 0.01 * chased,
    `${result.instructions} vs ${chased}`,
  );
});

Deno.test("trace: skip and window", async () => {
  const t = await traceBranchy("window", { skip: 50_000, window: 20_000 });
  assert.equal(t.result.instructions, 20_000);
  assert.equal(t.result.end.how, "window");
  assert.ok(t.allIcounts.length > 1000);
  assert.ok(t.allIcounts.every((ic) => ic >= 0 && ic < 20_000));
  for (let i = 1; i < t.allIcounts.length; i++) assert.ok(t.allIcounts[i] >= t.allIcounts[i - 1]);

  const run = await traceBranchy("window-run", {
    skip: 50_000,
    window: 20_000,
    afterWindow: "run",
  });
  assert.equal(run.result.instructions, 20_000);
  assert.equal(run.result.end.how, "exit");
  assert.equal(
    run.allIcounts.length,
    t.allIcounts.length,
    "same events whether the program stops or runs on",
  );

  const long = await traceBranchy("window-long", { window: 1e9 });
  assert.equal(long.result.windowFull, false);
  assert.equal(long.result.end.how, "exit");
  assert.ok(long.result.instructions < 1e9);

  const past = await traceBranchy("skip-past", { skip: 1e9, window: 1000 });
  assert.equal(past.result.instructions, 0);
  assert.equal(past.allIcounts.length, 0);
  assert.equal(past.result.windowFull, false);
});

Deno.test("trace: a crashing program keeps a whole trace that names the signal", async () => {
  const t = await traceBranchy("crash", { args: [String(THRESHOLD), "0"] });
  assert.deepEqual(t.result.end, { how: "signal", signal: "SIGSEGV" });
  assert.ok(t.result.instructions > 100_000);
  assert.ok(t.allIcounts.length > 10_000);
  assert.ok(t.result.out.endsWith("crash.ncf"));
});

Deno.test("trace: bad input gives a UserError and leaves no trace", async () => {
  const { dir, binary } = await program();
  const out = join(dir, "bad.ncf");
  await assert.rejects(
    traceProgram({ program: join(dir, "no-such-program"), out, quiet: true }),
    (e: Error) => e instanceof UserError && /does not exist/.test(e.message),
  );
  await assert.rejects(
    traceProgram({ program: "no-such-program-in-path-ncf", out, quiet: true }),
    (e: Error) => e instanceof UserError && /not found in PATH/.test(e.message),
  );
  const plain = join(dir, "not-executable");
  await Deno.writeTextFile(plain, "hello");
  await Deno.chmod(plain, 0o644);
  await assert.rejects(
    traceProgram({ program: plain, out, quiet: true }),
    (e: Error) => e instanceof UserError && /not executable/.test(e.message),
  );
  // A folder that cannot be created: its parent is a file.
  await assert.rejects(
    traceProgram({ program: binary, out: join(plain, "sub", "x.ncf"), quiet: true }),
    (e: Error) => e instanceof UserError,
  );
  await assert.rejects(
    traceProgram({ program: binary, out, snapshots: "every=3", quiet: true }),
    (e: Error) => e instanceof UserError && /every=3/.test(e.message),
  );
  for (const f of [out, `${out}.partial`]) {
    await assert.rejects(Deno.stat(f), Deno.errors.NotFound);
  }
});

Deno.test("trace: a skip past the program's end records nothing and the window is not full", async () => {
  const past = await traceBranchy("skip-past-all", { skip: 1e9 });
  assert.equal(past.result.instructions, 0);
  assert.equal(past.allIcounts.length, 0);
  assert.equal(past.result.windowFull, false);
});

Deno.test("trace: outputs that would destroy a file of the user's are refused before anything is written", async () => {
  const { dir, binary } = await program();
  const victim = join(dir, "victim");
  await Deno.copyFile(binary, victim);
  await Deno.chmod(victim, 0o755);
  const input = join(dir, "victim-input.txt");
  await Deno.writeTextFile(input, "keep me");
  const empty = join(dir, "empty-dir");
  const full = join(dir, "full-dir");
  await Deno.mkdir(empty);
  await Deno.mkdir(full);
  await Deno.writeTextFile(join(full, "x"), "x");
  const refused = async (options: Partial<TraceOptions>, pattern: RegExp) => {
    await assert.rejects(
      traceProgram({
        program: victim,
        args: ["700"],
        out: join(dir, "ok.ncf"),
        quiet: true,
        ...options,
      }),
      (e: Error) => e instanceof UserError && pattern.test(e.message),
    );
  };
  await refused({ out: victim }, /is the program/);
  await refused({ out: input, stdin: input }, /is the --stdin file/);
  await refused({ out: empty }, /is a folder/);
  await refused({ out: full }, /is a folder/);
  await refused({ stdout: empty }, /--stdout .* is a folder/);
  await refused({ stdout: victim }, /is the program/);
  await refused({ stdin: empty }, /--stdin .* is a folder/);
  // Nothing was touched.
  assert.deepEqual(await Deno.readFile(victim), await Deno.readFile(binary));
  assert.equal(await Deno.readTextFile(input), "keep me");
  assert.ok((await Deno.stat(empty)).isDirectory);
  assert.deepEqual([...Deno.readDirSync(full)].map((e) => e.name), ["x"]);
  await assert.rejects(Deno.stat(join(dir, "ok.ncf")), Deno.errors.NotFound);
});

Deno.test("trace: a forking program gives the parent's whole trace and says the children were not traced", async () => {
  const { dir } = await program();
  const forking = await compileTestProgram("forking", dir);
  const out = join(dir, "forking.ncf");
  const stdout = join(dir, "forking.out");
  const result = await traceProgram({
    program: forking,
    args: ["20000"],
    out,
    stdout,
    quiet: true,
  });
  assert.match(await Deno.readTextFile(stdout), /child=7 shell=5/, "both children ran");
  assert.deepEqual(result.end, { how: "exit", code: 0 });
  assert.match(result.footer.notes, /forked 2 child process\(es\): they are not traced/);
  const parent = await symbolRange(forking, "parent_work");
  const child = await symbolRange(forking, "child_work");
  const trace = await openTrace(out);
  let inParent = 0, inChild = 0;
  for await (const c of trace.chunks()) {
    for (let i = 0; i < c.length; i++) {
      const site = trace.meta.sites[c.site[i]];
      if (!trace.meta.objects[site.object].endsWith("/forking")) continue;
      if (site.offset >= parent.start && site.offset < parent.end) inParent++;
      if (site.offset >= child.start && site.offset < child.end) inChild++;
    }
  }
  assert.ok(inParent >= 20000, `${inParent} events in parent_work`);
  assert.equal(inChild, 0, "no event of the child");
  assert.equal(trace.footer?.branches, result.branches, "read to its footer: not corrupt");
});

Deno.test("trace: --max-bytes stops a runaway trace with a whole file", async () => {
  const t = await traceBranchy("capped", { snapshots: "all", maxBytes: 50_000 });
  assert.deepEqual(t.result.end, { how: "limit" });
  assert.equal(t.result.windowFull, false);
  assert.ok(t.result.bytes >= 50_000 && t.result.bytes < 50_000 + (1 << 20), `${t.result.bytes}`);
  assert.match(t.result.footer.notes, /--max-bytes/);
  assert.ok(t.allIcounts.length > 0);
});

Deno.test("trace: reproducible runs give the same events whatever the caller's environment, folder and paths", async () => {
  const { dir } = await program();
  /** A program, its input folder and a folder to run from, under `root`. */
  const setup = async (root: string) => {
    await Deno.mkdir(join(root, "inputs"), { recursive: true });
    await Deno.writeFile(
      join(root, "inputs", "data.bin"),
      new Uint8Array(4000).map((_, i) => i * 37),
    );
    return {
      binary: await compileTestProgram("nondeterministic", root),
      inputs: join(root, "inputs"),
    };
  };
  const a = await setup(join(dir, "a"));
  const b = await setup(join(dir, "b-at-a-much-longer-path", "of", "several", "folders"));
  const digest = async (name: string, at: typeof a, reproducible: boolean) => {
    const out = join(dir, `${name}.ncf`);
    await traceProgram({
      program: at.binary,
      args: reproducible ? ["./data.bin"] : [join(at.inputs, "data.bin")],
      out,
      stdout: "null",
      quiet: true,
      ...(reproducible ? { reproducible: { inputs: at.inputs } } : {}),
    });
    return await eventDigest(out);
  };
  const elsewhere = async <T>(f: () => Promise<T>): Promise<T> => {
    const cwd = Deno.cwd();
    Deno.env.set("NCF_TEST_PADDING", "x".repeat(300));
    Deno.chdir(b.inputs);
    try {
      return await f();
    } finally {
      Deno.chdir(cwd);
      Deno.env.delete("NCF_TEST_PADDING");
    }
  };
  const first = await digest("repro-a", a, true);
  assert.equal(await elsewhere(() => digest("repro-b", b, true)), first);
  // The same program run the ordinary way (the caller's environment, real
  // clocks and randomness) differs: the test can see a difference.
  const plainA = await digest("plain-a", a, false);
  assert.notEqual(await elsewhere(() => digest("plain-b", b, false)), plainA);
});

Deno.test("trace: a sandboxed program's loader finds its libraries in the sandbox, never in the machine's library cache", async () => {
  // /etc/ld.so.cache changes whenever a package is installed; read, it moved every trace.
  const { binary } = await program();
  const sandbox = await makeSandbox(binary, TRACER_DIR);
  try {
    const run = await new Deno.Command(sandbox.program, {
      args: [String(THRESHOLD)],
      cwd: sandbox.work,
      clearEnv: true,
      env: { ...sandbox.env, LD_DEBUG: "libs" },
      stdout: "null",
      stderr: "piped",
    }).output();
    const log = new TextDecoder().decode(run.stderr);
    assert.ok(run.success, log);
    assert.match(log, new RegExp(`trying file=${sandbox.lib}/libc\\.so\\.6`));
    assert.doesNotMatch(log, /search cache=/);
  } finally {
    await sandbox.remove();
  }
});

Deno.test("trace: SIGTERM to `deno task trace` stops Valgrind and keeps FILE.partial", async () => {
  const { dir } = await program();
  const out = join(dir, "endless.ncf");
  // `yes` never ends: only the signal stops it.
  const command = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", join(ROOT, "lib/trace/cli.ts"), "trace", "--quiet", "--stdout", "null"]
      .concat(["--out", out, "--", "/usr/bin/yes"]),
    stdout: "null",
    stderr: "piped",
  }).spawn();
  const childrenOf = (pid: number) =>
    [...Deno.readDirSync(`/proc/${pid}/task`)].flatMap((t) =>
      Deno.readTextFileSync(`/proc/${pid}/task/${t.name}/children`).trim().split(/\s+/)
    ).filter(Boolean).map(Number);
  let valgrind: number[] = [];
  for (let i = 0; i < 400; i++) {
    valgrind = childrenOf(command.pid);
    const size = (await Deno.stat(`${out}.partial`).catch(() => undefined))?.size ?? 0;
    if (valgrind.length > 0 && size > 100_000) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.equal(valgrind.length, 1, "Valgrind runs");
  command.kill("SIGTERM");
  const status = await command.status;
  const stderr = new TextDecoder().decode(
    (await new Response(command.stderr).arrayBuffer()) as ArrayBuffer,
  );
  assert.equal(status.code, 143, stderr);
  assert.match(stderr, /interrupted by SIGTERM: .*kept as .*endless\.ncf\.partial/);
  const gone = () => {
    try {
      Deno.statSync(`/proc/${valgrind[0]}`);
      return false;
    } catch {
      return true;
    }
  };
  for (let i = 0; i < 100 && !gone(); i++) await new Promise((r) => setTimeout(r, 50));
  assert.ok(gone(), "Valgrind ended with the command");
  assert.ok((await Deno.stat(`${out}.partial`)).size > 0);
  await assert.rejects(Deno.stat(out), Deno.errors.NotFound);
});
