/* Quicksort without recursion: an explicit stack of ranges, median-of-three pivots, the
 * larger side pushed first so that the stack stays logarithmic; pointers, not indices. */
#include "../common.h"

static void swap_at(int *x, int *y) {
  int t = *x;
  *x = *y;
  *y = t;
}

ALGORITHM void stack_quicksort(int *base, int n) {
  int *stack[2 * 64];
  int top = 0;
  if (n < 2) return;
  stack[top++] = base;
  stack[top++] = base + n - 1;
  while (top > 0) {
    int *hi = stack[--top];
    int *lo = stack[--top];
    while (lo < hi) {
      int *mid = lo + (hi - lo) / 2;
      if (*mid < *lo) swap_at(mid, lo);
      if (*hi < *lo) swap_at(hi, lo);
      if (*hi < *mid) swap_at(hi, mid);
      int pivot = *mid;
      int *l = lo, *r = hi;
      while (l <= r) {
        while (*l < pivot) l++;
        while (*r > pivot) r--;
        if (l <= r) {
          swap_at(l, r);
          l++;
          r--;
        }
      }
      /* Push the larger side, loop on the smaller one. */
      if (r - lo > hi - l) {
        stack[top++] = lo;
        stack[top++] = r;
        lo = l;
      } else {
        stack[top++] = l;
        stack[top++] = hi;
        hi = r;
      }
    }
  }
}

int main(int argc, char **argv) {
  input_t in = open_input(argc, argv);
  int n = (int)next_int(&in);
  int *a = read_ints(&in, n);
  stack_quicksort(a, n);
  print_checksum(checksum_ints(a, n));
  return 0;
}
