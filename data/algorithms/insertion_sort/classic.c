/* Insertion sort: shift larger elements right with a while loop, then drop the key in. */
#include "../common.h"

ALGORITHM void insertion_sort(int *a, int n) {
  for (int i = 1; i < n; i++) {
    int key = a[i];
    int j = i - 1;
    while (j >= 0 && a[j] > key) {
      a[j + 1] = a[j];
      j--;
    }
    a[j + 1] = key;
  }
}

int main(int argc, char **argv) {
  input_t in = open_input(argc, argv);
  int n = (int)next_int(&in);
  int *a = read_ints(&in, n);
  insertion_sort(a, n);
  print_checksum(checksum_ints(a, n));
  return 0;
}
