/* Quicksort after Sedgewick: median-of-three ordering of the first, middle and last elements,
 * which then serve as sentinels for the two inner scans; the pivot is parked next to the end.
 * The values are generated in the program from a seed (splitmix64); no input file, no common.h.
 * Usage: PROGRAM SEED N MAX */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define SWAP(a, i, j)  \
  do {                 \
    int t_ = (a)[i];   \
    (a)[i] = (a)[j];   \
    (a)[j] = t_;       \
  } while (0)

static uint64_t seed;

static uint64_t draw(void) {
  uint64_t z = (seed += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

__attribute__((noinline)) void median3_quicksort(int *a, int lo, int hi) {
  if (hi - lo < 2) {
    if (hi > lo && a[hi] < a[lo]) SWAP(a, lo, hi);
    return;
  }
  int mid = lo + (hi - lo) / 2;
  if (a[mid] < a[lo]) SWAP(a, lo, mid);
  if (a[hi] < a[lo]) SWAP(a, lo, hi);
  if (a[hi] < a[mid]) SWAP(a, mid, hi);
  SWAP(a, mid, hi - 1);
  int pivot = a[hi - 1];
  int i = lo, j = hi - 1;
  for (;;) {
    while (a[++i] < pivot) {
    }
    while (pivot < a[--j]) {
    }
    if (i >= j) break;
    SWAP(a, i, j);
  }
  SWAP(a, i, hi - 1);
  median3_quicksort(a, lo, i - 1);
  median3_quicksort(a, i + 1, hi);
}

int main(int argc, char **argv) {
  if (argc != 4) {
    fprintf(stderr, "usage: %s SEED N MAX\n", argv[0]);
    return 2;
  }
  seed = strtoull(argv[1], NULL, 10);
  int n = atoi(argv[2]), max = atoi(argv[3]);
  if (n < 1 || max < 1) {
    fprintf(stderr, "error: N and MAX must be positive integers\n");
    return 2;
  }
  int *a = malloc(sizeof *a * (size_t)n);
  for (int i = 0; i < n; i++) a[i] = (int)(draw() % (uint64_t)max);
  median3_quicksort(a, 0, n - 1);
  uint64_t h = 14695981039346656037ULL;
  for (int i = 0; i < n; i++) h = (h ^ (uint64_t)(int64_t)a[i]) * 1099511628211ULL;
  printf("%llu\n", (unsigned long long)h);
  free(a);
  return 0;
}
