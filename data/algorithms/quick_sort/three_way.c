/* Quicksort with Dijkstra's three-way partition (less / equal / greater), recursing on the
 * smaller part and looping on the larger one. */
#include "../common.h"

typedef struct {
  int lt, gt;
} bounds_t;

static bounds_t partition3(int *a, int lo, int hi) {
  int pivot = a[lo + (hi - lo) / 2];
  int lt = lo, i = lo, gt = hi;
  while (i <= gt) {
    if (a[i] < pivot) {
      int t = a[lt];
      a[lt++] = a[i];
      a[i++] = t;
    } else if (a[i] > pivot) {
      int t = a[gt];
      a[gt--] = a[i];
      a[i] = t;
    } else {
      i++;
    }
  }
  bounds_t b = {lt, gt};
  return b;
}

ALGORITHM void quicksort3(int *a, int lo, int hi) {
  while (lo < hi) {
    bounds_t b = partition3(a, lo, hi);
    if (b.lt - lo < hi - b.gt) {
      quicksort3(a, lo, b.lt - 1);
      lo = b.gt + 1;
    } else {
      quicksort3(a, b.gt + 1, hi);
      hi = b.lt - 1;
    }
  }
}

int main(int argc, char **argv) {
  input_t in = open_input(argc, argv);
  int n = (int)next_int(&in);
  int *a = read_ints(&in, n);
  quicksort3(a, 0, n - 1);
  print_checksum(checksum_ints(a, n));
  return 0;
}
