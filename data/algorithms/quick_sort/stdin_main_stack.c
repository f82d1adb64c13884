/* Quicksort written entirely in main: an explicit stack of index ranges replaces recursion;
 * Lomuto's partition with the middle element moved to the end as the pivot. Values from
 * standard input (scanf), no common.h.  Usage: PROGRAM < INPUT */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv) {
  int n;
  if (argc != 1 || scanf("%d", &n) != 1 || n < 0) {
    fprintf(stderr, "usage: %s < INPUT (a count, then the values)\n", argv[0]);
    return 2;
  }
  int *a = malloc(sizeof(int) * (size_t)(n + 1));
  for (int i = 0; i < n; i++) {
    if (scanf("%d", &a[i]) != 1) {
      fprintf(stderr, "error: expected %d values on standard input\n", n);
      return 2;
    }
  }
  int *stack = malloc(sizeof(int) * 4 * (size_t)(n + 1)); /* at most 2n + 1 pending ranges */
  int top = 0;
  stack[top++] = 0;
  stack[top++] = n - 1;
  while (top > 0) {
    int hi = stack[--top], lo = stack[--top];
    if (lo >= hi) continue;
    int mid = lo + (hi - lo) / 2, t;
    t = a[mid];
    a[mid] = a[hi];
    a[hi] = t;
    int pivot = a[hi], store = lo;
    for (int i = lo; i < hi; i++) {
      if (a[i] < pivot) {
        t = a[i];
        a[i] = a[store];
        a[store] = t;
        store++;
      }
    }
    a[hi] = a[store];
    a[store] = pivot;
    stack[top++] = lo;
    stack[top++] = store - 1;
    stack[top++] = store + 1;
    stack[top++] = hi;
  }
  uint64_t h = 14695981039346656037ULL;
  for (int i = 0; i < n; i++) h = (h ^ (uint64_t)(int64_t)a[i]) * 1099511628211ULL;
  printf("%llu\n", (unsigned long long)h);
  free(stack);
  free(a);
  return 0;
}
