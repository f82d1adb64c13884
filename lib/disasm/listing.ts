/**
 * Runs `objdump -d` on an object file and parses its listing, streamed, into
 * compact columns: one row per instruction, texts shared through shapes.
 *
 * @module
 */
import { type Progress, UserError } from "../common/mod.ts";
import {
  FLOW_CODES,
  type Shape,
  shapeOf,
  ShapeTable,
  splitTarget,
  stripAnnotations,
} from "./shape.ts";
import type { DisasmWarning, FunctionInfo, Operand } from "./types.ts";
import { rowAt, rowAtOrBefore } from "./cfg.ts";

/**
 * The objdump command line. Intel syntax puts the destination first and
 * prints explicit `QWORD PTR` widths; the raw bytes (`-w` keeps them on one
 * line) give each instruction's exact length.
 */
export const OBJDUMP_ARGS: readonly string[] = ["-d", "-w", "-M", "intel"];

/** A parsed object file in columns (row = instruction, sorted by address). */
export interface ParsedObject {
  /** Absolute path of the object file. */
  path: string;
  /** Static addresses (exact: below 2^53). */
  addresses: Float64Array;
  /** Lengths in bytes. */
  lengths: Uint8Array;
  /** Index into `shapes`. */
  shapeIds: Uint32Array;
  /** Direct destination address, -1 if none. */
  targets: Float64Array;
  /** Control-flow class, as an index into {@linkcode FLOW_CODES}. */
  flows: Uint8Array;
  /** Distinct instruction texts and their shapes. */
  shapes: ShapeTable;
  /** Functions in address order; their instruction ranges tile the rows. */
  functions: FunctionInfo[];
  warnings: DisasmWarning[];
}

