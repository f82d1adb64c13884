/**
 * A small document model (headings, paragraphs, lists, tables, images) with
 * two renderers: Markdown, and a self-contained HTML page (inline CSS, images
 * as `data:` URIs, a Content-Security-Policy that forbids any request). All
 * text is escaped by the renderers, never by the caller.
 *
 * @module
 */
import { Buffer } from "node:buffer";

/** A badge for a claim's verdict (or an experiment that did not run). */
export type Badge = "yes" | "partly" | "no" | "inconclusive" | "not run" | "error";

/** A run of text: plain, bold, code, a verdict badge, or a link to a section of the document. */
export type Inline =
  | string
  | { bold: string }
  | { code: string }
  | { badge: Badge }
  | { link: string; to: string };

/** A piece of rich text: a sequence of runs. */
export type Text = Inline | Inline[];

/** A block of the document. */
export type Block =
  | { kind: "heading"; level: 1 | 2 | 3; text: string; id?: string }
  | { kind: "paragraph"; text: Text }
  | { kind: "list"; items: Text[] }
  | { kind: "table"; header: string[]; rows: Text[][]; align?: ("left" | "right")[] }
  | { kind: "image"; file: string; png: Uint8Array; caption: string }
  | { kind: "toc"; entries: { id: string; text: string }[] };

/** A whole document: a title and its blocks. */
export interface Document {
  /** The page title (also the first heading). */
  title: string;
  /** The content, in order. */
  blocks: Block[];
}

function runs(text: Text): Inline[] {
  return Array.isArray(text) ? text : [text];
}

/** Escapes text for HTML content and attribute values. */
export function escapeHtml(text: string): string {
  return text
    .replaceAll("&", "&amp;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;")
    .replaceAll("'", "&#39;");
}

/** Escapes text for Markdown: characters with a meaning are backslashed; line breaks become spaces. */
export function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_[\]<>|#]/g, (c) => `\\${c}`).replace(/\s*[\r\n]+\s*/g, " ");
}

function inlineMarkdown(text: Text): string {
  return runs(text)
    .map((run) => {
      if (typeof run === "string") return escapeMarkdown(run);
      if ("bold" in run) return `**${escapeMarkdown(run.bold)}**`;
      if ("code" in run) return "`" + run.code.replaceAll("`", "'").replace(/\s+/g, " ") + "`";
      if ("link" in run) return `[${escapeMarkdown(run.link)}](#${run.to})`;
      return `**${run.badge}**`;
    })
    .join("");
}

/** Renders a document as GitHub-flavoured Markdown; images refer to their files next to it. */
export function renderMarkdown(doc: Document): string {
  const out: string[] = [`# ${escapeMarkdown(doc.title)}`];
  for (const block of doc.blocks) {
    switch (block.kind) {
      case "heading":
        // An explicit anchor: Markdown renderers derive their own ids from the text.
        if (block.id) out.push(`<a id="${escapeHtml(block.id)}"></a>`);
        out.push(`${"#".repeat(block.level)} ${escapeMarkdown(block.text)}`);
        break;
      case "paragraph":
        out.push(inlineMarkdown(block.text));
        break;
      case "list":
        out.push(block.items.map((item) => `- ${inlineMarkdown(item)}`).join("\n"));
        break;
      case "table": {
        const align = block.header.map((_, i) => (block.align?.[i] === "right" ? "---:" : "---"));
        const line = (cells: string[]) => `| ${cells.join(" | ")} |`;
        out.push(
          [
            line(block.header.map(escapeMarkdown)),
            line(align),
            ...block.rows.map((row) => line(row.map(inlineMarkdown))),
          ].join("\n"),
        );
        break;
      }
      case "image":
        out.push(
          `![${escapeMarkdown(block.caption)}](${encodeURI(block.file)})\n\n*${
            escapeMarkdown(block.caption)
          }*`,
        );
        break;
      case "toc":
        out.push(block.entries.map((e) => `- [${escapeMarkdown(e.text)}](#${e.id})`).join("\n"));
        break;
    }
  }
  return out.join("\n\n") + "\n";
}

