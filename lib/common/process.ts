/**
 * Child processes that never outlive an interrupted parent. Every command
 * that starts long-running child processes (the tracer, the training workers)
 * starts them with {@linkcode spawnChild}:
 *
 * - while one runs, SIGINT and SIGTERM sent to this process are forwarded to
 *   it (a second signal kills it at once; one still running
 *   {@linkcode KILL_AFTER_MS} after the first is killed too);
 * - once it has ended, its `status` rejects with {@linkcode Interrupted}, so
 *   the caller stops and says what it leaves behind; `runMain` prints that,
 *   waits for the other children to end and exits with 128 + the signal's
 *   number (130 for SIGINT, 143 for SIGTERM);
 * - after an interrupt no new child starts, and a caller that swallows the
 *   error still exits a few seconds later.
 *
 * Without a running child the signals keep their default action.
 *
 * @module
 */

/** The signals that interrupt a command. */
export type InterruptSignal = "SIGINT" | "SIGTERM";

/**
 * Milliseconds a child gets to end after a forwarded signal before it is
 * killed (default 10 s; `NCF_KILL_AFTER_MS` sets it).
 */
export const KILL_AFTER_MS: number = Number(Deno.env.get("NCF_KILL_AFTER_MS")) || 10_000;
/** Milliseconds after the last child ended before an interrupted process exits anyway. */
const EXIT_AFTER_MS = 5_000;
const SIGNALS: InterruptSignal[] = ["SIGINT", "SIGTERM"];

/** The command was interrupted by a signal; `message` says what it leaves behind. */
export class Interrupted extends Error {
  constructor(readonly signal: InterruptSignal, message = `interrupted by ${signal}`) {
    super(message);
    this.name = "Interrupted";
  }

  /** The exit status of a process ended by this signal: 128 + its number. */
  get exitCode(): number {
    return this.signal === "SIGINT" ? 130 : 143;
  }
}

const live = new Set<Deno.ChildProcess>();
let whenNoneLive: (() => void)[] = [];
let interruptedBy: InterruptSignal | undefined;
let killTimer: ReturnType<typeof setTimeout> | undefined;

function killAll(signal: Deno.Signal): void {
  for (const child of live) {
    try {
      child.kill(signal);
    } catch {
      // already ended
    }
  }
}

function onSignal(signal: InterruptSignal): void {
  const again = interruptedBy !== undefined;
  interruptedBy ??= signal;
  if (again) {
    killAll("SIGKILL");
    return;
  }
  killAll(signal);
  const timer = setTimeout(() => killAll("SIGKILL"), KILL_AFTER_MS);
  Deno.unrefTimer(timer);
  killTimer = timer;
}

const handlers = new Map(SIGNALS.map((s) => [s, () => onSignal(s)]));

let listening = false;

function listen(on: boolean): void {
  if (on === listening) return;
  listening = on;
  for (const [s, h] of handlers) {
    if (on) Deno.addSignalListener(s, h);
    else Deno.removeSignalListener(s, h);
  }
}

function untrack(child: Deno.ChildProcess): void {
  live.delete(child);
  if (live.size > 0) return;
  for (const resolve of whenNoneLive) resolve();
  whenNoneLive = [];
  listen(false);
  if (interruptedBy !== undefined) {
    clearTimeout(killTimer);
    const code = new Interrupted(interruptedBy).exitCode;
    Deno.unrefTimer(setTimeout(() => Deno.exit(code), EXIT_AFTER_MS));
  }
}

/** Resolves once no child started by {@linkcode spawnChild} is running. */
export function childrenEnded(): Promise<void> {
  if (live.size === 0) return Promise.resolve();
  return new Promise((resolve) => whenNoneLive.push(resolve));
}

/** A started child: its process (for its streams and pid) and its status. */
export interface Child {
  process: Deno.ChildProcess;
  /** Resolves when it ends; rejects with {@linkcode Interrupted} if this process was interrupted. */
  status: Promise<Deno.CommandStatus>;
}

/**
 * Starts `command` like `new Deno.Command(command, options).spawn()`, with
 * signals forwarded as the module documentation says. Throws
 * {@linkcode Interrupted} when this process has already been interrupted.
 */
export function spawnChild(command: string, options: Deno.CommandOptions): Child {
  if (interruptedBy !== undefined) throw new Interrupted(interruptedBy);
  // Listening before the spawn: a signal that arrives while the child starts
  // would otherwise end this process with the child left running.
  listen(true);
  let process: Deno.ChildProcess;
  try {
    process = new Deno.Command(command, options).spawn();
  } catch (err) {
    if (live.size === 0) listen(false);
    throw err;
  }
  // A signal that came during the spawn is handled after this synchronous code, so the
  // handler finds the child here.
  live.add(process);
  const status = process.status.then((s) => {
    untrack(process);
    if (interruptedBy !== undefined) throw new Interrupted(interruptedBy);
    return s;
  });
  return { process, status };
}
