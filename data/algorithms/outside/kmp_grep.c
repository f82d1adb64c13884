/* Counts the lines of standard input that contain a fixed string, and all its (overlapping)
 * occurrences, like `grep -c -F` with a total: a Knuth-Morris-Pratt matcher (failure table in
 * a struct) is built once and run over each line.  Usage: kmp_grep PATTERN < TEXT */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct matcher {
  const char *pattern;
  size_t length;
  size_t *fallback; /* fallback[i]: longest proper border of pattern[0..i] */
};

static struct matcher matcher_new(const char *pattern) {
  struct matcher mt = {pattern, strlen(pattern), NULL};
  mt.fallback = calloc(mt.length, sizeof(size_t));
  for (size_t i = 1, k = 0; i < mt.length; i++) {
    while (k && pattern[i] != pattern[k]) k = mt.fallback[k - 1];
    if (pattern[i] == pattern[k]) k++;
    mt.fallback[i] = k;
  }
  return mt;
}

static size_t count_in(const struct matcher *mt, const char *line) {
  size_t hits = 0, k = 0;
  for (const char *c = line; *c; c++) {
    while (k && *c != mt->pattern[k]) k = mt->fallback[k - 1];
    if (*c == mt->pattern[k]) k++;
    if (k == mt->length) {
      hits++;
      k = mt->fallback[k - 1];
    }
  }
  return hits;
}

int main(int argc, char **argv) {
  if (argc != 2 || argv[1][0] == '\0') {
    fprintf(stderr, "usage: %s PATTERN < TEXT\n", argv[0]);
    return 2;
  }
  struct matcher mt = matcher_new(argv[1]);
  char *line = NULL;
  size_t cap = 0, lines = 0, total = 0;
  ssize_t len;
  while ((len = getline(&line, &cap, stdin)) >= 0) {
    size_t hits = count_in(&mt, line);
    lines += hits > 0;
    total += hits;
  }
  printf("%zu matching lines, %zu occurrences of \"%s\"\n", lines, total, argv[1]);
  free(line);
  return 0;
}
