/* Heapsort with an iterative sift-down that moves a hole instead of swapping; Floyd's
 * construction; 1-based indexing through a shifted pointer. */
#include "../common.h"

static void sift_down(int *h, int hole, int size) {
  int value = h[hole];
  int child;
  while ((child = 2 * hole) <= size) {
    if (child < size && h[child + 1] > h[child]) child++;
    if (h[child] <= value) break;
    h[hole] = h[child];
    hole = child;
  }
  h[hole] = value;
}

ALGORITHM void heapsort_hole(int *a, int n) {
  int *h = a - 1; /* h[1..n] */
  for (int k = n / 2; k >= 1; k--) sift_down(h, k, n);
  for (int size = n; size > 1;) {
    int top = h[1];
    h[1] = h[size];
    h[size--] = top;
    sift_down(h, 1, size);
  }
}

int main(int argc, char **argv) {
  input_t in = open_input(argc, argv);
  int n = (int)next_int(&in);
  int *a = read_ints(&in, n);
  heapsort_hole(a, n);
  print_checksum(checksum_ints(a, n));
  return 0;
}
