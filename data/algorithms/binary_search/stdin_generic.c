/* Binary search behind a bsearch-like interface: untyped elements, an element size and a
 * comparison callback; the remaining count halves with a shift and moves past the middle when
 * the key is larger (the classic BSD formulation). Values from standard input (scanf), no
 * common.h.  Usage: PROGRAM < INPUT */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

typedef int (*comparator)(const void *key, const void *element);

__attribute__((noinline)) const void *generic_search(const void *key, const void *base,
                                                     size_t count, size_t size, comparator cmp) {
  const char *p = base;
  for (size_t lim = count; lim != 0; lim >>= 1) {
    const char *middle = p + (lim >> 1) * size;
    int c = cmp(key, middle);
    if (c == 0) return middle;
    if (c > 0) {
      p = middle + size;
      lim--;
    }
  }
  return NULL;
}

static int int_order(const void *key, const void *element) {
  int a = *(const int *)key, b = *(const int *)element;
  return a < b ? -1 : a > b;
}

int main(int argc, char **argv) {
  int n, q;
  if (argc != 1 || scanf("%d", &n) != 1 || n < 1) {
    fprintf(stderr, "usage: %s < INPUT (keys, then queries)\n", argv[0]);
    return 2;
  }
  int *keys = malloc(sizeof(int) * (size_t)n);
  for (int i = 0; i < n; i++) {
    if (scanf("%d", &keys[i]) != 1) return 2;
  }
  if (scanf("%d", &q) != 1 || q < 0) {
    fprintf(stderr, "error: expected the number of queries after the keys\n");
    return 2;
  }
  uint64_t h = 14695981039346656037ULL;
  for (int i = 0; i < q; i++) {
    int query;
    if (scanf("%d", &query) != 1) {
      fprintf(stderr, "error: expected %d queries\n", q);
      return 2;
    }
    const int *found = generic_search(&query, keys, (size_t)n, sizeof(int), int_order);
    long long index = found ? found - keys : -1;
    h = (h ^ (uint64_t)index) * 1099511628211ULL;
  }
  printf("%llu\n", (unsigned long long)h);
  free(keys);
  return 0;
}
