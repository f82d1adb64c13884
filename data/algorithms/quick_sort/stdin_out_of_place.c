/* Quicksort with an out-of-place partition: around a pseudo-random pivot (xorshift32) the
 * smaller values are copied to the front of a scratch array, the larger ones to its back and
 * the equal ones between, then the range is copied back and only the outer parts recurse.
 * Values from standard input read with getchar (no common.h).  Usage: PROGRAM < INPUT */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint32_t pivot_state = 2463534242u;

static uint32_t xorshift32(void) {
  uint32_t x = pivot_state;
  x ^= x << 13;
  x ^= x >> 17;
  x ^= x << 5;
  return pivot_state = x;
}

static int read_int(int *out) {
  int c = getchar(), sign = 1, v = 0;
  while (c == ' ' || c == '\n' || c == '\t' || c == '\r') c = getchar();
  if (c == '-') {
    sign = -1;
    c = getchar();
  }
  if (c < '0' || c > '9') return 0;
  for (; c >= '0' && c <= '9'; c = getchar()) v = v * 10 + c - '0';
  *out = sign * v;
  return 1;
}

static void sort_range(int *a, int *scratch, int n) {
  if (n < 2) return;
  int pivot = a[xorshift32() % (uint32_t)n];
  int low = 0, high = n;
  for (int i = 0; i < n; i++) {
    if (a[i] < pivot) scratch[low++] = a[i];
    else if (a[i] > pivot) scratch[--high] = a[i];
  }
  for (int i = low; i < high; i++) scratch[i] = pivot;
  memcpy(a, scratch, sizeof(int) * (size_t)n);
  sort_range(a, scratch, low);
  sort_range(a + high, scratch, n - high);
}

__attribute__((noinline)) void out_of_place_quicksort(int *a, int n) {
  int *scratch = malloc(sizeof(int) * (size_t)(n > 0 ? n : 1));
  sort_range(a, scratch, n);
  free(scratch);
}

int main(int argc, char **argv) {
  int n;
  if (argc != 1 || !read_int(&n) || n < 0) {
    fprintf(stderr, "usage: %s < INPUT (a count, then the values)\n", argv[0]);
    return 2;
  }
  int *a = malloc(sizeof(int) * (size_t)(n > 0 ? n : 1));
  for (int i = 0; i < n; i++) {
    if (!read_int(&a[i])) {
      fprintf(stderr, "error: expected %d values on standard input\n", n);
      return 2;
    }
  }
  out_of_place_quicksort(a, n);
  uint64_t h = 14695981039346656037ULL;
  for (int i = 0; i < n; i++) h = (h ^ (uint64_t)(int64_t)a[i]) * 1099511628211ULL;
  printf("%llu\n", (unsigned long long)h);
  free(a);
  return 0;
}
