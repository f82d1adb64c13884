/**
 * Input generators by id, as the manifest's `generator` field names them.
 * Adding a kind of input = one module here plus one entry in
 * {@linkcode GENERATORS}.
 *
 * @module
 */
import { bytesMix } from "./bytes.ts";
import { cUnit } from "./csource.ts";
import { chessSession, gtpGame } from "./games.ts";
import { csrGraph } from "./graph.ts";
import { hmmSearch } from "./hmmer.ts";
import { yuvVideo } from "./media.ts";
import { perlScriptGenerator } from "./perl.ts";
import type { InputGenerator } from "./types.ts";
import { xmlXslt } from "./xml.ts";

export type { GeneratorContext, InputGenerator } from "./types.ts";

/** For programs that make their data from their arguments (a seed, sizes): writes nothing. */
const argsOnly: InputGenerator = {
  description: "no files: the program generates its data from its arguments",
  defaults: {},
  generate: () => Promise.resolve(),
};

/** Every input generator, by id. */
export const GENERATORS: Readonly<Record<string, InputGenerator>> = {
  "args-only": argsOnly,
  "bytes-mix": bytesMix,
  "perl-script": perlScriptGenerator,
  "c-unit": cUnit,
  "gtp-game": gtpGame,
  "hmm-search": hmmSearch,
  "chess-session": chessSession,
  "yuv-video": yuvVideo,
  "xml-xslt": xmlXslt,
  "csr-graph": csrGraph,
};
