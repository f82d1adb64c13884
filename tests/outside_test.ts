/**
 * The programs written outside the corpus (`data/algorithms/outside/`): at
 * least one per class of the manifest, none of them in the manifest; each
 * compiles warning-free and prints, under the tracer, the output computed in
 * TypeScript from the same data; a second build does no work.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { classesOf, loadManifest } from "../lib/algorithms/mod.ts";
import { buildOutsidePrograms, OUTSIDE_PROGRAMS, outsideSpecs } from "../lib/algorithms/outside.ts";
import { buildStandalone } from "../lib/algorithms/standalone.ts";
import { UserError } from "../lib/common/mod.ts";
import { ensureTracer } from "../lib/trace/testing.ts";

Deno.test({
  name: "outside programs: one per class or more, right output under the tracer, built once",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    await ensureTracer();
    const manifest = await loadManifest();
    for (const cls of classesOf(manifest)) {
      assert.ok(OUTSIDE_PROGRAMS.some((p) => p.class === cls), `no outside program of ${cls}`);
    }
    const sources = new Set(manifest.programs.map((p) => p.source));
    assert.ok(OUTSIDE_PROGRAMS.every((p) => !sources.has(`outside/${p.name}.c`)));
    const tmp = await Deno.makeTempDir({ prefix: "ncf-outside-test-" });
    try {
      const options = {
        compilers: ["gcc" as const],
        opts: ["O2"],
        buildDir: join(tmp, "build"),
        tracesDir: join(tmp, "traces"),
        quiet: true,
      };
      const built = await buildOutsidePrograms(options);
      assert.deepEqual(built.map((b) => b.name), OUTSIDE_PROGRAMS.map((p) => p.name));
      for (const b of built) {
        const stamp = JSON.parse(await Deno.readTextFile(`${b.trace}.json`));
        const expected = OUTSIDE_PROGRAMS.find((p) => p.name === b.name)!;
        assert.equal(b.class, expected.class);
        assert.ok(stamp.output.length > 0 && stamp.branches > 0, b.name);
      }
      const mtimes = () =>
        Promise.all(built.map(async (b) => (await Deno.stat(b.trace)).mtime?.getTime()));
      const before = await mtimes();
      assert.deepEqual(await buildOutsidePrograms(options), built);
      assert.deepEqual(await mtimes(), before, "a second call retraced");

      // A program whose output is not the expected one is an error naming it.
      const specs = await outsideSpecs(join(tmp, "inputs"));
      assert.equal(specs.length, OUTSIDE_PROGRAMS.length);
      await assert.rejects(
        buildStandalone("outside", [{ ...specs[0], expected: "something else" }], {
          ...options,
          tracesDir: join(tmp, "wrong"),
        }),
        (err: Error) => err instanceof UserError && err.message.includes(specs[0].name),
      );
    } finally {
      await Deno.remove(tmp, { recursive: true });
    }
  },
});
