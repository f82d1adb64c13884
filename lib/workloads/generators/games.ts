/**
 * Command scripts for the game engines: a GTP session for GNU Go (a seeded
 * random opening, then engine moves) and an xboard-style session for Sjeng
 * (known opening lines, then fixed-depth searches).
 *
 * @module
 */
import { join } from "node:path";
import { atomicWriteFile } from "../../common/mod.ts";
import type { InputGenerator } from "./types.ts";

const GO_COLUMNS = "ABCDEFGHJKLMNOPQRST"; // GTP skips the letter I

/** The `gtp-game` generator: `commands.gtp` for `gnugo --mode gtp`. */
export const gtpGame: InputGenerator = {
  description: "commands.gtp: board setup, a seeded random opening, then alternating genmove",
  defaults: { boardsize: 19, opening: 24, genmoves: 8, komi: 6.5 },
  generate({ dir, params, rng }) {
    const size = params.boardsize as number;
    const lines = [`boardsize ${size}`, "clear_board", `komi ${params.komi}`];
    // Stones away from the edge, distinct points: every move is legal.
    const margin = size >= 13 ? 2 : 1;
    const used = new Set<string>();
    let color = "black";
    while (used.size < (params.opening as number)) {
      const x = rng.int(margin, size - margin);
      const y = rng.int(margin, size - margin);
      const point = `${GO_COLUMNS[x]}${y + 1}`;
      if (used.has(point)) continue;
      used.add(point);
      lines.push(`play ${color} ${point}`);
      color = color === "black" ? "white" : "black";
    }
    for (let i = 0; i < (params.genmoves as number); i++) {
      lines.push(`genmove ${color}`);
      color = color === "black" ? "white" : "black";
    }
    lines.push("quit");
    return atomicWriteFile(join(dir, "commands.gtp"), lines.join("\n") + "\n");
  },
};

/** Main lines of common openings, in the coordinate notation Sjeng reads. */
const OPENINGS: readonly string[][] = [
  ["e2e4", "e7e5", "g1f3", "b8c6", "f1b5", "a7a6", "b5a4", "g8f6"], // Ruy Lopez
  ["e2e4", "c7c5", "g1f3", "d7d6", "d2d4", "c5d4", "f3d4", "g8f6"], // Sicilian
  ["d2d4", "d7d5", "c2c4", "e7e6", "b1c3", "g8f6", "c1g5", "f8e7"], // Queen's Gambit Declined
  ["e2e4", "e7e6", "d2d4", "d7d5", "b1c3", "f8b4"], // French, Winawer
  ["e2e4", "c7c6", "d2d4", "d7d5", "b1c3", "d5e4", "c3e4"], // Caro-Kann
  ["d2d4", "g8f6", "c2c4", "g7g6", "b1c3", "f8g7", "e2e4", "d7d6"], // King's Indian
  ["c2c4", "e7e5", "b1c3", "g8f6", "g1f3", "b8c6"], // English
  ["e2e4", "e7e5", "g1f3", "b8c6", "f1c4", "f8c5", "c2c3", "g8f6"], // Italian
  ["d2d4", "g8f6", "c2c4", "e7e6", "b1c3", "f8b4", "e2e3"], // Nimzo-Indian
  ["e2e4", "d7d5", "e4d5", "d8d5", "b1c3", "d5a5"], // Scandinavian
];

/** The `chess-session` generator: `commands.txt` for `sjeng` on standard input. */
export const chessSession: InputGenerator = {
  description: "commands.txt: games from known openings, each followed by fixed-depth searches",
  defaults: { games: 3, plies: 4, depth: 8 },
  generate({ dir, params, rng }) {
    // Sjeng aborts a search when input is pending unless the variant is
    // bughouse/crazyhouse, and only crazyhouse writes its learning file: so
    // bughouse, with a huge fixed time per move, stops on depth alone.
    const lines: string[] = [];
    const openings = rng.shuffle([...OPENINGS]);
    for (let g = 0; g < (params.games as number); g++) {
      const line = openings[g % openings.length];
      const moves = line.slice(0, 2 + 2 * rng.int(0, Math.floor(line.length / 2)));
      lines.push("new", "variant bughouse", "st 99999999", `sd ${params.depth}`, "force");
      lines.push(...moves);
      for (let p = 0; p < (params.plies as number); p++) lines.push("go");
    }
    lines.push("quit");
    return atomicWriteFile(join(dir, "commands.txt"), lines.join("\n") + "\n");
  },
};
