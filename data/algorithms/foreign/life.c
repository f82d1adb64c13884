/* Conway's game of life on a 32x32 torus for SIZE generations (default 50) from a random start
 * (fixed-seed xorshift, a quarter of the cells alive); prints the live cells at the end.
 * Foreign to the 12 classes: a 3x3 stencil with wrap-around and a rule table, double-buffered;
 * no reduction over a shared index as in a matrix product, no search or ordering. */
#include "foreign.h"

#define SIDE 32

__attribute__((noinline)) long run_life(unsigned char grid[SIDE][SIDE], long generations) {
  static unsigned char next[SIDE][SIDE];
  for (long g = 0; g < generations; g++) {
    for (int r = 0; r < SIDE; r++) {
      int up = (r + SIDE - 1) % SIDE, down = (r + 1) % SIDE;
      for (int c = 0; c < SIDE; c++) {
        int left = (c + SIDE - 1) % SIDE, right = (c + 1) % SIDE;
        int around = grid[up][left] + grid[up][c] + grid[up][right] + grid[r][left] +
                     grid[r][right] + grid[down][left] + grid[down][c] + grid[down][right];
        if (around == 3) next[r][c] = 1;
        else if (around == 2) next[r][c] = grid[r][c];
        else next[r][c] = 0;
      }
    }
    for (int r = 0; r < SIDE; r++) {
      for (int c = 0; c < SIDE; c++) grid[r][c] = next[r][c];
    }
  }
  long alive = 0;
  for (int r = 0; r < SIDE; r++) {
    for (int c = 0; c < SIDE; c++) alive += grid[r][c];
  }
  return alive;
}

int main(int argc, char **argv) {
  long generations = size_argument(argc, argv, 50, 1000000);
  static unsigned char grid[SIDE][SIDE];
  uint64_t state = 12345;
  for (int r = 0; r < SIDE; r++) {
    for (int c = 0; c < SIDE; c++) grid[r][c] = (next_random(&state) >> 62) == 0;
  }
  printf("live cells after %ld generations: %ld\n", generations, run_life(grid, generations));
  return 0;
}
