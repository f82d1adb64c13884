/* Insertion sort, recursive: sort the first n-1 values, then insert the last one by a second
 * recursion that shifts one element per call. Values from standard input read with getchar
 * (no common.h).  Usage: PROGRAM < INPUT */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

static int next_value(int *out) {
  int c = getchar();
  while (c == ' ' || c == '\n' || c == '\r' || c == '\t') c = getchar();
  int sign = 1;
  if (c == '-') {
    sign = -1;
    c = getchar();
  }
  if (c < '0' || c > '9') return 0;
  int v = 0;
  while (c >= '0' && c <= '9') {
    v = 10 * v + (c - '0');
    c = getchar();
  }
  *out = sign * v;
  return 1;
}

/* Inserts `key` into the sorted a[0..len): shifts a[len-1] up if larger, then recurses. */
static void insert_into(int *a, int len, int key) {
  if (len == 0 || a[len - 1] <= key) {
    a[len] = key;
    return;
  }
  a[len] = a[len - 1];
  insert_into(a, len - 1, key);
}

__attribute__((noinline)) void recursive_insertion_sort(int *a, int n) {
  if (n < 2) return;
  recursive_insertion_sort(a, n - 1);
  insert_into(a, n - 1, a[n - 1]);
}

int main(int argc, char **argv) {
  int n;
  if (argc != 1 || !next_value(&n) || n < 0) {
    fprintf(stderr, "usage: %s < INPUT (a count, then the values)\n", argv[0]);
    return 2;
  }
  int *a = malloc(sizeof(int) * (size_t)(n + 1));
  for (int i = 0; i < n; i++) {
    if (!next_value(&a[i])) {
      fprintf(stderr, "error: expected %d values on standard input\n", n);
      return 2;
    }
  }
  recursive_insertion_sort(a, n);
  uint64_t h = 14695981039346656037ULL;
  for (int i = 0; i < n; i++) h = (h ^ (uint64_t)(int64_t)a[i]) * 1099511628211ULL;
  printf("%llu\n", (unsigned long long)h);
  free(a);
  return 0;
}
