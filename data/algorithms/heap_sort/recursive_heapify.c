/* Heapsort as in CLRS: recursive max-heapify, bottom-up heap construction, 0-based array. */
#include "../common.h"

static void max_heapify(int *a, int size, int i) {
  int left = 2 * i + 1, right = 2 * i + 2, largest = i;
  if (left < size && a[left] > a[largest]) largest = left;
  if (right < size && a[right] > a[largest]) largest = right;
  if (largest != i) {
    int t = a[i];
    a[i] = a[largest];
    a[largest] = t;
    max_heapify(a, size, largest);
  }
}

ALGORITHM void heap_sort(int *a, int n) {
  for (int i = n / 2 - 1; i >= 0; i--) max_heapify(a, n, i);
  for (int end = n - 1; end > 0; end--) {
    int t = a[0];
    a[0] = a[end];
    a[end] = t;
    max_heapify(a, end, 0);
  }
}

int main(int argc, char **argv) {
  input_t in = open_input(argc, argv);
  int n = (int)next_int(&in);
  int *a = read_ints(&in, n);
  heap_sort(a, n);
  print_checksum(checksum_ints(a, n));
  return 0;
}
