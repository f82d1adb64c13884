/* Quicksort with Hoare's partition: the middle element is the pivot, two indices move
 * towards each other. */
#include "../common.h"

ALGORITHM void hoare_quicksort(int *a, int lo, int hi) {
  if (lo >= hi) return;
  int pivot = a[lo + (hi - lo) / 2];
  int i = lo - 1, j = hi + 1;
  for (;;) {
    do i++; while (a[i] < pivot);
    do j--; while (a[j] > pivot);
    if (i >= j) break;
    int t = a[i];
    a[i] = a[j];
    a[j] = t;
  }
  hoare_quicksort(a, lo, j);
  hoare_quicksort(a, j + 1, hi);
}

int main(int argc, char **argv) {
  input_t in = open_input(argc, argv);
  int n = (int)next_int(&in);
  int *a = read_ints(&in, n);
  hoare_quicksort(a, 0, n - 1);
  print_checksum(checksum_ints(a, n));
  return 0;
}
