/* Branch-free binary search: a base pointer moves up by half the remaining length when the
 * element there is not above the key (a conditional move, no branch on the data), then one
 * equality test. Keys and queries are generated in the program from a seed (splitmix64); no
 * input file, no common.h.  Usage: PROGRAM SEED N QUERIES MAXGAP */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

static uint64_t s;

static uint64_t next64(void) {
  uint64_t z = (s += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

__attribute__((noinline)) int branchless_find(const int *keys, int n, int key) {
  const int *base = keys;
  int len = n;
  while (len > 1) {
    int half = len / 2;
    base = base[half] <= key ? base + half : base;
    len -= half;
  }
  return *base == key ? (int)(base - keys) : -1;
}

int main(int argc, char **argv) {
  if (argc != 5) {
    fprintf(stderr, "usage: %s SEED N QUERIES MAXGAP\n", argv[0]);
    return 2;
  }
  s = strtoull(argv[1], NULL, 10);
  int n = atoi(argv[2]), q = atoi(argv[3]), gap = atoi(argv[4]);
  if (n < 1 || q < 1 || gap < 1) {
    fprintf(stderr, "error: N, QUERIES and MAXGAP must be positive integers\n");
    return 2;
  }
  int *keys = malloc(sizeof(int) * (size_t)n);
  uint64_t key = next64() % (uint64_t)gap;
  for (int i = 0; i < n; i++) {
    keys[i] = (int)key;
    key += 1 + next64() % (uint64_t)gap;
  }
  uint64_t h = 14695981039346656037ULL;
  for (int i = 0; i < q; i++) {
    int query = (next64() & 1) ? keys[next64() % (uint64_t)n] : (int)(next64() % (key + (uint64_t)gap));
    h = (h ^ (uint64_t)(int64_t)branchless_find(keys, n, query)) * 1099511628211ULL;
  }
  printf("%llu\n", (unsigned long long)h);
  free(keys);
  return 0;
}
