/* Site percolation with union-find: in each of SIZE trials (default 6) the sites of a 64x64 grid
 * are opened in a random order (fixed-seed xorshift shuffle) and joined to their open neighbours
 * in a disjoint-set forest (path halving, union by size) until the top row connects to the
 * bottom row; prints the mean fraction of open sites at that moment (about 0.593).
 * Foreign to the 12 classes: incremental set merging through parent links that are shortened as
 * they are followed; no graph is traversed with a queue or a stack, nothing is sorted. */
#include "foreign.h"

#define SIDE 64
#define SITES (SIDE * SIDE)
#define TOP SITES /* two virtual sites joined to the first and the last row */
#define BOTTOM (SITES + 1)

static int find(int *parent, int x) {
  while (parent[x] != x) {
    parent[x] = parent[parent[x]];
    x = parent[x];
  }
  return x;
}

static void join(int *parent, int *size, int a, int b) {
  a = find(parent, a), b = find(parent, b);
  if (a == b) return;
  if (size[a] < size[b]) {
    int t = a;
    a = b, b = t;
  }
  parent[b] = a;
  size[a] += size[b];
}

/* Runs the trials (each opens the sites in a fresh random order); returns the sites open when
 * each percolated, summed over the trials. */
__attribute__((noinline)) long percolation_trials(long trials, uint64_t *state, int *order,
                                                  int *parent, int *size, unsigned char *open) {
  long total = 0;
  for (long t = 0; t < trials; t++) {
    for (int i = SITES - 1; i > 0; i--) {
      int j = (int)(next_random(state) % (uint64_t)(i + 1)), x = order[i];
      order[i] = order[j], order[j] = x;
    }
    for (int i = 0; i < SITES + 2; i++) parent[i] = i, size[i] = 1;
    for (int i = 0; i < SITES; i++) open[i] = 0;
    for (long opened = 1; opened <= SITES; opened++) {
      int s = order[opened - 1], r = s / SIDE, c = s % SIDE;
      open[s] = 1;
      if (r == 0) join(parent, size, s, TOP);
      if (r == SIDE - 1) join(parent, size, s, BOTTOM);
      if (r > 0 && open[s - SIDE]) join(parent, size, s, s - SIDE);
      if (r < SIDE - 1 && open[s + SIDE]) join(parent, size, s, s + SIDE);
      if (c > 0 && open[s - 1]) join(parent, size, s, s - 1);
      if (c < SIDE - 1 && open[s + 1]) join(parent, size, s, s + 1);
      if (find(parent, TOP) == find(parent, BOTTOM)) {
        total += opened;
        break;
      }
    }
  }
  return total;
}

int main(int argc, char **argv) {
  long trials = size_argument(argc, argv, 6, 100000);
  static int order[SITES], parent[SITES + 2], size[SITES + 2];
  static unsigned char open[SITES];
  uint64_t state = 0x94d049bb133111ebULL;
  for (int i = 0; i < SITES; i++) order[i] = i;
  long total = percolation_trials(trials, &state, order, parent, size, open);
  printf("%ld trials on a %dx%d grid: percolation at %.4f of the sites open\n", trials, SIDE, SIDE,
         (double)total / (double)(trials * SITES));
  return 0;
}
