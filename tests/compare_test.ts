/**
 * `deno task compare --quick` end to end on a small test program: trace, the hardest sites, NCF,
 * the static-only GNN, every baseline, the references and the hybrid, one table.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { ROOT } from "../lib/common/mod.ts";
import { readResults } from "../lib/report/mod.ts";
import { compileTestProgram, ensureTracer } from "../lib/trace/testing.ts";

Deno.test("compare --quick: one table of every method on the program's hardest branch sites", async () => {
  await ensureTracer();
  const dir = await Deno.makeTempDir({ prefix: "ncf-compare-test-" });
  try {
    const program = await compileTestProgram("random_branch", dir);
    const out = join(dir, "out");
    // Four rounds of 50k elements: about 0.75M instructions each, the window covers three.
    const result = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", join(ROOT, "lib", "experiments", "compare.ts"), "--quick"]
        .concat(["--skip", "500000", "--window", "2000000", "--sites", "4", "--out", out])
        .concat(["--", program, "50000"]),
      env: { NCF_EXPERIMENT_CACHE: join(dir, "cache") },
      stdout: "piped",
      stderr: "piped",
    }).output();
    const stdout = new TextDecoder().decode(result.stdout);
    assert.ok(result.success, new TextDecoder().decode(result.stderr));
    for (
      const name of [
        "TAGE-SC-L 64KB",
        "NCF",
        "static-only GNN",
        "previous outcome",
        "per-site majority",
        "hybrid",
      ]
    ) {
      assert.match(stdout, new RegExp(name), `${name} missing from the table:\n${stdout}`);
    }
    const table = await readResults("compare", { dir: out });
    const ncf = table.aggregates.find((a) => a.method === "NCF")!;
    assert.ok(ncf.mean.instances > 0 && ncf.mean.misprediction_rate >= 0);
    const hybrid = table.aggregates.find((a) => a.method.includes("hybrid"))!;
    assert.ok(Number.isFinite(hybrid.mean.trace_mpki));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("compare: no program, or a bad option, is a clear error", async () => {
  for (const args of [["--quick"], ["--sites", "0", "--", "/bin/true"]]) {
    const result = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", join(ROOT, "lib", "experiments", "compare.ts"), ...args],
      stdout: "piped",
      stderr: "piped",
    }).output();
    const stderr = new TextDecoder().decode(result.stderr);
    assert.equal(result.code, 2, stderr);
    assert.match(stderr, /^error: .*\n {2}fix: /);
  }
});
