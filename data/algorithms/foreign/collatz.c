/* Collatz: the start in 1..SIZE (default 7000) with the longest 3n+1 trajectory, and its length.
 * Foreign to the 12 classes: data-dependent arithmetic loops on scalars, no array or memory
 * structure at all. */
#include "foreign.h"

__attribute__((noinline)) long longest_trajectory(long limit, long *best_start) {
  long best = -1;
  for (long start = 1; start <= limit; start++) {
    long steps = 0;
    for (uint64_t x = (uint64_t)start; x != 1; steps++) {
      if (x & 1) x = 3 * x + 1;
      else x >>= 1;
    }
    if (steps > best) {
      best = steps;
      *best_start = start;
    }
  }
  return best;
}

int main(int argc, char **argv) {
  long n = size_argument(argc, argv, 7000, 10000000);
  long start = 1;
  long steps = longest_trajectory(n, &start);
  printf("longest trajectory from 1..%ld: start %ld, %ld steps\n", n, start, steps);
  return 0;
}
