/* N-queens: counts the ways to place SIZE queens (default 10) on a SIZE x SIZE board so that none
 * attacks another, by backtracking over rows with column and diagonal bit masks.
 * Foreign to the 12 classes: a recursive constraint search over an implicit tree of partial
 * placements (bit tricks pick the free squares); no graph, no visited set, nothing sorted. */
#include "foreign.h"

/* Placements of the remaining rows given the attacked columns and diagonals of this row. */
__attribute__((noinline)) long place_queens(unsigned all, unsigned cols, unsigned diag,
                                            unsigned anti) {
  if (cols == all) return 1;
  long count = 0;
  unsigned free_squares = all & ~(cols | diag | anti);
  while (free_squares) {
    unsigned bit = free_squares & (0u - free_squares);
    free_squares ^= bit;
    count += place_queens(all, cols | bit, ((diag | bit) << 1) & all, (anti | bit) >> 1);
  }
  return count;
}

int main(int argc, char **argv) {
  long n = size_argument(argc, argv, 10, 16);
  unsigned all = (1u << n) - 1;
  printf("%ld-queens solutions: %ld\n", n, place_queens(all, 0, 0, 0));
  return 0;
}
