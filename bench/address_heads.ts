/**
 * The address heads side by side on a pointer chase: `tests/programs/list_chase.c`
 * (a shuffled linked list walked in a loop; the next address of `p = p->next`
 * is the value it loads now) is traced with a snapshot at every load of
 * `walk`, and each head is trained on the same dataset and scored on the same
 * test instances: coverage, accuracy of its predictions and next-line
 * accuracy over all instances, per load site.
 *
 * @module
 */
import { join } from "node:path";
import { parseArgs } from "node:util";
import { runMain, UserError } from "../lib/common/mod.ts";
import { loadObject } from "../lib/disasm/mod.ts";
import { buildDataset } from "../lib/graph/build.ts";
import { splitIndices } from "../lib/graph/types.ts";
import { ADDRESS_HEAD_NAMES, type AddressHeadName } from "../lib/model/heads.ts";
import { DEFAULT_SPEC, DEFAULT_TRAIN_OPTIONS, initBackend, train } from "../lib/model/mod.ts";
import { openTrace } from "../lib/trace/reader.ts";
import { traceProgram } from "../lib/trace/run.ts";
import { compileTestProgram, ensureTracer } from "../lib/trace/testing.ts";

const HELP = `usage: deno run -A bench/address_heads.ts [options]

  --heads A,B      heads to train (default: ${ADDRESS_HEAD_NAMES.join(",")})
  --nodes N        list nodes (default 256: the walk revisits each node; larger lists are
                   walked fewer times)
  --walk N         steps of the walk (default 100000)
  --per-site N     dataset instances per site and split (default 600)
  --epochs N       (default 25)   --lr X  (default 0.01)
  --no-tokens      train without node tokens`;

await runMain(async () => {
  const { values } = parseArgs({
    options: {
      heads: { type: "string", default: ADDRESS_HEAD_NAMES.join(",") },
      nodes: { type: "string", default: "256" },
      walk: { type: "string", default: "100000" },
      "per-site": { type: "string", default: "600" },
      epochs: { type: "string", default: "25" },
      lr: { type: "string", default: "0.01" },
      "no-tokens": { type: "boolean", default: false },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) return console.log(HELP);
  const heads = values.heads.split(",") as AddressHeadName[];
  for (const h of heads) {
    if (!ADDRESS_HEAD_NAMES.includes(h)) throw new UserError(`unknown head ${h}`, HELP);
  }
  await ensureTracer();
  await initBackend();
  const dir = await Deno.makeTempDir({ prefix: "ncf-address-heads-" });
  const program = await compileTestProgram("list_chase", dir);
  const code = await loadObject(program, { quiet: true });
  const walk = code.functionNamed("walk")!;
  const at: string[] = [];
  for (let i = walk.start; i < walk.end; i++) {
    const inst = code.instruction(i);
    if (inst.text.includes("PTR [")) at.push(`at=list_chase+0x${inst.address.toString(16)}`);
  }
  // The window starts at the walk's first event (after the list is built), as history_failure does.
  const probe = join(dir, "probe.trace");
  const args = [values.nodes, values.walk];
  await traceProgram({ program, args, out: probe, stdout: "null", quiet: true });
  const probed = await openTrace(probe);
  let skip = -1;
  for await (const c of probed.chunks()) {
    for (let i = 0; i < c.length && skip < 0; i++) {
      const site = probed.meta.sites[c.site[i]];
      const index = probed.meta.objects[site.object] === program ? code.indexAt(site.offset) : -1;
      if (index >= walk.start && index < walk.end) skip = c.icount[i];
    }
  }
  const out = join(dir, "chase.trace");
  await traceProgram({
    program,
    args,
    out,
    skip,
    snapshots: at.join(","),
    stdout: "null",
    quiet: true,
  });
  const ds = await buildDataset({
    traces: [{ path: out, workload: "list_chase", input: values.nodes }],
    tasks: ["address"],
    maxPerSite: Number(values["per-site"]),
    quiet: true,
  });
  const test = [...splitIndices(ds, "test")];
  const sites = [...new Set(test.map((i) => ds.instances.site[i]))].sort((a, b) => a - b);
  // Each site's instruction, as objdump prints it.
  const trace = await openTrace(out);
  for await (const _ of trace.chunks()) { /* read all, so that every site is defined */ }
  const text = (site: number) => code.instruction(code.indexAt(trace.meta.sites[site].offset)).text;
  console.log(
    `list_chase ${values.nodes} nodes, walk ${values.walk}: ${
      splitIndices(ds, "train").length
    } training and ${test.length} test instances of ${sites.length} load sites`,
  );
  for (const head of heads) {
    const started = performance.now();
    const { model, bestEpochs } = await train(
      ds,
      { ...DEFAULT_SPEC, task: "address", addressHead: head, tokens: !values["no-tokens"] },
      {
        ...DEFAULT_TRAIN_OPTIONS,
        epochs: Number(values.epochs),
        lr: Number(values.lr),
        patience: 1e9,
      },
      join(dir, head),
      { quiet: true },
    );
    const seconds = (performance.now() - started) / 1000;
    const row = (name: string, ids: number[]) => {
      const m = model.evaluate(ds, ids).address!;
      return `${name}: coverage ${(100 * m.coverage).toFixed(1)}%, accuracy of predictions ${
        (100 * m.accuracy).toFixed(1)
      }%, next line right ${(100 * m.lineAccuracy).toFixed(1)}% of all`;
    };
    console.log(`${head} (${seconds.toFixed(0)} s, best epoch ${bestEpochs.address}):`);
    console.log(`  ${row("all sites", test)}`);
    for (const site of sites) {
      const ids = test.filter((i) => ds.instances.site[i] === site);
      console.log(`  ${row(`site ${site} (${text(site)})`, ids)}`);
    }
    model.dispose();
  }
});
