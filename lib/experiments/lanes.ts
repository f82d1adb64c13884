/**
 * The parallel parts of a study's scoring (`Study.parts`), shared among `--jobs` processes: the
 * runner's own and `jobs - 1` lanes, children that run the same study with `--lane DIR`. Every
 * process walks the parts in order and runs those it claims first; a claim is a file in DIR made
 * with `createNew`, so no part runs twice and a slow part does not hold up the others. Each part
 * caches its result, which `score` reads afterwards. The wasm backend is single-threaded, so this
 * is how scoring uses both cores. A failure anywhere stops the lanes and ends the run with an
 * error; the parts finished are cached, so running the study again resumes.
 *
 * @module
 */
import { join } from "node:path";
import { Progress, spawnChild, UserError } from "../common/mod.ts";
import { type ExperimentArgs, experimentArgv } from "./config.ts";
import type { ScoringPart } from "./study.ts";

/** The line a lane prints on standard output when it has finished a part. */
const PART_DONE = "part done";

/** True when this process is the first to claim part `k` in folder `claims`. */
async function claim(claims: string, k: number): Promise<boolean> {
  try {
    (await Deno.open(join(claims, String(k)), { createNew: true, write: true })).close();
    return true;
  } catch (err) {
    if (err instanceof Deno.errors.AlreadyExists) return false;
    throw err;
  }
}

/** Runs the parts this process claims in folder `claims`, calling `done` after each. */
export async function runClaimedParts(
  parts: readonly ScoringPart[],
  claims: string,
  done: () => void,
): Promise<void> {
  for (const [k, part] of parts.entries()) {
    if (!await claim(claims, k)) continue;
    await part();
    done();
  }
}

/** What a lane (`--lane`) does: its claimed parts, each announced on standard output. */
export function runLane(parts: readonly ScoringPart[], claims: string): Promise<void> {
  return runClaimedParts(parts, claims, () => console.log(PART_DONE));
}

/** A started lane: its process, and whether it ended well once it has. */
interface Lane {
  process: Deno.ChildProcess;
  ok: Promise<boolean>;
}

/** Starts a lane of `study`; `done` is called per part it finishes. */
function startLane(
  o: { entry: string; study: string; args: ExperimentArgs; claims: string },
  done: () => void,
): Lane {
  const { process, status } = spawnChild(Deno.execPath(), {
    args: [
      "run",
      "-A",
      o.entry,
      o.study,
      ...experimentArgv({ ...o.args, quiet: true }),
      "--lane",
      o.claims,
    ],
    stdin: "null",
    stdout: "piped",
    stderr: "inherit",
  });
  const ok = (async () => {
    let pending = "";
    for await (const text of process.stdout.pipeThrough(new TextDecoderStream())) {
      const lines = (pending + text).split("\n");
      pending = lines.pop()!;
      for (const line of lines) if (line === PART_DONE) done();
    }
    return (await status).success;
  })();
  return { process, ok };
}

/**
 * Runs `parts` of `study` in this process and `args.jobs - 1` lanes started through `entry`
 * (the script of `deno task exp`), with one progress bar over all of them.
 */
export async function runParts(
  o: { entry: string; study: string; args: ExperimentArgs; parts: readonly ScoringPart[] },
): Promise<void> {
  const claims = await Deno.makeTempDir({ prefix: "ncf-lanes-" });
  const progress = new Progress({
    label: `${o.study}: scoring in ${o.args.jobs} processes`,
    total: o.parts.length,
    unit: "parts",
    quiet: o.args.quiet,
  });
  const tick = () => progress.tick();
  const lanes = Array.from({ length: o.args.jobs - 1 }, () => startLane({ ...o, claims }, tick));
  let own: { error: unknown } | undefined;
  try {
    await runClaimedParts(o.parts, claims, tick);
  } catch (error) {
    own = { error };
    for (const lane of lanes) {
      try {
        lane.process.kill("SIGTERM");
      } catch {
        // It has ended already.
      }
    }
  }
  const failed = (await Promise.all(lanes.map((l) => l.ok.catch(() => false))))
    .filter((ok) => !ok).length;
  await Deno.remove(claims, { recursive: true });
  if (own) throw own.error;
  if (failed > 0) {
    throw new UserError(
      `${failed} scoring lane(s) of ${o.study} failed; the parts finished are cached`,
      "see the messages above; run the study again to resume it, or with --jobs 1",
      1,
    );
  }
  progress.finish();
}
