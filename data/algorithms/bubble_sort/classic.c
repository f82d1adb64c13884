/* Bubble sort: fixed nested index loops, a full pass every time, swap through a temporary. */
#include "../common.h"

ALGORITHM void bubble_sort(int *a, int n) {
  for (int i = 0; i < n - 1; i++) {
    for (int j = 0; j < n - 1 - i; j++) {
      if (a[j] > a[j + 1]) {
        int t = a[j];
        a[j] = a[j + 1];
        a[j + 1] = t;
      }
    }
  }
}

int main(int argc, char **argv) {
  input_t in = open_input(argc, argv);
  int n = (int)next_int(&in);
  int *a = read_ints(&in, n);
  bubble_sort(a, n);
  print_checksum(checksum_ints(a, n));
  return 0;
}
