/* Insertion sort that searches the slot from the left (the first larger element of the sorted
 * prefix) and opens it with memmove. The whole file is read with fread and parsed with strtol
 * (no common.h).  Usage: PROGRAM INPUT_FILE */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int find_slot(const int *sorted, int count, int key) {
  int i = 0;
  while (i < count && sorted[i] <= key) i++;
  return i;
}

__attribute__((noinline)) void insertion_sort_memmove(int *a, int n) {
  for (int i = 1; i < n; i++) {
    int key = a[i];
    int slot = find_slot(a, i, key);
    memmove(a + slot + 1, a + slot, (size_t)(i - slot) * sizeof *a);
    a[slot] = key;
  }
}

static char *slurp(const char *path) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  size_t cap = 4096, len = 0, got;
  char *buf = malloc(cap + 1);
  while ((got = fread(buf + len, 1, cap - len, f)) > 0) {
    len += got;
    if (len == cap) buf = realloc(buf, (cap *= 2) + 1);
  }
  fclose(f);
  buf[len] = '\0';
  return buf;
}

int main(int argc, char **argv) {
  char *text = argc == 2 ? slurp(argv[1]) : NULL;
  if (!text) {
    fprintf(stderr, "usage: %s INPUT_FILE (a readable file)\n", argv[0]);
    return 2;
  }
  char *p = text, *end;
  long n = strtol(p, &end, 10);
  if (end == p || n < 0) {
    fprintf(stderr, "error: %s does not start with a count\n", argv[1]);
    return 2;
  }
  int *a = malloc(sizeof *a * (size_t)(n + 1));
  for (long i = 0; i < n; i++) {
    p = end;
    a[i] = (int)strtol(p, &end, 10);
    if (end == p) {
      fprintf(stderr, "error: %s holds fewer than %ld values\n", argv[1], n);
      return 2;
    }
  }
  insertion_sort_memmove(a, (int)n);
  uint64_t h = 14695981039346656037ULL;
  for (long i = 0; i < n; i++) h = (h ^ (uint64_t)(int64_t)a[i]) * 1099511628211ULL;
  printf("%llu\n", (unsigned long long)h);
  free(a);
  free(text);
  return 0;
}
