/* Bubble sort that sinks the smallest value to the front: each pass walks a pointer from the
 * end down to the first unsorted slot, stopping early when a pass moved nothing. 64-bit values
 * parsed from standard input with getchar (no common.h).  Usage: PROGRAM < INPUT */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

static int read_number(long long *out) {
  int c;
  do c = getchar();
  while (c == ' ' || c == '\n' || c == '\t' || c == '\r');
  int negative = c == '-';
  if (negative) c = getchar();
  if (c < '0' || c > '9') return 0;
  long long v = 0;
  for (; c >= '0' && c <= '9'; c = getchar()) v = v * 10 + (c - '0');
  *out = negative ? -v : v;
  return 1;
}

__attribute__((noinline)) void sink_sort(long long *first, long long *last) {
  for (long long *front = first; front < last; front++) {
    int moved = 0;
    for (long long *p = last - 1; p > front; p--) {
      if (p[-1] > p[0]) {
        long long t = p[-1];
        p[-1] = p[0];
        p[0] = t;
        moved = 1;
      }
    }
    if (!moved) break;
  }
}

int main(int argc, char **argv) {
  long long count;
  if (argc != 1 || !read_number(&count) || count < 0) {
    fprintf(stderr, "usage: %s < INPUT (a count, then the values)\n", argv[0]);
    return 2;
  }
  long long *a = malloc(sizeof(long long) * (size_t)(count ? count : 1));
  for (long long i = 0; i < count; i++) {
    if (!read_number(&a[i])) {
      fprintf(stderr, "error: expected %lld values on standard input\n", count);
      return 2;
    }
  }
  sink_sort(a, a + count);
  uint64_t h = 14695981039346656037ULL;
  for (long long i = 0; i < count; i++) h = (h ^ (uint64_t)a[i]) * 1099511628211ULL;
  printf("%llu\n", (unsigned long long)h);
  free(a);
  return 0;
}
