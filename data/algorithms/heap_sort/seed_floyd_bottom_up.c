/* Bottom-up heapsort (Wegener): a sift first follows the larger children all the way down to a
 * leaf, then climbs back to where the root value belongs and rotates the path, which saves
 * comparisons. The values are generated in the program from a seed (splitmix64); no input file,
 * no common.h.  Usage: PROGRAM SEED N MAX */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

static uint64_t generator;

static uint64_t splitmix64(void) {
  uint64_t z = (generator += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

static int leaf_search(const int *a, int i, int end) {
  int j = i;
  while (2 * j + 2 < end) j = a[2 * j + 2] > a[2 * j + 1] ? 2 * j + 2 : 2 * j + 1;
  if (2 * j + 1 < end) j = 2 * j + 1;
  return j;
}

static void sift_bottom_up(int *a, int i, int end) {
  int j = leaf_search(a, i, end);
  while (a[i] > a[j]) j = (j - 1) / 2;
  int x = a[j];
  a[j] = a[i];
  while (j > i) {
    j = (j - 1) / 2;
    int t = a[j];
    a[j] = x;
    x = t;
  }
}

__attribute__((noinline)) void bottom_up_heapsort(int *a, int n) {
  for (int i = n / 2 - 1; i >= 0; i--) sift_bottom_up(a, i, n);
  for (int end = n - 1; end > 0; end--) {
    int t = a[0];
    a[0] = a[end];
    a[end] = t;
    sift_bottom_up(a, 0, end);
  }
}

int main(int argc, char **argv) {
  if (argc != 4) {
    fprintf(stderr, "usage: %s SEED N MAX\n", argv[0]);
    return 2;
  }
  generator = strtoull(argv[1], NULL, 10);
  int n = atoi(argv[2]);
  long max = atol(argv[3]);
  if (n < 1 || max < 1) {
    fprintf(stderr, "error: N and MAX must be positive integers\n");
    return 2;
  }
  int *a = malloc(sizeof(int) * (size_t)n);
  for (int i = 0; i < n; i++) a[i] = (int)(splitmix64() % (uint64_t)max);
  bottom_up_heapsort(a, n);
  uint64_t h = 14695981039346656037ULL;
  for (int i = 0; i < n; i++) h = (h ^ (uint64_t)(int64_t)a[i]) * 1099511628211ULL;
  printf("%llu\n", (unsigned long long)h);
  free(a);
  return 0;
}
