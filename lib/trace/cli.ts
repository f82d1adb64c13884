/**
 * Command line of the tracer: `trace`, `info` and `dump`
 * (`deno task trace|trace-info|trace-dump`).
 *
 * @module
 */
import { parseArgs, type ParseArgsConfig } from "node:util";
import { basename } from "node:path";
import { runMain, UserError } from "../common/mod.ts";
import { openTrace, summarizeTrace, TraceError } from "./reader.ts";
import { traceProgram, type TraceResult } from "./run.ts";
import { BRANCH, type ProgramEnd, REGISTERS } from "./types.ts";

const USAGE = `usage:
  deno task trace [options] --out FILE -- PROGRAM [ARGS...]
      Runs PROGRAM under the ncftrace Valgrind tool and writes its trace to FILE.
      --skip N            instructions to skip before recording (default 0)
      --window M          instructions to record, 0 = until the program ends (default 0)
      --after-window X    stop (default): stop the program at the window's end;
                          run: let it run on unrecorded
      --snapshots SPEC    register snapshots (default none); SPEC is comma separated:
                          none | branches | loads | all | at=OBJECT+0xOFFSET | pc=0xADDR,
                          with every=N, max-per-site=K, lead=0|block|K (lib/trace/README.md)
      --stdin FILE        feed FILE to the program's standard input (default: empty input)
      --stdout X          the program's standard output: inherit (default), null, or a file
      --max-bytes N       stop the program once the trace has about N bytes (it ends whole,
                          "stopped at the size cap"; up to about 1 MiB more); default 0, no cap
      --reproducible      same inputs, same trace: the program gets a fixed environment (not
                          yours), fixed clocks and random bytes, a fixed-length path of its own,
                          and runs in a fresh folder (default: your environment and folder)
      --inputs DIR        with --reproducible: copy the files of DIR into that folder; name
                          them relative to it in ARGS (./data.bin)
      --quiet             do not echo the tracer's and the program's standard error
      Exit status: 0; 3 the program was killed by a signal (the trace is whole); 4 it exited
      non-zero; 5 it ended inside the skip (the trace is empty); 1 the tracer failed
      (FILE.partial kept); 2 bad input; 130/143 interrupted (FILE.partial kept).
  deno task trace-info FILE
      Prints one JSON object: counts, distinct sites, objects, bytes per event, how it ended.
  deno task trace-dump FILE [--limit N]
      Prints one JSON object per event (default: all events; --limit N: the first N).`;

function count(name: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text)) {
    throw new UserError(`--${name} must be a whole number, got '${text}'`, `give --${name} N`);
  }
  return Number(text);
}

function parse(
  args: string[],
  options: NonNullable<ParseArgsConfig["options"]>,
): { values: Record<string, string | boolean | undefined>; positionals: string[] } {
  try {
    const parsed = parseArgs({ args, options, allowPositionals: true, strict: true });
    return {
      values: parsed.values as Record<string, string | boolean | undefined>,
      positionals: parsed.positionals,
    };
  } catch (err) {
    throw new UserError((err as Error).message, `see the usage:\n${USAGE}`);
  }
}

