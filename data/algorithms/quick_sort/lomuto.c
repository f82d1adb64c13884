/* Quicksort with Lomuto's partition: the last element is the pivot, recursion on both sides. */
#include "../common.h"

static int lomuto_partition(int *a, int lo, int hi) {
  int pivot = a[hi];
  int i = lo;
  for (int j = lo; j < hi; j++) {
    if (a[j] < pivot) {
      int t = a[i];
      a[i] = a[j];
      a[j] = t;
      i++;
    }
  }
  int t = a[i];
  a[i] = a[hi];
  a[hi] = t;
  return i;
}

ALGORITHM void quick_sort(int *a, int lo, int hi) {
  if (lo >= hi) return;
  int p = lomuto_partition(a, lo, hi);
  quick_sort(a, lo, p - 1);
  quick_sort(a, p + 1, hi);
}

int main(int argc, char **argv) {
  input_t in = open_input(argc, argv);
  int n = (int)next_int(&in);
  int *a = read_ints(&in, n);
  quick_sort(a, 0, n - 1);
  print_checksum(checksum_ints(a, n));
  return 0;
}