/** A growable typed column. */
class Column<T extends Float64Array | Uint32Array | Uint8Array> {
  #data: T;
  length = 0;
  constructor(private readonly make: (n: number) => T) {
    this.#data = make(1 << 16);
  }
  push(value: number): void {
    if (this.length === this.#data.length) {
      const bigger = this.make(this.#data.length * 2);
      bigger.set(this.#data);
      this.#data = bigger;
    }
    this.#data[this.length++] = value;
  }
  finish(): T {
    return this.#data.slice(0, this.length) as T;
  }
}

const FUNCTION_LINE = /^([0-9a-f]+) <(.*)>:$/;
const SECTION_PREFIX = "Disassembly of section ";

/**
 * Parses an `objdump -d -w -M intel` listing (raw bytes shown) fed in chunks
 * of any size. Unparseable instructions become opaque and are reported in
 * `warnings`; odd input never throws.
 */
export class ListingParser {
  readonly #path: string;
  #rest = "";
  #section = "";
  readonly #addresses = new Column((n) => new Float64Array(n));
  readonly #lengths = new Column((n) => new Uint8Array(n));
  readonly #shapeIds = new Column((n) => new Uint32Array(n));
  readonly #targets = new Column((n) => new Float64Array(n));
  readonly #flows = new Column((n) => new Uint8Array(n));
  readonly #shapes: Shape[] = [];
  readonly #operandMemo = new Map<string, Operand | undefined>();
  readonly #shapeIndex = new Map<string, number>();
  readonly #functions: FunctionInfo[] = [];
  readonly #warnings: DisasmWarning[] = [];

  constructor(path: string) {
    this.#path = path;
  }

  /** Instructions parsed so far. */
  get rows(): number {
    return this.#addresses.length;
  }

  /** Parses the complete lines of `chunk` (plus what was left over from the last chunk). */
  feed(chunk: string): void {
    const text = this.#rest + chunk;
    let start = 0;
    for (let end = text.indexOf("\n"); end >= 0; end = text.indexOf("\n", start)) {
      this.#line(text.slice(start, end));
      start = end + 1;
    }
    this.#rest = text.slice(start);
  }

  /** Ends the listing and returns the columns. */
  finish(): ParsedObject {
    if (this.#rest !== "") this.#line(this.#rest);
    this.#rest = "";
    this.#closeFunction();
    const functions = this.#functions.filter((f) => f.end > f.start);
    functions.forEach((f, i) => (f.index = i));
    const parsed = this.#addPrefixSkippingEntries(sortByAddress({
      path: this.#path,
      addresses: this.#addresses.finish(),
      lengths: this.#lengths.finish(),
      shapeIds: this.#shapeIds.finish(),
      targets: this.#targets.finish(),
      flows: this.#flows.finish(),
      shapes: new ShapeTable([]),
      functions,
      warnings: this.#warnings,
    }));
    // Shapes are parsed again on demand: keeping every parsed shape costs more memory than time.
    return { ...parsed, shapes: new ShapeTable(this.#shapes.map((s) => s.text)) };
  }

  #intern(shapeText: string): number {
    let id = this.#shapeIndex.get(shapeText);
    if (id === undefined) {
      id = this.#shapes.length;
      this.#shapes.push(shapeOf(shapeText, this.#operandMemo));
      this.#shapeIndex.set(shapeText, id);
    }
    return id;
  }

  /**
   * glibc jumps over a `lock` prefix (`je 1f; lock; 1: cmpxchg ...`, the
   * single-threaded fast path): such a destination starts the same
   * instruction without its first prefixes, and gets an entry of its own.
   */
  #addPrefixSkippingEntries(parsed: ParsedObject): ParsedObject {
    const { addresses, lengths, shapeIds, targets, flows } = parsed;
    const extras = new Map<number, { host: number; length: number; shapeId: number }>();
    for (let row = 0; row < targets.length; row++) {
      const target = targets[row];
      if (target < 0 || extras.has(target) || rowAt(addresses, target) >= 0) continue;
      const host = rowAtOrBefore(addresses, target);
      if (host < 0) continue;
      const skipped = target - addresses[host];
      const shape = this.#shapes[shapeIds[host]];
      if (skipped >= lengths[host] || skipped > shape.prefixes.length) continue;
      const text = shape.text.replace(new RegExp(`^(\\S+\\s+){${skipped}}`), "");
      extras.set(target, { host, length: lengths[host] - skipped, shapeId: this.#intern(text) });
    }
    if (extras.size === 0) return parsed;

    const byHost = [...extras.entries()].sort((a, b) => a[1].host - b[1].host);
    const n = addresses.length + byHost.length;
    const out = {
      addresses: new Float64Array(n),
      lengths: new Uint8Array(n),
      shapeIds: new Uint32Array(n),
      targets: new Float64Array(n),
      flows: new Uint8Array(n),
    };
    const copy = (to: number, from: number) => {
      out.addresses[to] = addresses[from];
      out.lengths[to] = lengths[from];
      out.shapeIds[to] = shapeIds[from];
      out.targets[to] = targets[from];
      out.flows[to] = flows[from];
    };
    let to = 0;
    let next = 0;
    for (let row = 0; row < addresses.length; row++) {
      copy(to++, row);
      while (next < byHost.length && byHost[next][1].host === row) {
        const [address, { length, shapeId }] = byHost[next++];
        const shape = this.#shapes[shapeId];
        out.addresses[to] = address;
        out.lengths[to] = length;
        out.shapeIds[to] = shapeId;
        out.targets[to] = shape.targetOperand >= 0 ? targets[row] : -1;
        out.flows[to++] = FLOW_CODES.indexOf(shape.flow);
      }
    }
    // A function's rows move down by the number of entries added before them.
    const shift = (row: number) => row + byHost.filter(([, e]) => e.host < row).length;
    for (const f of parsed.functions) {
      Object.assign(f, { start: shift(f.start), end: shift(f.end) });
    }
    return { ...parsed, ...out };
  }

  #closeFunction(): void {
    const last = this.#functions.at(-1);
    if (last) last.end = this.#addresses.length;
  }

  #openFunction(name: string, address: bigint): void {
    this.#closeFunction();
    const row = this.#addresses.length;
    this.#functions.push({
      index: this.#functions.length,
      name,
      address,
      section: this.#section,
      start: row,
      end: row,
    });
  }

  #line(line: string): void {
    if (line.charCodeAt(0) === 0x20 /* space */) {
      this.#instruction(line);
    } else if (line.startsWith(SECTION_PREFIX)) {
      this.#section = line.slice(SECTION_PREFIX.length).replace(/:$/, "");
    } else {
      const m = FUNCTION_LINE.exec(line);
      if (m) this.#openFunction(m[2], BigInt("0x" + m[1]));
    }
  }

  /** `   26000:\tff 35 ea cf 1a 00    \tpush   QWORD PTR [rip+0x1acfea]        # 1d2ff0 <...>` */
  #instruction(line: string): void {
    const colon = line.indexOf(":\t");
    const tab = colon < 0 ? -1 : line.indexOf("\t", colon + 2);
    if (tab < 0) return; // not an instruction (e.g. "\t..." for skipped zeros)
    const address = parseInt(line.slice(0, colon), 16);
    if (!(address < Number.MAX_SAFE_INTEGER)) return;
    const length = (line.slice(colon + 2, tab).trimEnd().length + 1) / 3;
    const { shapeText, target } = splitTarget(stripAnnotations(line.slice(tab + 1)));
    const id = this.#intern(shapeText);
    const shape = this.#shapes[id];
    if (shape.problem) {
      this.#warnings.push({
        address: BigInt(address),
        message: `${shape.problem}: "${shapeText}"`,
      });
    }
    const current = this.#functions.at(-1);
    if (!current || current.section !== this.#section) {
      this.#openFunction(this.#section, BigInt(address));
    }
    this.#addresses.push(address);
    this.#lengths.push(length);
    this.#shapeIds.push(id);
    this.#targets.push(shape.targetOperand >= 0 ? target : -1);
    this.#flows.push(FLOW_CODES.indexOf(shape.flow));
  }
}

