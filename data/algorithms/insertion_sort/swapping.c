/* Insertion sort by adjacent swaps: the new element is swapped backwards until in place. */
#include "../common.h"

ALGORITHM void insert_by_swaps(int *a, int n) {
  for (int i = 1; i < n; i++) {
    for (int j = i; j > 0 && a[j - 1] > a[j]; j--) {
      int t = a[j];
      a[j] = a[j - 1];
      a[j - 1] = t;
    }
  }
}

int main(int argc, char **argv) {
  input_t in = open_input(argc, argv);
  int n = (int)next_int(&in);
  int *a = read_ints(&in, n);
  insert_by_swaps(a, n);
  print_checksum(checksum_ints(a, n));
  return 0;
}
