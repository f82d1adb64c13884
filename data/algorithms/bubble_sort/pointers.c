/* Bubble sort: pointer walks down to a shrinking end pointer, swaps through a helper. */
#include "../common.h"

static void swap_ints(int *x, int *y) {
  int t = *x;
  *x = *y;
  *y = t;
}

ALGORITHM void bubble_pointers(int *begin, int *end) {
  int swapped = 1;
  while (swapped && end - begin > 1) {
    swapped = 0;
    for (int *p = begin; p + 1 < end; p++) {
      if (*p > *(p + 1)) {
        swap_ints(p, p + 1);
        swapped = 1;
      }
    }
    end--;
  }
}

int main(int argc, char **argv) {
  input_t in = open_input(argc, argv);
  int n = (int)next_int(&in);
  int *a = read_ints(&in, n);
  bubble_pointers(a, a + n);
  print_checksum(checksum_ints(a, n));
  return 0;
}