function inlineHtml(text: Text): string {
  return runs(text)
    .map((run) => {
      if (typeof run === "string") return escapeHtml(run);
      if ("bold" in run) return `<strong>${escapeHtml(run.bold)}</strong>`;
      if ("code" in run) return `<code>${escapeHtml(run.code)}</code>`;
      if ("link" in run) return `<a href="#${escapeHtml(run.to)}">${escapeHtml(run.link)}</a>`;
      return `<span class="badge badge-${run.badge.replace(" ", "-")}">${
        escapeHtml(run.badge)
      }</span>`;
    })
    .join("");
}

const CSS = `
body { font-family: "DejaVu Sans", Arial, sans-serif; color: #222; max-width: 1200px;
  margin: 2em auto; padding: 0 1em; line-height: 1.5; }
h1 { font-size: 1.8em; border-bottom: 2px solid #d62728; padding-bottom: .2em; }
h2 { margin-top: 2em; border-bottom: 1px solid #ddd; padding-bottom: .2em; }
table { border-collapse: collapse; margin: 1em 0; font-size: .9em; }
th, td { border: 1px solid #ccc; padding: .3em .6em; vertical-align: top; overflow-wrap: break-word; }
td:has(> .badge) { white-space: nowrap; }
th { background: #f3f3f3; text-align: left; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
figure { margin: 1em 0; }
figure img { max-width: 100%; height: auto; border: 1px solid #eee; }
figcaption { font-size: .9em; color: #555; }
code { background: #f5f5f5; padding: 0 .2em; }
.badge { display: inline-block; padding: 0 .5em; border-radius: .6em; font-size: .85em;
  font-weight: bold; color: #fff; }
.badge-yes { background: #2ca02c; }
.badge-partly { background: #e6a817; }
.badge-no { background: #d62728; }
.badge-inconclusive { background: #7f7f7f; }
.badge-not-run { background: #bbb; }
.badge-error { background: #8c564b; }
`;

/**
 * Renders a document as one self-contained HTML page: CSS inline, images as
 * base64 `data:` URIs, and a Content-Security-Policy that blocks every
 * network request.
 */
export function renderHtml(doc: Document): string {
  const body: string[] = [`<h1>${escapeHtml(doc.title)}</h1>`];
  for (const block of doc.blocks) {
    switch (block.kind) {
      case "heading": {
        const id = block.id ? ` id="${escapeHtml(block.id)}"` : "";
        body.push(`<h${block.level}${id}>${escapeHtml(block.text)}</h${block.level}>`);
        break;
      }
      case "paragraph":
        body.push(`<p>${inlineHtml(block.text)}</p>`);
        break;
      case "list":
        body.push(
          `<ul>\n${block.items.map((item) => `<li>${inlineHtml(item)}</li>`).join("\n")}\n</ul>`,
        );
        break;
      case "table": {
        const cls = (i: number) => (block.align?.[i] === "right" ? ` class="num"` : "");
        const head = block.header.map((h) => `<th>${escapeHtml(h)}</th>`).join("");
        const rows = block.rows.map((row) =>
          `<tr>${row.map((c, i) => `<td${cls(i)}>${inlineHtml(c)}</td>`).join("")}</tr>`
        );
        body.push(
          `<table>\n<thead><tr>${head}</tr></thead>\n<tbody>\n${
            rows.join("\n")
          }\n</tbody>\n</table>`,
        );
        break;
      }
      case "image": {
        const src = `data:image/png;base64,${Buffer.from(block.png).toString("base64")}`;
        const caption = escapeHtml(block.caption);
        body.push(
          `<figure><img src="${src}" alt="${caption}"><figcaption>${caption}</figcaption></figure>`,
        );
        break;
      }
      case "toc":
        body.push(
          `<ul class="toc">\n${
            block.entries.map((e) =>
              `<li><a href="#${escapeHtml(e.id)}">${escapeHtml(e.text)}</a></li>`
            ).join("\n")
          }\n</ul>`,
        );
        break;
    }
  }
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src data:; style-src 'unsafe-inline'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(doc.title)}</title>
<style>${CSS}</style>
</head>
<body>
${body.join("\n")}
</body>
</html>
`;
}
