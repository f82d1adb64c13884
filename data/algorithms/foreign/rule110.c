/* Rule 110: a ring of 512 cells, a quarter of them alive at random (fixed-seed xorshift), evolves
 * for SIZE generations (default 250) by the elementary cellular automaton rule 110, each new cell
 * read from an 8-entry table indexed by its 3-cell neighbourhood; prints the live cells at the
 * end and summed over all generations. Foreign to the 12 classes: a one-dimensional stencil with
 * wrap-around and a lookup table, double-buffered; nothing is sorted, searched or traversed. */
#include <string.h>
#include "foreign.h"

#define CELLS 512

__attribute__((noinline)) long run_rule110(unsigned char *cells, long generations, long *alive) {
  static unsigned char next[CELLS];
  unsigned char table[8];
  for (int k = 0; k < 8; k++) table[k] = (110 >> k) & 1;
  long total = 0;
  for (long g = 0; g < generations; g++) {
    for (int i = 0; i < CELLS; i++) {
      int left = cells[(i + CELLS - 1) % CELLS], right = cells[(i + 1) % CELLS];
      next[i] = table[left << 2 | cells[i] << 1 | right];
      total += next[i];
    }
    memcpy(cells, next, CELLS);
  }
  *alive = 0;
  for (int i = 0; i < CELLS; i++) *alive += cells[i];
  return total;
}

int main(int argc, char **argv) {
  long generations = size_argument(argc, argv, 250, 10000000);
  static unsigned char cells[CELLS];
  uint64_t state = 0x510e527fade682d1ULL;
  for (int i = 0; i < CELLS; i++) cells[i] = (next_random(&state) >> 62) == 0;
  long alive = 0;
  long total = run_rule110(cells, generations, &alive);
  printf("rule 110, %d cells, %ld generations: %ld alive at the end, %ld in all\n", CELLS,
         generations, alive, total);
  return 0;
}
