/* Knuth-Morris-Pratt with the optimised ("strong") next table: a fallback that would compare
 * the same character again is skipped when the table is built (nextval[j] = nextval[k] when
 * p[j] == p[k]); next[0] = -1, and an extra entry for the whole pattern keeps overlapping
 * matches. The file is read character by character with fgetc (no common.h).
 * Usage: PROGRAM INPUT_FILE */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

static void build_nextval(const char *p, int m, int *nextval) {
  int j = 0, k = -1;
  nextval[0] = -1;
  while (j < m) {
    if (k == -1 || p[j] == p[k]) {
      j++;
      k++;
      nextval[j] = (j < m && p[j] == p[k]) ? nextval[k] : k;
    } else {
      k = nextval[k];
    }
  }
}

__attribute__((noinline)) int strong_kmp(const char *t, int n, const char *p, int m, int *found) {
  int *nextval = malloc(sizeof(int) * (size_t)(m + 1));
  build_nextval(p, m, nextval);
  int i = 0, j = 0, count = 0;
  while (i < n) {
    if (j == -1 || t[i] == p[j]) {
      i++;
      j++;
      if (j == m) {
        found[count++] = i - m;
        j = nextval[m];
      }
    } else {
      j = nextval[j];
    }
  }
  free(nextval);
  return count;
}

/* The next whitespace-separated word of f, in a fresh buffer; its length in *len. */
static char *read_word(FILE *f, int *len) {
  int c, cap = 64, n = 0;
  char *w = malloc((size_t)cap);
  while ((c = fgetc(f)) != EOF && (c == ' ' || c == '\n' || c == '\r' || c == '\t')) {
  }
  for (; c != EOF && c != ' ' && c != '\n' && c != '\r' && c != '\t'; c = fgetc(f)) {
    if (n + 1 >= cap) w = realloc(w, (size_t)(cap *= 2));
    w[n++] = (char)c;
  }
  w[n] = '\0';
  *len = n;
  return w;
}

int main(int argc, char **argv) {
  FILE *f = argc == 2 ? fopen(argv[1], "r") : NULL;
  if (!f) {
    fprintf(stderr, "usage: %s INPUT_FILE (a readable file)\n", argv[0]);
    return 2;
  }
  int n, m;
  char *text = read_word(f, &n), *pattern = read_word(f, &m);
  fclose(f);
  if (n == 0 || m == 0) {
    fprintf(stderr, "error: %s must hold a text and a pattern\n", argv[1]);
    return 2;
  }
  int *found = malloc(sizeof(int) * (size_t)n);
  int count = strong_kmp(text, n, pattern, m, found);
  uint64_t h = 14695981039346656037ULL;
  for (int i = 0; i < count; i++) h = (h ^ (uint64_t)(int64_t)found[i]) * 1099511628211ULL;
  h = (h ^ (uint64_t)(int64_t)count) * 1099511628211ULL;
  printf("%llu\n", (unsigned long long)h);
  return 0;
}
