/* Longest common subsequence over the full table kept as an array of separately allocated rows
 * (int **), with a MAX macro. The two strings are read as lines from standard input with
 * getline (no common.h).  Usage: PROGRAM < INPUT (two lines) */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX(x, y) ((x) > (y) ? (x) : (y))

__attribute__((noinline)) int rows_lcs(const char *x, size_t n, const char *y, size_t m) {
  int **rows = malloc(sizeof(int *) * (n + 1));
  for (size_t i = 0; i <= n; i++) rows[i] = calloc(m + 1, sizeof(int));
  for (size_t i = 1; i <= n; i++) {
    for (size_t j = 1; j <= m; j++) {
      if (x[i - 1] == y[j - 1]) rows[i][j] = rows[i - 1][j - 1] + 1;
      else rows[i][j] = MAX(rows[i - 1][j], rows[i][j - 1]);
    }
  }
  int result = rows[n][m];
  for (size_t i = 0; i <= n; i++) free(rows[i]);
  free(rows);
  return result;
}

static size_t chomp(char *line, ssize_t len) {
  while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r')) line[--len] = '\0';
  return (size_t)len;
}

int main(int argc, char **argv) {
  char *a = NULL, *b = NULL;
  size_t cap_a = 0, cap_b = 0;
  ssize_t len_a = getline(&a, &cap_a, stdin), len_b = getline(&b, &cap_b, stdin);
  if (argc != 1 || len_a < 1 || len_b < 1) {
    fprintf(stderr, "usage: %s < INPUT (two lines)\n", argv[0]);
    return 2;
  }
  size_t n = chomp(a, len_a), m = chomp(b, len_b);
  uint64_t h = 14695981039346656037ULL;
  h = (h ^ (uint64_t)rows_lcs(a, n, b, m)) * 1099511628211ULL;
  printf("%llu\n", (unsigned long long)h);
  free(a);
  free(b);
  return 0;
}
