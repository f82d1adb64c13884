/**
 * lib/common: child processes end with an interrupted parent (spawnChild),
 * and runMain turns the interruption into a message and 128 + the signal.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { ROOT } from "../lib/common/mod.ts";

/** True while a process with this pid exists (zombies included, until reaped). */
function alive(pid: number): boolean {
  try {
    Deno.statSync(`/proc/${pid}`);
    return true;
  } catch {
    return false;
  }
}

/** Waits until `check` holds, at most `ms`. */
async function until(check: () => boolean | Promise<boolean>, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!await check()) {
    if (Date.now() > end) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * A command that starts `sleep 600` through spawnChild and prints its pid,
 * run as its own process; `signal` is then sent to that process.
 */
async function interrupt(signal: "SIGINT" | "SIGTERM", ignoreFirst: boolean) {
  const dir = await Deno.makeTempDir({ prefix: "ncf-common-test-" });
  try {
    const script = join(dir, "command.ts");
    // With ignoreFirst the child ignores the forwarded signal (a shell trap),
    // so it must be killed once the grace time is over.
    const child = ignoreFirst
      ? `["bash", { args: ["-c", "trap '' INT TERM; echo $$; while :; do sleep 0.1; done"], stdout: "inherit" }]`
      : `["sleep", { args: ["600"] }]`;
    await Deno.writeTextFile(
      script,
      `import { runMain, spawnChild } from ${JSON.stringify(join(ROOT, "lib/common/mod.ts"))};
await runMain(async () => {
  const [cmd, options] = ${child};
  const c = spawnChild(cmd, options);
  ${ignoreFirst ? "" : "console.log(c.process.pid);"}
  await c.status;
  console.log("not interrupted");
});
`,
    );
    const command = new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", script],
      stdout: "piped",
      stderr: "piped",
      env: { NCF_KILL_AFTER_MS: "300" },
    }).spawn();
    const reader = command.stdout.pipeThrough(new TextDecoderStream()).getReader();
    let out = "";
    while (!/\d+\n/.test(out)) {
      const { value, done } = await reader.read();
      if (done) break;
      out += value;
    }
    const childPid = Number(out.trim().split("\n")[0]);
    assert.ok(alive(childPid));
    command.kill(signal);
    const status = await command.status;
    // Checked before reading on: a child left alive would hold stdout open for ever.
    try {
      await until(() => !alive(childPid));
    } finally {
      if (alive(childPid)) Deno.kill(childPid, "SIGKILL");
    }
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      out += value;
    }
    const stderr = new TextDecoder().decode(
      (await new Response(command.stderr).arrayBuffer()) as ArrayBuffer,
    );
    return { status, out, stderr };
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("spawnChild: SIGTERM to the command ends its child; it exits 143 with a message", async () => {
  const r = await interrupt("SIGTERM", false);
  assert.equal(r.status.code, 143);
  assert.match(r.stderr, /^interrupted by SIGTERM/m);
  assert.doesNotMatch(r.out, /not interrupted/);
});

Deno.test("spawnChild: SIGINT is forwarded too; it exits 130", async () => {
  const r = await interrupt("SIGINT", false);
  assert.equal(r.status.code, 130);
  assert.match(r.stderr, /^interrupted by SIGINT/m);
});

Deno.test("spawnChild: a child that ignores the signal is killed after the grace time", async () => {
  const r = await interrupt("SIGTERM", true);
  assert.equal(r.status.code, 143);
});
