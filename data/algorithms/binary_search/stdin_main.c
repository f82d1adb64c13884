/* Binary search written entirely in main: keys and queries parsed from standard input with
 * getchar, each query searched with a half-open [lo, hi) loop and an unsigned midpoint. No
 * common.h.  Usage: PROGRAM < INPUT */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv) {
  unsigned n = 0, q = 0;
  int c = getchar();
  while (c == ' ' || c == '\n') c = getchar();
  for (; c >= '0' && c <= '9'; c = getchar()) n = n * 10 + (unsigned)(c - '0');
  if (argc != 1 || n == 0) {
    fprintf(stderr, "usage: %s < INPUT (keys, then queries)\n", argv[0]);
    return 2;
  }
  unsigned *keys = malloc(sizeof *keys * n);
  for (unsigned i = 0; i < n; i++) {
    while (c == ' ' || c == '\n') c = getchar();
    unsigned v = 0;
    for (; c >= '0' && c <= '9'; c = getchar()) v = v * 10 + (unsigned)(c - '0');
    keys[i] = v;
  }
  while (c == ' ' || c == '\n') c = getchar();
  for (; c >= '0' && c <= '9'; c = getchar()) q = q * 10 + (unsigned)(c - '0');
  unsigned long long h = 14695981039346656037ULL;
  for (unsigned i = 0; i < q; i++) {
    while (c == ' ' || c == '\n') c = getchar();
    if (c == EOF) {
      fprintf(stderr, "error: expected %u queries\n", q);
      return 2;
    }
    unsigned key = 0;
    for (; c >= '0' && c <= '9'; c = getchar()) key = key * 10 + (unsigned)(c - '0');
    unsigned lo = 0, hi = n;
    while (lo < hi) {
      unsigned mid = (lo + hi) >> 1;
      if (keys[mid] < key) lo = mid + 1;
      else hi = mid;
    }
    long long index = lo < n && keys[lo] == key ? (long long)lo : -1;
    h = (h ^ (unsigned long long)index) * 1099511628211ULL;
  }
  printf("%llu\n", h);
  free(keys);
  return 0;
}
