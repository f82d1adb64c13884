/* Sudoku: SIZE 9x9 puzzles (default 16) are made from a shuffled valid grid (fixed-seed xorshift)
 * with about 58% of its cells blanked, then solved by backtracking that fills the blank cell with
 * the fewest candidates first (row, column and box bit masks); counts the solutions of each, at
 * most 4, and the search nodes. Foreign to the 12 classes: a recursive constraint search over an
 * implicit tree of partial grids with bit-mask candidate sets; no graph, nothing ordered. */
#include "foreign.h"

#define DIGITS 0x3feu /* bits 1..9: the digits */

typedef struct {
  unsigned char cell[81];
  unsigned row[9], col[9], box[9];
  long nodes;
} board_t;

static long fill(board_t *b, long limit) {
  b->nodes++;
  int best = -1, best_count = 10;
  unsigned best_mask = 0;
  for (int i = 0; i < 81 && best_count > 0; i++) {
    if (b->cell[i]) continue;
    unsigned mask = DIGITS & ~(b->row[i / 9] | b->col[i % 9] | b->box[i / 27 * 3 + i % 9 / 3]);
    int count = 0;
    for (unsigned m = mask; m; m &= m - 1) count++;
    if (count < best_count) {
      best = i;
      best_count = count;
      best_mask = mask;
    }
  }
  if (best < 0) return 1; /* no blank cell left: a solution */
  long found = 0;
  int r = best / 9, c = best % 9, x = best / 27 * 3 + c / 3;
  for (int d = 1; d <= 9 && found < limit; d++) {
    unsigned bit = 1u << d;
    if (!(best_mask & bit)) continue;
    b->cell[best] = (unsigned char)d;
    b->row[r] |= bit, b->col[c] |= bit, b->box[x] |= bit;
    found += fill(b, limit - found);
    b->row[r] &= ~bit, b->col[c] &= ~bit, b->box[x] &= ~bit;
    b->cell[best] = 0;
  }
  return found;
}

__attribute__((noinline)) long solve_puzzles(const unsigned char (*puzzles)[81], long n,
                                             long *nodes) {
  long solutions = 0;
  for (long p = 0; p < n; p++) {
    board_t b = {.nodes = 0};
    for (int i = 0; i < 81; i++) {
      unsigned bit = puzzles[p][i] ? 1u << puzzles[p][i] : 0;
      b.cell[i] = puzzles[p][i];
      b.row[i / 9] |= bit, b.col[i % 9] |= bit, b.box[i / 27 * 3 + i % 9 / 3] |= bit;
    }
    solutions += fill(&b, 4);
    *nodes += b.nodes;
  }
  return solutions;
}

int main(int argc, char **argv) {
  long n = size_argument(argc, argv, 16, 1000000);
  unsigned char (*puzzles)[81] = malloc((size_t)n * sizeof *puzzles);
  uint64_t state = 0x9e3779b97f4a7c15ULL;
  for (long p = 0; p < n; p++) {
    int digit[9], band = (int)(next_random(&state) % 3);
    for (int d = 0; d < 9; d++) digit[d] = d + 1;
    for (int d = 8; d > 0; d--) { /* relabel the digits */
      int j = (int)(next_random(&state) % (uint64_t)(d + 1)), t = digit[d];
      digit[d] = digit[j], digit[j] = t;
    }
    for (int i = 0; i < 81; i++) {
      int r = i / 9, c = i % 9;
      r = r / 3 * 3 + (r % 3 + band) % 3; /* rotate the rows within each band */
      puzzles[p][i] = (unsigned char)digit[(3 * (r % 3) + r / 3 + c) % 9];
      if (next_random(&state) % 100 < 58) puzzles[p][i] = 0;
    }
  }
  long nodes = 0;
  long solutions = solve_puzzles((const unsigned char (*)[81])puzzles, n, &nodes);
  printf("%ld puzzles: %ld solutions (at most 4 each), %ld search nodes\n", n, solutions, nodes);
  free(puzzles);
  return 0;
}
