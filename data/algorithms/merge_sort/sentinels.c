/* Merge sort as in CLRS: each merge copies both halves into freshly allocated arrays ending
 * in an INT_MAX sentinel, so the merge loop has no end-of-run tests. */
#include <limits.h>
#include "../common.h"

static void merge_with_sentinels(int *a, int p, int q, int r) {
  int n1 = q - p + 1, n2 = r - q;
  int *left = malloc((size_t)(n1 + 1) * sizeof(int));
  int *right = malloc((size_t)(n2 + 1) * sizeof(int));
  for (int i = 0; i < n1; i++) left[i] = a[p + i];
  for (int j = 0; j < n2; j++) right[j] = a[q + 1 + j];
  left[n1] = INT_MAX;
  right[n2] = INT_MAX;
  int i = 0, j = 0;
  for (int k = p; k <= r; k++) {
    if (left[i] <= right[j]) a[k] = left[i++];
    else a[k] = right[j++];
  }
  free(left);
  free(right);
}

ALGORITHM void clrs_merge_sort(int *a, int p, int r) {
  if (p < r) {
    int q = (p + r) / 2;
    clrs_merge_sort(a, p, q);
    clrs_merge_sort(a, q + 1, r);
    merge_with_sentinels(a, p, q, r);
  }
}

int main(int argc, char **argv) {
  input_t in = open_input(argc, argv);
  int n = (int)next_int(&in);
  int *a = read_ints(&in, n);
  clrs_merge_sort(a, 0, n - 1);
  print_checksum(checksum_ints(a, n));
  return 0;
}
