/* Merge sort, top-down: recursive halves, merged into one scratch buffer and copied back. */
#include "../common.h"

static void merge(int *a, int lo, int mid, int hi, int *tmp) {
  int i = lo, j = mid, k = lo;
  while (i < mid && j < hi) tmp[k++] = a[i] <= a[j] ? a[i++] : a[j++];
  while (i < mid) tmp[k++] = a[i++];
  while (j < hi) tmp[k++] = a[j++];
  for (k = lo; k < hi; k++) a[k] = tmp[k];
}

static void sort_range(int *a, int lo, int hi, int *tmp) {
  if (hi - lo < 2) return;
  int mid = lo + (hi - lo) / 2;
  sort_range(a, lo, mid, tmp);
  sort_range(a, mid, hi, tmp);
  merge(a, lo, mid, hi, tmp);
}

ALGORITHM void merge_sort(int *a, int n) {
  int *tmp = checked_malloc((size_t)n * sizeof *tmp);
  sort_range(a, 0, n, tmp);
  free(tmp);
}

int main(int argc, char **argv) {
  input_t in = open_input(argc, argv);
  int n = (int)next_int(&in);
  int *a = read_ints(&in, n);
  merge_sort(a, n);
  print_checksum(checksum_ints(a, n));
  return 0;
}
