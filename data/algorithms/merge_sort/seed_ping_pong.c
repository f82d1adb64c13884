/* Top-down merge sort without copying back: the recursion alternates the roles of the array and
 * a full-length copy, so each level merges from one into the other. The values are generated in
 * the program from a seed (splitmix64); no input file, no common.h.  Usage: PROGRAM SEED N MAX */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint64_t rng;

static uint64_t rand64(void) {
  uint64_t z = (rng += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

static void merge_into(const int *from, size_t lo, size_t mid, size_t hi, int *to) {
  size_t i = lo, j = mid;
  for (size_t k = lo; k < hi; k++) {
    if (i < mid && (j >= hi || from[i] <= from[j])) to[k] = from[i++];
    else to[k] = from[j++];
  }
}

/* Sorts to[lo, hi) using from[lo, hi), which holds the same values, as the source of merges. */
static void split_merge(int *from, size_t lo, size_t hi, int *to) {
  if (hi - lo < 2) return;
  size_t mid = lo + (hi - lo) / 2;
  split_merge(to, lo, mid, from);
  split_merge(to, mid, hi, from);
  merge_into(from, lo, mid, hi, to);
}

__attribute__((noinline)) void ping_pong_merge_sort(int *a, size_t n) {
  int *copy = malloc(sizeof(int) * (n ? n : 1));
  memcpy(copy, a, sizeof(int) * n);
  split_merge(copy, 0, n, a);
  free(copy);
}

int main(int argc, char **argv) {
  if (argc != 4) {
    fprintf(stderr, "usage: %s SEED N MAX\n", argv[0]);
    return 2;
  }
  rng = strtoull(argv[1], NULL, 10);
  long n = strtol(argv[2], NULL, 10), max = strtol(argv[3], NULL, 10);
  if (n < 1 || max < 1) {
    fprintf(stderr, "error: N and MAX must be positive integers\n");
    return 2;
  }
  int *a = malloc(sizeof(int) * (size_t)n);
  for (long i = 0; i < n; i++) a[i] = (int)(rand64() % (uint64_t)max);
  ping_pong_merge_sort(a, (size_t)n);
  uint64_t h = 14695981039346656037ULL;
  for (long i = 0; i < n; i++) h = (h ^ (uint64_t)(int64_t)a[i]) * 1099511628211ULL;
  printf("%llu\n", (unsigned long long)h);
  free(a);
  return 0;
}
