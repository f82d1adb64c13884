/* Knuth-Morris-Pratt where one step function serves both phases: the failure table is built by
 * running the matcher over the pattern itself, and the search runs it over the text. The text
 * and the pattern are generated in the program from a seed (splitmix64); no input file, no
 * common.h.  Usage: PROGRAM SEED LENGTH ALPHABET PATTERNLENGTH */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint64_t seed_state;

static uint64_t next_value(void) {
  uint64_t z = (seed_state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

/* The matcher's state after reading `c` in state q (q characters of the pattern matched). */
static int step(const char *pattern, const int *fail, int q, char c) {
  while (q > 0 && pattern[q] != c) q = fail[q - 1];
  return pattern[q] == c ? q + 1 : q;
}

__attribute__((noinline)) int kmp_search(const char *text, int n, const char *pattern, int m,
                                         int *found) {
  int *fail = malloc(sizeof(int) * (size_t)m); /* fail[i]: border of pattern[0..i] */
  fail[0] = 0;
  for (int i = 1, q = 0; i < m; i++) fail[i] = q = step(pattern, fail, q, pattern[i]);
  int count = 0;
  for (int i = 0, q = 0; i < n; i++) {
    if (q == m) q = fail[m - 1];
    q = step(pattern, fail, q, text[i]);
    if (q == m) found[count++] = i - m + 1;
  }
  free(fail);
  return count;
}

int main(int argc, char **argv) {
  if (argc != 5) {
    fprintf(stderr, "usage: %s SEED LENGTH ALPHABET PATTERNLENGTH\n", argv[0]);
    return 2;
  }
  seed_state = strtoull(argv[1], NULL, 10);
  int n = atoi(argv[2]), alphabet = atoi(argv[3]), m = atoi(argv[4]);
  if (alphabet < 1 || alphabet > 26 || m < 1 || m > n) {
    fprintf(stderr, "error: need 1 <= ALPHABET <= 26 and 1 <= PATTERNLENGTH <= LENGTH\n");
    return 2;
  }
  char *text = malloc((size_t)n + 1), *pattern = malloc((size_t)m + 1);
  for (int i = 0; i < n; i++) text[i] = (char)('a' + next_value() % (uint64_t)alphabet);
  text[n] = '\0';
  int at = (int)(next_value() % (uint64_t)(n - m + 1));
  memcpy(pattern, text + at, (size_t)m);
  pattern[m] = '\0';
  int *found = malloc(sizeof(int) * (size_t)n);
  int count = kmp_search(text, n, pattern, m, found);
  uint64_t h = 14695981039346656037ULL;
  for (int i = 0; i < count; i++) h = (h ^ (uint64_t)(int64_t)found[i]) * 1099511628211ULL;
  h = (h ^ (uint64_t)(int64_t)count) * 1099511628211ULL;
  printf("%llu\n", (unsigned long long)h);
  return 0;
}
