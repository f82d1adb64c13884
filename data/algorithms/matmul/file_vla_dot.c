/* Matrix multiplication on variable-length 2-D arrays (int (*)[n]): every result element is a
 * dot product computed by a helper that walks a row of a and, with a stride, a column of b.
 * The file is read whole and parsed with strtol (no common.h).  Usage: PROGRAM INPUT_FILE */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

static long long strided_dot(const int *row, const int *column, int n, int stride) {
  long long sum = 0;
  for (int k = 0; k < n; k++) sum += (long long)row[k] * column[k * stride];
  return sum;
}

__attribute__((noinline)) void vla_multiply(int n, int a[n][n], int b[n][n], long long c[n][n]) {
  for (int i = 0; i < n; i++)
    for (int j = 0; j < n; j++) c[i][j] = strided_dot(a[i], &b[0][j], n, n);
}

int main(int argc, char **argv) {
  FILE *f = argc == 2 ? fopen(argv[1], "rb") : NULL;
  if (!f) {
    fprintf(stderr, "usage: %s INPUT_FILE (a readable file)\n", argv[0]);
    return 2;
  }
  size_t cap = 1 << 16, len = 0, got;
  char *text = malloc(cap + 1);
  while ((got = fread(text + len, 1, cap - len, f)) > 0)
    if ((len += got) == cap) text = realloc(text, (cap *= 2) + 1);
  text[len] = '\0';
  fclose(f);
  char *p = text;
  int n = (int)strtol(p, &p, 10);
  if (n < 1) {
    fprintf(stderr, "error: %s does not start with a size\n", argv[1]);
    return 2;
  }
  int (*a)[n] = malloc(sizeof(int[n][n]));
  int (*b)[n] = malloc(sizeof(int[n][n]));
  long long (*c)[n] = malloc(sizeof(long long[n][n]));
  for (int i = 0; i < n; i++)
    for (int j = 0; j < n; j++) a[i][j] = (int)strtol(p, &p, 10);
  for (int i = 0; i < n; i++)
    for (int j = 0; j < n; j++) b[i][j] = (int)strtol(p, &p, 10);
  vla_multiply(n, a, b, c);
  uint64_t h = 14695981039346656037ULL;
  for (int i = 0; i < n; i++)
    for (int j = 0; j < n; j++) h = (h ^ (uint64_t)c[i][j]) * 1099511628211ULL;
  printf("%llu\n", (unsigned long long)h);
  free(text);
  return 0;
}
