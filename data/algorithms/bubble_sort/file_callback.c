/* Bubble sort behind a qsort-like interface: untyped elements of a given size, a comparison
 * callback and a byte-wise swap; each pass is a helper that reports whether it swapped, and the
 * sorted end shrinks by one per pass. The file is read with fopen/fscanf (no common.h).
 * Usage: PROGRAM INPUT_FILE */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

typedef int (*compare_fn)(const void *, const void *);

static void swap_bytes(unsigned char *a, unsigned char *b, size_t size) {
  while (size--) {
    unsigned char t = *a;
    *a++ = *b;
    *b++ = t;
  }
}

static int bubble_pass(unsigned char *base, size_t count, size_t size, compare_fn cmp) {
  int swapped = 0;
  for (size_t i = 0; i + 1 < count; i++) {
    unsigned char *x = base + i * size;
    if (cmp(x, x + size) > 0) {
      swap_bytes(x, x + size, size);
      swapped = 1;
    }
  }
  return swapped;
}

__attribute__((noinline)) void generic_bubble_sort(void *base, size_t count, size_t size,
                                                   compare_fn cmp) {
  size_t end = count;
  while (end > 1 && bubble_pass(base, end, size, cmp)) end--;
}

static int compare_ints(const void *a, const void *b) {
  int x = *(const int *)a, y = *(const int *)b;
  return (x > y) - (x < y);
}

int main(int argc, char **argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: %s INPUT_FILE\n", argv[0]);
    return 2;
  }
  FILE *f = fopen(argv[1], "r");
  if (!f) {
    fprintf(stderr, "error: cannot open %s\n", argv[1]);
    return 2;
  }
  int n;
  if (fscanf(f, "%d", &n) != 1 || n < 0) {
    fprintf(stderr, "error: %s does not start with a count\n", argv[1]);
    return 2;
  }
  int *values = malloc(sizeof(int) * (size_t)(n ? n : 1));
  for (int i = 0; i < n; i++) {
    if (fscanf(f, "%d", &values[i]) != 1) {
      fprintf(stderr, "error: %s holds fewer than %d values\n", argv[1], n);
      return 2;
    }
  }
  fclose(f);
  generic_bubble_sort(values, (size_t)n, sizeof(int), compare_ints);
  uint64_t h = 14695981039346656037ULL;
  for (int i = 0; i < n; i++) h = (h ^ (uint64_t)(int64_t)values[i]) * 1099511628211ULL;
  printf("%llu\n", (unsigned long long)h);
  free(values);
  return 0;
}
