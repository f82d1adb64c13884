/* Heapsort written entirely in main: 0-based max-heap, built from the last parent down, then
 * the root swapped behind the heap and sifted down by swaps, all in nested loops. Input through
 * common.h. */
#include "../common.h"

int main(int argc, char **argv) {
  input_t in = open_input(argc, argv);
  int n = (int)next_int(&in);
  int *a = read_ints(&in, n);
  for (int phase = 0; phase < 2; phase++) {
    int first = phase == 0 ? n / 2 - 1 : n - 1;
    for (int k = first; k >= (phase == 0 ? 0 : 1); k--) {
      int size = n, node = k;
      if (phase == 1) {
        int t = a[0];
        a[0] = a[k];
        a[k] = t;
        size = k;
        node = 0;
      }
      while (2 * node + 1 < size) {
        int child = 2 * node + 1;
        if (child + 1 < size && a[child + 1] > a[child]) child++;
        if (a[node] >= a[child]) break;
        int t = a[node];
        a[node] = a[child];
        a[child] = t;
        node = child;
      }
    }
  }
  print_checksum(checksum_ints(a, n));
  return 0;
}
