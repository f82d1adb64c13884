/**
 * The foreign programs (`data/algorithms/foreign/`): each compiles
 * warning-free, exits 0 under the tracer and has branch sites in its own
 * executable; a second build does no work.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import {
  type BuildForeignOptions,
  buildForeignPrograms,
  listForeignPrograms,
} from "../lib/algorithms/foreign.ts";
import { programSites } from "../lib/algorithms/transfer.ts";
import { UserError } from "../lib/common/mod.ts";
import { ensureTracer } from "../lib/trace/testing.ts";

Deno.test({
  name: "foreign programs: build, trace, own branch sites, nothing redone on a second call",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    await ensureTracer();
    const tmp = await Deno.makeTempDir({ prefix: "ncf-foreign-test-" });
    try {
      const options: BuildForeignOptions = {
        compilers: ["gcc"],
        opts: ["O2"],
        buildDir: join(tmp, "build"),
        tracesDir: join(tmp, "traces"),
        quiet: true,
      };
      const sources = await listForeignPrograms();
      assert.ok(sources.length >= 12, `only ${sources.length} foreign programs`);
      const built = await buildForeignPrograms(options);
      assert.deepEqual(built.map((b) => b.name), sources.map((s) => s.name));
      for (const b of built) {
        assert.equal(b.compiler, "gcc");
        assert.equal(b.opt, "O2");
        assert.ok(b.binary.startsWith(tmp) && b.trace.startsWith(tmp), `${b.name}: paths`);
        assert.equal(b.trace, join(tmp, "traces", "gcc-O2", `${b.name}.trace`));
        const stamp = JSON.parse(await Deno.readTextFile(`${b.trace}.json`));
        assert.ok(stamp.output.length > 0 && !stamp.output.includes("\n"), `${b.name}: one line`);
        const sites = await programSites({
          name: b.name,
          input: "run",
          trace: b.trace,
          binary: b.binary,
        });
        const branches = sites.profile.filter((s) => s.kind === "branch").length;
        assert.ok(branches >= 2, `${b.name}: ${branches} own branch sites`);
      }
      const stat = (paths: string[]) =>
        Promise.all(paths.map(async (p) => (await Deno.stat(p)).mtime?.getTime()));
      const files = built.flatMap((b) => [b.binary, b.trace, `${b.trace}.json`]);
      const before = await stat(files);
      const again = await buildForeignPrograms(options);
      assert.deepEqual(again, built);
      assert.deepEqual(await stat(files), before, "a second call rebuilt or retraced");

      await assert.rejects(
        buildForeignPrograms({ ...options, opts: ["O5"] }),
        (err: Error) => err instanceof UserError && /O5/.test(err.message),
      );
    } finally {
      await Deno.remove(tmp, { recursive: true });
    }
  },
});
