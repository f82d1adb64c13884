/**
 * User-facing errors: every error a user can cause names the problem and the fix.
 *
 * @module
 */
import { childrenEnded, Interrupted } from "./process.ts";

/** An error caused by the user's input or environment, with the fix to suggest. */
export class UserError extends Error {
  /** What to do about it, shown under the message. */
  readonly fix: string;
  /** Process exit code to use (default 2: bad input). */
  readonly exitCode: number;

  constructor(problem: string, fix: string, exitCode = 2) {
    super(problem);
    this.name = "UserError";
    this.fix = fix;
    this.exitCode = exitCode;
  }
}

/**
 * Runs a command-line entry point: a {@linkcode UserError} is printed as
 * `error: <problem>` and `  fix: <fix>` and exits with its code; an
 * {@linkcode Interrupted} is printed as what it leaves behind and exits with
 * 128 + the signal's number; anything else is a bug and keeps its stack trace.
 */
export async function runMain(main: () => Promise<void> | void): Promise<void> {
  try {
    await main();
  } catch (err) {
    if (err instanceof UserError) {
      console.error(`error: ${err.message}\n  fix: ${err.fix}`);
      Deno.exit(err.exitCode);
    }
    if (err instanceof Interrupted) {
      console.error(err.message);
      await childrenEnded();
      Deno.exit(err.exitCode);
    }
    throw err;
  }
}
