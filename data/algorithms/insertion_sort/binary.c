/* Binary insertion sort: a binary search finds the slot in the sorted prefix, then a copy loop
 * opens it. */
#include "../common.h"

static int upper_slot(const int *a, int len, int key) {
  int lo = 0, hi = len;
  while (lo < hi) {
    int mid = (lo + hi) >> 1;
    if (a[mid] <= key) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

ALGORITHM void binary_insertion_sort(int *a, int n) {
  for (int i = 1; i < n; i++) {
    int key = a[i];
    int slot = upper_slot(a, i, key);
    for (int k = i; k > slot; k--) a[k] = a[k - 1];
    a[slot] = key;
  }
}

int main(int argc, char **argv) {
  input_t in = open_input(argc, argv);
  int n = (int)next_int(&in);
  int *a = read_ints(&in, n);
  binary_insertion_sort(a, n);
  print_checksum(checksum_ints(a, n));
  return 0;
}
