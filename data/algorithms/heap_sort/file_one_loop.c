/* Heapsort in a single function and a single outer loop: the same sift-down code first builds
 * the heap (the start index walks down) and then extracts (the end index walks down), on 64-bit
 * values through pointers. The file is read line by line with fgets/strtoll (no common.h).
 * Usage: PROGRAM INPUT_FILE */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

__attribute__((noinline)) void one_loop_heapsort(long long *a, size_t n) {
  size_t start = n / 2, end = n;
  while (end > 1) {
    if (start > 0) {
      start--; /* building the heap */
    } else {
      end--; /* extracting: the maximum goes behind the heap */
      long long t = a[end];
      a[end] = a[0];
      a[0] = t;
    }
    size_t root = start;
    long long *base = a;
    for (;;) {
      size_t child = 2 * root + 1;
      if (child >= end) break;
      if (child + 1 < end && base[child] < base[child + 1]) child++;
      if (base[root] >= base[child]) break;
      long long t = base[root];
      base[root] = base[child];
      base[child] = t;
      root = child;
    }
  }
}

int main(int argc, char **argv) {
  FILE *f = argc == 2 ? fopen(argv[1], "r") : NULL;
  if (!f) {
    fprintf(stderr, "usage: %s INPUT_FILE (a readable file)\n", argv[0]);
    return 2;
  }
  static char line[1 << 20];
  long long *values = NULL;
  size_t count = 0, expected = 0;
  int have_count = 0;
  while (fgets(line, sizeof line, f)) {
    for (char *p = strtok(line, " \t\r\n"); p; p = strtok(NULL, " \t\r\n")) {
      long long v = strtoll(p, NULL, 10);
      if (!have_count) {
        expected = (size_t)v;
        values = malloc(sizeof *values * (expected ? expected : 1));
        have_count = 1;
      } else if (count < expected) {
        values[count++] = v;
      }
    }
  }
  fclose(f);
  if (!have_count || count != expected) {
    fprintf(stderr, "error: %s must hold a count and that many values\n", argv[1]);
    return 2;
  }
  one_loop_heapsort(values, count);
  uint64_t h = 14695981039346656037ULL;
  for (size_t i = 0; i < count; i++) h = (h ^ (uint64_t)values[i]) * 1099511628211ULL;
  printf("%llu\n", (unsigned long long)h);
  free(values);
  return 0;
}