/**
 * objdump prints sections in file order, which is address order in linked
 * objects. If it is not, reorder whole functions (each is contiguous).
 */
function sortByAddress(parsed: ParsedObject): ParsedObject {
  const { addresses, functions } = parsed;
  let sorted = true;
  for (let i = 1; i < addresses.length && sorted; i++) sorted = addresses[i - 1] < addresses[i];
  if (sorted) return parsed;
  const order = functions.slice().sort((a, b) =>
    a.address < b.address ? -1 : a.address > b.address ? 1 : a.index - b.index
  );
  const rows: number[] = [];
  order.forEach((f, i) => {
    const start = rows.length;
    for (let row = f.start; row < f.end; row++) rows.push(row);
    Object.assign(f, { index: i, start, end: rows.length });
  });
  const permute = <T extends Float64Array | Uint32Array | Uint8Array>(column: T): T => {
    const out = column.slice(0, rows.length) as T;
    rows.forEach((row, i) => (out[i] = column[row]));
    return out;
  };
  return {
    ...parsed,
    addresses: permute(parsed.addresses),
    lengths: permute(parsed.lengths),
    shapeIds: permute(parsed.shapeIds),
    targets: permute(parsed.targets),
    flows: permute(parsed.flows),
    functions: order,
  };
}

/** Checks that `path` is a readable ELF file, with a clear error if not. */
async function checkElf(path: string): Promise<void> {
  const head = new Uint8Array(4);
  let n: number | null;
  try {
    using file = await Deno.open(path);
    n = await file.read(head);
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) {
      throw new UserError(`object file ${path} does not exist`, "check the path");
    }
    throw new UserError(
      `cannot read object file ${path}: ${(err as Error).message}`,
      "give a readable file (check its permissions, and that it is not a folder)",
    );
  }
  if (n !== 4 || head[0] !== 0x7f || head[1] !== 0x45 || head[2] !== 0x4c || head[3] !== 0x46) {
    throw new UserError(
      `${path} is not an ELF object file`,
      "give a compiled program or shared library (an ELF file), not a script or data file",
    );
  }
}

/**
 * Runs objdump on the ELF file at absolute `path` and parses its listing as
 * it streams, ticking `progress` (if given) by instructions.
 */
export async function parseWithObjdump(path: string, progress?: Progress): Promise<ParsedObject> {
  await checkElf(path);
  let child: Deno.ChildProcess;
  try {
    child = new Deno.Command("objdump", {
      args: [...OBJDUMP_ARGS, path],
      stdout: "piped",
      stderr: "piped",
    }).spawn();
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) {
      throw new UserError(
        "objdump is not installed",
        "install binutils: make apt (or apt-get install binutils)",
      );
    }
    throw err;
  }
  const stderr = new Response(child.stderr).text();
  const parser = new ListingParser(path);
  for await (const chunk of child.stdout.pipeThrough(new TextDecoderStream())) {
    const before = parser.rows;
    parser.feed(chunk);
    progress?.tick(parser.rows - before);
  }
  const status = await child.status;
  if (!status.success) {
    throw new UserError(
      `objdump cannot disassemble ${path}: ${(await stderr).trim() || `exit code ${status.code}`}`,
      "give an x86-64 ELF program or shared library",
    );
  }
  await stderr;
  return parser.finish();
}
