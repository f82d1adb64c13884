/* Bubble sort written entirely in main: the numbers come from standard input (scanf), and
 * passes over the whole array repeat until one of them makes no swap. No common.h.
 * Usage: PROGRAM < INPUT (the count, then the values). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv) {
  if (argc != 1) {
    fprintf(stderr, "usage: %s < INPUT\n", argv[0]);
    return 2;
  }
  int n;
  if (scanf("%d", &n) != 1 || n < 0) {
    fprintf(stderr, "error: expected the count on standard input\n");
    return 2;
  }
  int *v = malloc(sizeof(int) * (size_t)(n > 0 ? n : 1));
  if (!v) return 1;
  for (int i = 0; i < n; i++) {
    if (scanf("%d", &v[i]) != 1) {
      fprintf(stderr, "error: expected %d integers on standard input\n", n);
      return 2;
    }
  }
  int sorted = 0;
  while (!sorted) {
    sorted = 1;
    for (int i = 0; i + 1 < n; i++) {
      if (v[i] > v[i + 1]) {
        int t = v[i];
        v[i] = v[i + 1];
        v[i + 1] = t;
        sorted = 0;
      }
    }
  }
  uint64_t h = 14695981039346656037ULL;
  for (int i = 0; i < n; i++) h = (h ^ (uint64_t)(int64_t)v[i]) * 1099511628211ULL;
  printf("%llu\n", (unsigned long long)h);
  free(v);
  return 0;
}
