/**
 * Small C programs the tests compile and trace: the cases where execution
 * values decide what happens next (PAPER.md section 4.7).
 *
 * @module
 */
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const HERE = fileURLToPath(new URL(".", import.meta.url));

/** Compiles `tests/learning/<name>.c` with gcc -O1 -g into `dir` and returns the binary's path. */
export async function compileProgram(name: string, dir: string): Promise<string> {
  const out = join(dir, name);
  const { code, stderr } = await new Deno.Command("gcc", {
    args: ["-O1", "-g", "-o", out, join(HERE, `${name}.c`)],
  }).output();
  if (code !== 0) throw new Error(`gcc ${name}.c failed:\n${new TextDecoder().decode(stderr)}`);
  return out;
}
