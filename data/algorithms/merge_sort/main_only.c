/* Merge sort written entirely in main: bottom-up passes of doubling width merge neighbouring
 * runs into a scratch array, which is copied back after every pass. Input through common.h. */
#include "../common.h"

int main(int argc, char **argv) {
  input_t in = open_input(argc, argv);
  int n = (int)next_int(&in);
  int *a = read_ints(&in, n);
  int *scratch = checked_malloc((size_t)n * sizeof *scratch);
  for (int width = 1; width < n; width *= 2) {
    for (int lo = 0; lo < n; lo += 2 * width) {
      int mid = lo + width < n ? lo + width : n;
      int hi = lo + 2 * width < n ? lo + 2 * width : n;
      int i = lo, j = mid, k = lo;
      while (i < mid || j < hi) {
        if (j >= hi || (i < mid && a[i] <= a[j])) scratch[k++] = a[i++];
        else scratch[k++] = a[j++];
      }
    }
    memcpy(a, scratch, (size_t)n * sizeof *a);
  }
  print_checksum(checksum_ints(a, n));
  free(scratch);
  return 0;
}
