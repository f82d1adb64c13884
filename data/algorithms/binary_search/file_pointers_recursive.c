/* Binary search, recursive on a closed range of pointers [lo, hi]: compare at the middle and
 * recurse into one side. The file is read whole with fread and parsed with strtol (no
 * common.h).  Usage: PROGRAM INPUT_FILE */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

static const int *search_between(const int *lo, const int *hi, int key) {
  if (lo > hi) return NULL;
  const int *mid = lo + (hi - lo) / 2;
  if (*mid == key) return mid;
  if (*mid < key) return search_between(mid + 1, hi, key);
  return search_between(lo, mid - 1, key);
}

__attribute__((noinline)) long pointer_search(const int *keys, long n, int key) {
  const int *at = search_between(keys, keys + n - 1, key);
  return at ? at - keys : -1;
}

static long next_number(char **cursor, const char *path) {
  char *end;
  long v = strtol(*cursor, &end, 10);
  if (end == *cursor) {
    fprintf(stderr, "error: %s ends too early\n", path);
    exit(2);
  }
  *cursor = end;
  return v;
}

int main(int argc, char **argv) {
  FILE *f = argc == 2 ? fopen(argv[1], "rb") : NULL;
  if (!f) {
    fprintf(stderr, "usage: %s INPUT_FILE (a readable file)\n", argv[0]);
    return 2;
  }
  size_t cap = 1 << 16, len = 0, got;
  char *text = malloc(cap + 1);
  while ((got = fread(text + len, 1, cap - len, f)) > 0) {
    len += got;
    if (len == cap) text = realloc(text, (cap *= 2) + 1);
  }
  text[len] = '\0';
  fclose(f);
  char *cursor = text;
  long n = next_number(&cursor, argv[1]);
  int *keys = malloc(sizeof(int) * (size_t)(n > 0 ? n : 1));
  for (long i = 0; i < n; i++) keys[i] = (int)next_number(&cursor, argv[1]);
  long q = next_number(&cursor, argv[1]);
  uint64_t h = 14695981039346656037ULL;
  for (long i = 0; i < q; i++) {
    int key = (int)next_number(&cursor, argv[1]);
    h = (h ^ (uint64_t)pointer_search(keys, n, key)) * 1099511628211ULL;
  }
  printf("%llu\n", (unsigned long long)h);
  free(keys);
  free(text);
  return 0;
}
