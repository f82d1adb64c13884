/* Natural merge sort: each pass finds the ascending runs already in the data and merges them
 * pairwise into the other buffer, until a pass finds a single run. Values from standard input
 * (scanf), no common.h.  Usage: PROGRAM < INPUT */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void merge_runs(const int *src, int lo, int mid, int hi, int *dst) {
  int i = lo, j = mid, k = lo;
  while (i < mid && j < hi) dst[k++] = src[j] < src[i] ? src[j++] : src[i++];
  while (i < mid) dst[k++] = src[i++];
  while (j < hi) dst[k++] = src[j++];
}

static int run_end(const int *a, int from, int n) {
  int i = from + 1;
  while (i < n && a[i - 1] <= a[i]) i++;
  return i;
}

__attribute__((noinline)) void natural_merge_sort(int *a, int n) {
  int *other = malloc(sizeof(int) * (size_t)(n > 0 ? n : 1));
  int *src = a, *dst = other;
  int runs = 2;
  while (n > 0 && runs > 1) {
    runs = 0;
    for (int lo = 0; lo < n; runs++) {
      int mid = run_end(src, lo, n);
      int hi = mid < n ? run_end(src, mid, n) : mid;
      merge_runs(src, lo, mid, hi, dst);
      lo = hi;
    }
    int *t = src;
    src = dst;
    dst = t;
  }
  if (src != a) memcpy(a, src, sizeof(int) * (size_t)n);
  free(other);
}

int main(int argc, char **argv) {
  int n;
  if (argc != 1 || scanf("%d", &n) != 1 || n < 0) {
    fprintf(stderr, "usage: %s < INPUT (a count, then the values)\n", argv[0]);
    return 2;
  }
  int *a = malloc(sizeof(int) * (size_t)(n > 0 ? n : 1));
  for (int i = 0; i < n; i++) {
    if (scanf("%d", &a[i]) != 1) {
      fprintf(stderr, "error: expected %d values on standard input\n", n);
      return 2;
    }
  }
  natural_merge_sort(a, n);
  uint64_t h = 14695981039346656037ULL;
  for (int i = 0; i < n; i++) h = (h ^ (uint64_t)(int64_t)a[i]) * 1099511628211ULL;
  printf("%llu\n", (unsigned long long)h);
  free(a);
  return 0;
}
