/* Bubble sort: do-while passes that stop when nothing moved; each pass ends at the last swap. */
#include "../common.h"

ALGORITHM void sort_by_bubbling(int *a, int n) {
  int bound = n - 1;
  int last;
  do {
    last = 0;
    for (int j = 0; j < bound; j++) {
      if (a[j + 1] < a[j]) {
        int t = a[j + 1];
        a[j + 1] = a[j];
        a[j] = t;
        last = j;
      }
    }
    bound = last;
  } while (last > 0);
}

int main(int argc, char **argv) {
  input_t in = open_input(argc, argv);
  int n = (int)next_int(&in);
  int *a = read_ints(&in, n);
  sort_by_bubbling(a, n);
  print_checksum(checksum_ints(a, n));
  return 0;
}
