/* Sorts the words of standard input (one per line) in byte order with an iterative bottom-up
 * merge sort of string pointers (strcmp), like a tiny `sort`; prints how many, the first and
 * last, and a digest of the sorted text.  Usage: mergesort_words < WORDS */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void merge_sort_strings(char **items, size_t n) {
  char **tmp = malloc(sizeof(char *) * (n ? n : 1));
  for (size_t width = 1; width < n; width *= 2) {
    for (size_t lo = 0; lo < n; lo += 2 * width) {
      size_t mid = lo + width < n ? lo + width : n;
      size_t hi = lo + 2 * width < n ? lo + 2 * width : n;
      size_t i = lo, j = mid, k = lo;
      while (i < mid && j < hi) tmp[k++] = strcmp(items[j], items[i]) < 0 ? items[j++] : items[i++];
      while (i < mid) tmp[k++] = items[i++];
      while (j < hi) tmp[k++] = items[j++];
    }
    memcpy(items, tmp, sizeof(char *) * n);
  }
  free(tmp);
}

int main(void) {
  size_t n = 0, cap = 256;
  char **words = malloc(sizeof(char *) * cap), line[256];
  while (fgets(line, sizeof line, stdin)) {
    line[strcspn(line, "\r\n")] = '\0';
    if (line[0] == '\0') continue;
    if (n == cap) words = realloc(words, sizeof(char *) * (cap *= 2));
    words[n++] = strdup(line);
  }
  if (n == 0) {
    fprintf(stderr, "no words on standard input\n");
    return 2;
  }
  merge_sort_strings(words, n);
  unsigned long digest = 0;
  for (size_t i = 0; i < n; i++) {
    for (const char *c = words[i]; *c; c++) digest = (digest * 131 + (unsigned char)*c) & 0xffffffffUL;
    digest = (digest * 131 + ' ') & 0xffffffffUL;
  }
  printf("%zu words, first \"%s\", last \"%s\", digest %lu\n", n, words[0], words[n - 1], digest);
  return 0;
}
