/**
 * A tiny RFC 4180 CSV writer and parser: fields with a comma, a quote or a line
 * break are quoted, and quotes inside them are doubled.
 *
 * @module
 */

/** Quotes one field if it needs it. */
export function csvField(value: string): string {
  return /[",\r\n]/.test(value) || value !== value.trim()
    ? `"${value.replaceAll('"', '""')}"`
    : value;
}

/** Formats rows of fields as CSV text, one line per row, each ended by `\n`. */
export function formatCsv(rows: readonly (readonly string[])[]): string {
  return rows.map((row) => row.map(csvField).join(",") + "\n").join("");
}

/**
 * Parses CSV text into rows of fields. Accepts `\n` and `\r\n` line ends and
 * quoted fields spanning lines; a final line end is optional.
 *
 * @throws {SyntaxError} on a quote that is never closed or stray text after a closing quote.
 */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let i = 0;
  let line = 1;
  const endField = () => {
    row.push(field);
    field = "";
  };
  const endRow = () => {
    endField();
    rows.push(row);
    row = [];
  };
  while (i < text.length) {
    const ch = text[i];
    if (ch === '"' && field === "") {
      // Quoted field: read up to the closing quote; "" is an escaped quote.
      const startLine = line;
      i++;
      for (;;) {
        if (i >= text.length) {
          throw new SyntaxError(`CSV quote opened on line ${startLine} never closes`);
        }
        if (text[i] === '"') {
          if (text[i + 1] === '"') {
            field += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        if (text[i] === "\n") line++;
        field += text[i++];
      }
      const next = text[i];
      if (next !== undefined && next !== "," && next !== "\n" && next !== "\r") {
        throw new SyntaxError(`CSV line ${line}: text after a closing quote`);
      }
      continue;
    }
    if (ch === ",") {
      endField();
      i++;
    } else if (ch === "\n" || ch === "\r") {
      endRow();
      i += ch === "\r" && text[i + 1] === "\n" ? 2 : 1;
      line++;
    } else {
      field += ch;
      i++;
    }
  }
  if (field !== "" || row.length > 0) endRow();
  return rows;
}
