/* Merge sort, bottom-up: runs of width 1, 2, 4, ... merged back and forth between two
 * buffers, no recursion. */
#include "../common.h"

ALGORITHM int *bottom_up_merge_sort(int *src, int *dst, int n) {
  for (int width = 1; width < n; width *= 2) {
    for (int lo = 0; lo < n; lo += 2 * width) {
      int mid = lo + width < n ? lo + width : n;
      int hi = lo + 2 * width < n ? lo + 2 * width : n;
      int i = lo, j = mid;
      for (int k = lo; k < hi; k++) {
        if (i < mid && (j >= hi || src[i] <= src[j])) dst[k] = src[i++];
        else dst[k] = src[j++];
      }
    }
    int *swap = src;
    src = dst;
    dst = swap;
  }
  return src;
}

int main(int argc, char **argv) {
  input_t in = open_input(argc, argv);
  int n = (int)next_int(&in);
  int *a = read_ints(&in, n);
  int *scratch = checked_malloc((size_t)n * sizeof *scratch);
  int *sorted = bottom_up_merge_sort(a, scratch, n);
  print_checksum(checksum_ints(sorted, n));
  return 0;
}
