/* Matrix multiplication in j-k-i order: for each column j of the result and each k, the
 * element b[k][j] scales column k of a into column j of c, so the innermost loop walks down
 * columns. Matrices from standard input (scanf), no common.h.  Usage: PROGRAM < INPUT */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

__attribute__((noinline)) void jki_multiply(int n, const int *a, const int *b, long long *c) {
  for (int j = 0; j < n; j++) {
    for (int k = 0; k < n; k++) {
      long long scale = b[k * n + j];
      for (int i = 0; i < n; i++) c[i * n + j] += a[i * n + k] * scale;
    }
  }
}

int main(int argc, char **argv) {
  int n;
  if (argc != 1 || scanf("%d", &n) != 1 || n < 1) {
    fprintf(stderr, "usage: %s < INPUT (n, then a and b row-major)\n", argv[0]);
    return 2;
  }
  size_t cells = (size_t)n * (size_t)n;
  int *a = malloc(sizeof(int) * cells), *b = malloc(sizeof(int) * cells);
  long long *c = calloc(cells, sizeof(long long));
  for (size_t i = 0; i < 2 * cells; i++) {
    if (scanf("%d", i < cells ? &a[i] : &b[i - cells]) != 1) {
      fprintf(stderr, "error: expected %zu matrix entries\n", 2 * cells);
      return 2;
    }
  }
  jki_multiply(n, a, b, c);
  uint64_t h = 14695981039346656037ULL;
  for (size_t i = 0; i < cells; i++) h = (h ^ (uint64_t)c[i]) * 1099511628211ULL;
  printf("%llu\n", (unsigned long long)h);
  return 0;
}
