/**
 * The error of every damaged or unreadable trace.
 *
 * @module
 */
import { UserError } from "../common/mod.ts";

/** A trace that cannot be read whole: truncated, corrupt, or not a trace. */
export class TraceError extends UserError {
  constructor(problem: string, fix = "re-run the trace (deno task trace ...)") {
    super(problem, fix, 1);
    this.name = "TraceError";
  }
}