async function trace(args: string[]): Promise<void> {
  const dash = args.indexOf("--");
  const own = dash >= 0 ? args.slice(0, dash) : args;
  const { values, positionals } = parse(own, {
    skip: { type: "string" },
    window: { type: "string" },
    "after-window": { type: "string" },
    snapshots: { type: "string" },
    out: { type: "string" },
    stdin: { type: "string" },
    stdout: { type: "string" },
    "max-bytes": { type: "string" },
    reproducible: { type: "boolean" },
    inputs: { type: "string" },
    quiet: { type: "boolean" },
    help: { type: "boolean", short: "h" },
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const command = dash >= 0 ? args.slice(dash + 1) : positionals;
  if (dash >= 0 && positionals.length) {
    throw new UserError(
      `unexpected argument ${positionals[0]} before --`,
      "put the program after --",
    );
  }
  if (command.length === 0) {
    throw new UserError(
      "no program to trace",
      "give it after --: deno task trace --out FILE -- PROGRAM [ARGS...]",
    );
  }
  if (!values.out) throw new UserError("no output file", "give --out FILE");
  const afterWindow = values["after-window"] as string | undefined;
  if (afterWindow !== undefined && afterWindow !== "stop" && afterWindow !== "run") {
    throw new UserError(
      `--after-window must be stop or run, got '${afterWindow}'`,
      "give --after-window stop or --after-window run",
    );
  }
  if (values.inputs !== undefined && !values.reproducible) {
    throw new UserError("--inputs needs --reproducible", "add --reproducible, or drop --inputs");
  }
  const skip = count("skip", values.skip as string | undefined) ?? 0;
  const result = await traceProgram({
    program: command[0],
    args: command.slice(1),
    out: values.out as string,
    skip,
    window: count("window", values.window as string | undefined),
    afterWindow: afterWindow as "stop" | "run" | undefined,
    snapshots: values.snapshots as string | undefined,
    stdin: values.stdin as string | undefined,
    stdout: values.stdout as string | undefined,
    maxBytes: count("max-bytes", values["max-bytes"] as string | undefined),
    reproducible: values.reproducible ? { inputs: values.inputs as string | undefined } : undefined,
    quiet: values.quiet as boolean | undefined,
  });
  report(result, skip);
}

/** Prints a traced run's summary line and warnings; exits with its status (see the usage). */
function report(result: TraceResult, skip: number): void {
  const events = result.branches + result.loads;
  console.log(
    `${events} events (${result.branches} branches, ${result.loads} loads, ${result.snapshots} snapshots), ` +
      `${result.instructions} instructions, ${result.bytes} bytes (${
        events ? (result.bytes / events).toFixed(2) : 0
      } bytes/event), ` +
      `${describeEnd(result.end)}, ${result.seconds.toFixed(1)} s -> ${result.out}`,
  );
  if (result.footer.notes) console.error(`warning: ${result.footer.notes}`);
  if (result.instructions === 0) {
    throw new UserError(
      `the program ended after ${result.footer.instructionsTotal} instructions, inside the skip of ${skip}: the trace ${result.out} records nothing`,
      `give a --skip below ${result.footer.instructionsTotal}`,
      5,
    );
  }
  if (!result.windowFull && result.end.how !== "limit") {
    console.error(
      `warning: the program ended after ${result.instructions} instructions, before the window was full`,
    );
  }
  if (result.end.how === "signal") Deno.exit(3);
  if (result.end.how === "exit" && result.end.code !== 0) Deno.exit(4);
}

function describeEnd(end: ProgramEnd): string {
  if (end.how === "exit") return `exit code ${end.code}`;
  if (end.how === "signal") return `killed by ${end.signal}`;
  if (end.how === "limit") return "stopped at the size cap (--max-bytes)";
  return "stopped at the window's end";
}

async function info(args: string[]): Promise<void> {
  const { positionals, values } = parse(args, { help: { type: "boolean", short: "h" } });
  if (values.help) return console.log(USAGE);
  if (positionals.length !== 1) {
    throw new UserError("trace-info takes one trace file", "deno task trace-info FILE");
  }
  const summary = await summarizeTrace(positionals[0]);
  console.log(JSON.stringify(summary, null, 2));
  if (!summary.complete) {
    throw new TraceError(summary.notes[0] ?? `${positionals[0]} is incomplete`);
  }
}

const hex = (x: bigint | number) => "0x" + x.toString(16);

async function dump(args: string[]): Promise<void> {
  const { positionals, values } = parse(args, {
    limit: { type: "string" },
    help: { type: "boolean", short: "h" },
  });
  if (values.help) return console.log(USAGE);
  if (positionals.length !== 1) {
    throw new UserError("trace-dump takes one trace file", "deno task trace-dump FILE [--limit N]");
  }
  const limit = count("limit", values.limit as string | undefined) ?? Infinity;
  const trace = await openTrace(positionals[0]);
  const { meta } = trace;
  const encoder = new TextEncoder();
  let printed = 0;
  let lines: string[] = [];
  const flush = async () => {
    const text = lines.join("\n") + "\n";
    lines = [];
    try {
      if (text.length > 1) await Deno.stdout.write(encoder.encode(text));
    } catch (err) {
      // A reader that stopped early (e.g. `| head`) is not an error.
      if (err instanceof Deno.errors.BrokenPipe) Deno.exit(0);
      throw err;
    }
  };
  try {
    outer: for await (const c of trace.chunks()) {
      for (let i = 0; i < c.length; i++) {
        if (printed >= limit) break outer;
        const site = meta.sites[c.site[i]];
        const head = `{"kind":"${c.kind[i] === BRANCH ? "branch" : "load"}",` +
          `"pc":"${hex(site.pc)}","object":${
            JSON.stringify(basename(meta.objects[site.object]))
          },` +
          `"offset":"${hex(site.offset)}","icount":${c.icount[i]}`;
        let body = c.kind[i] === BRANCH
          ? `,"taken":${c.taken[i] === 1}`
          : `,"operand":${site.operand},"addr":"${hex(c.addr[i])}","size":${c.size[i]},"value":"${
            hex(c.value[i])
          }"`;
        const row = c.snapshot[i];
        if (row >= 0) {
          body += `,"regs":{` +
            REGISTERS.map((r, k) => `"${r}":"${hex(c.regs[row * 16 + k])}"`).join(",") + "}";
        }
        lines.push(head + body + "}");
        printed++;
        if (lines.length >= 1000) await flush();
      }
    }
  } finally {
    await flush();
  }
}

async function main(): Promise<void> {
  const [command, ...rest] = Deno.args;
  if (command === "trace") return await trace(rest);
  if (command === "info") return await info(rest);
  if (command === "dump") return await dump(rest);
  if (command === "--help" || command === "-h" || command === undefined) {
    console.log(USAGE);
    return;
  }
  throw new UserError(`unknown command ${command}`, `use trace, info or dump:\n${USAGE}`);
}

if (import.meta.main) await runMain(main);
